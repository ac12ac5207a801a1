//! Filing complaints through the real server: exactly once per Idempotency-Key, validation
//! per field, only for orders the shopper may open. On SQLite and PostgreSQL.

use crate::common;
use crate::common::*;
use carebox_server::services::sla::escalate_breached;
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
    assert_eq!(
        error_of(file(&app, SHOP_KEY, &token, Some("send-x-000001"), &short).await).await,
        (422, "invalid".into(), Some("description".into()))
    );
    let mut items = complaint("quality");
    items["items"] = json!([5]);
    assert_eq!(
        error_of(file(&app, SHOP_KEY, &token, Some("send-x-000002"), &items).await).await,
        (422, "invalid".into(), Some("items".into()))
    );
    let unknown_category = file(&app, SHOP_KEY, &token, Some("send-x-000003"), &complaint("meh")).await;
    assert_eq!(error_of(unknown_category).await, (400, "invalid_json".into(), Some("category".into())));
    // Without credentials the answer is 401 whatever else is wrong: a stranger learns nothing
    // from how the rest would be judged.
    let stranger = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .json(&json!({"order_number": "", "category": "quality", "description": "", "desired_resolution": "refund", "contact_preference": "email"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(stranger).await.0, 401);
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

async fn act(app: &TestApp, secret: &str, ticket: &str, action: Value) -> reqwest::Response {
    app.client.post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions"))).bearer_auth(secret).json(&action).send().await.unwrap()
}

async fn shopper_escalate(app: &TestApp, token: &str, ticket: &str, reason: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/v1/complaints/{ticket}/escalate?key={SHOP_KEY}")))
        .bearer_auth(token)
        .json(&json!({"reason": reason}))
        .send()
        .await
        .unwrap()
}

async fn merchant_replies_shopper_escalates_merchant_resolves(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    let filed: Value = file(&app, SHOP_KEY, &token, Some("send-z-000001"), &complaint("quality")).await.json().await.unwrap();
    let ticket = filed["ticket"].as_str().unwrap().to_owned();
    assert_eq!(filed["can_escalate"], false);
    let too_early = shopper_escalate(&app, &token, &ticket, "Nobody has answered yet").await;
    assert_eq!(error_of(too_early).await.1, "not_allowed");

    let reply = act(&app, SHOP_SECRET, &ticket, json!({"action": "reply", "text": "Sorry! We are sending a new beanie today."})).await;
    assert_eq!(reply.status(), 200);
    let replied: Value = reply.json().await.unwrap();
    assert_eq!((replied["status"].as_str(), replied["can_escalate"].as_bool()), (Some("answered"), Some(true)));
    assert!(replied.get("response_due").is_none(), "an answer keeps the promise");

    let no_reason = shopper_escalate(&app, &token, &ticket, "").await;
    assert_eq!(error_of(no_reason).await, (422, "missing".into(), Some("reason".into())));
    let up: Value = shopper_escalate(&app, &token, &ticket, "A new beanie does not fix my trip").await.json().await.unwrap();
    assert_eq!((up["level"].as_str(), up["status"].as_str()), (Some("l2"), Some("open")));
    assert_eq!(up["response_due"], "2026-11-26T09:30:00.000Z", "a fresh promise");
    assert_eq!(up["can_escalate"], false, "no answer at L2 yet");

    let bad_points =
        act(&app, SHOP_SECRET, &ticket, json!({"action": "resolve", "resolution": {"kind": "compensation", "points": 0}})).await;
    assert_eq!(error_of(bad_points).await, (422, "invalid".into(), Some("resolution.points".into())));
    let resolved: Value =
        act(&app, SHOP_SECRET, &ticket, json!({"action": "resolve", "resolution": {"kind": "refund"}, "note": "Refunded in full."}))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(resolved["status"], "resolved");
    let kinds: Vec<(&str, &str)> =
        resolved["timeline"].as_array().unwrap().iter().map(|e| (e["kind"].as_str().unwrap(), e["actor"].as_str().unwrap())).collect();
    assert_eq!(kinds, [("created", "shopper"), ("replied", "merchant"), ("escalated", "shopper"), ("resolved", "merchant")]);
    assert_eq!(resolved["timeline"][1]["reason"], "Sorry! We are sending a new beanie today.");
    assert_eq!(resolved["timeline"][2]["reason"], "A new beanie does not fix my trip");
    assert_eq!(resolved["timeline"][3]["resolution"], "refund", "the widget words the resolution itself");
    assert_eq!(resolved["timeline"][3]["reason"], "Refunded in full.");

    // Unhappy with the resolution: once more, from L2 to L3; then there is no higher level.
    assert_eq!(shopper_escalate(&app, &token, &ticket, "The refund never arrived").await.status(), 200);
    let top = act(&app, SHOP_SECRET, &ticket, json!({"action": "escalate", "reason": "Manager should look"})).await;
    assert_eq!(error_of(top).await.1, "not_allowed");
    let again = act(&app, SHOP_SECRET, &ticket, json!({"action": "reply", "text": "Looking into it."})).await;
    assert_eq!(again.status(), 200);
    let at_top = shopper_escalate(&app, &token, &ticket, "Still nothing").await;
    assert_eq!(error_of(at_top).await.1, "not_allowed");
}

async fn the_merchant_desk_filters_and_never_shows_another_merchant(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    let quality: Value = file(&app, SHOP_KEY, &token, Some("send-w-000001"), &complaint("quality")).await.json().await.unwrap();
    app.clock.advance(std::time::Duration::from_secs(60));
    let damaged: Value = file(&app, SHOP_KEY, &token, Some("send-w-000002"), &complaint("damaged")).await.json().await.unwrap();
    act(&app, SHOP_SECRET, damaged["ticket"].as_str().unwrap(), json!({"action": "reply", "text": "Replacement sent."})).await;
    let list = |query: &'static str| {
        let request = app.client.get(app.url(&format!("/v1/merchant/complaints{query}"))).bearer_auth(SHOP_SECRET);
        async move {
            let body: Value = request.send().await.unwrap().json().await.unwrap();
            body.as_array().unwrap().iter().map(|c| c["ticket"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    let (q, d) = (quality["ticket"].as_str().unwrap().to_owned(), damaged["ticket"].as_str().unwrap().to_owned());
    assert_eq!(list("").await, [d.clone(), q.clone()], "newest first");
    assert_eq!(list("?category=damaged").await, std::slice::from_ref(&d));
    assert_eq!(list("?level=l2").await, std::slice::from_ref(&d));
    assert_eq!(list("?status=open").await, std::slice::from_ref(&q));
    assert!(list("?breached=true").await.is_empty());
    app.clock.advance(std::time::Duration::from_secs(25 * 3600));
    assert_eq!(list("?breached=true").await, std::slice::from_ref(&q), "open past its promise; the answered one is not");
    assert_eq!(list("?created_before=2026-11-25T09:00:00Z").await, Vec::<String>::new());
    let bad = app.client.get(app.url("/v1/merchant/complaints?level=l9")).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(error_of(bad).await.0, 400);
    // The documented range of `limit` is what the server takes (it used to clamp 0 and 101).
    for (limit, status) in [("0", 400), ("1", 200), ("100", 200), ("101", 400)] {
        let listed =
            app.client.get(app.url(&format!("/v1/merchant/complaints?limit={limit}"))).bearer_auth(SHOP_SECRET).send().await.unwrap();
        assert_eq!(listed.status(), status, "limit={limit}");
    }

    let theirs = app.client.get(app.url("/v1/merchant/complaints")).bearer_auth(OTHER_SECRET).send().await.unwrap();
    assert_eq!(theirs.json::<Value>().await.unwrap(), json!([]));
    let peek = app.client.get(app.url(&format!("/v1/merchant/complaints/{q}"))).bearer_auth(OTHER_SECRET).send().await.unwrap();
    assert_eq!(error_of(peek).await.0, 404);
    let meddle = act(&app, OTHER_SECRET, &q, json!({"action": "reply", "text": "Not my complaint"})).await;
    assert_eq!(error_of(meddle).await.0, 404);
}

/// Points credited on a complaint, from its `bonus_credited` events.
async fn bonus_points(app: &TestApp, ticket: &str) -> Vec<i64> {
    let view = app.merchant_get(SHOP_SECRET, &format!("/v1/merchant/complaints/{ticket}")).await;
    view["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "bonus_credited").map(|e| e["points"].as_i64().unwrap()).collect()
}

async fn file_ticket(app: &TestApp, idempotency_key: &str) -> String {
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": "NW-1042", "email": "anna@example.com"})).await;
    let token = lookup.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let filed: Value = file(app, SHOP_KEY, &token, Some(idempotency_key), &complaint("quality")).await.json().await.unwrap();
    filed["ticket"].as_str().unwrap().to_owned()
}

async fn broken_promises_and_compensation_are_credited_up_to_the_cap(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    order_token(&app).await;
    let first = file_ticket(&app, "send-c-000001").await;
    app.clock.advance(std::time::Duration::from_secs(25 * 3600));
    let escalated = escalate_breached(&app.store, app.clock_now(), 100).await.unwrap();
    assert_eq!(escalated.len(), 1);
    assert_eq!(bonus_points(&app, &first).await, [50], "a broken promise is made up for");
    // A second breach of the same complaint does not pay again.
    app.clock.advance(std::time::Duration::from_secs(25 * 3600));
    escalate_breached(&app.store, app.clock_now(), 100).await.unwrap();
    assert_eq!(bonus_points(&app, &first).await, [50]);

    let resolve = |points: i64| json!({"action": "resolve", "resolution": {"kind": "compensation", "points": points}});
    assert_eq!(act(&app, SHOP_SECRET, &first, resolve(480)).await.status(), 200);
    assert_eq!(bonus_points(&app, &first).await, [50, 450], "capped at 500 per 30 days");

    let second = file_ticket(&app, "send-c-000002").await;
    assert_eq!(act(&app, SHOP_SECRET, &second, resolve(100)).await.status(), 200);
    assert!(bonus_points(&app, &second).await.is_empty(), "the cap is reached: nothing to farm");

    app.clock.advance(std::time::Duration::from_secs(31 * 24 * 3600));
    let later = file_ticket(&app, "send-c-000003").await;
    act(&app, SHOP_SECRET, &later, resolve(100)).await;
    assert_eq!(bonus_points(&app, &later).await, [100], "a new 30-day window");
}

async fn concurrent_compensations_for_one_shopper_respect_the_cap(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    order_token(&app).await;
    let (a, b) = (file_ticket(&app, "send-k-000001").await, file_ticket(&app, "send-k-000002").await);
    let resolve = json!({"action": "resolve", "resolution": {"kind": "compensation", "points": 400}});
    let (ra, rb) = tokio::join!(act(&app, SHOP_SECRET, &a, resolve.clone()), act(&app, SHOP_SECRET, &b, resolve.clone()));
    assert_eq!((ra.status().as_u16(), rb.status().as_u16()), (200, 200));
    let mut credited: Vec<i64> = bonus_points(&app, &a).await;
    credited.extend(bonus_points(&app, &b).await);
    credited.sort();
    assert_eq!(credited, [100, 400], "500 in all, never 800");
}

async fn shoppers_list_their_complaints_by_order_and_after_identify(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    let first: Value = file(&app, SHOP_KEY, &token, Some("send-l-000001"), &complaint("quality")).await.json().await.unwrap();
    app.clock.advance(std::time::Duration::from_secs(60));
    let second: Value = file(&app, SHOP_KEY, &token, Some("send-l-000002"), &complaint("damaged")).await.json().await.unwrap();
    let tickets = |list: Value| list.as_array().unwrap().iter().map(|c| c["ticket"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let expected = vec![second["ticket"].as_str().unwrap().to_owned(), first["ticket"].as_str().unwrap().to_owned()];

    let by_order =
        app.client.get(app.url(&format!("/v1/orders/NW-1042/complaints?key={SHOP_KEY}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(tickets(by_order.json().await.unwrap()), expected);

    let anna = shopper_token_for("shopper-anna");
    let mine = app.client.get(app.url(&format!("/v1/shopper/complaints?key={SHOP_KEY}"))).bearer_auth(&anna).send().await.unwrap();
    assert_eq!(tickets(mine.json().await.unwrap()), expected);
    let ben = shopper_token_for("shopper-ben");
    let his = app.client.get(app.url(&format!("/v1/shopper/complaints?key={SHOP_KEY}"))).bearer_auth(&ben).send().await.unwrap();
    assert_eq!(his.json::<Value>().await.unwrap(), json!([]), "another shopper sees none of them");
    let with_order_token =
        app.client.get(app.url(&format!("/v1/shopper/complaints?key={SHOP_KEY}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(error_of(with_order_token).await.1, "invalid_token");
}

/// One order token once filed thousands of complaints in seconds: now five per order an
/// hour (retries of one Send are not new ones, and always get their answer), and none when
/// the shop switched complaints
/// off, whatever a script sends (the widget's hiding it is no defence).
async fn filing_is_limited_and_switched_off_features_are_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app).await;
    for n in 0..5 {
        let key = format!("send-farm-{n:04}");
        assert_eq!(file(&app, SHOP_KEY, &token, Some(&key), &complaint("quality")).await.status(), 201);
        assert_eq!(file(&app, SHOP_KEY, &token, Some(&key), &complaint("quality")).await.status(), 201, "a retry is answered");
    }
    let sixth = file(&app, SHOP_KEY, &token, Some("send-farm-0005"), &complaint("quality")).await;
    assert!(sixth.headers().contains_key("retry-after"));
    assert_eq!(error_of(sixth).await.1, "rate_limited");
    let retry = file(&app, SHOP_KEY, &token, Some("send-farm-0004"), &complaint("quality")).await;
    assert_eq!(retry.status(), 201, "past the limit, a retry of an accepted one still gets its ticket");
    app.clock.advance(std::time::Duration::from_secs(3601));
    // (The order token lasted 30 minutes: look the order up again.)
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": "NW-1042", "email": "anna@example.com"})).await;
    let token = lookup.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    assert_eq!(file(&app, SHOP_KEY, &token, Some("send-farm-0005"), &complaint("quality")).await.status(), 201, "an hour later");

    // A rating e-mail sent before the switch below.
    let made = app
        .client
        .post(app.url("/v1/merchant/csat/links"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"subject": "order:NW-1042"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let link = made.json::<Value>().await.unwrap()["links"][4]["url"].as_str().unwrap().to_owned();

    // The shop switches complaints, CSAT and loyalty off: the API refuses them too.
    app.store.update_settings("m_one", |settings| settings.features = vec![carebox_contract::Feature::OrderStatus]).await.unwrap();
    // (Written through another pool, as another process would: the server sees it once its copy expires.)
    tokio::time::sleep(carebox_server::storage::MERCHANT_CACHE_TTL + std::time::Duration::from_millis(100)).await;
    let off = file(&app, SHOP_KEY, &token, Some("send-farm-0006"), &complaint("quality")).await;
    assert_eq!(error_of(off).await, (403, "not_allowed".into(), None));
    let rate =
        app.client.put(app.url(&format!("/v1/csat/order:NW-1042?key={SHOP_KEY}"))).bearer_auth(&token).json(&json!({"score": 5})).send();
    assert_eq!(error_of(rate.await.unwrap()).await.0, 403);
    let points = app.client.get(app.url(&format!("/v1/shopper/loyalty?key={SHOP_KEY}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(error_of(points).await.0, 403);
    let links = app
        .client
        .post(app.url("/v1/merchant/csat/links"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"subject": "order:NW-1042"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(links).await.0, 403, "no rating links for a shop without CSAT");
    let t = link.split("&t=").nth(1).unwrap();
    let sent = app.client.post(app.url("/csat/r")).form(&[("key", SHOP_KEY), ("t", t)]).send().await.unwrap();
    assert_eq!(sent.status(), 403);
    assert!(sent.text().await.unwrap().contains("no longer collects ratings"), "the e-mail's link says why, politely");
}

/// An Idempotency-Key answers its retries for a week, then the server's clock forgets it.
async fn idempotency_keys_are_forgotten_after_a_week(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| settings.sla_tick = std::time::Duration::from_millis(50)).await;
    let token = order_token(&app).await;
    assert_eq!(file(&app, SHOP_KEY, &token, Some("send-week-0001"), &complaint("quality")).await.status(), 201);
    let other = complaint("damaged");
    let reused = file(&app, SHOP_KEY, &token, Some("send-week-0001"), &other).await;
    assert_eq!(error_of(reused).await.1, "idempotency_key_reused", "within the week the key is taken");

    app.clock.advance(std::time::Duration::from_secs(7 * 24 * 3600 + 60));
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": "NW-1042", "email": "anna@example.com"})).await;
    let token = lookup.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let mut status = 0;
    for _ in 0..100 {
        status = file(&app, SHOP_KEY, &token, Some("send-week-0001"), &other).await.status().as_u16();
        if status == 201 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, 201, "a week on, the clock forgot the key: it files anew");
}

on_both_engines!(
    idempotency_keys_are_forgotten_after_a_week,
    filing_is_limited_and_switched_off_features_are_refused,
    shoppers_list_their_complaints_by_order_and_after_identify,
    broken_promises_and_compensation_are_credited_up_to_the_cap,
    concurrent_compensations_for_one_shopper_respect_the_cap,
    merchant_replies_shopper_escalates_merchant_resolves,
    the_merchant_desk_filters_and_never_shows_another_merchant,
    filing_gives_a_ticket_with_a_promise_and_a_timeline,
    a_retried_send_files_once_and_returns_the_same_answer,
    bad_input_names_the_field,
    only_orders_the_shopper_may_open,
);
