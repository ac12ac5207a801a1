//! CSAT through the real server: one answer per subject under concurrent posts, the edit
//! window, other shoppers refused, resolved complaints only, signed e-mail links and the
//! merchant's figures. On SQLite and PostgreSQL.

use crate::common;
use std::time::Duration;

use crate::common::*;
use serde_json::{Value, json};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// An order of `email` and its lookup token.
async fn order_token(app: &TestApp, number: &str, email: &str) -> String {
    assert_eq!(app.put_order(SHOP_SECRET, number, &order_body(email)).await.status(), 201);
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": number, "email": email})).await;
    json_of(lookup).await["token"].as_str().unwrap().to_owned()
}

async fn rate(app: &TestApp, token: &str, subject: &str, body: Value) -> reqwest::Response {
    app.client.put(app.url(&format!("/v1/csat/{subject}?key={SHOP_KEY}"))).bearer_auth(token).json(&body).send().await.unwrap()
}

async fn read(app: &TestApp, token: &str, subject: &str) -> reqwest::Response {
    app.client.get(app.url(&format!("/v1/csat/{subject}?key={SHOP_KEY}"))).bearer_auth(token).send().await.unwrap()
}

async fn merchant_get(app: &TestApp, secret: &str, path: &str) -> Value {
    let response = app.client.get(app.url(path)).bearer_auth(secret).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    json_of(response).await
}

async fn one_answer_per_subject_even_under_concurrent_posts(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app, "NW-5001", "anna@example.com").await;
    assert_eq!(json_of(read(&app, &token, "order:NW-5001").await).await, json!({}), "nothing answered yet");

    // Twelve answers at once (double clicks, a retrying network): one answer, changed in place.
    let posts = (0..12).map(|i| rate(&app, &token, "order:NW-5001", json!({"score": 1 + i % 5})));
    let statuses: Vec<u16> = futures::future::join_all(posts).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 11, "{statuses:?}");
    let answers = merchant_get(&app, SHOP_SECRET, "/v1/merchant/csat/answers").await;
    assert_eq!(answers.as_array().unwrap().len(), 1, "{answers}");

    // A change within the window; a comment; a later score keeps the comment.
    let changed = rate(&app, &token, "order:NW-5001", json!({"score": 5, "comment": "  Quick and friendly.  "})).await;
    assert_eq!(changed.status(), 200);
    let changed = json_of(changed).await;
    assert_eq!(changed["comment"], "Quick and friendly.");
    assert_eq!(
        (changed["answered_at"].as_str(), changed["editable_until"].as_str()),
        (Some("2026-11-25T09:30:00.000Z"), Some("2026-11-26T09:30:00.000Z"))
    );
    assert_eq!(json_of(rate(&app, &token, "order:NW-5001", json!({"score": 4})).await).await["comment"], "Quick and friendly.");

    // After the 24-hour window: read-only.
    app.clock.advance(Duration::from_secs(24 * 3600));
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": "NW-5001", "email": "anna@example.com"})).await;
    let token = json_of(lookup).await["token"].as_str().unwrap().to_owned();
    assert_eq!(
        error_of(rate(&app, &token, "order:NW-5001", json!({"score": 1})).await).await,
        (409, "edit_window_closed".into(), Some("score".into()))
    );
    let stored = json_of(read(&app, &token, "order:NW-5001").await).await;
    assert_eq!((stored["answer"]["score"].as_u64(), stored["answer"]["editable"].as_bool()), (Some(4), Some(false)));

    // The window is the merchant's setting, and it applies to answers already given.
    let put_settings = |hours: i64| {
        app.client.put(app.url("/v1/merchant/csat/settings")).bearer_auth(SHOP_SECRET).json(&json!({"edit_window_hours": hours})).send()
    };
    assert_eq!(error_of(put_settings(0).await.unwrap()).await, (422, "invalid".into(), Some("edit_window_hours".into())));
    assert_eq!(put_settings(48).await.unwrap().status(), 200);
    assert_eq!(rate(&app, &token, "order:NW-5001", json!({"score": 2})).await.status(), 200);

    // Bad input names the field and keeps the stored answer.
    assert_eq!(
        error_of(rate(&app, &token, "order:NW-5001", json!({"score": 6})).await).await,
        (400, "invalid_json".into(), Some("score".into()))
    );
    let long = "x".repeat(1001);
    assert_eq!(
        error_of(rate(&app, &token, "order:NW-5001", json!({"score": 3, "comment": long})).await).await.2.as_deref(),
        Some("comment")
    );
    assert_eq!(
        error_of(rate(&app, &token, "shop:everything", json!({"score": 3})).await).await,
        (400, "invalid".into(), Some("subject".into()))
    );
    assert_eq!(json_of(read(&app, &token, "order:NW-5001").await).await["answer"]["score"], 2);
}

async fn only_the_shopper_of_a_subject_may_rate_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let anna = order_token(&app, "NW-5101", "anna@example.com").await;
    let ben = order_token(&app, "NW-5102", "ben@example.com").await;
    assert_eq!(error_of(rate(&app, &ben, "order:NW-5101", json!({"score": 1})).await).await.0, 404);
    assert_eq!(error_of(read(&app, &ben, "order:NW-5101").await).await.0, 404);
    let nobody =
        app.client.put(app.url(&format!("/v1/csat/order:NW-5101?key={SHOP_KEY}"))).json(&json!({"score": 1})).send().await.unwrap();
    assert_eq!(error_of(nobody).await.1, "invalid_token");
    let other_shop = app
        .client
        .put(app.url(&format!("/v1/csat/order:NW-5101?key={OTHER_KEY}")))
        .bearer_auth(&anna)
        .json(&json!({"score": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(other_shop).await.0, 401);
    // `service` is rated by a shopper the merchant identified, once per shopper.
    assert_eq!(error_of(rate(&app, &anna, "service", json!({"score": 5})).await).await.1, "invalid_token");
    let identified = shopper_token_for("shopper-anna");
    assert_eq!(rate(&app, &identified, "service", json!({"score": 5})).await.status(), 201);
    assert_eq!(rate(&app, &identified, "service", json!({"score": 4})).await.status(), 200);
    assert_eq!(rate(&app, &shopper_token_for("shopper-ben"), "service", json!({"score": 2})).await.status(), 201, "Ben's own answer");
    // Anna's identified token opens her order too: the same one answer as with her lookup token.
    assert_eq!(rate(&app, &anna, "order:NW-5101", json!({"score": 3})).await.status(), 201);
    assert_eq!(rate(&app, &identified, "order:NW-5101", json!({"score": 4})).await.status(), 200);
    let answers = merchant_get(&app, SHOP_SECRET, "/v1/merchant/csat/answers").await;
    assert_eq!(answers.as_array().unwrap().len(), 3, "{answers}");
    assert_eq!(merchant_get(&app, OTHER_SECRET, "/v1/merchant/csat/answers").await, json!([]), "another merchant sees none");
}

/// Files a complaint on `number` and returns its ticket.
async fn file_complaint(app: &TestApp, token: &str, number: &str, category: &str) -> String {
    let filed = app
        .client
        .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("csat-test-{number}-{category}"))
        .json(&json!({"order_number": number, "items": [0], "category": category,
            "description": "The flask leaks at the lid after a week.", "desired_resolution": "replacement", "contact_preference": "email"}))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    json_of(filed).await["ticket"].as_str().unwrap().to_owned()
}

async fn resolve(app: &TestApp, ticket: &str) {
    let resolved = app
        .client
        .post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions")))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"action": "resolve", "resolution": {"kind": "replacement"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resolved.status(), 200);
}

async fn resolved_complaints_are_rated_and_counted_by_category_and_level(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app, "NW-5201", "anna@example.com").await;
    let quality = file_complaint(&app, &token, "NW-5201", "quality").await;
    let damaged = file_complaint(&app, &token, "NW-5201", "damaged").await;
    let subject = format!("complaint:{quality}");
    assert_eq!(error_of(rate(&app, &token, &subject, json!({"score": 5})).await).await.1, "not_allowed", "not resolved yet");
    resolve(&app, &quality).await;
    resolve(&app, &damaged).await;
    assert_eq!(rate(&app, &token, &subject, json!({"score": 5})).await.status(), 201);
    assert_eq!(rate(&app, &token, &format!("complaint:{damaged}"), json!({"score": 2})).await.status(), 201);
    assert_eq!(rate(&app, &token, "order:NW-5201", json!({"score": 4})).await.status(), 201);
    app.clock.advance(Duration::from_secs(24 * 3600));
    let token = order_token(&app, "NW-5202", "ben@example.com").await;
    assert_eq!(rate(&app, &token, "order:NW-5202", json!({"score": 3})).await.status(), 201);

    let metrics = merchant_get(&app, SHOP_SECRET, "/v1/merchant/csat/metrics?from=2026-11-24&to=2026-11-26").await;
    assert_eq!((metrics["count"].as_u64(), metrics["csat_percent"].as_f64()), (Some(4), Some(50.0)));
    assert_eq!(metrics["distribution"], json!([0, 1, 1, 1, 1]));
    let daily: Vec<(String, u64)> =
        metrics["daily"].as_array().unwrap().iter().map(|d| (d["date"].as_str().unwrap().into(), d["count"].as_u64().unwrap())).collect();
    assert_eq!(daily, [("2026-11-24".into(), 0), ("2026-11-25".into(), 3), ("2026-11-26".into(), 1)]);
    assert_eq!(
        metrics["by_category"],
        json!([
            {"category": "damaged", "count": 1, "csat_percent": 0.0, "distribution": [0, 1, 0, 0, 0]},
            {"category": "quality", "count": 1, "csat_percent": 100.0, "distribution": [0, 0, 0, 0, 1]}
        ])
    );
    // The damaged complaint started at L2 (a severe category), the quality one at L1.
    let levels: Vec<(String, u64)> = metrics["by_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["level"].as_str().unwrap().into(), l["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(levels, [("l1".into(), 1), ("l2".into(), 1)]);
    let one_day = merchant_get(&app, SHOP_SECRET, "/v1/merchant/csat/metrics?from=2026-11-26&to=2026-11-26").await;
    assert_eq!(one_day["count"], 1);

    let bad = |query: &'static str| app.client.get(app.url(&format!("/v1/merchant/csat/metrics{query}"))).bearer_auth(SHOP_SECRET).send();
    assert_eq!(error_of(bad("?from=2026-11-30&to=2026-11-01").await.unwrap()).await, (400, "invalid".into(), Some("from".into())));
    assert_eq!(error_of(bad("?to=2026-13-01").await.unwrap()).await, (400, "invalid".into(), Some("to".into())));
    assert_eq!(error_of(bad("?from=2024-01-01&to=2026-01-01").await.unwrap()).await.2.as_deref(), Some("from"));
    let unauthenticated = app.client.get(app.url("/v1/merchant/csat/metrics")).send().await.unwrap();
    assert_eq!(error_of(unauthenticated).await.1, "unauthorized");
}

async fn make_links(app: &TestApp, secret: &str, subject: &str, locale: Option<&str>) -> reqwest::Response {
    let mut body = json!({"subject": subject, "valid_days": 7});
    if let Some(locale) = locale {
        body["locale"] = json!(locale);
    }
    app.client.post(app.url("/v1/merchant/csat/links")).bearer_auth(secret).json(&body).send().await.unwrap()
}

async fn e_mail_links_record_one_click_and_refuse_tampering_and_expiry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = order_token(&app, "NW-5301", "anna@example.com").await;
    let ticket = file_complaint(&app, &token, "NW-5301", "quality").await;
    resolve(&app, &ticket).await;
    let subject = format!("complaint:{ticket}");

    let made = make_links(&app, SHOP_SECRET, &subject, Some("ru")).await;
    assert_eq!(made.status(), 201);
    let made = json_of(made).await;
    assert_eq!(made["expires_at"], "2026-12-02T09:30:00.000Z");
    let links: Vec<String> = made["links"].as_array().unwrap().iter().map(|l| l["url"].as_str().unwrap().to_owned()).collect();
    assert_eq!(links.len(), 5);
    assert!(links[3].starts_with(&app.url("/csat/r?key=pk_test_shop_one&t=")), "{}", links[3]);

    // Opening the "4" link, as a mail scanner does (a bare HTTP client: GET, HEAD), records
    // nothing: the page sends the choice itself, a POST, by its one hashed script or its button.
    let opened = app.client.get(&links[3]).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    assert_eq!(opened.headers()["referrer-policy"], "no-referrer");
    let policy = opened.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("script-src 'sha256-") && !policy.contains("unsafe-inline'; script"), "{policy}");
    let page = opened.text().await.unwrap();
    assert!(
        page.contains(r#"lang="ru""#) && page.contains("4 из 5") && page.contains(r#"method="post""#) && page.contains("Отправить ответ"),
        "{page}"
    );
    assert_eq!(app.client.head(&links[3]).send().await.unwrap().status(), 200);
    assert_eq!(json_of(read(&app, &token, &subject).await).await["answer"], Value::Null, "opened twice, nothing recorded");
    let t4 = links[3].split("&t=").nth(1).unwrap();
    let sent = app.client.post(app.url("/csat/r")).form(&[("key", SHOP_KEY), ("t", t4)]).send().await.unwrap();
    assert_eq!(sent.status(), 200);
    let page = sent.text().await.unwrap();
    assert!(page.contains("4 из 5") && page.contains("<textarea"), "the thank-you page with a comment box: {page}");
    let stored = json_of(read(&app, &token, &subject).await).await;
    assert_eq!(stored["answer"]["score"], 4);

    // The "2" link changes it (one answer); the comment form stores a comment.
    let t = links[1].split("&t=").nth(1).unwrap();
    assert_eq!(app.client.post(app.url("/csat/r")).form(&[("key", SHOP_KEY), ("t", t)]).send().await.unwrap().status(), 200);
    let form = [("key", SHOP_KEY), ("t", t), ("comment", "Took <three> e-mails to get an answer.")];
    let commented = app.client.post(app.url("/csat/r")).form(&form).send().await.unwrap();
    assert_eq!(commented.status(), 200);
    assert!(commented.text().await.unwrap().contains("комментарий получен"));
    let answers = merchant_get(&app, SHOP_SECRET, "/v1/merchant/csat/answers").await;
    assert_eq!(answers.as_array().unwrap().len(), 1);
    assert_eq!((answers[0]["score"].as_u64(), answers[0]["source"].as_str()), (Some(2), Some("email")));
    assert_eq!(answers[0]["comment"], "Took <three> e-mails to get an answer.");
    // Too long: refused with the typed text kept (escaped) in the box.
    let long = format!("<b>{}</b>", "x".repeat(1000));
    let refused =
        app.client.post(app.url("/csat/r")).form(&[("key", SHOP_KEY), ("t", t), ("comment", long.as_str())]).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("&lt;b&gt;xxxx") && page.contains("role=\"alert\"") && !page.contains("<b>x"), "typed text kept, escaped");

    // A forged score, another shop's key, and an English browser's tampered link: refused politely.
    let forged = links[3].replacen(".ey", ".eX", 1);
    let tampered = app.client.get(&forged).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap();
    assert_eq!(tampered.status(), 400);
    assert!(tampered.text().await.unwrap().contains("not valid"));
    let elsewhere = app.client.get(links[0].replace(SHOP_KEY, OTHER_KEY)).send().await.unwrap();
    assert_eq!(elsewhere.status(), 400);
    assert_eq!(json_of(read(&app, &token, &subject).await).await["answer"]["score"], 2, "nothing changed");

    // Past the links' 7 days: expired, also politely.
    app.clock.advance(Duration::from_secs(8 * 24 * 3600));
    let expired = app.client.get(&links[4]).send().await.unwrap();
    assert_eq!(expired.status(), 410);
    assert!(expired.text().await.unwrap().contains("истёк"));

    // Links for what this merchant does not have, or for `service`, are refused.
    assert_eq!(error_of(make_links(&app, OTHER_SECRET, &subject, None).await).await.0, 404);
    assert_eq!(error_of(make_links(&app, SHOP_SECRET, "service", None).await).await, (422, "invalid".into(), Some("subject".into())));
    assert_eq!(error_of(make_links(&app, SHOP_SECRET, "order:NW-0000", None).await).await.0, 404);
}

on_both_engines!(
    one_answer_per_subject_even_under_concurrent_posts,
    only_the_shopper_of_a_subject_may_rate_it,
    resolved_complaints_are_rated_and_counted_by_category_and_level,
    e_mail_links_record_one_click_and_refuse_tampering_and_expiry,
);
