//! The public widget API: configuration, errors, CORS, request ids, health, OpenAPI.

use crate::common;
use crate::common::{Engine, OTHER_KEY, OTHER_ORIGIN, OTHER_SECRET, SHOP_KEY, SHOP_ORIGIN, SHOP_SECRET, TestApp, error_of};
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};

async fn config_is_served_for_a_known_key(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app.client.get(app.url(&format!("/v1/widget/config?key={SHOP_KEY}"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let config: carebox_contract::WidgetConfig = response.json().await.unwrap();
    assert_eq!(config.merchant_name, "Shop One");
    assert_eq!(config.features, carebox_contract::Feature::ALL);
}

async fn merchants_rename_their_shop_greet_and_switch_capabilities(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let patch =
        |body: serde_json::Value| app.client.patch(app.url("/v1/merchant/widget/settings")).bearer_auth(SHOP_SECRET).json(&body).send();
    let changed = patch(serde_json::json!({"merchant_name": " Shop One & Sons ", "greetings": {"ru": "Здравствуйте!"}, "features": ["order_status", "csat"]}))
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let config: serde_json::Value =
        app.client.get(app.url(&format!("/v1/widget/config?key={SHOP_KEY}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["merchant_name"], "Shop One & Sons", "trimmed, served to the widget at once");
    assert_eq!(config["greetings"], serde_json::json!({"ru": "Здравствуйте!"}));
    assert_eq!(config["features"], serde_json::json!(["order_status", "csat"]));
    // What is left out keeps its value; the switch holds on the server.
    assert_eq!(patch(serde_json::json!({"lookup_by": "postcode"})).await.unwrap().status(), 200);
    let read: serde_json::Value =
        app.client.get(app.url("/v1/merchant/widget/settings")).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!((read["merchant_name"].as_str(), read["lookup_by"].as_str()), (Some("Shop One & Sons"), Some("postcode")));
    let loyalty = app
        .client
        .get(app.url(&format!("/v1/shopper/loyalty?key={SHOP_KEY}")))
        .bearer_auth(common::shopper_token_for("s-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(loyalty).await.0, 403, "loyalty is off now");
    // Refusals name the field and change nothing.
    for (body, field) in [
        (serde_json::json!({"merchant_name": ""}), "merchant_name"),
        (serde_json::json!({"greetings": {"en": " "}}), "greetings.en"),
        (serde_json::json!({"features": []}), "features"),
        (serde_json::json!({"features": ["csat", "csat"]}), "features"),
    ] {
        let (status, _, named) = error_of(patch(body.clone()).await.unwrap()).await;
        assert_eq!((status, named.as_deref()), (422, Some(field)), "{body}");
    }
    let unknown_feature = error_of(patch(serde_json::json!({"features": ["chat"]})).await.unwrap()).await;
    assert_eq!((unknown_feature.0, unknown_feature.2.as_deref()), (400, Some("features[0]")));
    let other: serde_json::Value =
        app.client.get(app.url(&format!("/v1/widget/config?key={OTHER_KEY}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(other["merchant_name"], "Shop Two", "another shop is untouched");
    let unsigned =
        app.client.patch(app.url("/v1/merchant/widget/settings")).json(&serde_json::json!({"merchant_name": "x"})).send().await.unwrap();
    assert_eq!(error_of(unsigned).await.0, 401);
}

async fn unknown_key_is_404_unknown_merchant(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app.client.get(app.url("/v1/widget/config?key=pk_nobody_here")).send().await.unwrap();
    assert_eq!(error_of(response).await, (404, "unknown_merchant".into(), Some("key".into())));
}

async fn missing_and_malformed_keys_are_400_naming_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let twice = format!("?key={SHOP_KEY}&key={SHOP_KEY}");
    for (query, code) in
        [("", "missing"), ("?key=", "missing"), ("?key=sk_live_secret", "invalid"), ("?key=pk_x", "invalid"), (twice.as_str(), "invalid")]
    {
        let response = app.client.get(app.url(&format!("/v1/widget/config{query}"))).send().await.unwrap();
        assert_eq!(error_of(response).await, (400, code.into(), Some("key".into())), "query {query:?}");
    }
    // Other parameters beside it, and the key percent-encoded, are fine.
    let encoded = SHOP_KEY.replace('_', "%5F");
    for query in [format!("?v=2&key={SHOP_KEY}&lang=ar"), format!("?key={encoded}"), format!("?key=+{SHOP_KEY}+")] {
        let response = app.client.get(app.url(&format!("/v1/widget/config{query}"))).send().await.unwrap();
        assert_eq!(response.status(), 200, "query {query:?}");
    }
}

async fn cors_allows_the_merchants_origin(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let url = app.url(&format!("/v1/widget/config?key={SHOP_KEY}"));
    let response = app.client.get(&url).header(ORIGIN, SHOP_ORIGIN).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], SHOP_ORIGIN);
    let exposed = response.headers()["access-control-expose-headers"].to_str().unwrap().to_owned();
    assert!(exposed.contains("x-request-id"), "{exposed}");

    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, &url)
        .header(ORIGIN, SHOP_ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], SHOP_ORIGIN);
}

/// A browser on the merchant's shop may make every call the API documents, with the headers
/// the widget sends (bearer token, JSON body, idempotency key). `PUT /v1/csat/…` was once
/// refused here, and every rating on a real shop failed.
async fn cors_preflight_allows_every_documented_method_with_the_widgets_headers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let document: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|m| ["get", "put", "post", "delete", "patch"].contains(&m.as_str())) {
            let concrete = path.replace("{subject}", "order:NW-1").replace('{', "x").replace('}', "");
            let url = app.url(&format!("{concrete}?key={SHOP_KEY}"));
            let preflight = app
                .client
                .request(reqwest::Method::OPTIONS, &url)
                .header(ORIGIN, SHOP_ORIGIN)
                .header("access-control-request-method", method.to_uppercase())
                .header("access-control-request-headers", "authorization,content-type,idempotency-key")
                .send()
                .await
                .unwrap();
            assert!(preflight.status().is_success(), "{method} {path}: {}", preflight.status());
            assert_eq!(preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], SHOP_ORIGIN, "{method} {path}");
            let methods = preflight.headers()["access-control-allow-methods"].to_str().unwrap().to_ascii_lowercase();
            assert!(methods.split(',').any(|m| m.trim() == method), "{method} {path}: allowed {methods}");
            let headers = preflight.headers()["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
            for wanted in ["authorization", "content-type", "idempotency-key"] {
                assert!(headers.split(',').any(|h| h.trim() == wanted), "{method} {path}: {wanted} not in {headers}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} operations in the document");
}

/// Frame mode's page: the bundle's `frame.html` under a strict policy of its own, which lets
/// only this merchant's origins embed it, with this merchant's key in its configuration preload.
async fn the_frame_page_may_be_embedded_only_by_the_merchants_origins(engine: Engine) {
    let bundle = tempfile::tempdir().unwrap();
    let source = r#"<!doctype html><title>frame</title><link rel="preload" href="v1/widget/config?key=__CAREBOX_KEY__" as="fetch">"#;
    std::fs::write(bundle.path().join("frame.html"), source).unwrap();
    let dir = bundle.path().to_owned();
    let app = TestApp::spawn_configured(engine, move |settings| settings.widget_dir = Some(dir)).await;
    let page = app.client.get(app.url(&format!("/frame?key={SHOP_KEY}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains(&format!("frame-ancestors {SHOP_ORIGIN}")), "{policy}");
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'") && policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains(OTHER_ORIGIN));
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("<title>frame</title>"), "{html}");
    assert!(html.contains(&format!(r#"href="v1/widget/config?key={SHOP_KEY}""#)), "{html}");

    let unknown = app.client.get(app.url("/frame?key=pk_nobody_here")).send().await.unwrap();
    assert_eq!(error_of(unknown).await, (404, "unknown_merchant".into(), Some("key".into())));
    let missing = app.client.get(app.url("/frame")).send().await.unwrap();
    assert_eq!(error_of(missing).await.0, 400);
}

async fn cors_refuses_other_origins_including_another_merchants(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for (key, origin) in
        [(SHOP_KEY, "https://evil.example"), (SHOP_KEY, OTHER_ORIGIN), (OTHER_KEY, SHOP_ORIGIN), ("pk_nobody_here", SHOP_ORIGIN)]
    {
        let url = app.url(&format!("/v1/widget/config?key={key}"));
        let response = app.client.get(&url).header(ORIGIN, origin).send().await.unwrap();
        assert!(response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "{key} from {origin} was allowed");
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, &url)
            .header(ORIGIN, origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert!(preflight.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "preflight {key} from {origin}");
    }
}

async fn every_response_carries_a_fresh_request_id(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut ids = Vec::new();
    for path in ["/healthz", "/v1/widget/config?key=pk_nobody_here", "/healthz"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 36, "uuid expected, got {id}");
        ids.push(id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 3, "request ids repeat: {ids:?}");
}

async fn health_reports_alive_and_ready(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["status"], "ready");
}

async fn openapi_document_describes_the_routes_it_serves(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let doc: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/v1/widget/config",
        "/healthz",
        "/v1/orders/lookup",
        "/v1/orders/{number}",
        "/v1/shopper/orders",
        "/v1/merchant/orders/{number}",
        "/v1/merchant/orders/{number}/events",
        "/v1/complaints",
        "/v1/complaints/{ticket}",
        "/v1/complaints/{ticket}/escalate",
        "/v1/orders/{number}/complaints",
        "/v1/shopper/complaints",
        "/v1/merchant/complaints",
        "/v1/merchant/complaints/{ticket}",
        "/v1/merchant/complaints/{ticket}/actions",
        "/v1/merchant/webhooks",
        "/v1/merchant/webhooks/deliveries",
    ] {
        assert!(paths.contains_key(path), "{path} missing: {:?}", paths.keys());
    }
    assert!(paths["/v1/merchant/orders/{number}"].get("put").is_some() && paths["/v1/merchant/orders/{number}"].get("get").is_some());
    // Every refusal the server gives for credentials, parameters and bodies is in the document
    // (schemathesis found 400s and 401s it did not list).
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let documented = |status: &str| operation["responses"].get(status).is_some();
            if operation.get("security").and_then(|s| s.as_array()).is_some_and(|s| !s.is_empty()) {
                assert!(documented("401"), "{method} {path} does not document 401");
            }
            if operation.get("requestBody").is_some() {
                assert!(documented("400") && documented("413"), "{method} {path} does not document 400 and 413");
            }
            if operation.get("parameters").and_then(|p| p.as_array()).is_some_and(|p| !p.is_empty()) {
                assert!(documented("400"), "{method} {path} does not document 400");
            }
        }
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("secret_key") && schemes.contains_key("shopper_token"), "{schemes:?}");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "WidgetConfig",
        "ErrorBody",
        "ErrorCode",
        "Feature",
        "Theme",
        "OrderView",
        "OrderLookupRequest",
        "UpsertOrderRequest",
        "OrderEventRequest",
        "NewComplaintRequest",
        "ComplaintView",
    ] {
        assert!(schemas.contains_key(schema), "missing schema {schema}: {:?}", schemas.keys());
    }
}

async fn unknown_paths_without_static_dirs_are_404(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app.client.get(app.url("/carebox.js")).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

/// The merchant's own wording reaches the widget's config; a key no text has, a language we do
/// not speak or an empty text is refused naming it, and nothing of it is kept.
async fn merchants_set_their_own_texts_by_language_and_key(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let put = |secret: &'static str, body: serde_json::Value| {
        app.client.put(app.url("/v1/merchant/widget/strings")).bearer_auth(secret).json(&body).send()
    };
    let config = || async {
        let response = app.client.get(app.url(&format!("/v1/widget/config?key={SHOP_KEY}"))).send().await.unwrap();
        response.json::<serde_json::Value>().await.unwrap()
    };
    assert!(config().await.get("strings").is_none(), "none until the merchant sets some");

    let texts = serde_json::json!({"ru": {"track_order": "Где моя посылка?"}, "en": {"complaint.send": "<b>Send</b> to our team"}});
    let saved = put(SHOP_SECRET, texts.clone()).await.unwrap();
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.json::<serde_json::Value>().await.unwrap(), texts, "markup is kept as text; the widget shows it as text");
    assert_eq!(config().await["strings"], texts, "the next config has them (the merchant cache dropped its copy)");
    let read = app.client.get(app.url("/v1/merchant/widget/strings")).bearer_auth(SHOP_SECRET).send().await.unwrap();
    assert_eq!(read.json::<serde_json::Value>().await.unwrap(), texts);

    for (body, field) in [
        (serde_json::json!({"en": {"complaint.sendd": "Send"}}), "en.complaint.sendd"),
        (serde_json::json!({"ru": {"track_order": " "}}), "ru.track_order"),
        (serde_json::json!({"ar": {"track_order": "x".repeat(301)}}), "ar.track_order"),
    ] {
        let (status, _, named) = error_of(put(SHOP_SECRET, body).await.unwrap()).await;
        assert_eq!((status, named.as_deref()), (422, Some(field)));
    }
    let (status, code, named) = error_of(put(SHOP_SECRET, serde_json::json!({"de": {"track_order": "Wo?"}})).await.unwrap()).await;
    assert_eq!((status, code.as_str(), named.as_deref()), (400, "invalid_json", Some("de")), "a language we do not speak");
    assert_eq!(config().await["strings"], texts, "nothing of a refused change is kept");

    let other = app.client.get(app.url(&format!("/v1/widget/config?key={OTHER_KEY}"))).send().await.unwrap();
    assert!(other.json::<serde_json::Value>().await.unwrap().get("strings").is_none(), "another merchant's widget is its own");
    let unauthenticated = app.client.put(app.url("/v1/merchant/widget/strings")).json(&texts).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_eq!(put(OTHER_SECRET, serde_json::json!({})).await.unwrap().status(), 200);
    assert_eq!(config().await["strings"], texts, "clearing another shop's texts leaves this one's");
}

/// API answers are neither cached nor sniffed; a caller's request id is kept only when it is
/// a plain token.
async fn api_answers_are_not_cached_or_sniffed_and_request_ids_are_plain(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let url = app.url(&format!("/v1/widget/config?key={SHOP_KEY}"));
    let answer = app.client.get(&url).send().await.unwrap();
    assert_eq!(answer.headers()["cache-control"], "no-store");
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    let error = app.client.get(app.url("/v1/widget/config?key=pk_nobody_here")).send().await.unwrap();
    assert_eq!((error.status().as_u16(), error.headers()["cache-control"].to_str().unwrap()), (404, "no-store"));

    let kept = app.client.get(&url).header("x-request-id", "trace-4f2a.b_9").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-4f2a.b_9", "a plain id is propagated");
    for hostile in ["<script>alert(1)</script>", "a b", &"x".repeat(65), "id%0d%0aSet-Cookie:x"] {
        let replaced = app.client.get(&url).header("x-request-id", hostile).send().await.unwrap();
        let id = replaced.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(id != hostile && id.len() == 36, "{hostile:?} became {id:?}");
    }
}

/// Different settings changed at the same moment all land: each change locks the merchant's
/// row before reading it (SQLite answered 500 "database is locked" to one of two, PostgreSQL
/// could keep one change and lose the other).
async fn settings_changed_at_once_all_land(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let app = &app;
    let secret = |request: reqwest::RequestBuilder| request.bearer_auth(SHOP_SECRET);
    let read = |path: &'static str| async move {
        secret(app.client.get(app.url(path))).send().await.unwrap().json::<serde_json::Value>().await.unwrap()
    };
    for round in 0..8_i64 {
        // Four renames and four edit windows at once; each value is this round's own.
        let changes = (0..8_i64).map(|i| async move {
            let response = if i % 2 == 0 {
                let name = format!("Shop {round}-{i}");
                secret(app.client.patch(app.url("/v1/merchant/widget/settings"))).json(&serde_json::json!({"merchant_name": name})).send()
            } else {
                let hours = round * 10 + i;
                secret(app.client.put(app.url("/v1/merchant/csat/settings"))).json(&serde_json::json!({"edit_window_hours": hours})).send()
            };
            response.await.unwrap().status().as_u16()
        });
        let statuses = futures::future::join_all(changes).await;
        assert_eq!(statuses, [200; 8], "round {round}");
        let name = read("/v1/merchant/widget/settings").await["merchant_name"].as_str().unwrap().to_owned();
        let hours = read("/v1/merchant/csat/settings").await["edit_window_hours"].as_i64().unwrap();
        assert!(name.starts_with(&format!("Shop {round}-")), "round {round}: the name is {name:?}, a change was lost");
        assert_eq!(hours / 10, round, "round {round}: the window is {hours}, a change was lost");
    }
}

async fn owners_choose_the_origins_the_widget_works_from(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let origins_url = app.url("/v1/merchant/widget/origins");
    let listed: serde_json::Value = app.client.get(&origins_url).bearer_auth(SHOP_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed, serde_json::json!({"origins": [SHOP_ORIGIN]}));
    let config = app.url(&format!("/v1/widget/config?key={SHOP_KEY}"));
    let allowed = |origin: &'static str| {
        let request = app.client.get(&config).header(ORIGIN, origin);
        async move { request.send().await.unwrap().headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_some() }
    };
    assert!(allowed(SHOP_ORIGIN).await && !allowed("https://new-shop.example").await);

    // Typed as people type them: normalised, repeats dropped, sorted; effective at once.
    let change = serde_json::json!({"origins": ["https://New-Shop.example/", "https://new-shop.example", "http://localhost:3000"]});
    let saved = app.client.put(&origins_url).bearer_auth(SHOP_SECRET).json(&change).send().await.unwrap();
    assert_eq!(saved.status(), 200);
    assert_eq!(
        saved.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"origins": ["http://localhost:3000", "https://new-shop.example"]})
    );
    assert!(allowed("https://new-shop.example").await, "the new site works at once");
    assert!(!allowed(SHOP_ORIGIN).await, "the old one no longer");
    let other: serde_json::Value = app.client.get(&origins_url).bearer_auth(OTHER_SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(other, serde_json::json!({"origins": [OTHER_ORIGIN]}), "another shop's list is its own");

    for (bad, field) in [
        (serde_json::json!({"origins": ["https://shop.example/checkout"]}), "origins[0]"),
        (serde_json::json!({"origins": ["https://ok.example", "javascript:alert(1)"]}), "origins[1]"),
        (serde_json::json!({"origins": []}), "origins"),
    ] {
        let refused = app.client.put(&origins_url).bearer_auth(SHOP_SECRET).json(&bad).send().await.unwrap();
        assert_eq!(error_of(refused).await, (422, "invalid".into(), Some(field.into())), "{bad}");
    }
}

async fn a_preview_shows_unsaved_settings_to_the_real_widget_only(engine: Engine) {
    use serde_json::{Value, json};
    let app = TestApp::spawn(engine).await;
    let draft = json!({"greetings": {"en": "Draft greeting, not saved"}, "merchant_name": "Shop One Preview"});
    let made = app.client.post(app.url("/v1/merchant/widget/preview")).bearer_auth(SHOP_SECRET).json(&draft).send().await.unwrap();
    assert_eq!(made.status(), 201);
    let token = made.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32);

    let preview = |key: &'static str| {
        let url = app.url(&format!("/preview/{token}/v1/widget/config?key={key}"));
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let shown: Value = preview(SHOP_KEY).await.json().await.unwrap();
    assert_eq!(
        (shown["greetings"]["en"].as_str(), shown["merchant_name"].as_str()),
        (Some("Draft greeting, not saved"), Some("Shop One Preview"))
    );
    let live: Value = app.client.get(app.url(&format!("/v1/widget/config?key={SHOP_KEY}"))).send().await.unwrap().json().await.unwrap();
    assert_ne!(live["merchant_name"], "Shop One Preview", "nothing was saved");
    assert_eq!(error_of(preview(OTHER_KEY).await).await.0, 404, "another shop's key does not open it");
    // The widget's other calls go to the API as usual, through the same prefix.
    let forwarded = app.client.get(app.url(&format!("/preview/{token}/healthz"))).send().await.unwrap();
    assert_eq!(forwarded.status(), 200);
    assert_eq!(error_of(app.client.get(app.url("/preview/0000/healthz")).send().await.unwrap()).await.0, 404, "no such preview");

    // Refused like a change would be; and gone after 30 minutes.
    let bad = app
        .client
        .post(app.url("/v1/merchant/widget/preview"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"features": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(bad).await, (422, "invalid".into(), Some("features".into())));
    app.clock.advance(std::time::Duration::from_secs(31 * 60));
    assert_eq!(error_of(preview(SHOP_KEY).await).await.0, 404);
}

on_both_engines!(
    a_preview_shows_unsaved_settings_to_the_real_widget_only,
    owners_choose_the_origins_the_widget_works_from,
    settings_changed_at_once_all_land,
    api_answers_are_not_cached_or_sniffed_and_request_ids_are_plain,
    merchants_set_their_own_texts_by_language_and_key,
    the_frame_page_may_be_embedded_only_by_the_merchants_origins,
    cors_preflight_allows_every_documented_method_with_the_widgets_headers,
    config_is_served_for_a_known_key,
    merchants_rename_their_shop_greet_and_switch_capabilities,
    unknown_key_is_404_unknown_merchant,
    missing_and_malformed_keys_are_400_naming_the_field,
    cors_allows_the_merchants_origin,
    cors_refuses_other_origins_including_another_merchants,
    every_response_carries_a_fresh_request_id,
    health_reports_alive_and_ready,
    openapi_document_describes_the_routes_it_serves,
    unknown_paths_without_static_dirs_are_404,
);
