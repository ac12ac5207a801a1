//! Carebox against the ceiling, in the same run (issue 15): a bare axum JSON handler served
//! beside Carebox, and the same load generator (`wrk` from Debian, 32 connections) against
//! both: order lookup, order view, widget config and complaint filing, each at saturation as
//! requests per second with p50/p99 and its ratio to the bare handler measured in rounds
//! alternating with it, and at a fixed 1,000 requests per second (open loop, reqwest) as
//! p50/p99; on SQLite and on PostgreSQL. Results also in `target/bench/ceiling.json`.
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
/// The steady load every endpoint is also measured at (open loop: a request starts every
/// millisecond whether or not earlier ones are answered, so a slow server cannot slow the load).
const FIXED_RATE: u64 = 1_000;

/// One request shape, as wrk sends it (a Lua script) and as the fixed-rate phase does (reqwest).
/// `{{n}}` in a header or the body becomes a number unique to each request.
struct Case {
    what: &'static str,
    name: &'static str,
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<&'static str>,
}

impl Case {
    fn request(&self, client: &reqwest::Client, n: u64) -> reqwest::RequestBuilder {
        let unique = |text: &str| text.replace("{{n}}", &format!("steady-{n}"));
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).expect("a method");
        let mut request = client.request(method, &self.url);
        for (name, value) in &self.headers {
            request = request.header(*name, unique(value));
        }
        match self.body {
            Some(body) => request.body(unique(body)),
            None => request,
        }
    }
}

/// Latency at a fixed rate for `seconds`: p50 and p99 in ms, answers that were not 2xx.
async fn fixed_rate(client: &reqwest::Client, case: &Case, rate: u64, seconds: u64) -> Run {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut ticker = tokio::time::interval(std::time::Duration::from_micros(1_000_000 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for n in 0..rate * seconds {
        ticker.tick().await;
        let (request, tx) = (case.request(client, n), tx.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let ok = match request.send().await {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            let _ = tx.send((started.elapsed(), ok));
        });
    }
    drop(tx);
    let (mut latencies, mut non_2xx) = (Vec::new(), 0);
    while let Some((latency, ok)) = rx.recv().await {
        latencies.push(latency);
        non_2xx += u64::from(!ok);
    }
    latencies.sort();
    let at = |q: f64| support::ms(support::quantile(&latencies, q));
    Run { per_second: rate as f64, p50_ms: at(0.5), p99_ms: at(0.99), non_2xx }
}

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

/// The ceiling and a case in alternating rounds, `seconds` of each in all: this machine's speed
/// drifts by a third within seconds (the bare handler measured 38k and 57k/s in one run), and
/// a ratio to a figure taken even a run apart carries that drift. Requests per second are the
/// rounds' mean, p50 their median, p99 their worst.
fn against_ceiling(ceiling_url: &str, case_url: &str, script: &Path, seconds: u64) -> (Run, Run) {
    let round = if seconds >= 4 { 2 } else { 1 };
    let (mut ceiling, mut case) = (Vec::new(), Vec::new());
    for _ in 0..(seconds / round).max(1) {
        ceiling.push(wrk(ceiling_url, None, round));
        case.push(wrk(case_url, Some(script), round));
    }
    (Run::of_rounds(&ceiling), Run::of_rounds(&case))
}

impl Run {
    fn of_rounds(rounds: &[Run]) -> Run {
        let mut p50: Vec<f64> = rounds.iter().map(|r| r.p50_ms).collect();
        p50.sort_by(f64::total_cmp);
        Run {
            per_second: rounds.iter().map(|r| r.per_second).sum::<f64>() / rounds.len() as f64,
            p50_ms: p50[p50.len() / 2],
            p99_ms: rounds.iter().map(|r| r.p99_ms).fold(f64::NAN, f64::max),
            non_2xx: rounds.iter().map(|r| r.non_2xx).sum(),
        }
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
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();

    let ceiling_url = format!("{}/json", bare_handler().await);
    wrk(&ceiling_url, None, 1); // warm-up
    let ceiling = wrk(&ceiling_url, None, seconds);
    let bare = Case { what: "bare axum handler", name: "bare", method: "GET", url: ceiling_url.clone(), headers: vec![], body: None };
    let ceiling_steady = fixed_rate(&client, &bare, FIXED_RATE, seconds).await;
    println!(
        "bare axum JSON handler (the ceiling): {:.0}/s  p50 {:.2} ms  p99 {:.2} ms; at {FIXED_RATE}/s: p50 {:.2} ms  p99 {:.2} ms",
        ceiling.per_second, ceiling.p50_ms, ceiling.p99_ms, ceiling_steady.p50_ms, ceiling_steady.p99_ms
    );

    let sqlite_dir = std::env::temp_dir().join(format!("carebox-bench-ceiling-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    let engines = [
        ("SQLite", format!("sqlite://{}", sqlite_dir.join("carebox.db").display())),
        ("PostgreSQL", support::node::fresh_postgres(&postgres, "ceiling").await),
    ];
    let mut results = vec![
        json!({"what": "bare axum handler", "per_second": ceiling.per_second.round(), "p50_ms": ceiling.p50_ms, "p99_ms": ceiling.p99_ms,
               "fixed_rate": {"per_second": FIXED_RATE, "p50_ms": ceiling_steady.p50_ms, "p99_ms": ceiling_steady.p99_ms}}),
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
        let lookup_body = r#"{"order_number":"S-7","email":"shopper7@example.com"}"#;
        let cases = [
            Case {
                what: "order lookup",
                name: "lookup",
                method: "POST",
                url: format!("{base}/v1/orders/lookup?key={KEY}"),
                headers: vec![json_header.clone()],
                body: Some(lookup_body),
            },
            Case {
                what: "order view",
                name: "view",
                method: "GET",
                url: format!("{base}/v1/orders/S-7?key={KEY}"),
                headers: vec![bearer.clone()],
                body: None,
            },
            Case {
                what: "widget config",
                name: "config",
                method: "GET",
                url: format!("{base}/v1/widget/config?key={KEY}"),
                headers: vec![],
                body: None,
            },
            Case {
                what: "complaint filing",
                name: "filing",
                method: "POST",
                url: format!("{base}/v1/complaints?key={KEY}"),
                headers: vec![json_header.clone(), bearer.clone(), ("Idempotency-Key", "bench-{{n}}".to_owned())],
                body: Some(complaint),
            },
        ];
        for case in &cases {
            let what = case.what;
            let script = script(&out, case.name, case.method, &case.headers, case.body);
            wrk(&case.url, Some(&script), 1); // warm-up
            let (ceiling_now, run) = against_ceiling(&ceiling_url, &case.url, &script, seconds);
            let ratio = run.per_second / ceiling_now.per_second;
            let steady = fixed_rate(&client, case, FIXED_RATE, seconds).await;
            println!(
                "{what}, {engine}: {:.0}/s  p50 {:.2} ms  p99 {:.2} ms  = {:.1}% of the ceiling ({:.0}/s in the rounds between){}; at {FIXED_RATE}/s: p50 {:.2} ms  p99 {:.2} ms",
                run.per_second,
                run.p50_ms,
                run.p99_ms,
                ratio * 100.0,
                ceiling_now.per_second,
                if run.non_2xx > 0 { format!("  ({} answers not 2xx)", run.non_2xx) } else { String::new() },
                steady.p50_ms,
                steady.p99_ms,
            );
            assert_eq!(run.non_2xx, 0, "{what} on {engine}: every answer 2xx");
            assert_eq!(steady.non_2xx, 0, "{what} on {engine} at {FIXED_RATE}/s: every answer 2xx");
            results.push(
                json!({"what": what, "engine": engine, "per_second": run.per_second.round(), "p50_ms": run.p50_ms, "p99_ms": run.p99_ms,
                                "ratio_to_ceiling": (ratio * 1000.0).round() / 1000.0, "ceiling_per_second": ceiling_now.per_second.round(),
                                "fixed_rate": {"per_second": FIXED_RATE, "p50_ms": steady.p50_ms, "p99_ms": steady.p99_ms}}),
            );
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
