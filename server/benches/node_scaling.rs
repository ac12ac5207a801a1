//! Order lookups per second with one, two and three server processes on one PostgreSQL
//! database, and one process on SQLite beside them (issue 14). Everything on this 2-core
//! machine: the nodes, PostgreSQL and the load generator share the cores, so more nodes add
//! contention, not capacity; the figures say how much a node costs, not how a cluster of real
//! machines scales.
//!
//! Closed loop at saturation: `WORKERS` clients each send the next lookup when the last is
//! answered, spread round-robin over the nodes, for 5 s (`CAREBOX_BENCH_SECONDS`). Started by `cargo xtask bench`
//! with the release binary (`CAREBOX_BENCH_BIN`) and a PostgreSQL server
//! (`CAREBOX_BENCH_POSTGRES_URL`); the results also go to `target/bench/node_scaling.json`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use support::node::{KEY, ORDERS, prepare, start};
use support::{ms, quantile};

const WORKERS: usize = 32;
/// Each run's length: `CAREBOX_BENCH_SECONDS` (`cargo xtask test` runs short), default 5.
fn seconds() -> u64 {
    std::env::var("CAREBOX_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5)
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
    tokio::time::sleep(Duration::from_secs(seconds())).await;
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
    let pg = support::node::fresh_postgres(&postgres, "scaling").await;
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
    let report = json!({"workers": WORKERS, "seconds": seconds(), "orders": ORDERS, "machine_cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0), "results": results});
    std::fs::write(out.join("node_scaling.json"), serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    println!("(one machine, {WORKERS} clients, {} s each; written to target/bench/node_scaling.json)", seconds());
}
