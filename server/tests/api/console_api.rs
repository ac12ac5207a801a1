//! The console's session through the real server: sign in, the cookie's flags, CSRF on every
//! change, owners and agents, one shop's staff against another shop, sign-in throttling, sign
//! out and expiry. On SQLite and PostgreSQL.

use crate::common;
use std::time::Duration;

use crate::common::*;
use carebox_contract::Email;
use carebox_server::domain::staff::{DisplayName, Password, Role};
use carebox_server::services::sla::escalate_breached;
use carebox_server::storage::NewStaff;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough passphrase";

async fn add_staff(app: &TestApp, merchant_id: &str, email: &str, role: Role) {
    let email = Email::parse(email).unwrap();
    let name = DisplayName::parse(email.as_str().split('@').next().unwrap()).unwrap();
    let hash = Password::parse(PASSWORD).unwrap().hash();
    let staff = NewStaff { merchant_id, email: &email, display_name: &name, role, password_hash: &hash };
    app.store.add_staff(staff, app.clock_now()).await.unwrap();
}

/// A signed-in session: the cookie to send and the CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client.post(app.url("/v1/console/session")).json(&json!({"email": email, "password": password})).send().await.unwrap()
}

async fn session(app: &TestApp, email: &str) -> Session {
    let response = sign_in(app, email, PASSWORD).await;
    assert_eq!(response.status(), 201);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    Session { cookie, csrf: body["csrf_token"].as_str().unwrap().to_owned() }
}

impl Session {
    fn send(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.header(COOKIE, &self.cookie).header("x-csrf-token", &self.csrf)
    }
    fn without_csrf(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.header(COOKIE, &self.cookie)
    }
}

/// Files Anna's complaint; answers its ticket and her order token.
async fn file_ticket(app: &TestApp) -> (String, String) {
    app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await;
    let lookup: Value = app.lookup(SHOP_KEY, &json!({"order_number": "NW-1042", "email": "anna@example.com"})).await.json().await.unwrap();
    let complaint = json!({"order_number": "NW-1042", "category": "service", "description": "Nobody answered my two e-mails about this order.",
                           "desired_resolution": "just_let_you_know", "contact_preference": "widget_only"});
    let token = lookup["token"].as_str().unwrap().to_owned();
    let filed = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .bearer_auth(&token)
        .header("Idempotency-Key", "send-console-01")
        .json(&complaint)
        .send()
        .await
        .unwrap();
    (filed.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned(), token)
}

async fn staff_sign_in_and_work_with_a_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    add_staff(&app, "m_one", "ida@shop.example", Role::Agent).await;
    let response = sign_in(&app, "Ida@Shop.example", PASSWORD).await;
    assert_eq!(response.status(), 201);
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for flag in ["carebox_console=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(set_cookie.contains(flag), "{flag} in {set_cookie}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["staff"]["role"].as_str(), body["staff"]["merchant_name"].as_str()), (Some("agent"), Some("Shop One")));
    assert_eq!(body["staff"]["display_name"], "ida");
    let ida = Session { cookie: set_cookie.split(';').next().unwrap().to_owned(), csrf: body["csrf_token"].as_str().unwrap().to_owned() };

    // The session reads and works the shop's desk; a change needs the CSRF token.
    let me: Value = ida.without_csrf(app.client.get(app.url("/v1/console/session"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["csrf_token"], ida.csrf.as_str(), "the console reads it back after a reload");
    let (ticket, anna) = file_ticket(&app).await;
    // The ticket as Anna's widget reads it.
    let shoppers_view = || {
        let request = app.client.get(app.url(&format!("/v1/complaints/{ticket}?key={SHOP_KEY}"))).bearer_auth(&anna);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let desk = ida.without_csrf(app.client.get(app.url("/v1/merchant/complaints"))).send().await.unwrap();
    assert_eq!(desk.status(), 200);
    let reply = |session: &Session, csrf: bool| {
        let request = app
            .client
            .post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions")))
            .json(&json!({"action": "reply", "text": "We are on it."}));
        if csrf { session.send(request) } else { session.without_csrf(request) }
    };
    let forged = reply(&ida, false).send().await.unwrap();
    assert_eq!(error_of(forged).await, (403, "not_allowed".into(), None), "no CSRF token, no change");
    let mut wrong = Session { cookie: ida.cookie.clone(), csrf: "0".repeat(ida.csrf.len()) };
    assert_eq!(reply(&wrong, true).send().await.unwrap().status(), 403, "a wrong token neither");
    wrong.csrf = ida.csrf.clone();
    assert_eq!(reply(&wrong, true).send().await.unwrap().status(), 200);
    // The shopper sees who answered; the backend's own actions are the shop's, unsigned.
    let backend = app.client.post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions"))).bearer_auth(SHOP_SECRET);
    let backend = backend.json(&json!({"action": "reply", "text": "And we have news."})).send().await.unwrap();
    assert_eq!(backend.status(), 200);
    let seen = shoppers_view().await;
    let signed: Vec<Value> =
        seen["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "replied").map(|e| e["by"].clone()).collect();
    assert_eq!(signed, [json!("ida"), Value::Null]);

    // Notes are for the staff: signed, listed oldest first, never in the shopper's view.
    let note =
        |text: &str| ida.send(app.client.post(app.url(&format!("/v1/merchant/complaints/{ticket}/notes")))).json(&json!({"text": text}));
    let noted = note("  Called the carrier: the parcel is in Leipzig.  ").send().await.unwrap();
    assert_eq!(noted.status(), 201);
    assert_eq!(error_of(note(" ").send().await.unwrap()).await, (422, "missing".into(), Some("text".into())));
    let notes: Value = ida
        .without_csrf(app.client.get(app.url(&format!("/v1/merchant/complaints/{ticket}/notes"))))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!((notes[0]["by"].as_str(), notes[0]["text"].as_str()), (Some("ida"), Some("Called the carrier: the parcel is in Leipzig.")));
    let seen = shoppers_view().await;
    assert!(!seen.to_string().contains("Leipzig"), "the shopper never sees a note: {seen}");

    // Agents answer shoppers; settings are the owner's.
    let rename = |session: &Session| {
        session.send(app.client.patch(app.url("/v1/merchant/widget/settings"))).json(&json!({"merchant_name": "Renamed"}))
    };
    let refused = rename(&ida).send().await.unwrap();
    let (status, code, _) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (403, "not_allowed"));
    let hooks = ida.without_csrf(app.client.get(app.url("/v1/merchant/webhooks"))).send().await.unwrap();
    assert_eq!(hooks.status(), 403, "webhook secrets are the owner's too");
    add_staff(&app, "m_one", "olga@shop.example", Role::Owner).await;
    let olga = session(&app, "olga@shop.example").await;
    assert_eq!(rename(&olga).send().await.unwrap().status(), 200);

    // Staff of one shop see nothing of another: its complaints and orders are not found.
    add_staff(&app, "m_two", "theo@two.example", Role::Owner).await;
    let theo = session(&app, "theo@two.example").await;
    let peek = theo.without_csrf(app.client.get(app.url(&format!("/v1/merchant/complaints/{ticket}")))).send().await.unwrap();
    assert_eq!(peek.status(), 404);
    let meddle = reply(&theo, true).send().await.unwrap();
    assert_eq!(meddle.status(), 404);
    let order = theo.without_csrf(app.client.get(app.url("/v1/merchant/orders/NW-1042"))).send().await.unwrap();
    assert_eq!(order.status(), 404);

    // Signing out ends the session on the server and clears the cookie.
    let out = ida.without_csrf(app.client.delete(app.url("/v1/console/session"))).send().await.unwrap();
    assert_eq!(out.status(), 403, "signing out is a change too");
    let out = ida.send(app.client.delete(app.url("/v1/console/session"))).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert!(out.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let after = ida.without_csrf(app.client.get(app.url("/v1/merchant/complaints"))).send().await.unwrap();
    assert_eq!(after.status(), 401);

    // A session ends 12 hours after signing in.
    assert_eq!(olga.without_csrf(app.client.get(app.url("/v1/console/session"))).send().await.unwrap().status(), 200);
    app.clock.advance(Duration::from_secs(12 * 3600 + 1));
    assert_eq!(olga.without_csrf(app.client.get(app.url("/v1/console/session"))).send().await.unwrap().status(), 401);
    let nobody = app.client.get(app.url("/v1/merchant/complaints")).send().await.unwrap();
    assert_eq!(nobody.status(), 401, "nothing without a session or a key");

    // Keys: an owner rotates the secret; the old one works through its grace period, and an
    // agent may not rotate at all.
    let (ida, olga) = (session(&app, "ida@shop.example").await, session(&app, "olga@shop.example").await);
    let rotate = |session: &Session| session.send(app.client.post(app.url("/v1/merchant/keys/secret")));
    assert_eq!(rotate(&ida).send().await.unwrap().status(), 403);
    let rotated = rotate(&olga).send().await.unwrap();
    assert_eq!(rotated.status(), 201);
    let rotated: Value = rotated.json().await.unwrap();
    let new_secret = rotated["secret_key"].as_str().unwrap().to_owned();
    assert!(new_secret.starts_with("sk_") && new_secret != SHOP_SECRET);
    let with_key = |key: String| {
        let request = app.client.get(app.url("/v1/merchant/widget/settings")).bearer_auth(key);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!((with_key(new_secret.clone()).await, with_key(SHOP_SECRET.to_owned()).await), (200, 200), "both during the grace period");
    app.clock.advance(Duration::from_secs(24 * 3600 + 1));
    assert_eq!((with_key(new_secret).await, with_key(SHOP_SECRET.to_owned()).await), (200, 401), "the old one after it");
}

async fn sign_in_refusals_say_nothing_and_guessing_is_throttled(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    add_staff(&app, "m_one", "ida@shop.example", Role::Agent).await;
    let wrong_password = error_of(sign_in(&app, "ida@shop.example", "not the passphrase").await).await;
    let unknown_address = error_of(sign_in(&app, "nobody@shop.example", "not the passphrase").await).await;
    assert_eq!(wrong_password, (401, "unauthorized".into(), Some("password".into())));
    assert_eq!(unknown_address, wrong_password, "the same answer: whether an address has an account stays unknown");
    assert_eq!(error_of(sign_in(&app, "ida", PASSWORD).await).await.0, 422, "not an address");
    // Five failures for one address (one above already), then even the right password waits.
    for _ in 0..4 {
        assert_eq!(sign_in(&app, "ida@shop.example", "not the passphrase").await.status(), 401);
    }
    let throttled = sign_in(&app, "ida@shop.example", PASSWORD).await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    app.clock.advance(Duration::from_secs(15 * 60));
    assert_eq!(sign_in(&app, "ida@shop.example", PASSWORD).await.status(), 201, "after the window");
}

async fn staff_adjust_points_signed_and_only_owners_change_compensation(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    add_staff(&app, "m_one", "nadia@shop-one.example", Role::Owner).await;
    add_staff(&app, "m_one", "alex@shop-one.example", Role::Agent).await;
    let (owner, agent) = (session(&app, "nadia@shop-one.example").await, session(&app, "alex@shop-one.example").await);
    let (ticket, _) = file_ticket(&app).await;

    // An agent's goodwill points are signed with the agent's name.
    let adjust = json!({"email": "anna@example.com", "points": 40, "reason": "Sorry for the slow answer"});
    let added = agent.send(app.client.post(app.url("/v1/merchant/loyalty/adjustments"))).json(&adjust).send().await.unwrap();
    assert_eq!(added.status(), 201);
    let entry = &added.json::<Value>().await.unwrap()["entries"][0];
    assert_eq!((entry["reason"].as_str(), entry["by"].as_str()), (Some("Sorry for the slow answer"), Some("alex")));
    let no_csrf = agent.without_csrf(app.client.post(app.url("/v1/merchant/loyalty/adjustments"))).json(&adjust).send().await.unwrap();
    assert_eq!(error_of(no_csrf).await.0, 403);
    // The backend's own adjustments carry no name.
    let backend = app.client.post(app.url("/v1/merchant/loyalty/adjustments")).bearer_auth(SHOP_SECRET).json(&adjust).send().await.unwrap();
    assert_eq!(backend.json::<Value>().await.unwrap()["entries"][0].get("by"), None);

    // Compensation rules: everyone reads them, only owners change them, in range.
    let rules_url = app.url("/v1/merchant/loyalty/compensation");
    let read: Value = agent.send(app.client.get(&rules_url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, json!({"breach_points": 50, "cap_per_30_days": 500}), "the defaults");
    let change = json!({"breach_points": 75, "cap_per_30_days": 300});
    let (status, code, _) = error_of(agent.send(app.client.put(&rules_url)).json(&change).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "not_allowed"));
    for (bad, field) in [
        (json!({"breach_points": -1, "cap_per_30_days": 300}), "breach_points"),
        (json!({"breach_points": 1, "cap_per_30_days": 1_000_001}), "cap_per_30_days"),
    ] {
        let refused = owner.send(app.client.put(&rules_url)).json(&bad).send().await.unwrap();
        assert_eq!(error_of(refused).await, (422, "invalid".into(), Some(field.into())), "{bad}");
    }
    let changed = owner.send(app.client.put(&rules_url)).json(&change).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.json::<Value>().await.unwrap(), change);
    let elsewhere: Value = app.client.get(&rules_url).bearer_auth(OTHER_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(elsewhere["breach_points"], 50, "another shop's rules are its own");

    // The next broken promise is made up for with the new amount.
    app.clock.advance(Duration::from_secs(200 * 3600));
    let escalated = escalate_breached(&app.store, app.clock_now(), 100).await.unwrap();
    assert_eq!(escalated.iter().map(|e| e.ticket.as_str()).collect::<Vec<_>>(), [ticket.as_str()]);
    // The SLA pass ran on this test's own connection, another process to the server: the
    // server, which read the ledger for the adjustments, sees the credit within its cache's
    // lifetime (the server's own clock pass drops the ledger at once).
    let started = std::time::Instant::now();
    let (ledger, compensation) = loop {
        let ledger = app.merchant_get(SHOP_SECRET, "/v1/merchant/loyalty/shoppers/anna@example.com").await;
        let compensation: Vec<Value> =
            ledger["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == "compensation").cloned().collect();
        if !compensation.is_empty() || started.elapsed() > carebox_server::storage::REMEMBERED_FOR + Duration::from_secs(1) {
            break (ledger, compensation);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(compensation.len(), 1, "{ledger}");
    assert_eq!(compensation[0]["points"], 75);
}

on_both_engines!(
    staff_sign_in_and_work_with_a_session,
    sign_in_refusals_say_nothing_and_guessing_is_throttled,
    staff_adjust_points_signed_and_only_owners_change_compensation
);
