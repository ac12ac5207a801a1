//! CORS per merchant: a browser may call the public API only from an origin the merchant
//! whose publishable key is in the request has allowed.
//!
//! What such a caller may send is read off the API's own OpenAPI document: every method it
//! routes and every request header it names (a header parameter, a bearer scheme, a JSON
//! body). A new endpoint or header is therefore allowed the moment it is routed; a fixed list
//! here once left `PUT /v1/csat/…` refused on every real shop.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use carebox_contract::REQUEST_ID_HEADER;
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

/// The API's answers to browsers, built once and shared by every request (tower-http's
/// `CorsLayer` was cloned for each request: 3% of a widget config answer's CPU).
pub struct CorsPolicy {
    store: Store,
    allow_methods: HeaderValue,
    allow_headers: HeaderValue,
    expose_headers: HeaderValue,
    max_age: HeaderValue,
    vary: HeaderValue,
}

impl CorsPolicy {
    pub fn new(store: Store, allowed: AllowedRequests) -> Arc<Self> {
        let list = |names: Vec<String>| HeaderValue::from_str(&names.join(",")).expect("method and header names are header values");
        Arc::new(Self {
            store,
            allow_methods: list(allowed.methods.iter().map(Method::to_string).collect()),
            allow_headers: list(allowed.headers.iter().map(HeaderName::to_string).collect()),
            expose_headers: list(vec![REQUEST_ID_HEADER.to_owned(), header::RETRY_AFTER.to_string()]),
            max_age: HeaderValue::from(PREFLIGHT_KEPT_FOR.as_secs()),
            // Answers differ by these, so caches must not share them across origins.
            vary: HeaderValue::from_static("origin, access-control-request-method, access-control-request-headers"),
        })
    }

    /// Whether the merchant whose publishable key is in the query allows `origin`.
    async fn allows(&self, origin: &HeaderValue, uri: &Uri) -> bool {
        let (Ok(key), Ok(origin)) = (publishable_key_from_query(uri.query()), origin.to_str()) else {
            return false;
        };
        match self.store.origin_allowed(&key, origin).await {
            Ok(allowed) => allowed,
            Err(error) => {
                tracing::error!(%error, "CORS check failed; refusing the origin");
                false
            }
        }
    }
}

/// How long a browser may reuse a preflight's answer.
const PREFLIGHT_KEPT_FOR: Duration = Duration::from_secs(600);

/// Middleware: answers preflights (`OPTIONS`, whatever the route) and marks other answers as
/// readable by the origin when the merchant allows it. No `Origin`, no permission.
pub async fn answer(State(policy): State<Arc<CorsPolicy>>, request: Request, next: Next) -> Response {
    let allowed_origin = match request.headers().get(header::ORIGIN) {
        Some(origin) if policy.allows(origin, request.uri()).await => Some(origin.clone()),
        _ => None,
    };
    let mut response = if request.method() == Method::OPTIONS {
        let mut preflight = Response::new(Body::empty());
        let headers = preflight.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, policy.allow_methods.clone());
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, policy.allow_headers.clone());
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, policy.max_age.clone());
        preflight
    } else {
        let mut response = next.run(request).await;
        response.headers_mut().insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, policy.expose_headers.clone());
        response
    };
    let headers = response.headers_mut();
    if let Some(origin) = allowed_origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(header::VARY, policy.vary.clone());
    response
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
