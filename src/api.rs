//! Calls to the Carebox API. Each request is aborted if its future is dropped (the shopper
//! navigated away or a newer request replaced it), so stale answers never land.

use carebox_contract::{ErrorBody, ErrorCode, PublishableKey, REQUEST_ID_HEADER, WidgetConfig};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

/// Why a call failed, with what support needs to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub kind: FailureKind,
    /// The server's `x-request-id`, when the server answered.
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer: offline, DNS, CORS refusal, server down.
    Network,
    /// The server answered with an error envelope (or garbage, reported as `internal`).
    Server { status: u16, code: ErrorCode, field: Option<String> },
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            FailureKind::Network => f.write_str("network error"),
            FailureKind::Server { status, code, .. } => write!(f, "HTTP {status} {code}"),
        }
    }
}

impl std::error::Error for ApiFailure {}

/// Aborts the request when dropped; harmless after completion.
struct AbortOnDrop(Option<web_sys::AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    base: String,
    key: PublishableKey,
}

impl ApiClient {
    pub fn new(base: impl Into<String>, key: PublishableKey) -> Self {
        let base = base.into().trim_end_matches('/').to_owned();
        Self { base, key }
    }

    fn url(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{separator}key={}", self.base, self.key.as_str())
    }

    pub async fn widget_config(&self) -> Result<WidgetConfig, ApiFailure> {
        self.get_json("/v1/widget/config").await
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiFailure> {
        let abort = AbortOnDrop(web_sys::AbortController::new().ok());
        let request = Request::get(&self.url(path)).abort_signal(abort.0.as_ref().map(|c| c.signal()).as_ref());
        let response = request.send().await.map_err(|_| ApiFailure { kind: FailureKind::Network, request_id: None })?;
        read_json(response).await
    }
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    let request_id = response.headers().get(REQUEST_ID_HEADER);
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|_| ApiFailure {
            kind: FailureKind::Server { status, code: ErrorCode::Internal, field: None },
            request_id,
        });
    }
    let (code, field) = match response.json::<ErrorBody>().await {
        Ok(body) => (body.error.code, body.error.field),
        Err(_) => (ErrorCode::Internal, None),
    };
    Err(ApiFailure { kind: FailureKind::Server { status, code, field }, request_id })
}
