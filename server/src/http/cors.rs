//! CORS per merchant: a browser may call the public API only from an origin the merchant
//! whose publishable key is in the request has allowed.
//!
//! What such a caller may send is read off the API's own OpenAPI document: every method it
//! routes and every request header it names (a header parameter, a bearer scheme, a JSON
//! body). A new endpoint or header is therefore allowed the moment it is routed; a fixed list
//! here once left `PUT /v1/csat/…` refused on every real shop.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header, request::Parts};
use carebox_contract::REQUEST_ID_HEADER;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::openapi::{OpenApi, path::ParameterIn};

use super::extract::publishable_key_from_query;
use crate::Store;

/// The methods and request headers a browser needs permission for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedRequests {
    pub methods: Vec<Method>,
    pub headers: Vec<HeaderName>,
}

impl AllowedRequests {
    pub fn of(document: &OpenApi) -> Self {
        let mut methods = BTreeSet::new();
        let mut headers = BTreeSet::new();
        for item in document.paths.paths.values() {
            let operations = [
                (Method::GET, &item.get),
                (Method::PUT, &item.put),
                (Method::POST, &item.post),
                (Method::DELETE, &item.delete),
                (Method::PATCH, &item.patch),
                (Method::HEAD, &item.head),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                methods.insert(method.to_string());
                let parameters = operation.parameters.iter().flatten().chain(item.parameters.iter().flatten());
                for parameter in parameters.filter(|p| p.parameter_in == ParameterIn::Header) {
                    headers.insert(parameter.name.to_ascii_lowercase());
                }
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    headers.insert(header::AUTHORIZATION.to_string());
                }
                if operation.request_body.is_some() {
                    headers.insert(header::CONTENT_TYPE.to_string());
                }
            }
        }
        Self {
            methods: methods.iter().map(|m| Method::from_bytes(m.as_bytes()).expect("a method the document routes")).collect(),
            headers: headers.iter().filter_map(|h| HeaderName::from_bytes(h.as_bytes()).ok()).collect(),
        }
    }
}

pub fn layer(store: Store, allowed: AllowedRequests) -> CorsLayer {
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
        .allow_methods(allowed.methods)
        .allow_headers(allowed.headers)
        .expose_headers([HeaderName::from_static(REQUEST_ID_HEADER), header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_and_header_the_api_documents_is_allowed() {
        let allowed = AllowedRequests::of(&crate::http::openapi());
        // DELETE: the console's sign-out (same-origin; listed because it is routed).
        for method in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(allowed.methods.contains(&method), "{method} missing from {:?}", allowed.methods);
        }
        for name in ["authorization", "content-type", "idempotency-key", "x-csrf-token"] {
            assert!(allowed.headers.iter().any(|h| h == name), "{name} missing from {:?}", allowed.headers);
        }
        // Only what is routed.
        assert!(!allowed.methods.contains(&Method::HEAD) && !allowed.methods.contains(&Method::OPTIONS), "{:?}", allowed.methods);
    }
}
