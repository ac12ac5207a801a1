//! Webhooks through the real server to a real receiver on loopback: signed deliveries the
//! receiver can verify, a down endpoint that never slows the API and is retried with
//! backoff. On SQLite and PostgreSQL.

mod common;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};
use std::time::{Duration, Instant};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    failing: Arc<AtomicBool>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if receiver.failing.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    receiver.received.lock().unwrap().push((headers, String::from_utf8(body.to_vec()).unwrap()));
    StatusCode::NO_CONTENT
}

async fn start_receiver() -> (String, Receiver) {
    let receiver = Receiver::default();
    let app = Router::new().route("/hooks", post(receive)).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, receiver)
}

/// What a merchant's receiver does: recompute the HMAC over "<t>.<body>" with its secret.
fn verify(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let header = headers["carebox-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(',').unwrap();
    let (t, v1) = (t.strip_prefix("t=").unwrap(), v1.strip_prefix("v1=").unwrap());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap()).is_ok()
}

async fn spawn(engine: Engine) -> TestApp {
    TestApp::spawn_configured(engine, |settings| settings.webhook_tick = Duration::from_millis(50)).await
}

async fn register(app: &TestApp, url: &str) -> Value {
    let response =
        app.client.post(app.url("/v1/merchant/webhooks")).bearer_auth(SHOP_SECRET).json(&json!({"url": url})).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn file_complaint(app: &TestApp, idempotency_key: &str) -> String {
    app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await;
    let lookup: Value = app.lookup(SHOP_KEY, &json!({"order_number": "NW-1042", "email": "anna@example.com"})).await.json().await.unwrap();
    let body = json!({"order_number": "NW-1042", "items": [], "category": "service", "description": "Nobody answered my two e-mails about this order.",
                      "desired_resolution": "just_let_you_know", "contact_preference": "widget_only"});
    let response = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .bearer_auth(lookup["token"].as_str().unwrap())
        .header("Idempotency-Key", idempotency_key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned()
}

async fn wait_for(what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(5), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn deliveries_are_signed_and_verifiable(engine: Engine) {
    let app = spawn(engine).await;
    let (url, receiver) = start_receiver().await;
    let endpoint = register(&app, &url).await;
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));

    let ticket = file_complaint(&app, "send-h-000001").await;
    let act = |action: Value| {
        let request = app.client.post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions"))).bearer_auth(SHOP_SECRET).json(&action);
        async move { assert_eq!(request.send().await.unwrap().status(), 200) }
    };
    act(json!({"action": "escalate", "reason": "Needs a supervisor"})).await;
    act(json!({"action": "resolve", "resolution": {"kind": "refund"}})).await;
    wait_for("three deliveries", || receiver.received.lock().unwrap().len() == 3).await;

    let received = receiver.received.lock().unwrap().clone();
    let types: Vec<&str> = received.iter().map(|(h, _)| h["carebox-event"].to_str().unwrap()).collect();
    assert_eq!(types, ["complaint.created", "complaint.escalated", "complaint.resolved"]);
    for (headers, body) in &received {
        assert!(verify(&secret, headers, body), "signature verifies with the endpoint's secret");
        assert!(!verify("whsec_someone_else", headers, body), "and not with another");
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["data"]["ticket"], ticket.as_str());
        assert_eq!(payload["id"], headers["carebox-delivery"].to_str().unwrap());
    }
    let log: Value =
        app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert!(
        log.as_array().unwrap().iter().all(|d| d["attempts"] == 1 && d["last_status"] == 204 && d.get("delivered_at").is_some()),
        "{log}"
    );
    let others: Value =
        app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(OTHER_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(others, json!([]), "another merchant sees nothing");
}

async fn a_down_endpoint_never_slows_the_api_and_is_retried_with_backoff(engine: Engine) {
    let app = spawn(engine).await;
    let (url, receiver) = start_receiver().await;
    receiver.failing.store(true, Ordering::SeqCst);
    register(&app, &url).await;
    let started = Instant::now();
    let ticket = file_complaint(&app, "send-h-000002").await;
    assert!(started.elapsed() < Duration::from_secs(2), "filing does not wait for the endpoint");

    let deliveries = || {
        let request = app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mut log = deliveries().await;
    for _ in 0..100 {
        if log[0]["attempts"] == 1 && log[0].get("last_status").is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        log = deliveries().await;
    }
    assert_eq!((log[0]["attempts"].as_u64(), log[0]["last_status"].as_u64()), (Some(1), Some(503)), "{log}");
    assert_eq!(log[0]["next_attempt_at"], "2026-11-25T09:30:30.000Z", "retried 30 s later");
    assert!(log[0].get("delivered_at").is_none());

    receiver.failing.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(receiver.received.lock().unwrap().is_empty(), "not before its time");
    app.clock.advance(Duration::from_secs(31));
    wait_for("the retry", || receiver.received.lock().unwrap().len() == 1).await;
    let (_, body) = receiver.received.lock().unwrap()[0].clone();
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"]["ticket"], ticket.as_str());
    let log = deliveries().await;
    assert_eq!((log[0]["attempts"].as_u64(), log[0]["last_status"].as_u64()), (Some(2), Some(204)));
}

async fn endpoint_urls_are_checked(engine: Engine) {
    let app = spawn(engine).await;
    let response = app
        .client
        .post(app.url("/v1/merchant/webhooks"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"url": "http://shop.example/hook"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await, (422, "invalid".into(), Some("url".into())));
    let no_key = app.client.post(app.url("/v1/merchant/webhooks")).json(&json!({"url": "https://shop.example/hook"})).send().await.unwrap();
    assert_eq!(error_of(no_key).await.0, 401);
}

/// The production rule (public https only): the internal targets are refused when
/// registered, and an endpoint that points at this machine anyway (registered under older,
/// looser rules) is refused when a delivery would connect; the receiver hears nothing.
async fn webhooks_never_reach_internal_networks(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| {
        settings.webhook_tick = Duration::from_millis(50);
        settings.webhook_reach = carebox_server::domain::webhook_target::WebhookReach::PublicOnly;
    })
    .await;
    let post = |url: &str| app.client.post(app.url("/v1/merchant/webhooks")).bearer_auth(SHOP_SECRET).json(&json!({"url": url})).send();
    for url in
        ["https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/", "https://[::1]/", "http://127.0.0.1:9/", "https://localhost/h"]
    {
        assert_eq!(error_of(post(url).await.unwrap()).await, (422, "invalid".into(), Some("url".into())), "{url}");
    }
    assert!(
        app.client
            .get(app.url("/v1/merchant/webhooks"))
            .bearer_auth(SHOP_SECRET)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty(),
        "none was kept"
    );

    let (url, receiver) = start_receiver().await;
    app.store.add_webhook_endpoint("m_one", &url, app.clock_now()).await.unwrap();
    file_complaint(&app, "send-h-ssrf-01").await;
    let mut log = Value::Null;
    for _ in 0..100 {
        log = app
            .client
            .get(app.url("/v1/merchant/webhooks/deliveries"))
            .bearer_auth(SHOP_SECRET)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // The claim counts the attempt; its outcome is written after it.
        if log[0].get("last_error").is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(log[0]["attempts"], 1, "{log}");
    assert!(log[0]["last_error"].as_str().is_some_and(|e| e.starts_with("refused")), "{log}");
    assert!(log[0].get("last_status").is_none(), "no answer: nothing was asked");
    assert!(receiver.received.lock().unwrap().is_empty(), "the receiver on loopback heard nothing");
}

/// Every delivery goes to every endpoint: a shop may have ten.
async fn a_shop_registers_at_most_ten_endpoints(engine: Engine) {
    let app = spawn(engine).await;
    for n in 0..10 {
        register(&app, &format!("https://hooks{n}.shop.example/carebox")).await;
    }
    let eleventh = app
        .client
        .post(app.url("/v1/merchant/webhooks"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"url": "https://hooks10.shop.example/carebox"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(eleventh).await, (422, "invalid".into(), Some("url".into())));
    let other = app
        .client
        .post(app.url("/v1/merchant/webhooks"))
        .bearer_auth(OTHER_SECRET)
        .json(&json!({"url": "https://hooks.other.example/carebox"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 201, "the cap is per shop");
}

on_both_engines!(
    webhooks_never_reach_internal_networks,
    a_shop_registers_at_most_ten_endpoints,
    deliveries_are_signed_and_verifiable,
    a_down_endpoint_never_slows_the_api_and_is_retried_with_backoff,
    endpoint_urls_are_checked,
);
