//! The console's calls: same-origin, with the session cookie; every change carries the
//! session's CSRF token.

use carebox_contract::{
    CalendarDate, CompensationRules, ComplaintCounts, ComplaintNote, ComplaintView, CsatMetrics, ErrorBody, ErrorCode,
    LoyaltyAdjustmentRequest, LoyaltySummary, LoyaltyTier, MerchantAction, MerchantCsatAnswer, NewComplaintNote, NewWebhookEndpoint,
    OrderEventRequest, OrderView, RotatedSecretKey, ShopOrigins, StaffSession, StaffSignIn, SupportReport, TextOverrides, WebhookDelivery,
    WebhookEndpoint, WebhookEndpointChange, WidgetConfig, WidgetPreview, WidgetSettingsRequest,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer (offline, server down).
    Network,
    /// The server refused, with its stable code, English message and the field at fault.
    Server { status: u16, code: ErrorCode, message: String, field: Option<String> },
}

async fn send(method: &str, path: &str, body: Option<String>, csrf: Option<&str>) -> Result<(u16, String), Failure> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = Headers::new().map_err(|_| Failure::Network)?;
    if let Some(body) = &body {
        headers.set("content-type", "application/json").map_err(|_| Failure::Network)?;
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(token) = csrf {
        headers.set("x-csrf-token", token).map_err(|_| Failure::Network)?;
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| Failure::Network)?;
    let window = web_sys::window().ok_or(Failure::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| Failure::Network)?.unchecked_into();
    let text = JsFuture::from(response.text().map_err(|_| Failure::Network)?).await.map_err(|_| Failure::Network)?;
    let (status, text) = (response.status(), text.as_string().unwrap_or_default());
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    let (code, message, field) = match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => (body.error.code, body.error.message, body.error.field),
        Err(_) => (ErrorCode::Internal, String::new(), None),
    };
    Err(Failure::Server { status, code, message, field })
}

async fn json<T: DeserializeOwned>(method: &str, path: &str, body: Option<String>, csrf: Option<&str>) -> Result<T, Failure> {
    let (status, text) = send(method, path, body, csrf).await?;
    serde_json::from_str(&text).map_err(|_| Failure::Server { status, code: ErrorCode::Internal, message: String::new(), field: None })
}

pub async fn current_session() -> Result<StaffSession, Failure> {
    json("GET", "/v1/console/session", None, None).await
}

pub async fn sign_in(email: String, password: String) -> Result<StaffSession, Failure> {
    let body = serde_json::to_string(&StaffSignIn { email, password }).expect("serialisable");
    json("POST", "/v1/console/session", Some(body), None).await
}

pub async fn sign_out(csrf: &str) -> Result<(), Failure> {
    send("DELETE", "/v1/console/session", None, Some(csrf)).await.map(|_| ())
}

/// A page of the shop's complaints; `query` is the list's filter and order
/// (`status=open&sort=due&…`).
pub async fn complaints(query: &str, limit: u32, offset: u32) -> Result<Vec<ComplaintView>, Failure> {
    json("GET", &format!("/v1/merchant/complaints?{query}&limit={limit}&offset={offset}"), None, None).await
}

/// How many complaints are in each state, narrowed by `query` (level, category, vip).
pub async fn complaint_counts(query: &str) -> Result<ComplaintCounts, Failure> {
    json("GET", &format!("/v1/merchant/complaints/counts?{query}"), None, None).await
}

pub async fn complaint(ticket: &str) -> Result<ComplaintView, Failure> {
    json("GET", &format!("/v1/merchant/complaints/{}", encode(ticket)), None, None).await
}

pub async fn order(number: &str) -> Result<OrderView, Failure> {
    json("GET", &format!("/v1/merchant/orders/{}", encode(number)), None, None).await
}

pub async fn act(ticket: &str, action: &MerchantAction, csrf: &str) -> Result<ComplaintView, Failure> {
    let body = serde_json::to_string(action).expect("serialisable");
    json("POST", &format!("/v1/merchant/complaints/{}/actions", encode(ticket)), Some(body), Some(csrf)).await
}

pub async fn notes(ticket: &str) -> Result<Vec<ComplaintNote>, Failure> {
    json("GET", &format!("/v1/merchant/complaints/{}/notes", encode(ticket)), None, None).await
}

pub async fn add_note(ticket: &str, text: String, csrf: &str) -> Result<ComplaintNote, Failure> {
    let body = serde_json::to_string(&NewComplaintNote { text }).expect("serialisable");
    json("POST", &format!("/v1/merchant/complaints/{}/notes", encode(ticket)), Some(body), Some(csrf)).await
}

pub async fn widget_settings() -> Result<WidgetConfig, Failure> {
    json("GET", "/v1/merchant/widget/settings", None, None).await
}

pub async fn change_widget_settings(change: &WidgetSettingsRequest, csrf: &str) -> Result<WidgetConfig, Failure> {
    let body = serde_json::to_string(change).expect("serialisable");
    json("PATCH", "/v1/merchant/widget/settings", Some(body), Some(csrf)).await
}

pub async fn rotate_secret_key(csrf: &str) -> Result<RotatedSecretKey, Failure> {
    json("POST", "/v1/merchant/keys/secret", None, Some(csrf)).await
}

pub async fn csat_metrics(from: CalendarDate, to: CalendarDate) -> Result<CsatMetrics, Failure> {
    json("GET", &format!("/v1/merchant/csat/metrics?from={from}&to={to}"), None, None).await
}

/// The latest 200 answers of the range (their comments).
pub async fn csat_answers(from: CalendarDate, to: CalendarDate) -> Result<Vec<MerchantCsatAnswer>, Failure> {
    json("GET", &format!("/v1/merchant/csat/answers?from={from}&to={to}&limit=200"), None, None).await
}

pub async fn support_report(from: CalendarDate, to: CalendarDate) -> Result<SupportReport, Failure> {
    json("GET", &format!("/v1/merchant/reports/support?from={from}&to={to}"), None, None).await
}

/// A shopper's orders by e-mail address, newest first.
pub async fn orders_of(email: &str) -> Result<Vec<OrderView>, Failure> {
    json("GET", &format!("/v1/merchant/orders?email={}&limit=50", encode(email)), None, None).await
}

pub async fn add_order_event(number: &str, event: &OrderEventRequest, csrf: &str) -> Result<OrderView, Failure> {
    let body = serde_json::to_string(event).expect("serialisable");
    json("POST", &format!("/v1/merchant/orders/{}/events", encode(number)), Some(body), Some(csrf)).await
}

pub async fn loyalty_tiers() -> Result<Vec<LoyaltyTier>, Failure> {
    json("GET", "/v1/merchant/loyalty/tiers", None, None).await
}

pub async fn change_loyalty_tiers(tiers: &[LoyaltyTier], csrf: &str) -> Result<Vec<LoyaltyTier>, Failure> {
    let body = serde_json::to_string(tiers).expect("serialisable");
    json("PUT", "/v1/merchant/loyalty/tiers", Some(body), Some(csrf)).await
}

pub async fn compensation() -> Result<CompensationRules, Failure> {
    json("GET", "/v1/merchant/loyalty/compensation", None, None).await
}

pub async fn change_compensation(rules: &CompensationRules, csrf: &str) -> Result<CompensationRules, Failure> {
    let body = serde_json::to_string(rules).expect("serialisable");
    json("PUT", "/v1/merchant/loyalty/compensation", Some(body), Some(csrf)).await
}

pub async fn shopper_loyalty(email: &str) -> Result<LoyaltySummary, Failure> {
    json("GET", &format!("/v1/merchant/loyalty/shoppers/{}", encode(email)), None, None).await
}

pub async fn adjust_points(request: &LoyaltyAdjustmentRequest, csrf: &str) -> Result<LoyaltySummary, Failure> {
    let body = serde_json::to_string(request).expect("serialisable");
    json("POST", "/v1/merchant/loyalty/adjustments", Some(body), Some(csrf)).await
}

pub async fn webhook_endpoints() -> Result<Vec<WebhookEndpoint>, Failure> {
    json("GET", "/v1/merchant/webhooks", None, None).await
}

pub async fn add_webhook_endpoint(endpoint: &NewWebhookEndpoint, csrf: &str) -> Result<WebhookEndpoint, Failure> {
    let body = serde_json::to_string(endpoint).expect("serialisable");
    json("POST", "/v1/merchant/webhooks", Some(body), Some(csrf)).await
}

pub async fn change_webhook_endpoint(id: &str, change: &WebhookEndpointChange, csrf: &str) -> Result<WebhookEndpoint, Failure> {
    let body = serde_json::to_string(change).expect("serialisable");
    json("PATCH", &format!("/v1/merchant/webhooks/{}", encode(id)), Some(body), Some(csrf)).await
}

pub async fn rotate_webhook_secret(id: &str, csrf: &str) -> Result<WebhookEndpoint, Failure> {
    json("POST", &format!("/v1/merchant/webhooks/{}/secret", encode(id)), None, Some(csrf)).await
}

pub async fn remove_webhook_endpoint(id: &str, csrf: &str) -> Result<(), Failure> {
    send("DELETE", &format!("/v1/merchant/webhooks/{}", encode(id)), None, Some(csrf)).await.map(|_| ())
}

pub async fn webhook_deliveries() -> Result<Vec<WebhookDelivery>, Failure> {
    json("GET", "/v1/merchant/webhooks/deliveries", None, None).await
}

pub async fn retry_webhook_delivery(id: &str, csrf: &str) -> Result<WebhookDelivery, Failure> {
    json("POST", &format!("/v1/merchant/webhooks/deliveries/{}/retry", encode(id)), None, Some(csrf)).await
}

pub async fn preview(change: &WidgetSettingsRequest, csrf: &str) -> Result<WidgetPreview, Failure> {
    let body = serde_json::to_string(change).expect("serialisable");
    json("POST", "/v1/merchant/widget/preview", Some(body), Some(csrf)).await
}

pub async fn origins() -> Result<ShopOrigins, Failure> {
    json("GET", "/v1/merchant/widget/origins", None, None).await
}

pub async fn change_origins(origins: &ShopOrigins, csrf: &str) -> Result<ShopOrigins, Failure> {
    let body = serde_json::to_string(origins).expect("serialisable");
    json("PUT", "/v1/merchant/widget/origins", Some(body), Some(csrf)).await
}

pub async fn texts() -> Result<TextOverrides, Failure> {
    json("GET", "/v1/merchant/widget/strings", None, None).await
}

pub async fn change_texts(texts: &TextOverrides, csrf: &str) -> Result<TextOverrides, Failure> {
    let body = serde_json::to_string(texts).expect("serialisable");
    json("PUT", "/v1/merchant/widget/strings", Some(body), Some(csrf)).await
}

/// A path segment (order numbers may hold `/`).
fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}
