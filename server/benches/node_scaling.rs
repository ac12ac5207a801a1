//! Order lookups per second with one, two and three server processes on one PostgreSQL
//! database, and one process on SQLite beside them (issue 14). Everything on this 2-core
//! machine: the nodes, PostgreSQL and the load generator share the cores, so more nodes add
//! contention, not capacity; the figures say how much a node costs, not how a cluster of real
//! machines scales.
//!
//! Closed loop at saturation: `WORKERS` clients each send the next lookup when the last is
//! answered, spread round-robin over the nodes, for `SECONDS`. Started by `cargo xtask bench`
//! with the release binary (`CAREBOX_BENCH_BIN`) and a PostgreSQL server
//! (`CAREBOX_BENCH_POSTGRES_URL`); the results also go to `target/bench/node_scaling.json`.

#[allow(dead_code)] // the shared helpers for benches against one given server
mod support;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{ms, quantile};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const ORDERS: usize = 500;
const WORKERS: usize = 32;
const SECONDS: u64 = 5;
const KEY: &str = "pk_bench_scaling";
const SECRET: &str = "sk_bench_scaling_secret";

struct Node {
    _child: Child,
    base: String,
}

async fn start(binary: &str, database_url: &str) -> Node {
    let mut child = Command::new(binary)
        .env("CAREBOX_ADDR", "127.0.0.1:0")
        .env("CAREBOX_DATABASE_URL", database_url)
        .env("CAREBOX_LOG", "warn")
        .env("CAREBOX_LOOKUP_LIMIT_PER_CLIENT", "100000000/1")
        .env("CAREBOX_LOOKUP_LIMIT_PER_ORDER", "100000000/1")
        .env_remove("CAREBOX_WIDGET_DIR")
        .env_remove("CAREBOX_DEMO_DIR")
        .env_remove("CAREBOX_SEED_DEMO")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next_line().await.unwrap().expect("the node exited before listening");
        if let Some(url) = line.strip_prefix("Carebox listening on ") {
            break url.trim().to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Node { _child: child, base }
}

/// A shop and its orders, made through the CLI and the API as an operator would.
async fn prepare(database_url: &str, node: &Node, client: &reqwest::Client) {
    let store = carebox_server::Store::connect(database_url).await.expect("database");
    store
        .upsert_merchant(carebox_server::storage::NewMerchant {
            id: "m_bench",
            name: "Bench Shop",
            publishable_key: &carebox_contract::PublishableKey::parse(KEY).unwrap(),
            secret_key: SECRET,
            shopper_token_secret: "bench-shopper-token-secret",
            settings: &carebox_server::storage::MerchantSettings {
                greetings: Default::default(),
                features: carebox_contract::Feature::ALL.to_vec(),
                theme: Default::default(),
                lookup_by: carebox_contract::LookupMode::Email,
                severe_categories: Vec::new(),
                compensation: Default::default(),
                loyalty_tiers: carebox_contract::LoyaltyTier::defaults(),
                csat: Default::default(),
                strings: Default::default(),
            },
            allowed_origins: &["https://bench.example".to_owned()],
        })
        .await
        .expect("merchant");
    for i in 0..ORDERS {
        let body = json!({"email": format!("shopper{i}@example.com"), "placed_at": "2026-11-20T10:00:00Z", "currency": "EUR",
                          "items": [{"name": "Trail Flask", "quantity": 1, "unit_price_minor": 3400}]});
        let put = client.put(format!("{}/v1/merchant/orders/S-{i}", node.base)).bearer_auth(SECRET).json(&body);
        assert!(put.send().await.unwrap().status().is_success());
    }
}

/// Saturating lookups over `bases`: (requests per second, p50, p99, errors).
async fn saturate(client: &reqwest::Client, bases: &[String]) -> (f64, Duration, Duration, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let (client, bases, stop) = (client.clone(), bases.to_vec(), stop.clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors, mut n) = (Vec::new(), 0usize, worker);
                while !stop.load(Ordering::Relaxed) {
                    let base = &bases[n % bases.len()];
                    let i = n % ORDERS;
                    let t = Instant::now();
                    let response = client
                        .post(format!("{base}/v1/orders/lookup?key={KEY}"))
                        .json(&json!({"order_number": format!("S-{i}"), "email": format!("shopper{i}@example.com")}))
                        .send()
                        .await;
                    let ok = matches!(&response, Ok(r) if r.status() == 200);
                    if let Ok(response) = response {
                        let _ = response.bytes().await;
                    }
                    latencies.push(t.elapsed());
                    errors += usize::from(!ok);
                    n += WORKERS;
                }
                (latencies, errors)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(SECONDS)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (mine, failed) = worker.await.unwrap();
        latencies.extend(mine);
        errors += failed;
    }
    let wall = started.elapsed();
    latencies.sort();
    (latencies.len() as f64 / wall.as_secs_f64(), quantile(&latencies, 0.5), quantile(&latencies, 0.99), errors)
}

async fn fresh_postgres(admin_url: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("carebox_bench_{}", std::process::id());
    let mut admin = sqlx::AnyConnection::connect(admin_url).await.expect("PostgreSQL");
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

#[tokio::main]
async fn main() {
    let binary = std::env::var("CAREBOX_BENCH_BIN").expect("CAREBOX_BENCH_BIN: run through `cargo xtask bench`");
    let postgres = std::env::var("CAREBOX_BENCH_POSTGRES_URL").expect("CAREBOX_BENCH_POSTGRES_URL: run through `cargo xtask bench`");
    let client = reqwest::Client::builder().pool_max_idle_per_host(WORKERS).build().unwrap();
    let mut results = Vec::new();

    let dir = std::env::temp_dir().join(format!("carebox-bench-sqlite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sqlite = format!("sqlite://{}", dir.join("carebox.db").display());
    let mut configurations: Vec<(&str, String, usize)> = vec![("SQLite", sqlite, 1)];
    let pg = fresh_postgres(&postgres).await;
    for nodes in 1..=3 {
        configurations.push(("PostgreSQL", pg.clone(), nodes));
    }
    let mut prepared = Vec::new();
    for (engine, url, count) in configurations {
        let mut nodes = Vec::new();
        for _ in 0..count {
            nodes.push(start(&binary, &url).await);
        }
        if !prepared.contains(&url) {
            prepare(&url, &nodes[0], &client).await;
            prepared.push(url.clone());
        }
        let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();
        saturate(&client, &bases).await; // warm-up: connections, caches, statement plans
        let (per_second, p50, p99, errors) = saturate(&client, &bases).await;
        println!(
            "order lookup, {engine}, {count} process{}: {per_second:.0}/s  p50 {:.2} ms  p99 {:.2} ms  errors {errors}",
            if count == 1 { "" } else { "es" },
            ms(p50),
            ms(p99)
        );
        assert_eq!(errors, 0, "every lookup answered 200");
        results.push(json!({"engine": engine, "processes": count, "per_second": per_second.round(), "p50_ms": ms(p50), "p99_ms": ms(p99)}));
        drop(nodes);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let report = json!({"workers": WORKERS, "seconds": SECONDS, "orders": ORDERS, "machine_cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0), "results": results});
    std::fs::write(out.join("node_scaling.json"), serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    println!("(one machine, {WORKERS} clients, {SECONDS} s each; written to target/bench/node_scaling.json)");
}
