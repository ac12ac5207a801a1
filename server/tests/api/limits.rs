//! Every limit a stranger or a runaway script could push on: body sizes (declared and
//! streamed), every text field's length at its maximum and one past it, and the numbers of
//! items, shipments and events an order may hold. At the maximum a value is taken; one past
//! it is refused with the field named, and nothing is stored. On SQLite and PostgreSQL.

use crate::common;
use crate::common::*;
use serde_json::{Value, json};

/// A string of `n` characters: Cyrillic where a limit counts characters (so a limit that
/// counted bytes would refuse the maximum), ASCII where the limit is in bytes.
fn chars(n: usize) -> String {
    "ж".repeat(n)
}
fn ascii(n: usize) -> String {
    "a".repeat(n)
}

/// A link of exactly `n` characters.
fn link(n: usize) -> String {
    let base = "https://cdn.example/";
    format!("{base}{}", ascii(n - base.len()))
}

#[derive(Clone, Copy)]
enum Caller<'a> {
    Merchant,
    Shopper(&'a str),
}

/// One text field: the request with the field at `max` is answered `taken`; at `max + 1` it is
/// refused `refused_status` naming `field`.
struct Boundary<'a> {
    method: reqwest::Method,
    path: String,
    caller: Caller<'a>,
    body: Box<dyn Fn(usize) -> Value + 'a>,
    max: usize,
    taken: u16,
    refused_status: u16,
    field: &'a str,
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str, caller: Caller<'_>, body: &Value) -> reqwest::Response {
    // Complaints need one (a new one each: each send is a new complaint); others ignore it.
    static SENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let idempotency_key = format!("limits-send-{}", SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let request = app.client.request(method, app.url(path)).header("Idempotency-Key", idempotency_key).json(body);
    match caller {
        Caller::Merchant => request.bearer_auth(SHOP_SECRET),
        Caller::Shopper(token) => request.bearer_auth(token),
    }
    .send()
    .await
    .unwrap()
}

/// Checks the boundary and answers how many requests it sent.
async fn check(app: &TestApp, boundary: Boundary<'_>) -> usize {
    let at_max = send(app, boundary.method.clone(), &boundary.path, boundary.caller, &(boundary.body)(boundary.max)).await;
    let status = at_max.status().as_u16();
    assert_eq!(status, boundary.taken, "{} at {} characters: {}", boundary.field, boundary.max, at_max.text().await.unwrap());
    let past = send(app, boundary.method, &boundary.path, boundary.caller, &(boundary.body)(boundary.max + 1)).await;
    let (status, code, field) = error_of(past).await;
    assert_eq!(
        (status, field.as_deref()),
        (boundary.refused_status, Some(boundary.field)),
        "{} at {} characters ({code})",
        boundary.field,
        boundary.max + 1
    );
    2
}

fn order_with(change: impl Fn(&mut Value)) -> Value {
    let mut order = order_body("anna@example.com");
    order["shipments"] = json!([{"carrier": "DHL", "tracking_number": "JD0146", "tracking_url": "https://dhl.example/t/JD0146"}]);
    change(&mut order);
    order
}

async fn an_order_token(app: &TestApp, number: &str) -> String {
    assert!(app.put_order(SHOP_SECRET, number, &order_body("anna@example.com")).await.status().is_success());
    let lookup = app.lookup(SHOP_KEY, &json!({"order_number": number, "email": "anna@example.com"})).await;
    lookup.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn every_text_field_is_taken_at_its_maximum_and_refused_past_it(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| {
        settings.limits.complaints_per_shopper = carebox_server::http::Limit { max: 1000, window: std::time::Duration::from_secs(3600) };
    })
    .await;
    let token = an_order_token(&app, "NW-1").await;
    let filed = {
        let body = json!({"order_number": "NW-1", "items": [0], "category": "quality", "description": "The flask leaks at the lid.",
                          "desired_resolution": "replacement", "contact_preference": "email"});
        let response = send(&app, reqwest::Method::POST, &format!("/v1/complaints?key={SHOP_KEY}"), Caller::Shopper(&token), &body).await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned()
    };
    use reqwest::Method;
    /// Makes an order body `n` long in one field.
    type Lengthen = Box<dyn Fn(&mut Value, usize)>;
    let order = |change: Lengthen| -> Box<dyn Fn(usize) -> Value> { Box::new(move |n| order_with(|o| change(o, n))) };
    let put_order = |field, max, change: Lengthen| Boundary {
        method: Method::PUT,
        path: "/v1/merchant/orders/NW-1".into(),
        caller: Caller::Merchant,
        body: order(change),
        max,
        taken: 200,
        refused_status: 422,
        field,
    };
    let complaint = |n: usize| {
        json!({"order_number": "NW-1", "items": [], "category": "service", "description": chars(n),
               "desired_resolution": "just_let_you_know", "contact_preference": "email"})
    };
    let boundaries = vec![
        put_order("shopper_id", 128, Box::new(|o, n| o["shopper_id"] = json!(ascii(n)))),
        put_order("items[1].image_url", 2000, Box::new(|o, n| o["items"][1]["image_url"] = json!(link(n)))),
        put_order("shipments[0].carrier", 80, Box::new(|o, n| o["shipments"][0]["carrier"] = json!(ascii(n)))),
        put_order("shipments[0].tracking_number", 80, Box::new(|o, n| o["shipments"][0]["tracking_number"] = json!(ascii(n)))),
        put_order("shipments[0].tracking_url", 2000, Box::new(|o, n| o["shipments"][0]["tracking_url"] = json!(link(n)))),
        // The e-mail address as a whole (RFC 5321's 254), its local part at most 64.
        put_order("email", 254, Box::new(|o, n| o["email"] = json!(format!("{}@{}.example", ascii(64), ascii(n - 64 - 9))))),
        // Last of the order's fields, so what is stored afterwards shows which of the two was kept.
        put_order("items[1].name", 200, Box::new(|o, n| o["items"][1]["name"] = json!(chars(n)))),
        Boundary {
            method: Method::POST,
            path: "/v1/merchant/orders/NW-1/events".into(),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"id": ascii(n), "kind": "paid", "occurred_at": "2026-11-20T11:00:00Z"})),
            max: 100,
            taken: 201,
            refused_status: 422,
            field: "id",
        },
        Boundary {
            method: Method::POST,
            path: "/v1/merchant/orders/NW-1/events".into(),
            caller: Caller::Merchant,
            body: Box::new(
                |n| json!({"id": format!("delay-{n}"), "kind": "delayed", "occurred_at": "2026-11-21T11:00:00Z", "note": chars(n)}),
            ),
            max: 500,
            taken: 201,
            refused_status: 422,
            field: "note",
        },
        Boundary {
            method: Method::POST,
            path: format!("/v1/merchant/complaints/{filed}/actions"),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"action": "reply", "text": chars(n)})),
            max: 5000,
            taken: 200,
            refused_status: 422,
            field: "text",
        },
        Boundary {
            method: Method::PATCH,
            path: "/v1/merchant/widget/settings".into(),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"merchant_name": chars(n)})),
            max: 80,
            taken: 200,
            refused_status: 422,
            field: "merchant_name",
        },
        Boundary {
            method: Method::PATCH,
            path: "/v1/merchant/widget/settings".into(),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"greetings": {"ru": chars(n)}})),
            max: 300,
            taken: 200,
            refused_status: 422,
            field: "greetings.ru",
        },
        Boundary {
            method: Method::PUT,
            path: "/v1/merchant/widget/strings".into(),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"ar": {"greeting": chars(n)}})),
            max: 300,
            taken: 200,
            refused_status: 422,
            field: "ar.greeting",
        },
        Boundary {
            method: Method::POST,
            path: "/v1/merchant/loyalty/adjustments".into(),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"email": "anna@example.com", "points": 5, "reason": chars(n)})),
            max: 200,
            taken: 201,
            refused_status: 422,
            field: "reason",
        },
        Boundary {
            method: Method::PUT,
            path: "/v1/merchant/loyalty/tiers".into(),
            caller: Caller::Merchant,
            body: Box::new(
                |n| json!([{"id": "bronze", "name": chars(n), "threshold": 0, "earn_percent": 100, "response_hours": 24, "vip": false}]),
            ),
            max: 40,
            taken: 200,
            refused_status: 422,
            field: "tiers.name",
        },
        // The shopper's side.
        Boundary {
            method: Method::POST,
            path: format!("/v1/orders/lookup?key={SHOP_KEY}"),
            caller: Caller::Shopper(""),
            body: Box::new(|n| json!({"order_number": format!("NW-{}", ascii(n - 3)), "email": "anna@example.com"})),
            max: 40,
            taken: 404,
            refused_status: 422,
            field: "order_number",
        },
        Boundary {
            method: Method::POST,
            path: format!("/v1/complaints?key={SHOP_KEY}"),
            caller: Caller::Shopper(&token),
            body: Box::new(complaint),
            max: 2000,
            taken: 201,
            refused_status: 422,
            field: "description",
        },
        Boundary {
            method: Method::POST,
            path: format!("/v1/complaints/{filed}/escalate?key={SHOP_KEY}"),
            caller: Caller::Shopper(&token),
            body: Box::new(|n| json!({"reason": chars(n)})),
            max: 500,
            // Answered by then (the reply above), so the shopper may escalate.
            taken: 200,
            refused_status: 422,
            field: "reason",
        },
        Boundary {
            method: Method::PUT,
            path: format!("/v1/csat/order:NW-1?key={SHOP_KEY}"),
            caller: Caller::Shopper(&token),
            body: Box::new(|n| json!({"score": 4, "comment": chars(n)})),
            max: 1000,
            taken: 201,
            refused_status: 400,
            field: "comment",
        },
        Boundary {
            method: Method::POST,
            path: "/v1/merchant/webhooks".into(),
            caller: Caller::Merchant,
            body: Box::new(|n| json!({"url": format!("http://127.0.0.1:9/{}", ascii(n - 19))})),
            max: 2000,
            taken: 201,
            refused_status: 422,
            field: "url",
        },
    ];
    let mut requests = 0;
    let fields = boundaries.len();
    for boundary in boundaries {
        requests += check(&app, boundary).await;
    }

    // The Idempotency-Key header: 100 characters at most.
    let file_with_key = |key: String| {
        app.client
            .post(app.url(&format!("/v1/complaints?key={SHOP_KEY}")))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&complaint(30))
            .send()
    };
    assert_eq!(file_with_key(ascii(100)).await.unwrap().status(), 201);
    assert_eq!(error_of(file_with_key(ascii(101)).await.unwrap()).await, (400, "invalid".into(), Some("idempotency-key".into())));
    println!("text limits: {fields} fields at their maximum and one past it ({} requests)", requests + 2);

    // Nothing refused was stored: the order keeps the item name accepted at 200 characters.
    let stored: Value =
        app.client.get(app.url("/v1/merchant/orders/NW-1")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["items"][1]["name"].as_str().map(|n| n.chars().count()), Some(200), "the accepted order, not the refused one");
}

async fn an_order_holds_at_most_200_items_20_shipments_and_100_events(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let item = |i: usize| json!({"name": format!("Item {i}"), "quantity": 1, "unit_price_minor": 100});
    let shipment = |i: usize| json!({"carrier": "DHL", "tracking_number": format!("JD{i:04}")});
    let with = |items: usize, shipments: usize| {
        order_with(|o| {
            o["items"] = (0..items).map(item).collect();
            o["shipments"] = (0..shipments).map(shipment).collect();
        })
    };
    assert_eq!(app.put_order(SHOP_SECRET, "NW-2", &with(200, 20)).await.status(), 201);
    assert_eq!(error_of(app.put_order(SHOP_SECRET, "NW-2", &with(201, 1)).await).await, (422, "invalid".into(), Some("items".into())));
    assert_eq!(error_of(app.put_order(SHOP_SECRET, "NW-2", &with(1, 21)).await).await, (422, "invalid".into(), Some("shipments".into())));

    // The placed event is the first of the 100; 99 delays fit beside it.
    for i in 1..100 {
        let delayed = json!({"id": format!("delay-{i}"), "kind": "delayed", "occurred_at": "2026-11-21T11:00:00Z"});
        assert_eq!(app.post_event(SHOP_SECRET, "NW-2", &delayed).await.status(), 201, "event {i}");
    }
    let one_more = json!({"id": "delay-100", "kind": "delayed", "occurred_at": "2026-11-21T11:00:00Z"});
    assert_eq!(error_of(app.post_event(SHOP_SECRET, "NW-2", &one_more).await).await.0, 409);
    let replay = json!({"id": "delay-99", "kind": "delayed", "occurred_at": "2026-11-21T11:00:00Z"});
    assert_eq!(app.post_event(SHOP_SECRET, "NW-2", &replay).await.status(), 200, "a replay of a kept event is still answered");
    let stored: Value =
        app.client.get(app.url("/v1/merchant/orders/NW-2")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["items"].as_array().map(Vec::len), Some(200));
    assert_eq!(stored["timeline"].as_array().map(Vec::len), Some(100), "{}", stored["timeline"]);
}

/// A streamed body of `size` bytes with no Content-Length (chunked).
fn chunked(size: usize) -> reqwest::Body {
    let chunks = (0..size.div_ceil(8192)).map(move |i| Ok::<_, std::io::Error>(vec![b' '; 8192.min(size - i * 8192)]));
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

async fn bodies_past_the_limit_are_refused_before_they_are_read(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let public = 64 * 1024;
    let merchant = 1024 * 1024;
    // JSON padded with spaces up to `size` bytes, so only the size is wrong.
    let padded = |value: Value, size: usize| {
        let mut text = value.to_string();
        let pad = size - text.len();
        text.insert_str(1, &" ".repeat(pad));
        text
    };
    let lookup = json!({"order_number": "NW-1", "email": "anna@example.com"});
    let post_lookup = |body: reqwest::Body| {
        app.client.post(app.url(&format!("/v1/orders/lookup?key={SHOP_KEY}"))).header("content-type", "application/json").body(body).send()
    };
    assert_eq!(post_lookup(padded(lookup.clone(), public).into()).await.unwrap().status(), 404, "at the limit it is read");
    let declared = post_lookup(padded(lookup, public + 1).into()).await.unwrap();
    assert_eq!(error_of(declared).await, (413, "too_large".into(), None));
    let streamed = post_lookup(chunked(public + 1)).await.unwrap();
    assert_eq!(error_of(streamed).await, (413, "too_large".into(), None), "no Content-Length, read up to the limit only");

    // A merchant's biggest order (200 items, names and links at their maximum) fits.
    let biggest = order_with(|o| {
        o["items"] = (0..200)
            .map(|i| json!({"name": format!("{i:03}{}", chars(197)), "quantity": 1, "unit_price_minor": 100, "image_url": link(2000)}))
            .collect();
    });
    let size = biggest.to_string().len();
    assert!(size < merchant, "{size} bytes");
    assert_eq!(app.put_order(SHOP_SECRET, "NW-3", &biggest).await.status(), 201, "{size} bytes");
    let put = |body: reqwest::Body| {
        app.client
            .put(app.url("/v1/merchant/orders/NW-4"))
            .bearer_auth(SHOP_SECRET)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(error_of(put(padded(order_body("a@b.example"), merchant + 1).into()).await.unwrap()).await.0, 413);
    assert_eq!(error_of(put(chunked(merchant + 1)).await.unwrap()).await.0, 413);
    assert_eq!(app.client.get(app.url("/v1/merchant/orders/NW-4")).bearer_auth(SHOP_SECRET).send().await.unwrap().status(), 404);
    println!("body limits: public {public} B, merchant {merchant} B; the biggest valid order is {size} B");
}

on_both_engines!(
    every_text_field_is_taken_at_its_maximum_and_refused_past_it,
    an_order_holds_at_most_200_items_20_shipments_and_100_events,
    bodies_past_the_limit_are_refused_before_they_are_read,
);
