//! CORS per merchant: a browser may call the public API only from an origin the merchant
//! whose publishable key is in the request has allowed.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header, request::Parts};
use carebox_contract::REQUEST_ID_HEADER;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::extract::publishable_key_from_query;
use crate::Store;

pub fn layer(store: Store) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::async_predicate(move |origin: HeaderValue, parts: &Parts| {
            let key = publishable_key_from_query(parts.uri.query()).ok();
            let store = store.clone();
            async move {
                let (Some(key), Ok(origin)) = (key, origin.to_str()) else {
                    return false;
                };
                match store.origin_allowed(&key, origin).await {
                    Ok(allowed) => allowed,
                    Err(error) => {
                        tracing::error!(%error, "CORS check failed; refusing the origin");
                        false
                    }
                }
            }
        }))
        .allow_methods([Method::GET, Method::POST, Method::PATCH])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("idempotency-key")])
        .expose_headers([HeaderName::from_static(REQUEST_ID_HEADER), header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}
