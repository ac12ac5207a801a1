use axum::{Json, extract::State};
use carebox_contract::{ErrorBody, TextOverrides, WidgetConfigBody};

use super::{AppState, Merchant, auth::MerchantApi, json::ApiJson};
use crate::ApiError;

/// The widget's configuration for the merchant whose publishable key is given.
#[utoipa::path(
    get,
    path = "/v1/widget/config",
    tag = "widget",
    params(("key" = String, Query, description = "The merchant's publishable key, `pk_…`")),
    responses(
        (status = 200, description = "The merchant's widget configuration and own texts", body = WidgetConfigBody),
        (status = 400, description = "`key` missing (`missing`) or malformed (`invalid`)", body = ErrorBody),
        (status = 404, description = "No merchant has this key (`unknown_merchant`)", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id))]
pub async fn get_widget_config(Merchant(merchant): Merchant) -> Result<Json<WidgetConfigBody>, ApiError> {
    Ok(Json(WidgetConfigBody { config: merchant.widget_config(), strings: merchant.settings.strings }))
}

/// The merchant's own wording for the widget, per language and text key.
#[utoipa::path(get, path = "/v1/merchant/widget/strings", tag = "merchant", security(("secret_key" = [])), responses((status = 200, body = TextOverrides)))]
pub async fn get_strings(MerchantApi(merchant): MerchantApi) -> Json<TextOverrides> {
    Json(merchant.settings.strings)
}

/// Replaces the merchant's own wording: `{ "ru": { "track_order": "Где моя посылка?" } }`. Keys
/// are those of docs/embedding.md (*Texts and languages*); a key left out keeps the widget's
/// text, and a page's `init({ strings })` wins over these for the keys both set.
#[utoipa::path(
    put,
    path = "/v1/merchant/widget/strings",
    tag = "merchant",
    request_body = TextOverrides,
    security(("secret_key" = [])),
    responses(
        (status = 200, body = TextOverrides),
        (status = 422, description = "A language we do not speak, a key no text has, or an empty or over-long text; `field` is `<language>.<key>`", body = ErrorBody),
    )
)]
pub async fn put_strings(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    ApiJson(strings): ApiJson<TextOverrides>,
) -> Result<Json<TextOverrides>, ApiError> {
    strings.check().map_err(ApiError::Unprocessable)?;
    let stored = state.store.update_settings(&merchant.id, |settings| settings.strings = strings).await?;
    Ok(Json(stored.strings))
}
