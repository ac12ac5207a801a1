//! The support report of the console's Reports page (CSAT figures are `csat::metrics`).

use axum::{
    Json,
    extract::{Query, State},
};
use carebox_contract::{ErrorBody, SupportReport, Timestamp};

use super::{AppState, auth::MerchantApi, params::DateRange};
use crate::ApiError;
use crate::domain::report;

const DAY_MS: i64 = 86_400_000;

/// First-response times (median, p90) of complaints filed in the range, promises broken and
/// escalations per day, and escalations per level by cause.
#[utoipa::path(
    get,
    path = "/v1/merchant/reports/support",
    tag = "merchant",
    params(DateRange),
    security(("secret_key" = [])),
    responses((status = 200, body = SupportReport), (status = 400, description = "A malformed date or range; `field` says which", body = ErrorBody))
)]
pub async fn support_report(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    range: Result<Query<DateRange>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SupportReport>, ApiError> {
    let Query(range) = range?;
    let (from, to) = range.resolve(state.clock.now().utc_date())?;
    let start = Timestamp::from_unix_ms(from.days_since_epoch() * DAY_MS);
    let end = Timestamp::from_unix_ms((to.days_since_epoch() + 1) * DAY_MS);
    let (filed, escalations) = state.store.support_facts(&merchant.id, start, end).await?;
    Ok(Json(report::support_report(from, to, &filed, &escalations)))
}
