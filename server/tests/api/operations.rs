//! Issue 14, what operators rely on: settings from a file and the environment with `--help`,
//! `/metrics` kept to this machine or its token, `/readyz` knowing the schema, a rolling
//! upgrade (an older node serving after a newer one migrated), a graceful stop that finishes
//! requests and webhook sends in flight, and online SQLite backups. The real binary where the
//! operator would run it; on SQLite and PostgreSQL.

use crate::common;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::node::Node;
use crate::common::*;
use carebox_server::config::SETTINGS;
use serde_json::{Value, json};
use sqlx::Row;

fn carebox(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carebox-server"))
        .args(args)
        .env_remove("CAREBOX_DATABASE_URL")
        .env_remove("CAREBOX_CONFIG")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the server binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_every_setting_and_the_readme_documents_each() {
    let help = carebox(&["serve", "--help"], &[]);
    assert!(help.status.success());
    let help = text(&help.stdout);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for setting in SETTINGS {
        assert!(help.contains(setting.env), "--help lists {}", setting.env);
        assert!(help.contains(setting.default), "--help gives {}'s default", setting.env);
        assert!(readme.contains(&format!("| `{}` |", setting.env)), "the README's table has {}", setting.env);
    }
    assert!(help.contains("--config <FILE>"));
}

#[test]
fn a_bad_setting_stops_the_start_naming_it_and_where_it_was_set() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("carebox.toml");
    let file_arg = file.to_str().unwrap();
    let refused = |contents: &str, env: &[(&str, &str)]| {
        std::fs::write(&file, contents).unwrap();
        let output = carebox(&["serve", "--config", file_arg], env);
        assert_eq!(output.status.code(), Some(2), "refused before serving: {}", text(&output.stdout));
        text(&output.stderr)
    };
    let message = refused("sla_tick_secs = 0\n", &[]);
    assert!(message.contains("CAREBOX_SLA_TICK_SECS") && message.contains(&format!("sla_tick_secs in {file_arg}")), "{message}");
    let message = refused("sla_tick = 3\n", &[]);
    assert!(message.contains("no setting is called \"sla_tick\"") && message.contains("sla_tick_secs"), "{message}");
    let message = refused("webhook_concurrency = [1, 2]\n", &[]);
    assert!(message.contains("webhook_concurrency") && message.contains("array"), "{message}");
    let message = refused("addr = \"127.0.0.1:0\"\n", &[("CAREBOX_LOG_FORMAT", "yaml")]);
    assert!(message.starts_with("carebox-server: CAREBOX_LOG_FORMAT must be text or json") && !message.contains("in "), "{message}");
    let message = refused("metrics_token = \"short\"\n", &[]);
    assert!(message.contains("CAREBOX_METRICS_TOKEN must be 16 or more characters"), "{message}");
    let message = refused("addr = \"0.0.0.0:0\"\nseed_demo = true\n", &[]);
    assert!(message.contains("CAREBOX_PUBLIC_URL") && message.contains("CAREBOX_SEED_DEMO"), "{message}");
    let output = carebox(&["serve", "--config", "/nonexistent/carebox.toml"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("the settings file /nonexistent/carebox.toml"), "{}", text(&output.stderr));
}

#[tokio::test]
async fn the_settings_file_configures_the_server_and_the_environment_wins() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("carebox.toml");
    let from_file = dir.path().join("from-file.db");
    std::fs::write(
        &file,
        format!(
            "database_url = \"sqlite://{}\"\nlog_format = \"text\"\nlookup_limit_per_client = \"2/600\"\nmetrics_token = \"a-token-from-the-file\"\n",
            from_file.display()
        ),
    )
    .unwrap();
    // The commands read the file's database too.
    let migrated = carebox(&["migrate", "--config", file.to_str().unwrap()], &[]);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert!(text(&migrated.stdout).contains("from-file.db"));
    // The environment wins: JSON logs although the file says text.
    let node = Node::start(&format!("sqlite://{}", from_file.display()), &[("CAREBOX_CONFIG", file.to_str().unwrap())]).await;
    let store = carebox_server::Store::connect(&format!("sqlite://{}", from_file.display())).await.unwrap();
    seed_merchants(&store).await;
    let client = reqwest::Client::new();
    // The file's limit: the third failed lookup is refused.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let wrong = client
            .post(node.url(&format!("/v1/orders/lookup?key={SHOP_KEY}")))
            .json(&json!({"order_number": "NW-1042", "email": "nobody@example.com"}))
            .send()
            .await
            .unwrap();
        statuses.push(wrong.status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 429]);
    // The file's metrics token.
    assert_eq!(client.get(node.url("/metrics")).send().await.unwrap().status(), 403);
    let metrics = client.get(node.url("/metrics")).bearer_auth("a-token-from-the-file").send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.text().await.unwrap().contains(r#"carebox_lookups_refused_total{limit="per_client"} 1"#));
}

async fn metrics_answer_this_machine_or_the_bearer_of_their_token(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200, "from this machine");
    assert!(metrics.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let forwarded = app.client.get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(error_of(forwarded).await, (403, "not_allowed".to_owned(), None), "a proxy on this machine is not this machine");

    let app = TestApp::spawn_configured(engine, |settings| settings.metrics_token = Some("scrape-me-if-you-know-this".into())).await;
    assert_eq!(app.client.get(app.url("/metrics")).send().await.unwrap().status(), 403, "the token is asked even here");
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("scrape-me-if-you-know-that").send().await.unwrap();
    assert_eq!(wrong.status(), 403);
    let right = app.client.get(app.url("/metrics")).bearer_auth("scrape-me-if-you-know-this").send().await.unwrap();
    assert_eq!(right.status(), 200);
    let samples = common::node::parse_metrics(&right.text().await.unwrap());
    assert!(
        samples.iter().any(|(name, _)| name.starts_with("carebox_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"403\"}"))
    );
}

/// An older node keeps serving after a newer one applied a migration it does not know (rolling
/// upgrade); a database missing one this build needs is not ready.
async fn readiness_knows_the_schema_and_older_nodes_tolerate_newer_ones(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, $2, $3, $4, $5)")
        .bind(29_991_231_000_000_i64)
        .bind("added by a newer release")
        .bind(true)
        .bind(vec![0u8; 48])
        .bind(1_i64)
        .execute(&pool)
        .await
        .unwrap();
    let older = carebox_server::Store::connect(&app.database_url).await.expect("an older node starts on a newer schema");
    assert!(older.schema_ready().await.unwrap());
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 200);

    let newest = carebox_server::storage::newest_known_migration();
    let removed = sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1").bind(newest).execute(&pool).await.unwrap();
    assert_eq!(removed.rows_affected(), 1);
    let pending = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(pending.status(), 503);
    assert_eq!(pending.json::<Value>().await.unwrap()["status"], "migrations_pending");
}

/// SIGTERM: the node stops taking connections, answers the request it is reading, finishes the
/// webhook send it holds and records it, then exits 0.
async fn a_graceful_stop_finishes_requests_and_sends_in_flight(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(engine, &dir).await;
    let store = carebox_server::Store::connect(&url).await.unwrap();
    seed_merchants(&store).await;
    let mut node = Node::start(&url, &[("CAREBOX_WEBHOOKS_TO_LOOPBACK", "1"), ("CAREBOX_WEBHOOK_TIMEOUT_SECS", "10")]).await;
    let client = reqwest::Client::new();

    // A receiver that takes 2 s to answer and says when a send has begun.
    let arrived = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let answered = Arc::new(Mutex::new(0usize));
    let (seen, answered_in) = (arrived.clone(), answered.clone());
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let (seen, answered_in) = (seen.clone(), answered_in.clone());
            async move {
                seen.lock().unwrap().push(Instant::now());
                tokio::time::sleep(Duration::from_secs(2)).await;
                *answered_in.lock().unwrap() += 1;
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await });
    let endpoint = client
        .post(node.url("/v1/merchant/webhooks"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"url": format!("http://{hook_addr}/hook")}))
        .send()
        .await
        .unwrap();
    assert_eq!(endpoint.status(), 201);
    let token = node.anna_order_token(&client).await;
    let filed = client
        .post(node.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .bearer_auth(&token)
        .header("Idempotency-Key", "graceful-1")
        .json(&json!({"order_number": "NW-1042", "items": [0], "category": "service", "description": "Nobody answered my e-mails at all.",
                      "desired_resolution": "just_let_you_know", "contact_preference": "widget_only"}))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    let started = Instant::now();
    while arrived.lock().unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(15), "the webhook send begins");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A request still being read when the signal comes: its body trickles in over 600 ms.
    let body = serde_json::to_vec(&order_body("ben@example.com")).unwrap();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body.chunks(body.len() / 3 + 1).map(|c| Ok(c.to_vec())).collect();
    let trickle = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        chunk
    });
    use futures::StreamExt;
    let slow = client
        .put(node.url("/v1/merchant/orders/NW-2001"))
        .bearer_auth(SHOP_SECRET)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(reqwest::Body::wrap_stream(trickle))
        .send();
    let slow = tokio::spawn(slow);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stopping = tokio::spawn(async move {
        let status = node.terminate().await;
        (status, Instant::now())
    });
    let slow = slow.await.unwrap().expect("the request in flight is answered");
    assert!(slow.status().is_success(), "{}", slow.status());
    let (status, stopped_at) = stopping.await.unwrap();
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
    assert_eq!(*answered.lock().unwrap(), 1, "the send in flight was finished before the node exited");
    assert!(stopped_at.duration_since(arrived.lock().unwrap()[0]) >= Duration::from_secs(2));
    let row = sqlx::query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE delivered_at_ms IS NOT NULL AND claim_token IS NULL")
        .fetch_one(&sqlx::AnyPool::connect(&url).await.unwrap())
        .await
        .unwrap();
    assert_eq!(row.try_get::<i64, _>("n").unwrap(), 1, "its outcome recorded, its lease released");
    assert!(
        store.order_by_number("m_one", &carebox_contract::OrderNumber::parse("NW-2001").unwrap()).await.unwrap().is_some(),
        "the trickled order was stored"
    );
}

/// `carebox-server backup` copies a live SQLite database into a new file; the copy opens and
/// holds what was written; it never overwrites; PostgreSQL is pointed to pg_dump.
#[tokio::test]
async fn an_sqlite_backup_is_taken_while_the_server_writes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let store = carebox_server::Store::connect(&url).await.unwrap();
    seed_merchants(&store).await;
    let node = Node::start(&url, &[]).await;
    let client = reqwest::Client::new();
    let writing = {
        let (client, base) = (client.clone(), node.base.clone());
        tokio::spawn(async move {
            for n in 0..1000 {
                let put = client
                    .put(format!("{base}/v1/merchant/orders/NW-{n:04}"))
                    .bearer_auth(SHOP_SECRET)
                    .json(&order_body("anna@example.com"));
                assert!(put.send().await.unwrap().status().is_success());
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let live = sqlx::AnyPool::connect(&url).await.unwrap();
    let stored = async || -> i64 { sqlx::query("SELECT COUNT(*) AS n FROM orders").fetch_one(&live).await.unwrap().try_get("n").unwrap() };
    let before = stored().await;
    let backup = dir.path().join("backup.db");
    let output = carebox(&["backup", "--to", backup.to_str().unwrap()], &[("CAREBOX_DATABASE_URL", &url)]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("Backed up"), "{}", text(&output.stdout));
    let after = stored().await;
    writing.await.unwrap();
    let copy = carebox_server::Store::connect(&format!("sqlite://{}", backup.display())).await.expect("the backup opens");
    assert!(copy.schema_ready().await.unwrap());
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", backup.display())).await.unwrap();
    let orders: i64 = sqlx::query("SELECT COUNT(*) AS n FROM orders").fetch_one(&pool).await.unwrap().try_get("n").unwrap();
    let merchants: i64 = sqlx::query("SELECT COUNT(*) AS n FROM merchants").fetch_one(&pool).await.unwrap().try_get("n").unwrap();
    assert_eq!(merchants, 2);
    assert!(before > 0 && after < 1000, "the server was writing throughout ({before}, {after})");
    assert!((before..=after).contains(&orders), "the orders stored when it was taken: {before} ≤ {orders} ≤ {after}");

    let again = carebox(&["backup", "--to", backup.to_str().unwrap()], &[("CAREBOX_DATABASE_URL", &url)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"), "{}", text(&again.stderr));
    if let Ok(postgres) = std::env::var("CAREBOX_TEST_POSTGRES_URL") {
        let refused = carebox(&["backup", "--to", dir.path().join("pg.db").to_str().unwrap()], &[("CAREBOX_DATABASE_URL", &postgres)]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(text(&refused.stderr).contains("pg_dump"), "{}", text(&refused.stderr));
    }
}

on_both_engines!(
    metrics_answer_this_machine_or_the_bearer_of_their_token,
    readiness_knows_the_schema_and_older_nodes_tolerate_newer_ones,
    a_graceful_stop_finishes_requests_and_sends_in_flight,
);

/// The container's HEALTHCHECK: `carebox-server probe` exits 0 when the server at CAREBOX_ADDR
/// is ready, 1 when nothing answers there.
#[tokio::test]
async fn the_health_probe_says_whether_the_server_here_is_ready() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("probe.db").display());
    let node = Node::start(&url, &[]).await;
    let addr = node.base.trim_start_matches("http://").to_owned();
    let ready = carebox(&["probe"], &[("CAREBOX_ADDR", &addr)]);
    assert!(ready.status.success(), "{}", text(&ready.stderr));
    assert!(text(&ready.stdout).contains("/readyz: 200"), "{}", text(&ready.stdout));
    let alive = carebox(&["probe", "--check", "alive"], &[("CAREBOX_ADDR", &addr)]);
    assert!(text(&alive.stdout).contains("/healthz: 200"), "{}", text(&alive.stdout));
    drop(node);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let gone = carebox(&["probe"], &[("CAREBOX_ADDR", &addr)]);
    assert_eq!(gone.status.code(), Some(1), "nothing answers: {}", text(&gone.stdout));
}
