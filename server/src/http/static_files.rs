//! The widget origin (the `dist/` bundle) and, for the demo, the demo storefront.
//!
//! App files carry a content hash in their names, so they are cached for a year; the
//! loader keeps a stable name and a short cache so merchants pick up releases quickly.

use axum::{
    Router,
    body::Body,
    http::{HeaderValue, Request, Response, header},
    middleware::{self, Next},
};
use tower_http::services::ServeDir;

use crate::Settings;

/// A router that answers from the widget folder, then the demo folder; `None` when neither is set.
pub fn service(settings: &Settings) -> Option<Router> {
    let widget = settings.widget_dir.as_ref().map(|dir| ServeDir::new(dir).precompressed_gzip());
    let demo = settings.demo_dir.as_ref().map(|dir| ServeDir::new(dir).precompressed_gzip());
    let files = match (widget, demo) {
        (Some(widget), Some(demo)) => Router::new().fallback_service(widget.fallback(demo)),
        (Some(only), None) | (None, Some(only)) => Router::new().fallback_service(only),
        (None, None) => return None,
    };
    Some(files.layer(middleware::from_fn(cache_headers)))
}

async fn cache_headers(request: Request<Body>, next: Next) -> Response<Body> {
    let immutable = request.uri().path().starts_with("/app/");
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let cache = if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        // Module scripts and wasm are fetched in CORS mode from merchants' pages.
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    }
    response
}
