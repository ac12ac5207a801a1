//! Webhook endpoints and the delivery log (secret key).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use carebox_contract::{
    ErrorBody, FieldError, NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointChange, WebhookEventType,
};

use super::{AppState, auth::OwnerApi, json::ApiJson};
use crate::ApiError;
use crate::domain::webhook_target::WebhookUrl;
use crate::storage::RetryOutcome;

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
    WebhookEventType::check_list(&request.events).map_err(ApiError::Unprocessable)?;
    if state.store.webhook_endpoints(&merchant.id, state.clock.now()).await?.len() >= MAX_ENDPOINTS {
        return Err(ApiError::Unprocessable(FieldError::invalid("url", "A shop may register up to 10 webhook endpoints.")));
    }
    let endpoint = state.store.add_webhook_endpoint(&merchant.id, url.as_str(), &request.events, state.clock.now()).await?;
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

/// Switches an endpoint off or on, or changes the events it receives.
#[utoipa::path(
    patch,
    path = "/v1/merchant/webhooks/{id}",
    tag = "merchant",
    params(("id" = String, Path, description = "The endpoint's id (`whe_…`)")),
    request_body = WebhookEndpointChange,
    security(("secret_key" = [])),
    responses(
        (status = 200, body = WebhookEndpoint),
        (status = 404, description = "No such endpoint in this shop", body = ErrorBody),
        (status = 422, description = "No events, or one twice", body = ErrorBody),
    )
)]
pub async fn change_endpoint(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<WebhookEndpointChange>,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    if let Some(events) = &change.events {
        WebhookEventType::check_list(events).map_err(ApiError::Unprocessable)?;
    }
    if !state.store.change_webhook_endpoint(&merchant.id, &id, &change).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(merchant = %merchant.id, endpoint = %id, enabled = ?change.enabled, "webhook endpoint changed");
    endpoint(&state, &merchant.id, &id).await
}

/// Removes an endpoint and its delivery log.
#[utoipa::path(
    delete,
    path = "/v1/merchant/webhooks/{id}",
    tag = "merchant",
    params(("id" = String, Path, description = "The endpoint's id (`whe_…`)")),
    security(("secret_key" = [])),
    responses((status = 204, description = "Removed"), (status = 404, description = "No such endpoint in this shop", body = ErrorBody))
)]
pub async fn delete_endpoint(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !state.store.delete_webhook_endpoint(&merchant.id, &id).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(merchant = %merchant.id, endpoint = %id, "webhook endpoint removed");
    Ok(StatusCode::NO_CONTENT)
}

/// A new signing secret, shown in the answer: every delivery from now on is signed with it.
#[utoipa::path(
    post,
    path = "/v1/merchant/webhooks/{id}/secret",
    tag = "merchant",
    params(("id" = String, Path, description = "The endpoint's id (`whe_…`)")),
    security(("secret_key" = [])),
    responses((status = 200, body = WebhookEndpoint), (status = 404, description = "No such endpoint in this shop", body = ErrorBody))
)]
pub async fn rotate_secret(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    Path(id): Path<String>,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    state.store.rotate_webhook_secret(&merchant.id, &id).await?.ok_or(ApiError::NotFound)?;
    tracing::info!(merchant = %merchant.id, endpoint = %id, "webhook secret rotated");
    endpoint(&state, &merchant.id, &id).await
}

/// Sends an undelivered delivery again now (lifting its endpoint's pause).
#[utoipa::path(
    post,
    path = "/v1/merchant/webhooks/deliveries/{id}/retry",
    tag = "merchant",
    params(("id" = String, Path, description = "The delivery's id (`whd_…`)")),
    security(("secret_key" = [])),
    responses(
        (status = 202, description = "Queued to be sent at once", body = WebhookDelivery),
        (status = 404, description = "No such delivery in this shop", body = ErrorBody),
        (status = 409, description = "`not_allowed`: it was delivered already", body = ErrorBody),
    )
)]
pub async fn retry_delivery(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<WebhookDelivery>), ApiError> {
    match state.store.retry_webhook_delivery(&merchant.id, &id, state.clock.now()).await? {
        RetryOutcome::NotFound => return Err(ApiError::NotFound),
        RetryOutcome::AlreadyDelivered => return Err(ApiError::NotAllowed("This delivery reached its endpoint already.".into())),
        RetryOutcome::Queued => {}
    }
    let delivery = state.store.webhook_deliveries(&merchant.id, 100).await?.into_iter().find(|d| d.id == id).ok_or(ApiError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

async fn endpoint(state: &AppState, merchant_id: &str, id: &str) -> Result<Json<WebhookEndpoint>, ApiError> {
    let endpoints = state.store.webhook_endpoints(merchant_id, state.clock.now()).await?;
    endpoints.into_iter().find(|e| e.id == id).map(Json).ok_or(ApiError::NotFound)
}
