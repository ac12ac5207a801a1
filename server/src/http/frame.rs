//! `GET /frame?key=pk_…`: the widget's own page for frame mode, used when a shop's
//! Content-Security-Policy forbids WebAssembly. The same app, served from the widget origin
//! under a strict policy of its own; only the merchant's allowed origins may embed it
//! (`frame-ancestors`), so no other site can frame a shop's widget to trick its shoppers.

use std::path::PathBuf;

use axum::{
    extract::State,
    http::{HeaderValue, header, request::Parts},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};

use super::{AppState, extract::publishable_key_from_query};
use crate::{ApiError, Settings};

/// Where `frame.html` wants the merchant's publishable key.
const KEY_PLACEHOLDER: &str = "__CAREBOX_KEY__";

/// The route, when there is a bundle to serve (`dist/frame.html`, written by `cargo xtask dist`).
pub fn route(settings: &Settings) -> Option<MethodRouter<AppState>> {
    let page = settings.widget_dir.as_ref()?.join("frame.html");
    Some(get(move |state: State<AppState>, parts: Parts| frame_page(state, parts, page.clone())))
}

async fn frame_page(State(state): State<AppState>, parts: Parts, page: PathBuf) -> Result<Response, ApiError> {
    let key = publishable_key_from_query(parts.uri.query())?;
    let origins = state.store.allowed_origins(&key).await?.ok_or(ApiError::UnknownMerchant)?;
    let html = tokio::fs::read_to_string(&page).await.map_err(|e| ApiError::internal(format!("{}: {e}", page.display())))?;
    // The page preloads the widget's configuration beside the app: the app's own request for it
    // then takes the answer already on its way. A parsed key is letters, digits and underscores.
    let html = html.replace(KEY_PLACEHOLDER, key.as_str());
    let policy = frame_policy(&origins);
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).map_err(ApiError::internal)?);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(response)
}

/// What the frame may do: run our scripts and WebAssembly, load our styles, call our API, show
/// images (an order's item pictures come from the merchant's CDN), and be framed by the shop.
pub fn frame_policy(allowed_origins: &[String]) -> String {
    // Origins are checked when stored; anything unfit for a header value is left out here.
    let ancestors: Vec<&str> =
        allowed_origins.iter().map(String::as_str).filter(|o| o.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',')).collect();
    let ancestors = if ancestors.is_empty() { "'none'".to_owned() } else { ancestors.join(" ") };
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
         img-src 'self' data: https:; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
}

#[cfg(test)]
mod tests {
    use super::frame_policy;

    #[test]
    fn only_the_merchants_origins_may_frame_it() {
        let policy = frame_policy(&["https://shop.example".into(), "https://evil.example; script-src *".into()]);
        assert!(policy.ends_with("frame-ancestors https://shop.example"), "{policy}");
        assert!(frame_policy(&[]).ends_with("frame-ancestors 'none'"));
    }
}
