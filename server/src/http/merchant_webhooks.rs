//! Webhook endpoints and the delivery log (secret key).

use axum::{Json, extract::State, http::StatusCode};
use carebox_contract::{ErrorBody, FieldError, NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint};

use super::{AppState, auth::MerchantApi, json::ApiJson};
use crate::ApiError;

/// `https://…` anywhere; plain `http://` only to this machine (development).
fn endpoint_url(raw: &str) -> Result<String, FieldError> {
    let url = raw.trim();
    let host = |rest: &str| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host.to_owned(),
            _ => authority.to_owned(),
        }
    };
    let valid = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => !host(rest).is_empty(),
        (None, Some(rest)) => matches!(host(rest).as_str(), "127.0.0.1" | "localhost" | "[::1]"),
        _ => false,
    };
    if !valid || url.len() > 2000 || url.chars().any(char::is_whitespace) {
        return Err(FieldError::invalid("url", "Webhook URLs are https:// (http:// only for 127.0.0.1 or localhost)."));
    }
    Ok(url.to_owned())
}

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
    MerchantApi(merchant): MerchantApi,
    ApiJson(request): ApiJson<NewWebhookEndpoint>,
) -> Result<(StatusCode, Json<WebhookEndpoint>), ApiError> {
    let url = endpoint_url(&request.url).map_err(ApiError::Unprocessable)?;
    let endpoint = state.store.add_webhook_endpoint(&merchant.id, &url, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(endpoint)))
}

#[utoipa::path(
    get,
    path = "/v1/merchant/webhooks",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = [WebhookEndpoint]))
)]
pub async fn list_endpoints(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
) -> Result<Json<Vec<WebhookEndpoint>>, ApiError> {
    Ok(Json(state.store.webhook_endpoints(&merchant.id).await?))
}

/// The 100 most recent deliveries, with attempts, last status and next try.
#[utoipa::path(
    get,
    path = "/v1/merchant/webhooks/deliveries",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = [WebhookDelivery]))
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
) -> Result<Json<Vec<WebhookDelivery>>, ApiError> {
    Ok(Json(state.store.webhook_deliveries(&merchant.id, 100).await?))
}

#[cfg(test)]
mod tests {
    use super::endpoint_url;

    #[test]
    fn https_anywhere_http_only_to_this_machine() {
        assert!(endpoint_url("https://shop.example/hooks/carebox").is_ok());
        assert!(endpoint_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(endpoint_url("http://localhost/hook").is_ok());
        for bad in ["http://shop.example/hook", "ftp://x", "https://", "javascript:alert(1)", "https://a b"] {
            assert_eq!(endpoint_url(bad).unwrap_err().field, "url", "{bad}");
        }
    }
}
