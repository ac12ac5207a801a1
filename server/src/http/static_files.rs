//! The widget origin: the `dist/` bundle, and the support console at `/console/`.
//!
//! App files carry a content hash in their names, so they are cached for a year; the
//! loader keeps a stable name and a short cache so merchants pick up releases quickly. The
//! console is a page of this origin for staff: no other site may load or frame it, and it
//! runs under a CSP that allows only its own files.

use axum::{
    Router,
    body::Body,
    http::{HeaderValue, Request, Response, header},
    middleware::{self, Next},
};
use tower_http::services::ServeDir;

use crate::Settings;

/// A router that answers from the widget folder; `None` when it is not set.
pub fn service(settings: &Settings) -> Option<Router> {
    // Each file has `.br` and `.gz` twins (`cargo xtask dist`): brotli to browsers that take it
    // (all current ones), gzip to the rest, the file itself to anything else.
    let widget = ServeDir::new(settings.widget_dir.as_ref()?).precompressed_br().precompressed_gzip();
    Some(Router::new().fallback_service(widget).layer(middleware::from_fn(cache_headers)))
}

/// The console's policy: its own script and wasm, its own stylesheet, calls to this origin,
/// frames of this origin only (the widget's live preview).
pub const CONSOLE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
     img-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The preview page: the same, but framed by the console (this origin) and nothing else.
pub const PREVIEW_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
     img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/// The API reference (`/docs/`, Redoc): its own script only; Redoc styles itself with `<style>`
/// elements and draws its search in a worker; it reads `/openapi.json` and nothing elsewhere.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; \
     img-src 'self' data:; font-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Every answer depends on the request's `Accept-Encoding` (a precompressed twin or not): a
/// shared cache must keep them apart.
async fn cache_headers(request: Request<Body>, next: Next) -> Response<Body> {
    let mut response = policy_headers(request, next).await;
    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

async fn policy_headers(request: Request<Body>, next: Next) -> Response<Body> {
    let path = request.uri().path();
    if path == "/docs" || path.starts_with("/docs/") {
        let mut response = next.run(request).await;
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_CSP));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        return response;
    }
    if path == "/console" || path.starts_with("/console/") {
        let path = path.to_owned();
        let mut response = next.run(request).await;
        let headers = response.headers_mut();
        // Not content-hashed: asked again each visit (a 304 when unchanged).
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        let policy = if path == "/console/preview.html" { PREVIEW_CSP } else { CONSOLE_CSP };
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        return response;
    }
    let immutable = path.starts_with("/app/");
    // `.ts` would be guessed as an MPEG transport stream.
    let declarations = path.ends_with(".d.ts");
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let cache = if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        // Module scripts and wasm are fetched in CORS mode from merchants' pages.
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if declarations {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        }
    }
    response
}
