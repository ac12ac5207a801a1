//! Webhooks through the real server to a real receiver on loopback: signed deliveries the
//! receiver can verify, a down endpoint that never slows the API and is retried with
//! backoff. On SQLite and PostgreSQL.

use crate::common;
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, AtomicUsize, Ordering},
};
use std::time::{Duration, Instant};

use crate::common::*;
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    failing: Arc<AtomicBool>,
    /// Every request, answered or refused.
    requests: Arc<AtomicUsize>,
    /// How long it takes to answer.
    slowness: Duration,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    receiver.requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(receiver.slowness).await;
    if receiver.failing.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    receiver.received.lock().unwrap().push((headers, String::from_utf8(body.to_vec()).unwrap()));
    StatusCode::NO_CONTENT
}

async fn start_receiver() -> (String, Receiver) {
    start_slow_receiver(Duration::ZERO).await
}

async fn start_slow_receiver(slowness: Duration) -> (String, Receiver) {
    let receiver = Receiver { slowness, ..Receiver::default() };
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
    file_complaint_at(app, &app.base, Shop::One, idempotency_key).await
}

#[derive(Clone, Copy)]
enum Shop {
    One,
    Two,
}

/// Files a complaint with shop one (which looks orders up by e-mail) or shop two (by
/// postcode), through the server at `base`.
async fn file_complaint_at(app: &TestApp, base: &str, shop: Shop, idempotency_key: &str) -> String {
    let (key, secret, proof) = match shop {
        Shop::One => (SHOP_KEY, SHOP_SECRET, json!({"order_number": "NW-1042", "email": "anna@example.com"})),
        Shop::Two => (OTHER_KEY, OTHER_SECRET, json!({"order_number": "NW-1042", "postcode": "SW1A 1AA"})),
    };
    app.put_order(secret, "NW-1042", &order_body("anna@example.com")).await;
    let lookup: Value =
        app.client.post(format!("{base}/v1/orders/lookup?key={key}")).json(&proof).send().await.unwrap().json().await.unwrap();
    let body = json!({"order_number": "NW-1042", "items": [], "category": "service", "description": "Nobody answered my two e-mails about this order.",
                      "desired_resolution": "just_let_you_know", "contact_preference": "widget_only"});
    let response = app
        .client
        .post(format!("{base}/v1/complaints?key={key}"))
        .bearer_auth(lookup["token"].as_str().expect("a token"))
        .header("Idempotency-Key", idempotency_key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned()
}

/// Shop one's delivery log once `done` holds of it (or after 2 s, for the caller to assert):
/// an outcome is recorded just after the receiver has answered.
async fn delivery_log_when(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    let mut log = Value::Null;
    for _ in 0..100 {
        let request = app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET);
        log = request.send().await.unwrap().json().await.unwrap();
        if done(&log) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    log
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
    let delivered = |log: &Value| {
        log.as_array().unwrap().iter().all(|d| d["attempts"] == 1 && d["last_status"] == 204 && d.get("delivered_at").is_some())
    };
    let log = delivery_log_when(&app, delivered).await;
    assert!(delivered(&log), "{log}");
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

    let log = delivery_log_when(&app, |log| log[0]["attempts"] == 1 && log[0].get("last_status").is_some()).await;
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
    let log = delivery_log_when(&app, |log| log[0]["last_status"] == 204).await;
    assert_eq!((log[0]["attempts"].as_u64(), log[0]["last_status"].as_u64()), (Some(2), Some(204)), "{log}");
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
    app.store.add_webhook_endpoint("m_one", &url, &carebox_contract::WebhookEventType::ALL, app.clock_now()).await.unwrap();
    file_complaint(&app, "send-h-ssrf-01").await;
    // The claim counts the attempt; its outcome is written after it.
    let log = delivery_log_when(&app, |log| log[0].get("last_error").is_some()).await;
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

/// Issue 12: one sender claimed 50 deliveries with 10 s timeouts under a 60 s lease, so a
/// slow endpoint let another process send the same events again, and held up every other
/// merchant. Two processes here, a lease of 6 s (timeouts of 1 s) and an endpoint taking
/// 0.7 s per delivery: its 10 take 7 s one after another, longer than the lease; each still
/// arrives exactly once, and the other shop's deliveries arrive meanwhile.
async fn a_slow_endpoint_gets_each_delivery_once_and_starves_no_one(engine: Engine) {
    let configure = |settings: &mut carebox_server::Settings| {
        settings.webhook_tick = Duration::from_millis(50);
        settings.webhook_timeout = Duration::from_secs(1);
        settings.webhook_concurrency = 4;
        settings.limits.complaints_per_shopper = carebox_server::http::Limit { max: 100, window: Duration::from_secs(3600) };
    };
    let app = TestApp::spawn_configured(engine, configure).await;
    app.store.update_settings("m_two", |settings| settings.features = carebox_contract::Feature::ALL.to_vec()).await.unwrap();
    let (second, _stop_second) = app.another_process(configure).await;
    // Leases are on the servers' clock: here it keeps real time.
    let clock = app.clock.clone();
    let ticking = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            clock.advance(Duration::from_millis(20));
        }
    });
    let (slow_url, slow) = start_slow_receiver(Duration::from_millis(700)).await;
    let (fast_url, fast) = start_receiver().await;
    register(&app, &slow_url).await;
    let other = app.client.post(app.url("/v1/merchant/webhooks")).bearer_auth(OTHER_SECRET).json(&json!({"url": fast_url}));
    assert_eq!(other.send().await.unwrap().status(), 201);

    for n in 0..10 {
        let base = if n % 2 == 0 { &app.base } else { &second };
        file_complaint_at(&app, base, Shop::One, &format!("slow-shop-{n:04}")).await;
    }
    let started = Instant::now();
    for n in 0..3 {
        file_complaint_at(&app, &second, Shop::Two, &format!("fast-shop-{n:04}")).await;
    }
    wait_for("the other shop's three deliveries", || fast.received.lock().unwrap().len() == 3).await;
    let other_shop_waited = started.elapsed();
    let slow_done_meanwhile = slow.received.lock().unwrap().len();
    assert!(slow_done_meanwhile < 10, "the other shop did not wait for the slow endpoint's backlog ({slow_done_meanwhile}/10 done)");

    let deadline = Instant::now() + Duration::from_secs(20);
    while slow.received.lock().unwrap().len() < 10 {
        assert!(Instant::now() < deadline, "the slow endpoint got {} of 10", slow.received.lock().unwrap().len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Longer than a lease: a claim that ran out would have been sent again by now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    ticking.abort();
    let ids = |receiver: &Receiver| {
        let mut ids: Vec<String> =
            receiver.received.lock().unwrap().iter().map(|(h, _)| h["carebox-delivery"].to_str().unwrap().to_owned()).collect();
        ids.sort();
        ids
    };
    let (slow_ids, fast_ids) = (ids(&slow), ids(&fast));
    let mut distinct = slow_ids.clone();
    distinct.dedup();
    assert_eq!((slow_ids.len(), distinct.len()), (10, 10), "each delivery once: {slow_ids:?}");
    assert_eq!(slow.requests.load(Ordering::SeqCst), 10, "and no request beyond them");
    assert_eq!(fast_ids.len(), 3);
    println!(
        "slow endpoint: 10 deliveries, 10 requests; the other shop's 3 arrived {:.2} s after filing, with {slow_done_meanwhile}/10 slow ones done",
        other_shop_waited.as_secs_f64()
    );
}

/// An endpoint that keeps failing is paused after five failures in a row (its other events
/// wait, keeping their attempts), then probed by one delivery when the pause ends; a
/// success closes the circuit and the backlog flows.
async fn a_failing_endpoint_is_paused_then_probed(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| {
        settings.webhook_tick = Duration::from_millis(50);
        settings.limits.complaints_per_shopper = carebox_server::http::Limit { max: 100, window: Duration::from_secs(3600) };
    })
    .await;
    let (url, receiver) = start_receiver().await;
    receiver.failing.store(true, Ordering::SeqCst);
    register(&app, &url).await;
    for n in 0..7 {
        file_complaint(&app, &format!("circuit-{n:04}")).await;
    }
    let endpoint = || {
        let request = app.client.get(app.url("/v1/merchant/webhooks")).bearer_auth(SHOP_SECRET);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap()[0].clone() }
    };
    let mut seen = endpoint().await;
    for _ in 0..250 {
        if seen.get("paused_until").is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        seen = endpoint().await;
    }
    assert_eq!(seen["consecutive_failures"], 5, "{seen}");
    assert_eq!(seen["paused_until"], "2026-11-25T09:31:00.000Z", "paused for a minute: {seen}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.requests.load(Ordering::SeqCst), 5, "nothing sent while the circuit is open");
    let log: Value =
        app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    let untried = log.as_array().unwrap().iter().filter(|d| d["attempts"] == 0).count();
    assert_eq!(untried, 2, "two events kept every attempt: {log}");

    receiver.failing.store(false, Ordering::SeqCst);
    app.clock.advance(Duration::from_secs(61));
    wait_for("the backlog after the probe", || receiver.received.lock().unwrap().len() == 7).await;
    let mut seen = endpoint().await;
    for _ in 0..100 {
        if seen["consecutive_failures"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        seen = endpoint().await;
    }
    assert_eq!(seen["consecutive_failures"], 0, "closed again: {seen}");
    assert!(seen.get("paused_until").is_none(), "{seen}");
    assert_eq!(receiver.requests.load(Ordering::SeqCst), 12, "5 failures, then each of the 7 once");
}

/// A process started with `CAREBOX_WEBHOOK_SENDER=0` queues deliveries and sends none (the
/// fuzzing run relies on it); a sending process on the same database delivers them.
async fn a_process_that_does_not_send_only_queues(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| {
        settings.webhook_tick = Duration::from_millis(50);
        settings.send_webhooks = false;
    })
    .await;
    let (url, receiver) = start_receiver().await;
    register(&app, &url).await;
    file_complaint(&app, "send-q-000001").await;
    // Twenty of its ticks pass without a request.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.requests.load(Ordering::SeqCst), 0, "nothing was sent");
    let log = delivery_log_when(&app, |_| true).await;
    assert_eq!(log.as_array().map(Vec::len), Some(1), "{log}");
    assert_eq!(log[0]["attempts"], 0, "queued: {log}");
    let (_sender, _stop) = app.another_process(|settings| settings.webhook_tick = Duration::from_millis(50)).await;
    wait_for("the sending process to deliver", || receiver.received.lock().unwrap().len() == 1).await;
}

async fn resolve(app: &TestApp, ticket: &str) {
    let action = json!({"action": "resolve", "resolution": {"kind": "refund"}});
    let request = app.client.post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions"))).bearer_auth(SHOP_SECRET).json(&action);
    assert_eq!(request.send().await.unwrap().status(), 200);
}

async fn endpoints_are_switched_off_subscribed_rotated_retried_and_removed(engine: Engine) {
    let app = spawn(engine).await;
    let (resolved_url, resolved_only) = start_receiver().await;
    let (all_url, everything) = start_receiver().await;
    everything.failing.store(true, Ordering::SeqCst);
    let registered = app
        .client
        .post(app.url("/v1/merchant/webhooks"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"url": resolved_url, "events": ["complaint.resolved"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let a: Value = registered.json().await.unwrap();
    assert_eq!((a["enabled"].as_bool(), a["events"].clone()), (Some(true), json!(["complaint.resolved"])));
    let b = register(&app, &all_url).await;
    let (a_id, b_id) = (a["id"].as_str().unwrap().to_owned(), b["id"].as_str().unwrap().to_owned());
    assert_eq!(b["events"], json!(["complaint.created", "complaint.escalated", "complaint.resolved"]), "all events by default");
    let endpoint_url = |id: &str, tail: &str| app.url(&format!("/v1/merchant/webhooks/{id}{tail}"));

    // Filed: only B hears of it (and fails); A is subscribed to resolutions only.
    let ticket = file_complaint(&app, "send-w-000001").await;
    wait_for("B's first attempt", || everything.requests.load(Ordering::SeqCst) >= 1).await;
    let log = delivery_log_when(&app, |log| log.as_array().unwrap().iter().any(|d| d.get("last_status").is_some())).await;
    let failed = log.as_array().unwrap().iter().find(|d| d["endpoint_id"] == b_id.as_str()).unwrap().clone();
    assert_eq!((failed["event_type"].as_str(), failed["last_status"].as_u64()), (Some("complaint.created"), Some(503)));
    assert_eq!(log.as_array().unwrap().len(), 1, "nothing queued for A: {log}");

    // B switched off: the resolution goes to A alone, signed.
    let off = app.client.patch(endpoint_url(&b_id, "")).bearer_auth(SHOP_SECRET).json(&json!({"enabled": false})).send().await.unwrap();
    assert_eq!(off.status(), 200);
    assert_eq!(off.json::<Value>().await.unwrap()["enabled"], false);
    resolve(&app, &ticket).await;
    wait_for("A's resolution", || resolved_only.received.lock().unwrap().len() == 1).await;
    let (headers, body) = resolved_only.received.lock().unwrap()[0].clone();
    assert_eq!(headers["carebox-event"], "complaint.resolved");
    assert!(verify(a["secret"].as_str().unwrap(), &headers, &body));
    let log: Value =
        app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(log.as_array().unwrap().iter().filter(|d| d["endpoint_id"] == b_id.as_str()).count(), 1, "nothing new for B while off");

    // B on again and healthy: its failed delivery is sent at once when asked.
    everything.failing.store(false, Ordering::SeqCst);
    let on = app.client.patch(endpoint_url(&b_id, "")).bearer_auth(SHOP_SECRET).json(&json!({"enabled": true})).send().await.unwrap();
    assert_eq!(on.status(), 200);
    let retry_url = |id: &str| app.url(&format!("/v1/merchant/webhooks/deliveries/{id}/retry"));
    let failed_id = failed["id"].as_str().unwrap();
    let elsewhere = app.client.post(retry_url(failed_id)).bearer_auth(OTHER_SECRET).send().await.unwrap();
    assert_eq!(error_of(elsewhere).await.0, 404, "another shop cannot touch it");
    let retried = app.client.post(retry_url(failed_id)).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(retried.status(), 202);
    wait_for("B's retried delivery", || everything.received.lock().unwrap().len() == 1).await;
    assert_eq!(everything.received.lock().unwrap()[0].0["carebox-event"], "complaint.created");
    let log = delivery_log_when(&app, |log| log.as_array().unwrap().iter().all(|d| d.get("delivered_at").is_some())).await;
    assert!(log.as_array().unwrap().iter().all(|d| d.get("delivered_at").is_some()), "{log}");
    let again = app.client.post(retry_url(failed_id)).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(error_of(again).await, (409, "not_allowed".into(), None));

    // A new secret for A: the next delivery verifies with it, not with the old one.
    let rotated: Value =
        app.client.post(endpoint_url(&a_id, "/secret")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != a["secret"].as_str().unwrap());
    let second = file_complaint(&app, "send-w-000002").await;
    resolve(&app, &second).await;
    wait_for("A's second resolution", || resolved_only.received.lock().unwrap().len() == 2).await;
    let (headers, body) = resolved_only.received.lock().unwrap()[1].clone();
    assert!(verify(new_secret, &headers, &body) && !verify(a["secret"].as_str().unwrap(), &headers, &body));

    // Events: at least one, each once, known names only.
    for (events, status) in [(json!([]), 422), (json!(["complaint.resolved", "complaint.resolved"]), 422), (json!(["order.shipped"]), 400)]
    {
        let refused =
            app.client.patch(endpoint_url(&a_id, "")).bearer_auth(SHOP_SECRET).json(&json!({"events": events})).send().await.unwrap();
        let (got, _, field) = error_of(refused).await;
        assert_eq!(got, status, "{events}");
        assert!(field.is_some_and(|f| f.starts_with("events")), "{events}");
    }
    // Another shop can neither change, rotate nor remove it.
    for request in [
        app.client.patch(endpoint_url(&a_id, "")).json(&json!({"enabled": false})),
        app.client.post(endpoint_url(&a_id, "/secret")),
        app.client.delete(endpoint_url(&a_id, "")),
    ] {
        assert_eq!(error_of(request.bearer_auth(OTHER_SECRET).send().await.unwrap()).await.0, 404);
    }
    // Removed, with its log.
    let removed = app.client.delete(endpoint_url(&b_id, "")).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(error_of(app.client.delete(endpoint_url(&b_id, "")).bearer_auth(SHOP_SECRET).send().await.unwrap()).await.0, 404);
    let left: Value = app.client.get(app.url("/v1/merchant/webhooks")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(left.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect::<Vec<_>>(), [a_id.as_str()]);
    let log: Value =
        app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert!(log.as_array().unwrap().iter().all(|d| d["endpoint_id"] == a_id.as_str()), "{log}");
}

on_both_engines!(
    endpoints_are_switched_off_subscribed_rotated_retried_and_removed,
    a_process_that_does_not_send_only_queues,
    a_slow_endpoint_gets_each_delivery_once_and_starves_no_one,
    a_failing_endpoint_is_paused_then_probed,
    webhooks_never_reach_internal_networks,
    a_shop_registers_at_most_ten_endpoints,
    deliveries_are_signed_and_verifiable,
    a_down_endpoint_never_slows_the_api_and_is_retried_with_backoff,
    endpoint_urls_are_checked,
);
