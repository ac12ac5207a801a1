use std::collections::BTreeMap;

use axum::{Json, extract::State};
use carebox_contract::{
    ErrorBody, FieldError, Greeting, ShopName, ShopOrigins, TextOverrides, WidgetConfig, WidgetConfigBody, WidgetSettingsRequest,
    widget_config::parse_features,
};

use super::{
    AppState, Merchant,
    auth::{MerchantApi, OwnerApi},
    json::ApiJson,
};
use crate::ApiError;
use crate::domain::origin::ShopOrigin;
use crate::storage::MerchantRecord;

/// The widget's configuration for the merchant whose publishable key is given.
#[utoipa::path(
    get,
    path = "/v1/widget/config",
    tag = "widget",
    params(("key" = carebox_contract::PublishableKey, Query, description = "The merchant's publishable key, `pk_…`")),
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
    OwnerApi(merchant): OwnerApi,
    ApiJson(strings): ApiJson<TextOverrides>,
) -> Result<Json<TextOverrides>, ApiError> {
    strings.check().map_err(ApiError::Unprocessable)?;
    let stored = state.store.update_settings(&merchant.id, |settings| settings.strings = strings).await?;
    Ok(Json(stored.strings))
}

/// What shoppers see of the shop: its name, greetings, switched-on capabilities, theme and
/// lookup proof.
#[utoipa::path(get, path = "/v1/merchant/widget/settings", tag = "merchant", security(("secret_key" = [])), responses((status = 200, body = WidgetConfig)))]
pub async fn get_settings(MerchantApi(merchant): MerchantApi) -> Json<WidgetConfig> {
    Json(merchant.widget_config())
}

/// Changes what is given and keeps the rest: `{ "merchant_name": "Northwind Goods",
/// "greetings": { "en": "Hi!" }, "features": ["order_status", "complaints"] }`. A capability
/// switched off is refused by the server too, whatever a page sends.
#[utoipa::path(
    patch,
    path = "/v1/merchant/widget/settings",
    tag = "merchant",
    request_body = WidgetSettingsRequest,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The settings now in force", body = WidgetConfig),
        (status = 422, description = "An empty or over-long name or greeting, or no capability switched on; `field` names it", body = ErrorBody),
    )
)]
pub async fn patch_settings(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    ApiJson(request): ApiJson<WidgetSettingsRequest>,
) -> Result<Json<WidgetConfig>, ApiError> {
    let name = request.merchant_name.as_deref().map(ShopName::parse).transpose().map_err(ApiError::Unprocessable)?;
    let greetings = request
        .greetings
        .map(|greetings| {
            greetings
                .into_iter()
                .map(|(locale, text)| {
                    let greeting = Greeting::parse(&text).map_err(|e| e.at(format!("greetings.{}", locale.as_str())))?;
                    Ok((locale, String::from(greeting)))
                })
                .collect::<Result<BTreeMap<_, _>, FieldError>>()
        })
        .transpose()
        .map_err(ApiError::Unprocessable)?;
    let features = request.features.as_deref().map(parse_features).transpose().map_err(ApiError::Unprocessable)?;
    let (name, settings) = state
        .store
        .update_widget_settings(&merchant.id, name.as_ref().map(ShopName::as_str), |settings| {
            if let Some(greetings) = greetings {
                settings.greetings = greetings;
            }
            if let Some(features) = features {
                settings.features = features;
            }
            if let Some(theme) = request.theme {
                settings.theme = theme;
            }
            if let Some(lookup_by) = request.lookup_by {
                settings.lookup_by = lookup_by;
            }
        })
        .await?;
    Ok(Json(MerchantRecord { name, settings, ..merchant }.widget_config()))
}

/// The sites whose pages may use the publishable key (CORS), sorted.
#[utoipa::path(
    get,
    path = "/v1/merchant/widget/origins",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = ShopOrigins))
)]
pub async fn get_origins(State(state): State<AppState>, MerchantApi(merchant): MerchantApi) -> Result<Json<ShopOrigins>, ApiError> {
    Ok(Json(ShopOrigins { origins: state.store.origins_of(&merchant.id).await? }))
}

/// Replaces the allowed origins (owners only in the console): pages elsewhere are refused at once.
#[utoipa::path(
    put,
    path = "/v1/merchant/widget/origins",
    tag = "merchant",
    request_body = ShopOrigins,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The origins now allowed, normalised and sorted", body = ShopOrigins),
        (status = 422, description = "Not an origin (`field` names it, e.g. `origins[2]`), or not 1 to 20", body = ErrorBody),
    )
)]
pub async fn put_origins(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    ApiJson(request): ApiJson<ShopOrigins>,
) -> Result<Json<ShopOrigins>, ApiError> {
    let origins = ShopOrigin::parse_list(&request.origins).map_err(ApiError::Unprocessable)?;
    state.store.set_origins(&merchant.id, &origins).await?;
    tracing::info!(merchant = %merchant.id, origins = origins.len(), "allowed origins replaced");
    Ok(Json(ShopOrigins { origins: origins.iter().map(|o| o.as_str().to_owned()).collect() }))
}
