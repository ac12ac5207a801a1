//! Issue 12's figure: a spray of a million distinct keys keeps the in-process limiter's
//! memory flat. Run by `cargo xtask bench` (and `cargo xtask test`'s bench layer).
//!
//! Keys are what a botnet of guessers makes: every failed lookup from a new address for a new
//! order number is a new key. Meanwhile one persistent guesser keeps hitting its spent key;
//! the spray must neither grow memory past the cache's capacity nor make the limiter forget
//! that guesser. Memory is the process's resident set, read from /proc.

use std::time::{Duration, Instant};

use carebox_contract::Timestamp;
use carebox_server::http::rate_limit::{IN_PROCESS_CAPACITY, Limit, RateLimiter};

const SPRAYED: u64 = 1_000_000;
/// Keys sprayed before the "filled" reading: twice the capacity, so the cache is full.
const FILL: u64 = 2 * IN_PROCESS_CAPACITY;
/// Growth allowed from "filled" to the end: allocator noise, not 900,000 more keys (a full
/// cache of 50,000 keys takes ~22 MB, so an unbounded one would grow by hundreds).
const FLAT_BUDGET_BYTES: u64 = 16 << 20;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux)");
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).expect("resident pages");
    pages * 4096
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let limit = Limit { max: 10, window: Duration::from_secs(600) };
    let limiter = RateLimiter::in_process(IN_PROCESS_CAPACITY, limit.window);
    let now = Timestamp::from_unix_ms(1_795_599_000_000);
    let hot = "order:m_demo:NW-1004:198.51.100.7";
    let before = resident_bytes();
    for _ in 0..limit.max {
        limiter.count(&[(hot, limit)], now).await.unwrap();
    }
    let started = Instant::now();
    let mut filled = 0;
    for i in 0..SPRAYED {
        let key = format!("order:m_demo:NW-{i}:2001:db8:{:x}:{:x}::", i >> 16, i & 0xffff);
        limiter.count(&[(&key, limit)], now).await.unwrap();
        if i % 1_000 == 0 {
            // The persistent guesser keeps trying (and is refused).
            assert!(limiter.retry_after(&[(hot, limit)], now).await.unwrap().is_some(), "hot key forgotten after {i} keys");
        }
        if i + 1 == FILL {
            limiter.tracked_keys();
            filled = resident_bytes();
        }
    }
    let elapsed = started.elapsed();
    let tracked = limiter.tracked_keys().expect("in-process");
    let after = resident_bytes();
    let still_limited = limiter.retry_after(&[(hot, limit)], now).await.unwrap().is_some();
    println!("keys sprayed:               {SPRAYED}");
    println!("keys tracked afterwards:    {tracked} (capacity {IN_PROCESS_CAPACITY})");
    println!("resident memory before:     {}", mib(before));
    println!("  after {FILL} keys:       {}", mib(filled));
    println!("  after {SPRAYED} keys:      {}", mib(after));
    println!("growth over the last {} keys: {}", SPRAYED - FILL, mib(after.saturating_sub(filled)));
    println!("time per counted attempt:   {:.2} µs", elapsed.as_secs_f64() * 1e6 / SPRAYED as f64);
    println!("persistent guesser still refused: {still_limited}");
    let mut failures = Vec::new();
    if tracked > IN_PROCESS_CAPACITY {
        failures.push(format!("{tracked} keys tracked, above the capacity {IN_PROCESS_CAPACITY}"));
    }
    if after.saturating_sub(filled) > FLAT_BUDGET_BYTES {
        failures.push(format!("memory grew {} after the cache was full (budget {})", mib(after - filled), mib(FLAT_BUDGET_BYTES)));
    }
    if !still_limited {
        failures.push("the spray made the limiter forget the persistent guesser".into());
    }
    if !failures.is_empty() {
        eprintln!("FAILED: {}", failures.join("; "));
        std::process::exit(1);
    }
}
