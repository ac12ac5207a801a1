//! Spawns the real server on a random loopback port with a fresh database per test, on
//! SQLite or PostgreSQL (`CAREBOX_TEST_POSTGRES_URL`, which `cargo xtask test` provides).

#![allow(dead_code)]

pub mod node;

use std::net::SocketAddr;
use std::sync::Arc;

use carebox_contract::{ComplaintCategory, Feature, LookupMode, PublishableKey, Theme, Timestamp};
use carebox_server::{
    Settings, Store,
    clock::ManualClock,
    http::Limits,
    storage::{MerchantSettings, NewMerchant},
};
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::oneshot;

pub const SHOP_KEY: &str = "pk_test_shop_one";
pub const SHOP_SECRET: &str = "sk_test_shop_one_secret";
pub const SHOP_SHOPPER_SECRET: &str = "shop-one-shopper-token-secret";
pub const SHOP_ORIGIN: &str = "https://shop-one.example";
pub const OTHER_KEY: &str = "pk_test_shop_two";
pub const OTHER_SECRET: &str = "sk_test_shop_two_secret";
pub const OTHER_SHOPPER_SECRET: &str = "shop-two-shopper-token-secret";
pub const OTHER_ORIGIN: &str = "https://shop-two.example";
/// 2026-11-25T09:30:00Z, where every test's clock starts.
pub const START_MS: i64 = 1_795_599_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(Engine)` as two tests: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() { super::$name(super::common::Engine::Sqlite).await }
            #[tokio::test]
            async fn postgres() { super::$name(super::common::Engine::Postgres).await }
        }
    )*};
}

pub struct TestApp {
    pub base: String,
    /// For a second, independent connection pool (another "process").
    pub database_url: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub clock: ManualClock,
    _shutdown: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

/// A fresh, empty database URL for one test.
pub async fn fresh_database(engine: Engine, dir: &tempfile::TempDir) -> String {
    match engine {
        Engine::Sqlite => format!("sqlite://{}", dir.path().join("carebox.db").display()),
        Engine::Postgres => {
            let base = std::env::var("CAREBOX_TEST_POSTGRES_URL")
                .expect("CAREBOX_TEST_POSTGRES_URL is not set: run `cargo xtask test`, which starts PostgreSQL on loopback");
            sqlx::any::install_default_drivers();
            let name = format!("carebox_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = sqlx::AnyConnection::connect(&base).await.expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
            let (prefix, _) = base.rsplit_once('/').expect("URL ends in /database");
            format!("{prefix}/{name}")
        }
    }
}

/// Runs a server on `database_url` and `clock` (settings for tests, then `configure`) until
/// the returned sender is dropped.
pub async fn start_server(
    database_url: &str,
    clock: &ManualClock,
    configure: impl FnOnce(&mut Settings),
) -> (SocketAddr, oneshot::Sender<()>) {
    let (bound_tx, bound_rx) = oneshot::channel::<SocketAddr>();
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let mut settings = Settings::for_database(database_url);
    // Test receivers listen on loopback; a test of the production rule sets it back.
    settings.webhook_reach = carebox_server::domain::webhook_target::WebhookReach::AlsoLoopback;
    configure(&mut settings);
    let server_clock = Arc::new(clock.clone());
    tokio::spawn(async move {
        let shutdown = async {
            let _ = shutdown_rx.await;
        };
        let on_bound = move |bound: carebox_server::Bound| {
            let _ = bound_tx.send(bound.api);
        };
        carebox_server::run(settings, server_clock, on_bound, shutdown).await.expect("server runs");
    });
    (bound_rx.await.expect("server bound"), shutdown_tx)
}

/// Shop one (all capabilities, lookup by e-mail, origin SHOP_ORIGIN) and shop two (order
/// status and loyalty, lookup by postcode).
pub async fn seed_merchants(store: &Store) {
    for (id, name, key, secret, shopper_secret, origin, lookup_by) in [
        ("m_one", "Shop One", SHOP_KEY, SHOP_SECRET, SHOP_SHOPPER_SECRET, SHOP_ORIGIN, LookupMode::Email),
        ("m_two", "Shop Two", OTHER_KEY, OTHER_SECRET, OTHER_SHOPPER_SECRET, OTHER_ORIGIN, LookupMode::Postcode),
    ] {
        store
            .upsert_merchant(NewMerchant {
                id,
                name,
                publishable_key: &PublishableKey::parse(key).unwrap(),
                secret_key: secret,
                shopper_token_secret: shopper_secret,
                settings: &MerchantSettings {
                    greetings: Default::default(),
                    features: if id == "m_one" { Feature::ALL.to_vec() } else { vec![Feature::OrderStatus, Feature::Loyalty] },
                    theme: Theme::default(),
                    lookup_by,
                    severe_categories: vec![ComplaintCategory::Damaged],
                    compensation: Default::default(),
                    loyalty_tiers: carebox_contract::LoyaltyTier::defaults(),
                    csat: Default::default(),
                    strings: Default::default(),
                },
                allowed_origins: &[origin.to_owned()],
            })
            .await
            .expect("merchant seeded");
    }
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Self {
        Self::spawn_configured(engine, |_| {}).await
    }

    pub async fn spawn_with(engine: Engine, limits: Limits) -> Self {
        Self::spawn_configured(engine, |settings| settings.limits = limits).await
    }

    /// A server with two merchants, each allowing only its own origin; shop one looks orders
    /// up by e-mail, shop two by postcode. `configure` adjusts the server's settings.
    pub async fn spawn_configured(engine: Engine, configure: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(engine, &dir).await;
        let clock = ManualClock::new(Timestamp::from_unix_ms(START_MS));
        let (addr, shutdown_tx) = start_server(&database_url, &clock, configure).await;
        let store = Store::connect(&database_url).await.expect("store");
        seed_merchants(&store).await;
        Self {
            base: format!("http://{addr}"),
            database_url,
            client: reqwest::Client::new(),
            store,
            clock,
            _shutdown: shutdown_tx,
            _dir: dir,
        }
    }

    /// Another server process on this test's database and clock, configured like the first
    /// by `configure`; it stops when the returned sender is dropped.
    pub async fn another_process(&self, configure: impl FnOnce(&mut Settings)) -> (String, oneshot::Sender<()>) {
        let (addr, shutdown) = start_server(&self.database_url, &self.clock, configure).await;
        (format!("http://{addr}"), shutdown)
    }

    pub fn clock_now(&self) -> carebox_contract::Timestamp {
        carebox_server::clock::Clock::now(&self.clock)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `PUT /v1/merchant/orders/{number}` with a merchant's secret key.
    pub async fn put_order(&self, secret: &str, number: &str, body: &Value) -> reqwest::Response {
        self.client.put(self.url(&format!("/v1/merchant/orders/{number}"))).bearer_auth(secret).json(body).send().await.unwrap()
    }

    pub async fn post_event(&self, secret: &str, number: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(&format!("/v1/merchant/orders/{number}/events"))).bearer_auth(secret).json(body).send().await.unwrap()
    }

    /// `GET path` with a merchant's secret key, its JSON answer.
    pub async fn merchant_get(&self, secret: &str, path: &str) -> Value {
        self.client.get(self.url(path)).bearer_auth(secret).send().await.unwrap().json().await.unwrap()
    }

    pub async fn lookup(&self, key: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(&format!("/v1/orders/lookup?key={key}"))).json(body).send().await.unwrap()
    }

    pub async fn get_order(&self, key: &str, number: &str, token: &str) -> reqwest::Response {
        self.client.get(self.url(&format!("/v1/orders/{number}?key={key}"))).bearer_auth(token).send().await.unwrap()
    }
}

/// A valid order body; tweak fields per test.
pub fn order_body(email: &str) -> Value {
    json!({
        "email": email,
        "postcode": "SW1A 1AA",
        "shopper_id": "shopper-anna",
        "placed_at": "2026-11-20T10:00:00Z",
        "currency": "EUR",
        "items": [
            {"name": "Trail Flask", "quantity": 2, "unit_price_minor": 3400},
            {"name": "Merino Beanie", "quantity": 1, "unit_price_minor": 2900, "image_url": "https://cdn.example/beanie.jpg"}
        ],
        "expected_delivery": "2026-11-27",
        "loyalty_points": 97
    })
}

pub fn event_body(id: &str, kind: &str, at: &str) -> Value {
    json!({"id": id, "kind": kind, "occurred_at": at})
}

/// The error envelope's parts, asserting the documented shape on the way.
pub async fn error_of(response: reqwest::Response) -> (u16, String, Option<String>) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("JSON error body");
    let error = body.get("error").unwrap_or_else(|| panic!("no `error` in {body}"));
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "no message in {body}");
    (status, error["code"].as_str().expect("code").to_owned(), error["field"].as_str().map(str::to_owned))
}

/// A shopper token as shop one's backend signs it (HS256), valid for ten minutes.
pub fn shopper_token_for(shopper_id: &str) -> String {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    use hmac::{Hmac, Mac};
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(json!({"sub": shopper_id, "exp": START_MS / 1000 + 600}).to_string());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SHOP_SHOPPER_SECRET.as_bytes()).unwrap();
    mac.update(format!("{header}.{claims}").as_bytes());
    format!("{header}.{claims}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}
