use axum::Json;
use carebox_contract::{ErrorBody, WidgetConfig};

use super::Merchant;
use crate::ApiError;

/// The widget's configuration for the merchant whose publishable key is given.
#[utoipa::path(
    get,
    path = "/v1/widget/config",
    tag = "widget",
    params(("key" = String, Query, description = "The merchant's publishable key, `pk_…`")),
    responses(
        (status = 200, description = "The merchant's widget configuration", body = WidgetConfig),
        (status = 400, description = "`key` missing (`missing`) or malformed (`invalid`)", body = ErrorBody),
        (status = 404, description = "No merchant has this key (`unknown_merchant`)", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id))]
pub async fn get_widget_config(Merchant(merchant): Merchant) -> Result<Json<WidgetConfig>, ApiError> {
    Ok(Json(merchant.widget_config()))
}
