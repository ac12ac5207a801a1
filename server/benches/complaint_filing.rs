//! Complaints accepted per second on the local server with SQLite (issue 4's figure). Run by
//! `cargo xtask bench` against a release server with a fresh database.
//!
//! Closed loop: 32 shoppers file complaints as fast as the server accepts them for 10 s (or
//! `CAREBOX_BENCH_SECONDS`), each
//! with a fresh Idempotency-Key; one request in ten is a retry of the previous complaint with
//! the same key, which must return the same ticket (and file nothing new). Every complaint is
//! a real insert: its row, its first timeline event, its idempotency key and its webhook
//! outbox row, in one transaction.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Target, ms, quantile};

const ORDERS: usize = 500;
const SHOPPERS: usize = 32;
/// Seconds of load unless `CAREBOX_BENCH_SECONDS` says otherwise.
const FULL_SECONDS: u64 = 10;
/// Far below what one core does; a regression (a lock held too long, a missing index) shows.
const FLOOR_PER_SECOND: f64 = 200.0;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let seconds = support::seconds_or(FULL_SECONDS);
    let target = Target::from_env();
    let client = reqwest::Client::builder().pool_max_idle_per_host(SHOPPERS * 2).build().unwrap();
    target.import_orders(&client, "C", ORDERS).await;
    println!("looking up {ORDERS} orders for their tokens…");
    let lookup_url = format!("{}/v1/orders/lookup?key={}", target.base, target.key);
    let mut tokens = Vec::with_capacity(ORDERS);
    for i in 0..ORDERS {
        let body = json!({"order_number": format!("C-{i}"), "email": format!("shopper{i}@example.com")});
        let answer: serde_json::Value = client.post(&lookup_url).json(&body).send().await.unwrap().json().await.unwrap();
        tokens.push(answer["token"].as_str().expect("lookup token").to_owned());
    }

    println!("{SHOPPERS} shoppers filing complaints for {seconds} s (one request in ten a retry with the same key)…");
    let file_url = format!("{}/v1/complaints?key={}", target.base, target.key);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut shoppers = Vec::new();
    for shopper in 0..SHOPPERS {
        let (client, url, tokens) = (client.clone(), file_url.clone(), tokens.clone());
        shoppers.push(tokio::spawn(async move {
            let mut result = Outcome::default();
            let mut n = 0usize;
            // The last complaint filed: its key, order, body and ticket, for the retry.
            let mut previous: Option<(String, usize, serde_json::Value, String)> = None;
            while Instant::now() < deadline {
                let retry = n % 10 == 9 && previous.is_some();
                let (key, order, body) = match (&previous, retry) {
                    (Some((key, order, body, _)), true) => (key.clone(), *order, body.clone()),
                    _ => {
                        let order = (shopper * 7919 + n * 31) % ORDERS;
                        let body = json!({
                            "order_number": format!("C-{order}"),
                            "items": [0],
                            "category": "quality",
                            "description": format!("Benchmark complaint number {n} from shopper {shopper}, about the flask."),
                            "desired_resolution": "replacement",
                            "contact_preference": "email",
                        });
                        (format!("bench-{shopper}-{n}"), order, body)
                    }
                };
                let t = Instant::now();
                let response = client.post(&url).bearer_auth(&tokens[order]).header("idempotency-key", &key).json(&body).send().await;
                let latency = t.elapsed();
                let ticket = match response {
                    Ok(r) if r.status().as_u16() == 201 => {
                        r.json::<serde_json::Value>().await.ok().and_then(|v| v["ticket"].as_str().map(str::to_owned))
                    }
                    _ => None,
                };
                match (ticket, retry) {
                    (Some(ticket), true) if previous.as_ref().is_some_and(|p| p.3 == ticket) => result.replays += 1,
                    (Some(ticket), false) => {
                        result.latencies.push(latency);
                        result.tickets.push(ticket.clone());
                        previous = Some((key, order, body, ticket));
                    }
                    _ => result.unexpected += 1,
                }
                n += 1;
            }
            result
        }));
    }
    let mut all = Outcome::default();
    for shopper in shoppers {
        let result = shopper.await.unwrap();
        all.latencies.extend(result.latencies);
        all.tickets.extend(result.tickets);
        all.replays += result.replays;
        all.unexpected += result.unexpected;
    }
    let wall = started.elapsed();
    all.latencies.sort();
    let distinct: HashSet<&String> = all.tickets.iter().collect();
    let per_second = all.tickets.len() as f64 / wall.as_secs_f64();
    println!(
        "complaints, SQLite: {} filed in {:.1} s = {per_second:.0} complaints/s accepted; {} retries answered with the same ticket; unexpected answers {}\n  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  (floor {FLOOR_PER_SECOND:.0}/s)",
        all.tickets.len(),
        wall.as_secs_f64(),
        all.replays,
        all.unexpected,
        ms(quantile(&all.latencies, 0.50)),
        ms(quantile(&all.latencies, 0.90)),
        ms(quantile(&all.latencies, 0.99)),
    );
    let duplicated = distinct.len() != all.tickets.len();
    if all.unexpected > 0 || duplicated || per_second < FLOOR_PER_SECOND {
        eprintln!("complaint benchmark failed: unexpected {}, duplicated tickets {duplicated}, {per_second:.0}/s", all.unexpected);
        std::process::exit(1);
    }
}

#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    tickets: Vec<String>,
    replays: usize,
    unexpected: usize,
}
