//! Calls to the Carebox API. Each takes the abort signal of the screen that asked, so
//! leaving the screen cancels it and a stale answer never lands.

use carebox_contract::{
    ErrorBody, ErrorCode, OrderLookupRequest, OrderLookupResponse, OrderNumber, OrderView, PublishableKey,
    REQUEST_ID_HEADER, ShopperOrders, WidgetConfig,
};
use gloo_net::http::{Request, RequestBuilder, Response};
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
    /// No answer: offline, DNS, CORS refusal, server down, or aborted.
    Network,
    /// The server answered with an error envelope (or garbage, reported as `internal`).
    Server { status: u16, code: ErrorCode, field: Option<String> },
}

impl ApiFailure {
    pub fn code(&self) -> Option<ErrorCode> {
        match &self.kind {
            FailureKind::Server { code, .. } => Some(*code),
            FailureKind::Network => None,
        }
    }
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    base: String,
    key: PublishableKey,
}

type Abort<'a> = Option<&'a web_sys::AbortSignal>;

impl ApiClient {
    pub fn new(base: impl Into<String>, key: PublishableKey) -> Self {
        let base = base.into().trim_end_matches('/').to_owned();
        Self { base, key }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}?key={}", self.base, self.key.as_str())
    }

    pub async fn widget_config(&self) -> Result<WidgetConfig, ApiFailure> {
        send(Request::get(&self.url("/v1/widget/config")), None).await
    }

    pub async fn lookup_order(&self, request: &OrderLookupRequest, abort: Abort<'_>) -> Result<OrderLookupResponse, ApiFailure> {
        let builder = Request::post(&self.url("/v1/orders/lookup")).abort_signal(abort);
        let request = builder.json(request).map_err(|_| network())?;
        read_json(request.send().await.map_err(|_| network())?).await
    }

    pub async fn order(&self, number: &OrderNumber, token: &str, abort: Abort<'_>) -> Result<OrderView, ApiFailure> {
        let path = format!("/v1/orders/{}", number.as_str());
        send(Request::get(&self.url(&path)).header("Authorization", &format!("Bearer {token}")), abort).await
    }

    pub async fn shopper_orders(&self, token: &str, abort: Abort<'_>) -> Result<ShopperOrders, ApiFailure> {
        send(Request::get(&self.url("/v1/shopper/orders")).header("Authorization", &format!("Bearer {token}")), abort).await
    }
}

fn network() -> ApiFailure {
    ApiFailure { kind: FailureKind::Network, request_id: None }
}

async fn send<T: DeserializeOwned>(builder: RequestBuilder, abort: Abort<'_>) -> Result<T, ApiFailure> {
    let response = builder.abort_signal(abort).send().await.map_err(|_| network())?;
    read_json(response).await
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
