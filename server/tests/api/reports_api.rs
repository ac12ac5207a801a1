//! The support report and the inbox's paging and counts over HTTP on both engines: first-answer times from real replies and
//! resolutions, broken promises from the real SLA step, escalations by cause, ranges refused
//! with the field, and one shop never counting another's complaints.

use crate::common;
use std::time::Duration;

use crate::common::*;
use carebox_contract::{
    ComplaintCategory, ComplaintDescription, ContactPreference, DesiredResolution, EscalationLevel, OrderNumber, Priority, Timestamp,
};
use carebox_server::services::sla::escalate_breached;
use carebox_server::storage::{NewComplaint, StoredOrder};
use serde_json::{Value, json};

async fn file(app: &TestApp, order: &StoredOrder, due_in_hours: i64) -> String {
    let description = ComplaintDescription::parse("The mug arrived with a cracked handle.").unwrap();
    let now = app.clock_now();
    let (_, ticket) = app
        .store
        .create_complaint(
            NewComplaint {
                merchant_id: "m_one",
                order_id: &order.id,
                order_number: &order.number,
                shopper_email: order.details.email.as_str(),
                shopper_tier: None,
                category: ComplaintCategory::Damaged,
                description: &description,
                desired_resolution: DesiredResolution::Replacement,
                contact_preference: ContactPreference::Email,
                items: &[0],
                level: EscalationLevel::L1,
                priority: Priority::Normal,
                due_at: Timestamp::from_unix_ms(now.unix_ms() + due_in_hours * 3_600_000),
            },
            now,
        )
        .await
        .unwrap();
    ticket
}

async fn act(app: &TestApp, ticket: &str, action: Value) {
    let response = app
        .client
        .post(app.url(&format!("/v1/merchant/complaints/{ticket}/actions")))
        .bearer_auth(SHOP_SECRET)
        .json(&action)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{action}");
}

async fn report(app: &TestApp, secret: &str, query: &str) -> reqwest::Response {
    app.client.get(app.url(&format!("/v1/merchant/reports/support{query}"))).bearer_auth(secret).send().await.unwrap()
}

async fn the_report_counts_answers_broken_promises_and_escalations(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    assert_eq!(app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await.status(), 201);
    let order = app.store.order_by_number("m_one", &OrderNumber::parse("NW-1042").unwrap()).await.unwrap().unwrap();
    let (replied, resolved, broken, moved): (String, String, String, String) =
        (file(&app, &order, 24).await, file(&app, &order, 24).await, file(&app, &order, 1).await, file(&app, &order, 24).await);

    app.clock.advance(Duration::from_secs(30 * 60));
    act(&app, &replied, json!({ "action": "reply", "text": "A new mug is on its way." })).await;
    act(&app, &moved, json!({ "action": "escalate", "reason": "Needs the warehouse lead." })).await;
    app.clock.advance(Duration::from_secs(90 * 60));
    act(&app, &resolved, json!({ "action": "resolve", "resolution": { "kind": "refund" } })).await;
    // The third complaint's one-hour promise has run out: the SLA step escalates it.
    let escalated = escalate_breached(&app.store, app.clock_now(), 100).await.unwrap();
    assert_eq!(escalated.iter().map(|e| e.ticket.clone()).collect::<Vec<_>>(), [broken]);

    let response = report(&app, SHOP_SECRET, "?from=2026-11-24&to=2026-11-25").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    println!("{body}");
    assert_eq!(body["first_response"], json!({ "answered": 2, "unanswered": 2, "median_minutes": 30, "p90_minutes": 120 }));
    let days = body["daily"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0], json!({ "date": "2026-11-24", "filed": 0, "promises_broken": 0, "escalated_to_l2": 0, "escalated_to_l3": 0 }));
    assert_eq!(days[1], json!({ "date": "2026-11-25", "filed": 4, "promises_broken": 1, "escalated_to_l2": 2, "escalated_to_l3": 0 }));
    assert_eq!(
        body["escalations"],
        json!([
            { "level": "l2", "promise_broken": 1, "shopper": 0, "staff": 1 },
            { "level": "l3", "promise_broken": 0, "shopper": 0, "staff": 0 },
        ])
    );

    // Another shop's report never counts these.
    let other: Value = report(&app, OTHER_SECRET, "?from=2026-11-25&to=2026-11-25").await.json().await.unwrap();
    assert_eq!(other["first_response"], json!({ "answered": 0, "unanswered": 0 }));
    assert_eq!(other["daily"][0]["filed"], 0);
}
on_both_engines!(the_report_counts_answers_broken_promises_and_escalations);

async fn ranges_are_refused_with_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for (query, field) in [("?from=2026-11-26&to=2026-11-25", "from"), ("?to=2026-13-01", "to"), ("?from=2025-01-01&to=2026-11-25", "from")]
    {
        let (status, code, got) = error_of(report(&app, SHOP_SECRET, query).await).await;
        assert_eq!((status, code.as_str(), got.as_deref()), (400, "invalid", Some(field)), "{query}");
    }
    let (status, code, _) = error_of(report(&app, "sk_not_a_key", "").await).await;
    assert_eq!((status, code.as_str()), (401, "unauthorized"));
    // The default range is the 30 days up to today.
    let body: Value = report(&app, SHOP_SECRET, "").await.json().await.unwrap();
    assert_eq!(
        (body["from"].as_str(), body["to"].as_str(), body["daily"].as_array().map(Vec::len)),
        (Some("2026-10-27"), Some("2026-11-25"), Some(30))
    );
}
on_both_engines!(ranges_are_refused_with_the_field);

async fn the_inbox_pages_by_promise_and_counts_each_state(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    assert_eq!(app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await.status(), 201);
    let order = app.store.order_by_number("m_one", &OrderNumber::parse("NW-1042").unwrap()).await.unwrap().unwrap();
    // Filed one after another, their promises in another order: 5 h, 1 h, 3 h, 2 h, 4 h.
    let mut tickets = Vec::new();
    for hours in [5, 1, 3, 2, 4] {
        tickets.push(file(&app, &order, hours).await);
        app.clock.advance(Duration::from_secs(1));
    }
    let list = |query: &str| {
        let request = app.client.get(app.url(&format!("/v1/merchant/complaints{query}"))).bearer_auth(SHOP_SECRET);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let tickets_of = |page: Value| page.as_array().unwrap().iter().map(|c| c["ticket"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let by_promise = [1, 3, 2, 4, 0].map(|i| tickets[i].clone());
    assert_eq!(tickets_of(list("?status=open&sort=due&limit=2").await), by_promise[..2]);
    assert_eq!(tickets_of(list("?status=open&sort=due&limit=2&offset=2").await), by_promise[2..4]);
    assert_eq!(tickets_of(list("?status=open&sort=due&limit=2&offset=4").await), by_promise[4..]);
    assert_eq!(tickets_of(list("?limit=1").await), [tickets[4].clone()], "newest first by default");

    // One answered; after 90 minutes one is overdue.
    act(&app, &tickets[0], json!({ "action": "reply", "text": "On it." })).await;
    app.clock.advance(Duration::from_secs(90 * 60));
    let counts = |query: &'static str| {
        let request = app.client.get(app.url(&format!("/v1/merchant/complaints/counts{query}"))).bearer_auth(SHOP_SECRET);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(counts("").await, json!({ "open": 4, "overdue": 1, "answered": 1, "resolved": 0 }));
    assert_eq!(counts("?vip=true").await, json!({ "open": 0, "overdue": 0, "answered": 0, "resolved": 0 }), "none is high priority");
    assert_eq!(tickets_of(list("?breached=true").await), [tickets[1].clone()]);
    let other: Value =
        app.client.get(app.url("/v1/merchant/complaints/counts")).bearer_auth(OTHER_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(other["open"], 0, "another shop counts its own");
    for (query, field) in [("?sort=oldest", "sort"), ("?offset=100001", "offset"), ("?vip=maybe", "vip")] {
        let (status, code, got) =
            error_of(app.client.get(app.url(&format!("/v1/merchant/complaints{query}"))).bearer_auth(SHOP_SECRET).send().await.unwrap())
                .await;
        assert_eq!((status, code.as_str(), got.as_deref()), (400, "invalid", Some(field)), "{query}");
    }
}
on_both_engines!(the_inbox_pages_by_promise_and_counts_each_state);
