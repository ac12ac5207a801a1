//! Loyalty through the real server: points earned on delivery (once), the shopper's summary
//! for their own token only, the merchant's tiers (which set the complaint SLA) and
//! adjustments. On SQLite and PostgreSQL.

use crate::common;
use crate::common::*;
use serde_json::{Value, json};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// An order for `email` (no merchant-set points, total €97.00), its lookup token.
async fn order_of(app: &TestApp, number: &str, email: &str) -> String {
    let mut body = order_body(email);
    body.as_object_mut().unwrap().remove("loyalty_points");
    assert_eq!(app.put_order(SHOP_SECRET, number, &body).await.status(), 201);
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": number, "email": email})).await;
    json_of(lookup).await["token"].as_str().unwrap().to_owned()
}

async fn summary(app: &TestApp, token: &str) -> Value {
    let response = app.client.get(app.url(&format!("/v1/shopper/loyalty?key={SHOP_KEY}"))).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    json_of(response).await
}

async fn deliver(app: &TestApp, number: &str) -> reqwest::Response {
    app.post_event(SHOP_SECRET, number, &event_body("delivered-1", "delivered", "2026-11-24T12:00:00Z")).await
}

async fn a_delivered_order_earns_points_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_of(&app, "NW-2001", "anna@example.com").await;
    let shown = app.get_order(SHOP_KEY, "NW-2001", &token).await;
    assert_eq!(json_of(shown).await["loyalty_points"], 97, "what the order will earn at Bronze's rate");
    let before = summary(&app, &token).await;
    assert_eq!((before["balance"].as_i64(), before["tier"]["id"].as_str()), (Some(0), Some("bronze")));
    assert_eq!(before["next_tier"], json!({"id": "silver", "name": "Silver", "threshold": 500, "points_needed": 500}));

    assert_eq!(deliver(&app, "NW-2001").await.status(), 201);
    assert_eq!(deliver(&app, "NW-2001").await.status(), 200, "the same event again");
    let after = summary(&app, &token).await;
    assert_eq!(after["balance"], 97, "€97.00 at Bronze's 100%, credited once");
    assert_eq!(after["entries"], json!([{"kind": "order", "points": 97, "at": "2026-11-25T09:30:00.000Z", "order_number": "NW-2001"}]));
    assert_eq!(after["progress_percent"], 19, "97 of 500 to Silver");

    // Anna's second order: its token shows her standing and only its own line.
    let second = order_of(&app, "NW-2003", "anna@example.com").await;
    assert_eq!(deliver(&app, "NW-2003").await.status(), 201);
    let through_second = summary(&app, &second).await;
    assert_eq!(through_second["balance"], 194);
    assert_eq!(through_second["entries"].as_array().map(Vec::len), Some(1), "{through_second}");
    assert_eq!(through_second["entries"][0]["order_number"], "NW-2003");
    let everything = summary(&app, &shopper_token_for("shopper-anna")).await;
    assert_eq!(everything["entries"].as_array().map(Vec::len), Some(2), "the shop's own sign-in sees the history: {everything}");

    // Another shopper's token shows that shopper's points, never Anna's.
    let ben = order_of(&app, "NW-2002", "ben@example.com").await;
    assert_eq!(summary(&app, &ben).await["balance"], 0);
    let unauthenticated = app.client.get(app.url(&format!("/v1/shopper/loyalty?key={SHOP_KEY}"))).send().await.unwrap();
    assert_eq!(error_of(unauthenticated).await.1, "invalid_token");
    // Another merchant's key does not accept this merchant's order token.
    let other = app.client.get(app.url(&format!("/v1/shopper/loyalty?key={OTHER_KEY}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(other.status(), 401);
}

async fn tiers_are_the_merchants_and_set_rates_and_response_times(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let put = |body: Value| app.client.put(app.url("/v1/merchant/loyalty/tiers")).bearer_auth(SHOP_SECRET).json(&body).send();
    let falling = json!([
        {"id": "base", "name": "Base", "threshold": 0, "earn_percent": 100, "response_hours": 24},
        {"id": "star", "name": "Star", "threshold": 0, "earn_percent": 300, "response_hours": 2, "vip": true}
    ]);
    assert_eq!(error_of(put(falling).await.unwrap()).await, (422, "invalid".into(), Some("tiers.threshold".into())));
    let tiers = json!([
        {"id": "base", "name": "Base", "threshold": 0, "earn_percent": 100, "response_hours": 24},
        {"id": "star", "name": "Star", "threshold": 50, "earn_percent": 300, "response_hours": 2, "vip": true}
    ]);
    let saved = put(tiers.clone()).await.unwrap();
    assert_eq!(saved.status(), 200);
    let read = app.client.get(app.url("/v1/merchant/loyalty/tiers")).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(json_of(read).await[1]["vip"], true);

    // 97 points: Star. The next delivered order earns at Star's 300%.
    let token = order_of(&app, "NW-3001", "anna@example.com").await;
    deliver(&app, "NW-3001").await;
    assert_eq!(summary(&app, &token).await["tier"], json!({"id": "star", "name": "Star"}));
    let second = order_of(&app, "NW-3002", "anna@example.com").await;
    let shown = app.get_order(SHOP_KEY, "NW-3002", &second).await;
    assert_eq!(json_of(shown).await["loyalty_points"], 291, "will earn at Star's 300%");
    deliver(&app, "NW-3002").await;
    let shown = app.get_order(SHOP_KEY, "NW-3002", &second).await;
    assert_eq!(json_of(shown).await["loyalty_points"], 291, "credited at Star's 300%");
    let star = summary(&app, &token).await;
    assert_eq!(star["balance"], 97 + 291);
    assert_eq!(star["next_tier"], Value::Null);
    assert_eq!(star["progress_percent"], 100);

    // A Star's complaint is promised an answer in 2 hours, with high priority (VIP).
    let filed = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .bearer_auth(&token)
        .header("Idempotency-Key", "vip-complaint-1")
        .json(&json!({"order_number": "NW-3001", "items": [], "category": "quality",
            "description": "The flask leaks at the lid after a week.", "desired_resolution": "replacement", "contact_preference": "email"}))
        .send()
        .await
        .unwrap();
    let complaint = json_of(filed).await;
    assert_eq!(complaint["response_due"], "2026-11-25T11:30:00.000Z");
    assert_eq!(complaint["priority"], "high");
}

async fn merchants_adjust_points_with_a_reason_never_below_zero(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_of(&app, "NW-4001", "anna@example.com").await;
    let adjust = |points: i64, reason: &str| {
        app.client
            .post(app.url("/v1/merchant/loyalty/adjustments"))
            .bearer_auth(SHOP_SECRET)
            .json(&json!({"email": "Anna@Example.com", "points": points, "reason": reason}))
            .send()
    };
    let added = adjust(120, "Welcome gift").await.unwrap();
    assert_eq!(added.status(), 201);
    assert_eq!(json_of(added).await["balance"], 120);
    assert_eq!(error_of(adjust(-500, "Correction").await.unwrap()).await.1, "not_allowed");
    assert_eq!(error_of(adjust(0, "Nothing").await.unwrap()).await, (422, "invalid".into(), Some("points".into())));
    assert_eq!(error_of(adjust(10, "").await.unwrap()).await, (422, "invalid".into(), Some("reason".into())));
    app.clock.advance(std::time::Duration::from_secs(60));
    assert_eq!(adjust(-20, "Returned item").await.unwrap().status(), 201);

    let card = summary(&app, &shopper_token_for("shopper-anna")).await;
    assert_eq!(card["balance"], 100);
    assert_eq!(
        card["entries"][0],
        json!({"kind": "adjustment", "points": -20, "at": "2026-11-25T09:31:00.000Z", "reason": "Returned item"})
    );
    assert_eq!(card["expiring"], json!([]), "a year to go");
    // The order token opens its order, not the history: the same standing, none of the
    // merchant's words about other things.
    let through_order = summary(&app, &token).await;
    assert_eq!((through_order["balance"].as_i64(), through_order["tier"]["id"].as_str()), (Some(100), Some("bronze")));
    assert_eq!(through_order["entries"], json!([]), "{through_order}");
    let ledger = app.client.get(app.url("/v1/merchant/loyalty/shoppers/anna@example.com")).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(json_of(ledger).await["entries"].as_array().unwrap().len(), 2);
    let elsewhere =
        app.client.get(app.url("/v1/merchant/loyalty/shoppers/anna@example.com")).bearer_auth(OTHER_SECRET).send().await.unwrap();
    assert_eq!(json_of(elsewhere).await["balance"], 0, "another merchant's ledger is its own");
}

/// Merchants are cached per process (every widget request reads one): a change must reach
/// this process's next request at once and another process's within the cache's lifetime.
async fn a_settings_change_reaches_the_next_request_and_other_processes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_of(&app, "NW-3101", "anna@example.com").await;
    deliver(&app, "NW-3101").await;
    assert_eq!(summary(&app, &token).await["tier"]["id"], "bronze", "97 points: the default Bronze");
    let key = carebox_contract::PublishableKey::parse(SHOP_KEY).unwrap();
    let other_process = carebox_server::storage::Store::connect(&app.database_url).await.unwrap();
    let tier_of = |merchant: Option<std::sync::Arc<carebox_server::storage::MerchantRecord>>| {
        merchant.unwrap().settings.loyalty_tiers[1].id.to_string()
    };
    let before = tier_of(other_process.merchant_by_publishable_key(&key).await.unwrap());

    let tiers = json!([
        {"id": "base", "name": "Base", "threshold": 0, "earn_percent": 100, "response_hours": 24},
        {"id": "star", "name": "Star", "threshold": 50, "earn_percent": 300, "response_hours": 2, "vip": true}
    ]);
    let saved = app.client.put(app.url("/v1/merchant/loyalty/tiers")).bearer_auth(SHOP_SECRET).json(&tiers).send().await.unwrap();
    assert_eq!(saved.status(), 200);
    assert_eq!(summary(&app, &token).await["tier"]["id"], "star", "the same process answers with the new tiers at once");

    assert_ne!(before, "star");
    tokio::time::sleep(carebox_server::storage::MERCHANT_CACHE_TTL + std::time::Duration::from_millis(100)).await;
    assert_eq!(tier_of(other_process.merchant_by_publishable_key(&key).await.unwrap()), "star", "another process, once its copy expired");
}

/// Ledgers are remembered per process (every order view and lookup reads one): a change must
/// show in this process's next answer at once, and in another process's within the cache's
/// lifetime.
async fn a_ledger_change_reaches_the_next_answer_and_other_processes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_of(&app, "NW-3201", "anna@example.com").await;
    let other_process = carebox_server::storage::Store::connect(&app.database_url).await.unwrap();
    let key = carebox_contract::PublishableKey::parse(SHOP_KEY).unwrap();
    let merchant = other_process.merchant_by_publishable_key(&key).await.unwrap().unwrap();
    let email = carebox_contract::Email::parse("anna@example.com").unwrap();
    let balance_elsewhere = || async { other_process.ledger(&merchant.id, &email).await.unwrap().iter().map(|l| l.points).sum::<i64>() };
    assert_eq!(balance_elsewhere().await, 0);
    assert_eq!(summary(&app, &token).await["balance"], 0);

    let adjusted = app
        .client
        .post(app.url("/v1/merchant/loyalty/adjustments"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"email": "Anna@Example.com", "points": 120, "reason": "Welcome gift"}))
        .send()
        .await
        .unwrap();
    assert_eq!(adjusted.status(), 201);
    assert_eq!(summary(&app, &token).await["balance"], 120, "this process's change shows at once");
    let started = std::time::Instant::now();
    while balance_elsewhere().await != 120 {
        assert!(
            started.elapsed() < carebox_server::storage::REMEMBERED_FOR + std::time::Duration::from_secs(1),
            "another process's change shows in time"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

on_both_engines!(
    a_ledger_change_reaches_the_next_answer_and_other_processes,
    a_delivered_order_earns_points_once,
    tiers_are_the_merchants_and_set_rates_and_response_times,
    a_settings_change_reaches_the_next_request_and_other_processes,
    merchants_adjust_points_with_a_reason_never_below_zero,
);
