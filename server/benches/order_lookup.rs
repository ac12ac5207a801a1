//! Order lookup latency under a steady 1,000 requests per second (DESIGN.md §6: p99 ≤ 5 ms
//! on SQLite, 2 cores). Run by `cargo xtask bench`, which starts a release server on
//! loopback with a fresh database and passes its URL.
//!
//! Open loop: a request is started every millisecond whether or not earlier ones finished,
//! so a slow server cannot slow the load down and hide its own latency. Latency is measured
//! at the client on loopback, an upper bound for the time spent in the server.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{Target, ms, quantile};

const ORDERS: usize = 2_000;
const RATE_PER_SECOND: u64 = 1_000;
/// Seconds of load unless `CAREBOX_BENCH_SECONDS` says otherwise.
const FULL_SECONDS: u64 = 10;
const P99_BUDGET: Duration = Duration::from_millis(5);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let seconds = support::seconds_or(FULL_SECONDS);
    let target = Target::from_env();
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
    target.import_orders(&client, "B", ORDERS).await;

    // Warm up connections and caches, then measure.
    let url = format!("{}/v1/orders/lookup?key={}", target.base, target.key);
    for i in 0..200 {
        lookup(&client, &url, i).await;
    }
    println!("{RATE_PER_SECOND} lookups/s for {seconds} s (90% found, 10% wrong e-mail)…");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / RATE_PER_SECOND));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    for i in 0..(RATE_PER_SECOND * seconds) as usize {
        ticker.tick().await;
        let (client, url, tx) = (client.clone(), url.clone(), tx.clone());
        tokio::spawn(async move {
            let t = Instant::now();
            let ok = lookup(&client, &url, i).await;
            let _ = tx.send((t.elapsed(), ok));
        });
    }
    drop(tx);
    let mut latencies = Vec::new();
    let mut errors = 0;
    while let Some((latency, ok)) = rx.recv().await {
        latencies.push(latency);
        errors += usize::from(!ok);
    }
    let wall = started.elapsed();
    latencies.sort();
    let at = |q: f64| quantile(&latencies, q);
    let achieved = latencies.len() as f64 / wall.as_secs_f64();
    println!(
        "order lookup, SQLite: {} requests in {:.1} s ({achieved:.0}/s), unexpected answers {errors}\n  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms  (budget p99 ≤ {} ms)",
        latencies.len(),
        wall.as_secs_f64(),
        ms(at(0.50)),
        ms(at(0.90)),
        ms(at(0.99)),
        ms(*latencies.last().unwrap()),
        P99_BUDGET.as_millis()
    );
    if errors > 0 || at(0.99) > P99_BUDGET || achieved < RATE_PER_SECOND as f64 * 0.95 {
        eprintln!("order lookup benchmark: over budget");
        std::process::exit(1);
    }
}

/// One lookup; `true` when the answer is the expected one (200 for a match, 404 otherwise).
async fn lookup(client: &reqwest::Client, url: &str, i: usize) -> bool {
    let n = (i * 7919) % ORDERS;
    let found = !i.is_multiple_of(10);
    let email = if found { format!("shopper{n}@example.com") } else { format!("nobody{n}@example.com") };
    let body = json!({"order_number": format!("B-{n}"), "email": email});
    match client.post(url).json(&body).send().await {
        Ok(response) => response.status().as_u16() == if found { 200 } else { 404 },
        Err(_) => false,
    }
}
