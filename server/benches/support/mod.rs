//! What the load benchmarks share: the running server they are given and its orders, or the
//! processes they start themselves (`node`).
#![allow(dead_code)] // each bench uses its part

pub mod node;

use std::time::Duration;

use serde_json::json;

pub struct Target {
    pub base: String,
    pub key: String,
    pub secret: String,
}

impl Target {
    /// The server `cargo xtask bench` started (release build, fresh SQLite).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name}: run through `cargo xtask bench`"));
        Self { base: var("CAREBOX_BENCH_URL"), key: var("CAREBOX_BENCH_KEY"), secret: var("CAREBOX_BENCH_SECRET") }
    }

    /// Imports `count` orders `<prefix>-<i>` for `shopper<i>@example.com`, a quarter of them shipped.
    pub async fn import_orders(&self, client: &reqwest::Client, prefix: &str, count: usize) {
        println!("importing {count} orders…");
        for i in 0..count {
            let body = json!({
                "email": format!("shopper{i}@example.com"),
                "placed_at": "2026-11-20T10:00:00Z",
                "currency": "EUR",
                "items": [{"name": "Trail Flask", "quantity": 1 + i % 3, "unit_price_minor": 3400}],
                "expected_delivery": "2026-11-27",
            });
            let url = format!("{}/v1/merchant/orders/{prefix}-{i}", self.base);
            let response = client.put(url).bearer_auth(&self.secret).json(&body).send().await.unwrap();
            assert!(response.status().is_success(), "import failed: {}", response.status());
            if i % 4 == 0 {
                let event = json!({"id": "shipped", "kind": "shipped", "occurred_at": "2026-11-21T10:00:00Z"});
                let url = format!("{}/v1/merchant/orders/{prefix}-{i}/events", self.base);
                client.post(url).bearer_auth(&self.secret).json(&event).send().await.unwrap();
            }
        }
    }
}

/// How long a measurement runs: `CAREBOX_BENCH_SECONDS` (the test layer's shorter runs), else
/// `default`.
pub fn seconds_or(default: u64) -> u64 {
    std::env::var("CAREBOX_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).filter(|s| *s > 0).unwrap_or(default)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The latency at quantile `q` of sorted `latencies`.
pub fn quantile(latencies: &[Duration], q: f64) -> Duration {
    latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)]
}
