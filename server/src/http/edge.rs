//! What every request passes through, in one middleware: its request id, its log span, its
//! time limit and its metrics. axum clones a route's whole stack of services for every
//! request; as six tower layers this was six boxed clones per request.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use carebox_contract::REQUEST_ID_HEADER;
use tracing::Instrument;

use crate::metrics::SharedMetrics;

/// A request still unanswered after this gets 408: a stuck database must not pile up
/// connections, and stopping waits for requests in flight no longer than this.
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Middleware: gives the request an id (the caller's own when it is a plain token), answers
/// within [`REQUEST_TIME_LIMIT`], logs and counts the answer by its route's template, and
/// returns the id in `x-request-id`.
pub async fn answer(State(metrics): State<SharedMetrics>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = match request.headers().get(REQUEST_ID_HEADER) {
        Some(id) if usable_request_id(id.as_bytes()) => id.clone(),
        _ => {
            let mut text = uuid::Uuid::encode_buffer();
            let id = HeaderValue::from_str(uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text)).expect("a uuid is a header value");
            request.headers_mut().insert(REQUEST_ID_HEADER, id.clone());
            id
        }
    };
    // The route's template, never the path: paths carry e-mail addresses and order numbers.
    let route = request.extensions().get::<MatchedPath>().map_or("(static)", MatchedPath::as_str).to_owned();
    let method = request.method().clone();
    let span = tracing::info_span!("request", method = %method, path = route.as_str(), request_id = request_id.to_str().unwrap_or("-"));
    let answered = tokio::time::timeout(REQUEST_TIME_LIMIT, next.run(request)).instrument(span.clone()).await;
    let mut response = answered.unwrap_or_else(|_| StatusCode::REQUEST_TIMEOUT.into_response());
    let (status, latency) = (response.status(), started.elapsed());
    span.in_scope(|| {
        let latency_ms = latency.as_secs_f64() * 1000.0;
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), latency_ms, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), latency_ms, "request answered");
        }
    });
    response.headers_mut().insert(REQUEST_ID_HEADER, request_id);
    metrics.answered(metric_method(&method), &route, status.as_u16(), latency.as_secs_f64());
    response
}

/// A caller's own `x-request-id` is kept for tracing across services only when it is a plain
/// token (1–64 of `A-Z a-z 0-9 - _ .`); anything else (markup, log-line breakers) is replaced.
fn usable_request_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len()) && id.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Anything but the usual methods is one label, not one per method a stranger invents.
fn metric_method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_request_ids_are_kept() {
        for plain in ["trace-4f2a.b_9", "a", &"x".repeat(64)] {
            assert!(usable_request_id(plain.as_bytes()), "{plain}");
        }
        for hostile in ["", "a b", "<b>", "id\r\nSet-Cookie:x", &"x".repeat(65), "ид"] {
            assert!(!usable_request_id(hostile.as_bytes()), "{hostile:?}");
        }
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(metric_method(&Method::PATCH), "PATCH");
        assert_eq!(metric_method(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
