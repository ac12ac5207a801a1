//! Carebox against the ceiling, in the same run (issue 15): a bare axum JSON handler served
//! beside Carebox, and the same load generator (`wrk` from Debian, 32 connections) against
//! both: order lookup, order view, widget config and complaint filing, each at saturation as
//! requests per second with p50/p99 and its ratio to the bare handler; on SQLite and on
//! PostgreSQL. Results also in `target/bench/ceiling.json`.
//!
//! Run by `cargo xtask bench` (which installs wrk and gives the release binary,
//! `CAREBOX_BENCH_BIN`, and a PostgreSQL server, `CAREBOX_BENCH_POSTGRES_URL`).
//! `CAREBOX_BENCH_SECONDS` sets each run's length (default 8).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use support::node::{KEY, Node, prepare, start};

const CONNECTIONS: &str = "32";

/// The ceiling: what axum alone answers on this machine, a small JSON body per request.
async fn bare_handler() -> String {
    let app = axum::Router::new()
        .route("/json", axum::routing::get(|| async { axum::Json(json!({"status": "ok", "message": "the bare handler"})) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// One wrk run: requests per second, p50 and p99 in ms, answers that were not 2xx.
struct Run {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
}

fn wrk(url: &str, script: Option<&Path>, seconds: u64) -> Run {
    let mut command = Command::new("wrk");
    command.args(["--threads", "2", "--connections", CONNECTIONS, "--latency", "--duration", &format!("{seconds}s")]);
    if let Some(script) = script {
        command.arg("--script").arg(script);
    }
    let output = command.arg(url).output().expect("wrk runs (cargo xtask bench installs it)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "wrk failed: {text}{}", String::from_utf8_lossy(&output.stderr));
    let number_after = |label: &str| -> Option<String> {
        text.lines()
            .find_map(|line| line.trim_start().strip_prefix(label).map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned()))
    };
    let millis = |raw: String| -> f64 {
        let (number, unit) = raw.split_at(raw.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(raw.len()));
        let number: f64 = number.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => number / 1000.0,
            "ms" => number,
            "s" => number * 1000.0,
            _ => f64::NAN,
        }
    };
    Run {
        per_second: number_after("Requests/sec:").and_then(|n| n.parse().ok()).unwrap_or(0.0),
        p50_ms: millis(number_after("50%").unwrap_or_default()),
        p99_ms: millis(number_after("99%").unwrap_or_default()),
        non_2xx: number_after("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0),
    }
}

/// A wrk script for one request shape; `{{n}}` in a header or body becomes a number unique
/// to each request across wrk's threads (complaints need a fresh Idempotency-Key each).
fn script(dir: &Path, name: &str, method: &str, headers: &[(&str, String)], body: Option<&str>) -> std::path::PathBuf {
    let lua_string = |s: &str| format!("{:?}", s); // a Rust debug string is a valid Lua string here
    let headers: Vec<String> = headers.iter().map(|(k, v)| format!("[{}] = {}", lua_string(k), lua_string(v))).collect();
    let text = format!(
        r#"local counter = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) me = id or 0 end
local template_headers = {{ {headers} }}
local template_body = {body}
request = function()
  counter = counter + 1
  local n = tostring(me) .. "-" .. tostring(counter)
  local h = {{}}
  for k, v in pairs(template_headers) do h[k] = string.gsub(v, "{{{{n}}}}", n) end
  local b = template_body and string.gsub(template_body, "{{{{n}}}}", n) or nil
  return wrk.format({method}, nil, h, b)
end
"#,
        headers = headers.join(", "),
        body = body.map(lua_string).unwrap_or_else(|| "nil".into()),
        method = lua_string(method),
    );
    let path = dir.join(format!("{name}.lua"));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::main]
async fn main() {
    let binary = std::env::var("CAREBOX_BENCH_BIN").expect("CAREBOX_BENCH_BIN: run through `cargo xtask bench`");
    let postgres = std::env::var("CAREBOX_BENCH_POSTGRES_URL").expect("CAREBOX_BENCH_POSTGRES_URL: run through `cargo xtask bench`");
    let seconds: u64 = std::env::var("CAREBOX_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(8);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let client = reqwest::Client::new();

    let ceiling_url = format!("{}/json", bare_handler().await);
    wrk(&ceiling_url, None, 1); // warm-up
    let ceiling = wrk(&ceiling_url, None, seconds);
    println!(
        "bare axum JSON handler (the ceiling): {:.0}/s  p50 {:.2} ms  p99 {:.2} ms",
        ceiling.per_second, ceiling.p50_ms, ceiling.p99_ms
    );

    let sqlite_dir = std::env::temp_dir().join(format!("carebox-bench-ceiling-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    let engines = [
        ("SQLite", format!("sqlite://{}", sqlite_dir.join("carebox.db").display())),
        ("PostgreSQL", support::node::fresh_postgres(&postgres, "ceiling").await),
    ];
    let mut results = vec![
        json!({"what": "bare axum handler", "per_second": ceiling.per_second.round(), "p50_ms": ceiling.p50_ms, "p99_ms": ceiling.p99_ms}),
    ];
    for (engine, url) in engines {
        let node: Node = start(&binary, &url).await;
        prepare(&url, &node, &client).await;
        let base = &node.base;
        let lookup: Value = client
            .post(format!("{base}/v1/orders/lookup?key={KEY}"))
            .json(&json!({"order_number": "S-7", "email": "shopper7@example.com"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = lookup["token"].as_str().expect("a token").to_owned();
        let json_header = ("Content-Type", "application/json".to_owned());
        let bearer = ("Authorization", format!("Bearer {token}"));
        let complaint = r#"{"order_number":"S-7","items":[0],"category":"service","description":"Nobody answered my e-mails ({{n}}).","desired_resolution":"just_let_you_know","contact_preference":"widget_only"}"#;
        let cases = [
            (
                "order lookup",
                format!("{base}/v1/orders/lookup?key={KEY}"),
                Some(script(
                    &out,
                    "lookup",
                    "POST",
                    std::slice::from_ref(&json_header),
                    Some(r#"{"order_number":"S-7","email":"shopper7@example.com"}"#),
                )),
            ),
            (
                "order view",
                format!("{base}/v1/orders/S-7?key={KEY}"),
                Some(script(&out, "view", "GET", std::slice::from_ref(&bearer), None)),
            ),
            ("widget config", format!("{base}/v1/widget/config?key={KEY}"), None),
            (
                "complaint filing",
                format!("{base}/v1/complaints?key={KEY}"),
                Some(script(
                    &out,
                    "filing",
                    "POST",
                    &[json_header.clone(), bearer.clone(), ("Idempotency-Key", "bench-{{n}}".to_owned())],
                    Some(complaint),
                )),
            ),
        ];
        for (what, url, script) in cases {
            wrk(&url, script.as_deref(), 1); // warm-up
            let run = wrk(&url, script.as_deref(), seconds);
            let ratio = run.per_second / ceiling.per_second;
            println!(
                "{what}, {engine}: {:.0}/s  p50 {:.2} ms  p99 {:.2} ms  = {:.1}% of the ceiling{}",
                run.per_second,
                run.p50_ms,
                run.p99_ms,
                ratio * 100.0,
                if run.non_2xx > 0 { format!("  ({} answers not 2xx)", run.non_2xx) } else { String::new() }
            );
            assert_eq!(run.non_2xx, 0, "{what} on {engine}: every answer 2xx");
            results.push(json!({"what": what, "engine": engine, "per_second": run.per_second.round(), "p50_ms": run.p50_ms, "p99_ms": run.p99_ms, "ratio_to_ceiling": (ratio * 1000.0).round() / 1000.0}));
        }
        if engine == "SQLite" {
            // Every acknowledged complaint is there (wrk counted its 201s; the database holds them).
            let pool = sqlx::AnyPool::connect(&url).await.unwrap();
            use sqlx::Row;
            let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM complaints").fetch_one(&pool).await.unwrap().try_get("n").unwrap();
            println!("  complaints stored on SQLite after the runs: {stored}");
        }
        drop(node);
    }
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    let report = json!({"tool": "wrk", "connections": 32, "threads": 2, "seconds": seconds, "results": results});
    std::fs::write(out.join("ceiling.json"), serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    println!("(wrk, 32 connections, {seconds} s each, one machine; written to target/bench/ceiling.json)");
}
