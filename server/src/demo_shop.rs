//! The demo merchant's storefront and backend, on an origin of its own: a real shop is never
//! on Carebox's origin, so neither is the demo (nor the end-to-end tests that use it).
//!
//! - Pages (`*.html`) get `__CAREBOX_ORIGIN__` replaced by the Carebox server's origin, so the
//!   snippet loads the widget cross-origin exactly as a merchant's would.
//! - `GET /demo/shopper-token` plays the merchant backend that signs `identify()` tokens;
//!   `GET /account` renders a signed-in page with the token in the snippet's
//!   `data-shopper-token`, as a server-rendered shop does.
//! - `?csp=inline|strict|locked|loader` sends a real `Content-Security-Policy` header: the
//!   policy the docs give for inline mode, a strict one that forbids WebAssembly (frame mode),
//!   one that lets nothing of Carebox run but its scripts, and one that allows the loader's
//!   file alone.
//! - `?mode=frame`, `?position=left`, `?contact=mailto:…`, `?theme=dark`, `?label=Support`
//!   become the snippet's `data-mode`, `data-position`, `data-contact`, `data-theme` and
//!   `data-label` (in the pages' `__SNIPPET_OPTIONS__`).

use std::path::PathBuf;

use axum::{
    Json, Router,
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::clock::SharedClock;
use crate::demo;

#[derive(Clone)]
struct Shop {
    site: PathBuf,
    /// The Carebox server's origin, e.g. `http://127.0.0.1:8081`.
    carebox: String,
    clock: SharedClock,
}

pub fn router(site: PathBuf, carebox_origin: String, clock: SharedClock) -> Router {
    let shop = Shop { site: site.clone(), carebox: carebox_origin, clock };
    Router::new()
        .route("/demo/shopper-token", get(shopper_token))
        .route("/account", get(account_page))
        .fallback_service(ServeDir::new(site))
        .layer(middleware::from_fn_with_state(shop.clone(), pages))
        .with_state(shop)
}

/// The demo merchant's backend signing a shopper token for its signed-in customer.
async fn shopper_token(State(shop): State<Shop>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "token": demo::demo_shopper_token(shop.clock.now()) }))
}

/// A page the merchant's server renders for a signed-in customer: the token is in the snippet.
async fn account_page(State(shop): State<Shop>) -> Response {
    let page = ServeDir::new(&shop.site).oneshot(Request::get("/www/account.html").body(Body::empty()).unwrap()).await;
    let mut response = page.map(IntoResponse::into_response).unwrap_or_else(|_| StatusCode::NOT_FOUND.into_response());
    let token = demo::demo_shopper_token(shop.clock.now());
    if response.status().is_success() {
        response = replace_in_body(response, "__SHOPPER_TOKEN__", &token).await;
    }
    response
}

/// Fills in the Carebox origin in every page, and sends the policy `?csp=` names.
async fn pages(State(shop): State<Shop>, request: Request, next: Next) -> Response {
    let query = request.uri().query().unwrap_or("").to_owned();
    let param = |name: &str| query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='));
    let policy = param("csp").map(|name| content_security_policy(name, &shop.carebox));
    let snippet_options = snippet_options(&param);
    let mut response = next.run(request).await;
    let is_page = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if !is_page {
        return response;
    }
    response = replace_in_body(response, "__CAREBOX_ORIGIN__", &shop.carebox).await;
    response = replace_in_body(response, "__SNIPPET_OPTIONS__", &snippet_options).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    match policy {
        Some(Some(policy)) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).expect("an ASCII policy"));
        }
        Some(None) => return (StatusCode::BAD_REQUEST, "csp must be inline, strict, locked or loader").into_response(),
        None => {}
    }
    response
}

/// The snippet's optional `data-*` attributes, from the page's query; values outside a small
/// safe alphabet are dropped (this text goes into the page's markup).
fn snippet_options<'q>(param: &impl Fn(&str) -> Option<&'q str>) -> String {
    let safe = |value: &str| value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:@%".contains(&b));
    let mut attributes = String::new();
    for (query, attribute) in [
        ("mode", "data-mode"),
        ("position", "data-position"),
        ("contact", "data-contact"),
        ("theme", "data-theme"),
        ("label", "data-label"),
    ] {
        if let Some(value) = param(query).filter(|v| safe(v)) {
            let value = value.replace("%40", "@").replace("%3A", ":");
            attributes.push_str(&format!(" {attribute}=\"{value}\""));
        }
    }
    attributes
}

/// The shop's policies. `inline` is the one `docs/embedding.md` gives for inline mode;
/// `strict` forbids WebAssembly on the page, so the widget must run in its frame; `locked`
/// allows the loader and nothing else of Carebox (no connection, no frame).
pub fn content_security_policy(name: &str, carebox: &str) -> Option<String> {
    let base = "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'";
    Some(match name {
        "inline" => format!("{base}; script-src 'self' {carebox} 'wasm-unsafe-eval'; connect-src 'self' {carebox}"),
        "strict" => format!("{base}; script-src 'self' {carebox}; connect-src 'self' {carebox}; frame-src {carebox}"),
        "locked" => format!("{base}; script-src 'self' {carebox}"),
        // The loader's own URL only (a path-restricted source): not even the module that
        // draws the "cannot start" panel may load, so the loader says it by itself.
        "loader" => format!("{base}; script-src 'self' {carebox}/carebox.js"),
        _ => return None,
    })
}

async fn replace_in_body(response: Response, placeholder: &str, value: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 1 << 20).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let text = String::from_utf8_lossy(&bytes).replace(placeholder, value);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}
