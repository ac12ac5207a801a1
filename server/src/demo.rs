//! The demo merchant that `cargo xtask demo` and the end-to-end tests shop at.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use carebox_contract::{AccentColor, ColorScheme, CornerRadius, Feature, Locale, PublishableKey, Theme};

use crate::storage::{MerchantSettings, NewMerchant, Store};

pub const DEMO_MERCHANT_ID: &str = "m_demo_northwind";
pub const DEMO_MERCHANT_NAME: &str = "Northwind Goods";
pub const DEMO_PUBLISHABLE_KEY: &str = "pk_demo_northwind";
/// Printed by `cargo xtask demo` so the merchant API can be tried; a demo value, not a secret.
pub const DEMO_SECRET_KEY: &str = "sk_demo_northwind_local_only";

/// The origins the demo shop is served from: the server's own address under both names.
pub fn origins_for(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut origins = vec![format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")];
    if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
        origins.push(format!("http://{addr}"));
    }
    origins
}

pub fn demo_settings() -> MerchantSettings {
    let greetings = BTreeMap::from([
        (Locale::En, "Hi! Track an order, report a problem or check your bonuses — we are here to help.".to_owned()),
        (Locale::Ru, "Здравствуйте! Отследите заказ, сообщите о проблеме или проверьте бонусы — мы поможем.".to_owned()),
        (Locale::Ar, "مرحبًا! تتبّع طلبك أو أبلغ عن مشكلة أو راجع مكافآتك — نحن هنا للمساعدة.".to_owned()),
    ]);
    MerchantSettings {
        greetings,
        features: Feature::ALL.to_vec(),
        theme: Theme {
            accent: AccentColor::parse("#0f766e").expect("valid demo accent"),
            radius: CornerRadius::parse(14).expect("valid demo radius"),
            color_scheme: ColorScheme::Auto,
        },
    }
}

/// Creates or refreshes the demo merchant, allowing `origins`.
pub async fn seed(store: &Store, origins: &[String]) -> Result<(), sqlx::Error> {
    let key = PublishableKey::parse(DEMO_PUBLISHABLE_KEY).expect("valid demo key");
    store
        .upsert_merchant(NewMerchant {
            id: DEMO_MERCHANT_ID,
            name: DEMO_MERCHANT_NAME,
            publishable_key: &key,
            secret_key: DEMO_SECRET_KEY,
            settings: &demo_settings(),
            allowed_origins: origins,
        })
        .await?;
    tracing::info!(merchant = DEMO_MERCHANT_ID, ?origins, "demo merchant seeded");
    Ok(())
}
