//! Issue 12's access matrix: every operation of the served OpenAPI document, tried with no
//! credentials, garbage credentials, another merchant's keys, another shopper's token and an
//! expired token. All are refused, and a refusal for someone else's thing reads exactly like
//! the answer for a thing that does not exist (nothing leaks whether it does). An operation
//! added to the API without a row here fails the test.

use crate::common;
use std::time::Duration;

use crate::common::*;
use carebox_server::domain::staff::{DisplayName, Password, Role};
use carebox_server::storage::NewStaff;
use serde_json::{Value, json};

/// Operations anyone may call: the proof is in the request (lookup, sign-in) or nothing is
/// private. `/metrics` answers this machine only, or the bearer of its own token
/// (`operations.rs`); the matrix's calls come from this machine.
const PUBLIC: [&str; 6] =
    ["GET /healthz", "GET /metrics", "GET /readyz", "GET /v1/widget/config", "POST /v1/console/session", "POST /v1/orders/lookup"];

/// Whose things a path names: shop one's order NW-1042 and Anna's complaint on it, or a
/// look-alike that exists nowhere.
struct Names {
    ticket: String,
    /// Shop one's webhook endpoint and one of its deliveries.
    endpoint: String,
    delivery: String,
}

fn fill(path: &str, names: &Names, real: bool) -> String {
    let (ticket, number, email) =
        if real { (names.ticket.as_str(), "NW-1042", "anna@example.com") } else { ("C-NOSUCH00", "NW-0000", "nobody@example.com") };
    let id = match (real, path.contains("/deliveries/")) {
        (true, true) => names.delivery.as_str(),
        (true, false) => names.endpoint.as_str(),
        (false, true) => "whd_nosuch",
        (false, false) => "whe_nosuch",
    };
    path.replace("{id}", id)
        .replace("{ticket}", ticket)
        .replace("{number}", number)
        .replace("{email}", email)
        .replace("{subject}", &format!("complaint:{ticket}"))
}

/// A valid body for each operation that takes one.
fn body(method: &str, path: &str, real: bool) -> Option<Value> {
    let number = if real { "NW-1042" } else { "NW-0000" };
    Some(match (method, path) {
        ("POST", "/v1/complaints") => json!({"order_number": number, "items": [], "category": "service",
            "description": "Nobody answered my two e-mails about this order.", "desired_resolution": "just_let_you_know",
            "contact_preference": "widget_only"}),
        ("POST", "/v1/complaints/{ticket}/escalate") => json!({"reason": "Nobody answered"}),
        ("PUT", "/v1/csat/{subject}") => json!({"score": 5}),
        ("POST", "/v1/merchant/complaints/{ticket}/actions") => json!({"action": "reply", "text": "We are on it."}),
        ("POST", "/v1/merchant/complaints/{ticket}/notes") => json!({"text": "Called the carrier."}),
        ("PUT", "/v1/merchant/csat/settings") => json!({"edit_window_hours": 24}),
        ("POST", "/v1/merchant/csat/links") => json!({"subject": format!("order:{number}")}),
        ("POST", "/v1/merchant/loyalty/adjustments") => json!({"email": "anna@example.com", "points": 5, "reason": "Matrix"}),
        ("PUT", "/v1/merchant/loyalty/tiers") => serde_json::to_value(carebox_contract::LoyaltyTier::defaults()).unwrap(),
        ("PUT", "/v1/merchant/loyalty/compensation") => json!({"breach_points": 50, "cap_per_30_days": 500}),
        ("PUT", "/v1/merchant/orders/{number}") => order_body("anna@example.com"),
        ("POST", "/v1/merchant/orders/{number}/events") => event_body("matrix-1", "shipped", "2026-11-24T12:00:00Z"),
        ("POST", "/v1/merchant/webhooks") => json!({"url": "https://hooks.shop.example/carebox"}),
        ("PATCH", "/v1/merchant/webhooks/{id}") => json!({"enabled": true}),
        ("PUT", "/v1/merchant/widget/strings") => json!({}),
        ("PUT", "/v1/merchant/widget/origins") => json!({"origins": [SHOP_ORIGIN]}),
        ("PATCH", "/v1/merchant/widget/settings") => json!({"merchant_name": "Matrix"}),
        ("POST", "/v1/merchant/widget/preview") => json!({"merchant_name": "Matrix"}),
        ("POST", "/v1/orders/lookup") => json!({"order_number": number, "email": "anna@example.com"}),
        ("POST", "/v1/console/session") => json!({"email": "nobody@example.com", "password": "not the passphrase"}),
        _ => return None,
    })
}

struct Call<'a> {
    app: &'a TestApp,
    method: &'a str,
    path: &'a str,
    widget: bool,
}

impl Call<'_> {
    /// Sends the operation for `real` or look-alike names, with `key` (widget operations)
    /// and `bearer`; returns status, error code (if any) and the body.
    async fn send(&self, names: &Names, real: bool, key: &str, bearer: Option<&str>) -> (u16, Option<String>, Value) {
        self.send_with(names, real, key, bearer, None).await
    }

    /// `send`, with a console session's cookie and CSRF token.
    async fn send_with(
        &self,
        names: &Names,
        real: bool,
        key: &str,
        bearer: Option<&str>,
        session: Option<(&str, &str)>,
    ) -> (u16, Option<String>, Value) {
        let mut url = self.app.url(&fill(self.path, names, real));
        if self.widget {
            url.push_str(&format!("?key={key}"));
        }
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut request =
            self.app.client.request(method, url).header("Idempotency-Key", format!("matrix-{}", uuid::Uuid::new_v4().simple()));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body(self.method, self.path, real) {
            request = request.json(&body);
        }
        if let Some((cookie, csrf)) = session {
            request = request.header("cookie", cookie).header("x-csrf-token", csrf);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        (status, body["error"]["code"].as_str().map(str::to_owned), body)
    }
}

async fn every_operation_refuses_strangers_without_saying_what_exists(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| {
        // Endpoints are registered here; nothing is ever sent anywhere.
        settings.send_webhooks = false;
        settings.limits.complaints_per_shopper = carebox_server::http::Limit { max: 1000, window: Duration::from_secs(3600) };
        settings.limits.complaints_per_client = carebox_server::http::Limit { max: 1000, window: Duration::from_secs(3600) };
    })
    .await;
    assert_eq!(app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await.status(), 201);
    let mut ben = order_body("ben@example.com");
    ben["shopper_id"] = json!("shopper-ben");
    assert_eq!(app.put_order(SHOP_SECRET, "NW-2042", &ben).await.status(), 201);
    let token_of = |number: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let lookup: Value = app.lookup(SHOP_KEY, &json!({"order_number": number, "email": email})).await.json().await.unwrap();
            lookup["token"].as_str().expect("a token").to_owned()
        }
    };
    // Shop one's endpoint, and a delivery queued for it by the complaint filed below.
    let endpoint = app
        .store
        .add_webhook_endpoint("m_one", "http://127.0.0.1:9/hooks", &carebox_contract::WebhookEventType::ALL, app.clock_now())
        .await
        .unwrap();
    let anna = token_of("NW-1042", "anna@example.com").await;
    let ben_order = token_of("NW-2042", "ben@example.com").await;
    let ben_shopper = shopper_token_for("shopper-ben");
    let filed = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .bearer_auth(&anna)
        .header("Idempotency-Key", "matrix-anna-0001")
        .json(&body("POST", "/v1/complaints", true).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    let ticket = filed.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned();
    let deliveries: Value =
        app.client.get(app.url("/v1/merchant/webhooks/deliveries")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    let delivery = deliveries[0]["id"].as_str().expect("the filing queued a delivery").to_owned();
    let names = Names { ticket, endpoint: endpoint.id, delivery };
    // Shop two's owner, signed in to the console.
    let (email, name) = (carebox_contract::Email::parse("theo@two.example").unwrap(), DisplayName::parse("Theo").unwrap());
    let hash = Password::parse("a long enough passphrase").unwrap().hash();
    let theo = NewStaff { merchant_id: "m_two", email: &email, display_name: &name, role: Role::Owner, password_hash: &hash };
    app.store.add_staff(theo, app.clock_now()).await.unwrap();
    let signed_in =
        app.client.post(app.url("/v1/console/session")).json(&json!({"email": "theo@two.example", "password": "a long enough passphrase"}));
    let signed_in = signed_in.send().await.unwrap();
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = signed_in.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let theo = (cookie.as_str(), csrf.as_str());
    let stale = ("carebox_console=00ff00ff00ff", csrf.as_str());

    let document: Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().unwrap() {
            let schemes: Vec<String> = operation["security"]
                .as_array()
                .map(|list| list.iter().flat_map(|s| s.as_object().unwrap().keys().cloned()).collect())
                .unwrap_or_default();
            let widget = operation["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "key" && p["in"] == "query"));
            operations.push((method.to_uppercase(), path.clone(), schemes, widget));
        }
    }
    assert!(operations.len() >= 30, "the document lists the API: {}", operations.len());

    let mut cells = 0;
    let mut public = Vec::new();
    for (method, path, schemes, widget) in &operations {
        let call = Call { app: &app, method, path, widget: *widget };
        let op = format!("{method} {path}");
        let has_body = document["paths"][path][method.to_lowercase()].get("requestBody").is_some();
        assert!(!has_body || body(method, path, true).is_some(), "{op} takes a body: add one to the matrix");
        let names_a_thing = path.contains('{');
        if schemes.iter().any(|s| s == "secret_key") {
            for (bearer, why) in [(None, "no key"), (Some("sk_test_nobody"), "an unknown key"), (Some(SHOP_KEY), "a publishable key")] {
                let (status, code, _) = call.send(&names, true, SHOP_KEY, bearer).await;
                assert_eq!((status, code.as_deref()), (401, Some("unauthorized")), "{op} with {why}");
                cells += 1;
            }
            let (status, code, _) = call.send_with(&names, true, SHOP_KEY, None, Some(stale)).await;
            assert_eq!((status, code.as_deref()), (401, Some("unauthorized")), "{op} with a session that does not exist");
            cells += 1;
            if names_a_thing {
                // Another merchant's keys, or its staff's session: shop one's thing reads as no thing at all.
                for session in [None, Some(theo)] {
                    let bearer = session.is_none().then_some(OTHER_SECRET);
                    let theirs = call.send_with(&names, true, OTHER_KEY, bearer, session).await;
                    let nothing = call.send_with(&names, false, OTHER_KEY, bearer, session).await;
                    assert_eq!((theirs.0, &theirs.1), (nothing.0, &nothing.1), "{op}: another merchant learns nothing ({})", theirs.2);
                    assert!(!theirs.2.to_string().contains("anna@example.com"), "{op} shows Anna to another merchant: {}", theirs.2);
                    cells += 1;
                }
            }
        } else if schemes.iter().any(|s| s == "console_session") {
            for (bearer, session, why) in [
                (None, None, "no session"),
                (None, Some(stale), "a session that does not exist"),
                (Some(SHOP_SECRET), None, "a secret key"),
            ] {
                let (status, code, _) = call.send_with(&names, true, SHOP_KEY, bearer, session).await;
                assert_eq!((status, code.as_deref()), (401, Some("unauthorized")), "{op} with {why}");
                cells += 1;
            }
        } else if schemes.iter().any(|s| s == "shopper_token") {
            for (bearer, why) in [(None, "no token"), (Some("not.a.token"), "a garbled token"), (Some(SHOP_SECRET), "a secret key")] {
                let (status, _, _) = call.send(&names, true, SHOP_KEY, bearer).await;
                assert_eq!(status, 401, "{op} with {why}");
                cells += 1;
            }
            let (status, _, _) = call.send(&names, true, OTHER_KEY, Some(&anna)).await;
            assert_eq!(status, 401, "{op}: shop one's order token at shop two");
            cells += 1;
            for (stranger, whose) in [(&ben_order, "Ben's order token"), (&ben_shopper, "Ben's shopper token")] {
                let theirs = call.send(&names, true, SHOP_KEY, Some(stranger)).await;
                assert!(!theirs.2.to_string().contains("anna@example.com"), "{op} with {whose} shows Anna's: {}", theirs.2);
                assert!(!theirs.2.to_string().contains(&names.ticket), "{op} with {whose} shows Anna's ticket: {}", theirs.2);
                if names_a_thing || body(method, path, true).is_some_and(|b| b.get("order_number").is_some()) {
                    let nothing = call.send(&names, false, SHOP_KEY, Some(stranger)).await;
                    assert_eq!((theirs.0, &theirs.1), (nothing.0, &nothing.1), "{op} with {whose}: as if nothing existed");
                    assert!(theirs.0 >= 400, "{op} with {whose} is refused: {}", theirs.2);
                }
                cells += 1;
            }
        } else {
            public.push(op);
        }
    }
    public.sort();
    let mut expected = PUBLIC.map(str::to_owned).to_vec();
    expected.sort();
    assert_eq!(public, expected, "operations without credentials");

    // Expired: Anna's token half an hour later, on every operation that takes one.
    app.clock.advance(Duration::from_secs(31 * 60));
    for (method, path, schemes, widget) in &operations {
        if schemes.iter().any(|s| s == "shopper_token") {
            let call = Call { app: &app, method, path, widget: *widget };
            let (status, code, _) = call.send(&names, true, SHOP_KEY, Some(&anna)).await;
            assert_eq!((status, code.as_deref()), (401, Some("token_expired")), "{method} {path} with an expired token");
            cells += 1;
        }
    }
    println!("{engine:?}: access matrix of {} operations, {cells} refusals checked, {} public", operations.len(), public.len());
}

on_both_engines!(every_operation_refuses_strangers_without_saying_what_exists);
