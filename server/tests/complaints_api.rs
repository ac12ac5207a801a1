//! Filing complaints through the real server: exactly once per Idempotency-Key, validation
//! per field, only for orders the shopper may open. On SQLite and PostgreSQL.

mod common;

use common::*;
use serde_json::{Value, json};

async fn order_token(app: &TestApp) -> String {
    let response = app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await;
    assert_eq!(response.status(), 201);
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": "NW-1042", "email": "anna@example.com"})).await;
    lookup.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

fn complaint(category: &str) -> Value {
    json!({
        "order_number": "NW-1042",
        "items": [1],
        "category": category,
        "description": "The beanie arrived with a hole in the seam.",
        "desired_resolution": "replacement",
        "contact_preference": "email"
    })
}

async fn file(app: &TestApp, key: &str, token: &str, idempotency_key: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.post(app.url(&format!("/v1/complaints?key={key}"))).bearer_auth(token).json(body);
    if let Some(idempotency_key) = idempotency_key {
        request = request.header("Idempotency-Key", idempotency_key);
    }
    request.send().await.unwrap()
}

async fn filing_gives_a_ticket_with_a_promise_and_a_timeline(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    let response = file(&app, SHOP_KEY, &token, Some("send-0001-aaaa"), &complaint("quality")).await;
    assert_eq!(response.status(), 201);
    let view: Value = response.json().await.unwrap();
    let ticket = view["ticket"].as_str().unwrap().to_owned();
    assert!(ticket.starts_with("C-"), "{ticket}");
    assert_eq!((view["status"].as_str(), view["level"].as_str(), view["priority"].as_str()), (Some("open"), Some("l1"), Some("normal")));
    assert_eq!(view["response_due"], "2026-11-26T09:30:00.000Z", "24 h for a shopper without a tier");
    assert_eq!(view["timeline"], json!([{"kind": "created", "actor": "shopper", "at": "2026-11-25T09:30:00.000Z", "to_level": "l1"}]));

    let read = app.client.get(app.url(&format!("/v1/complaints/{ticket}?key={SHOP_KEY}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(read.json::<Value>().await.unwrap(), view);

    // A second complaint on the same order within 24 h has priority; a severe category starts at L2.
    let second: Value = file(&app, SHOP_KEY, &token, Some("send-0002-bbbb"), &complaint("damaged")).await.json().await.unwrap();
    assert_eq!((second["level"].as_str(), second["priority"].as_str()), (Some("l2"), Some("high")));
}

async fn a_retried_send_files_once_and_returns_the_same_answer(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    let body = complaint("quality");
    // Ten retries of one Send, all at once (a flaky network, an impatient double click).
    let attempts = futures::future::join_all((0..10).map(|_| file(&app, SHOP_KEY, &token, Some("send-retry-1234"), &body))).await;
    let mut tickets = Vec::new();
    for response in attempts {
        assert_eq!(response.status(), 201);
        tickets.push(response.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned());
    }
    tickets.dedup();
    assert_eq!(tickets.len(), 1, "one complaint, one ticket: {tickets:?}");
    // The one complaint makes the next one a repeat; a replay did not count as another.
    let next: Value = file(&app, SHOP_KEY, &token, Some("send-other-5678"), &complaint("service")).await.json().await.unwrap();
    assert_ne!(next["ticket"].as_str().unwrap(), tickets[0]);

    let mut changed = body.clone();
    changed["description"] = json!("Actually it is the flask that leaks at the lid.");
    let reused = file(&app, SHOP_KEY, &token, Some("send-retry-1234"), &changed).await;
    assert_eq!(error_of(reused).await, (422, "idempotency_key_reused".into(), Some("idempotency-key".into())));
}

async fn bad_input_names_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    let missing_key = file(&app, SHOP_KEY, &token, None, &complaint("quality")).await;
    assert_eq!(error_of(missing_key).await, (400, "missing".into(), Some("idempotency-key".into())));
    let bad_key = file(&app, SHOP_KEY, &token, Some("short"), &complaint("quality")).await;
    assert_eq!(error_of(bad_key).await, (400, "invalid".into(), Some("idempotency-key".into())));

    let mut short = complaint("quality");
    short["description"] = json!("broken");
    assert_eq!(error_of(file(&app, SHOP_KEY, &token, Some("send-x-000001"), &short).await).await, (422, "invalid".into(), Some("description".into())));
    let mut items = complaint("quality");
    items["items"] = json!([5]);
    assert_eq!(error_of(file(&app, SHOP_KEY, &token, Some("send-x-000002"), &items).await).await, (422, "invalid".into(), Some("items".into())));
    let unknown_category = file(&app, SHOP_KEY, &token, Some("send-x-000003"), &complaint("meh")).await;
    assert_eq!(error_of(unknown_category).await, (400, "invalid_json".into(), Some("category".into())));
}

async fn only_orders_the_shopper_may_open(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    app.put_order(SHOP_SECRET, "NW-2000", &order_body("ben@example.com")).await;
    let mut bens = complaint("quality");
    bens["order_number"] = json!("NW-2000");
    let other_order = file(&app, SHOP_KEY, &token, Some("send-y-000001"), &bens).await;
    assert_eq!(error_of(other_order).await.0, 404, "an order token opens only its own order");
    let other_merchant = file(&app, OTHER_KEY, &token, Some("send-y-000002"), &complaint("quality")).await;
    assert_eq!(error_of(other_merchant).await.1, "invalid_token");
    let no_token = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .header("Idempotency-Key", "send-y-000003")
        .json(&complaint("quality"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(no_token).await.0, 401);

    let filed: Value = file(&app, SHOP_KEY, &token, Some("send-y-000004"), &complaint("quality")).await.json().await.unwrap();
    let ticket = filed["ticket"].as_str().unwrap();
    let ben = app.lookup(SHOP_KEY, &json!({"order_number": "NW-2000", "email": "ben@example.com"})).await;
    let ben_token = ben.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let peek = app.client.get(app.url(&format!("/v1/complaints/{ticket}?key={SHOP_KEY}"))).bearer_auth(ben_token).send().await.unwrap();
    assert_eq!(error_of(peek).await.0, 404, "another shopper cannot read it");
}

on_both_engines!(
    filing_gives_a_ticket_with_a_promise_and_a_timeline,
    a_retried_send_files_once_and_returns_the_same_answer,
    bad_input_names_the_field,
    only_orders_the_shopper_may_open,
);
