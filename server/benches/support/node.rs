//! Carebox processes a bench starts itself (the release binary from `CAREBOX_BENCH_BIN`) and the
//! shop they serve, made as an operator would.

use std::process::Stdio;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const ORDERS: usize = 500;
pub const KEY: &str = "pk_bench_scaling";
pub const SECRET: &str = "sk_bench_scaling_secret";

pub struct Node {
    _child: Child,
    pub base: String,
}

pub async fn start(binary: &str, database_url: &str) -> Node {
    let mut child = Command::new(binary)
        .env("CAREBOX_ADDR", "127.0.0.1:0")
        .env("CAREBOX_DATABASE_URL", database_url)
        .env("CAREBOX_LOG", "warn")
        .env("CAREBOX_LOOKUP_LIMIT_PER_CLIENT", "100000000/1")
        .env("CAREBOX_LOOKUP_LIMIT_PER_ORDER", "100000000/1")
        .env("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "100000000/1")
        .env("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "100000000/1")
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
pub async fn prepare(database_url: &str, node: &Node, client: &reqwest::Client) {
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

/// A new, empty PostgreSQL database beside `admin_url`'s, named after `purpose`.
pub async fn fresh_postgres(admin_url: &str, purpose: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("carebox_bench_{purpose}_{}", std::process::id());
    let mut admin = sqlx::AnyConnection::connect(admin_url).await.expect("PostgreSQL");
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}
