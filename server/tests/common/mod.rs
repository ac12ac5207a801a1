//! Spawns the real server on a random loopback port with a fresh database, per test.

#![allow(dead_code)]

use std::net::SocketAddr;

use carebox_contract::{Feature, PublishableKey, Theme};
use carebox_server::{Settings, Store, storage::{MerchantSettings, NewMerchant}};
use tokio::sync::oneshot;

pub const SHOP_KEY: &str = "pk_test_shop_one";
pub const SHOP_ORIGIN: &str = "https://shop-one.example";
pub const OTHER_KEY: &str = "pk_test_shop_two";
pub const OTHER_ORIGIN: &str = "https://shop-two.example";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Store,
    _shutdown: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A server with two merchants, each allowing only its own origin.
    pub async fn spawn() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = format!("sqlite://{}", dir.path().join("carebox.db").display());
        let (bound_tx, bound_rx) = oneshot::channel::<SocketAddr>();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let settings = Settings::for_database(&database_url);
        tokio::spawn(async move {
            let shutdown = async {
                let _ = shutdown_rx.await;
            };
            carebox_server::run(settings, move |addr| { let _ = bound_tx.send(addr); }, shutdown)
                .await
                .expect("server runs");
        });
        let addr = bound_rx.await.expect("server bound");
        let store = Store::connect(&database_url).await.expect("store");
        for (id, name, key, origin) in [
            ("m_one", "Shop One", SHOP_KEY, SHOP_ORIGIN),
            ("m_two", "Shop Two", OTHER_KEY, OTHER_ORIGIN),
        ] {
            store
                .upsert_merchant(NewMerchant {
                    id,
                    name,
                    publishable_key: &PublishableKey::parse(key).unwrap(),
                    secret_key: &format!("sk_{id}_secret"),
                    settings: &MerchantSettings {
                        greetings: Default::default(),
                        features: vec![Feature::OrderStatus, Feature::Loyalty],
                        theme: Theme::default(),
                    },
                    allowed_origins: &[origin.to_owned()],
                })
                .await
                .expect("merchant seeded");
        }
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            store,
            _shutdown: shutdown_tx,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The error envelope's parts, asserting the documented shape on the way.
pub async fn error_of(response: reqwest::Response) -> (u16, String, Option<String>) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("JSON error body");
    let error = body.get("error").unwrap_or_else(|| panic!("no `error` in {body}"));
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "no message in {body}");
    (status, error["code"].as_str().expect("code").to_owned(), error["field"].as_str().map(str::to_owned))
}
