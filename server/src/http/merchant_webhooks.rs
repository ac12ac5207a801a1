//! Webhook endpoints and the delivery log (secret key).

use axum::{Json, extract::State, http::StatusCode};
use carebox_contract::{ErrorBody, FieldError, NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint};

use super::{AppState, auth::OwnerApi, json::ApiJson};
use crate::ApiError;
use crate::domain::webhook_target::WebhookUrl;

/// At most this many endpoints per shop: each delivery goes to every one.
const MAX_ENDPOINTS: usize = 10;

/// Registers an endpoint; its `secret` signs every delivery (keep it to verify them).
#[utoipa::path(
    post,
    path = "/v1/merchant/webhooks",
    tag = "merchant",
    request_body = NewWebhookEndpoint,
    security(("secret_key" = [])),
    responses(
        (status = 201, body = WebhookEndpoint),
        (status = 422, description = "The URL is not acceptable", body = ErrorBody),
    )
)]
pub async fn add_endpoint(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    ApiJson(request): ApiJson<NewWebhookEndpoint>,
) -> Result<(StatusCode, Json<WebhookEndpoint>), ApiError> {
    let url = WebhookUrl::parse(&request.url, state.webhook_reach).map_err(ApiError::Unprocessable)?;
    if state.store.webhook_endpoints(&merchant.id, state.clock.now()).await?.len() >= MAX_ENDPOINTS {
        return Err(ApiError::Unprocessable(FieldError::invalid("url", "A shop may register up to 10 webhook endpoints.")));
    }
    let endpoint = state.store.add_webhook_endpoint(&merchant.id, url.as_str(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(endpoint)))
}

#[utoipa::path(
    get,
    path = "/v1/merchant/webhooks",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = [WebhookEndpoint]))
)]
pub async fn list_endpoints(State(state): State<AppState>, OwnerApi(merchant): OwnerApi) -> Result<Json<Vec<WebhookEndpoint>>, ApiError> {
    Ok(Json(state.store.webhook_endpoints(&merchant.id, state.clock.now()).await?))
}

/// The 100 most recent deliveries, with attempts, last status and next try.
#[utoipa::path(
    get,
    path = "/v1/merchant/webhooks/deliveries",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = [WebhookDelivery]))
)]
pub async fn list_deliveries(State(state): State<AppState>, OwnerApi(merchant): OwnerApi) -> Result<Json<Vec<WebhookDelivery>>, ApiError> {
    Ok(Json(state.store.webhook_deliveries(&merchant.id, 100).await?))
}
