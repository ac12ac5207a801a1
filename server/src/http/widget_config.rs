use std::collections::BTreeMap;

use axum::{Json, extract::State};
use carebox_contract::{
    ErrorBody, FieldError, Greeting, ShopName, ShopOrigins, TextOverrides, WidgetConfig, WidgetConfigBody, WidgetPreview,
    WidgetSettingsRequest, widget_config::parse_features,
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
    params(super::params::ShopKey),
    responses(
        (status = 200, description = "The merchant's widget configuration and own texts", body = WidgetConfigBody),
        (status = 400, description = "`key` missing (`missing`) or malformed (`invalid`)", body = ErrorBody),
        (status = 404, description = "No merchant has this key (`unknown_merchant`)", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id))]
pub async fn get_widget_config(Merchant(merchant): Merchant) -> Result<Json<WidgetConfigBody>, ApiError> {
    Ok(Json(WidgetConfigBody { config: merchant.widget_config(), strings: merchant.settings.strings.clone() }))
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
    let mut change = SettingsChange::parse(request).map_err(ApiError::Unprocessable)?;
    let name = change.name.take();
    let (name, settings) =
        state.store.update_widget_settings(&merchant.id, name.as_ref().map(ShopName::as_str), |settings| change.apply(settings)).await?;
    Ok(Json(MerchantRecord { name, settings, ..merchant }.widget_config()))
}

/// A settings change, checked: what `PATCH` stores and a preview shows.
struct SettingsChange {
    name: Option<ShopName>,
    greetings: Option<BTreeMap<carebox_contract::Locale, String>>,
    features: Option<Vec<carebox_contract::Feature>>,
    theme: Option<carebox_contract::Theme>,
    lookup_by: Option<carebox_contract::LookupMode>,
}

impl SettingsChange {
    fn parse(request: WidgetSettingsRequest) -> Result<Self, FieldError> {
        let name = request.merchant_name.as_deref().map(ShopName::parse).transpose()?;
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
            .transpose()?;
        let features = request.features.as_deref().map(parse_features).transpose()?;
        Ok(Self { name, greetings, features, theme: request.theme, lookup_by: request.lookup_by })
    }

    /// Everything but the name (which is a column of its own).
    fn apply(self, settings: &mut crate::storage::MerchantSettings) {
        if let Some(greetings) = self.greetings {
            settings.greetings = greetings;
        }
        if let Some(features) = self.features {
            settings.features = features;
        }
        if let Some(theme) = self.theme {
            settings.theme = theme;
        }
        if let Some(lookup_by) = self.lookup_by {
            settings.lookup_by = lookup_by;
        }
    }
}

/// How long a preview's link works.
const PREVIEW_LIFETIME_MS: i64 = 30 * 60 * 1000;

/// Keeps unsaved settings for a preview: the real widget shows them when its `api` is
/// `<this server>/preview/<token>` (its other calls reach the API as usual). Nothing is stored
/// in the shop's settings; the preview expires after 30 minutes.
#[utoipa::path(
    post,
    path = "/v1/merchant/widget/preview",
    tag = "merchant",
    request_body = WidgetSettingsRequest,
    security(("secret_key" = [])),
    responses(
        (status = 201, description = "The preview's token", body = WidgetPreview),
        (status = 422, description = "As for `PATCH /v1/merchant/widget/settings`", body = ErrorBody),
    )
)]
pub async fn make_preview(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    ApiJson(request): ApiJson<WidgetSettingsRequest>,
) -> Result<(axum::http::StatusCode, Json<WidgetPreview>), ApiError> {
    let change = SettingsChange::parse(request).map_err(ApiError::Unprocessable)?;
    let mut shown = merchant.clone();
    if let Some(name) = &change.name {
        shown.name = name.as_str().to_owned();
    }
    change.apply(&mut shown.settings);
    let body = WidgetConfigBody { config: shown.widget_config(), strings: shown.settings.strings.clone() };
    let json = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let now = state.clock.now();
    let expires_at = carebox_contract::Timestamp::from_unix_ms(now.unix_ms() + PREVIEW_LIFETIME_MS);
    let token = crate::domain::token::random_hex(16);
    state.store.save_preview(&token, &merchant.id, &json, expires_at, now).await?;
    Ok((axum::http::StatusCode::CREATED, Json(WidgetPreview { token, expires_at })))
}

/// The unsaved configuration of a preview, for the publishable key it was made for.
pub async fn preview_config(state: &AppState, token: &str, key: Option<&str>) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let now = state.clock.now();
    let Some((merchant_id, json)) = state.store.preview(token, now).await? else {
        return Err(ApiError::NotFound);
    };
    let key = carebox_contract::PublishableKey::parse(key.unwrap_or_default())?;
    let merchant = state.store.merchant_by_publishable_key(&key).await?.ok_or(ApiError::NotFound)?;
    if merchant.id != merchant_id {
        return Err(ApiError::NotFound);
    }
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], json).into_response())
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
