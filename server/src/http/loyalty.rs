//! Loyalty: the shopper's "My bonuses" summary, and the merchant's tiers, adjustments and
//! per-shopper ledger.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use carebox_contract::Feature;
use carebox_contract::{CompensationRules, Email, ErrorBody, FieldError, LoyaltyAdjustmentRequest, LoyaltySummary, LoyaltyTier};

use super::{
    AppState,
    auth::{ActingMerchant, MerchantApi, OwnerApi, Shopper, ShopperAccess},
    json::ApiJson,
};
use crate::ApiError;
use crate::domain::loyalty;
use crate::services::loyalty::{Adjustment, AdjustmentError, adjust_points as adjust};
use crate::storage::CompensationSettings;

/// The points, tier and progress of the shopper a token names: an identified shopper (by the
/// token's e-mail, else their orders' e-mail), or the shopper of a looked-up order. An order
/// token's `entries` are only the lines about that order (its points, compensation for its
/// complaints); the full history needs the shop's own shopper token.
#[utoipa::path(
    get,
    path = "/v1/shopper/loyalty",
    tag = "widget",
    params(super::params::ShopKey),
    security(("shopper_token" = [])),
    responses(
        (status = 200, body = LoyaltySummary),
        (status = 401, description = "`invalid_token` or `token_expired`", body = ErrorBody),
        (status = 403, description = "`not_allowed`: the shop has switched loyalty off", body = ErrorBody),
    )
)]
pub async fn shopper_loyalty(State(state): State<AppState>, shopper: Shopper) -> Result<Json<LoyaltySummary>, ApiError> {
    let email = shopper_email(&state, &shopper).await?;
    let (merchant, access) = (&shopper.merchant, &shopper.access);
    merchant.require(Feature::Loyalty)?;
    let ledger = match &email {
        Some(email) => state.store.ledger(&merchant.id, email).await?,
        None => Default::default(),
    };
    let (tiers, now) = (&merchant.settings.loyalty_tiers, state.clock.now());
    let mut summary = loyalty::summarize(&ledger, tiers, now);
    // An order token opens its order, not the shopper's history: the standing (balance,
    // tier) and only the lines about this order.
    if let ShopperAccess::Order { order_id } = access {
        let this_order: Vec<_> = ledger.iter().filter(|line| line.about_order.as_deref() == Some(order_id.as_str())).cloned().collect();
        summary.entries = loyalty::summarize(&this_order, tiers, now).entries;
    }
    Ok(Json(summary))
}

/// Whose points these are. `None`: a shopper token naming nobody with orders here yet.
pub(super) async fn shopper_email(state: &AppState, shopper: &Shopper) -> Result<Option<Email>, ApiError> {
    let merchant = &shopper.merchant;
    match &shopper.access {
        ShopperAccess::Order { order_id } => Ok(state.store.order_by_id(&merchant.id, order_id).await?.map(|order| order.details.email)),
        ShopperAccess::Shopper(claims) => {
            if let Some(email) = claims.email() {
                return Ok(Some(email));
            }
            let orders = state.store.orders_of_shopper(&merchant.id, &claims.sub, None, 1).await?;
            Ok(orders.into_iter().next().map(|order| order.details.email))
        }
    }
}

/// The tiers, lowest first (the defaults until the merchant sets their own).
#[utoipa::path(
    get,
    path = "/v1/merchant/loyalty/tiers",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = [LoyaltyTier]))
)]
pub async fn get_tiers(MerchantApi(merchant): MerchantApi) -> Json<Vec<LoyaltyTier>> {
    Json(merchant.settings.loyalty_tiers)
}

/// Replaces the tiers: name, threshold, earn rate, response time (the complaint SLA) and VIP.
#[utoipa::path(
    put,
    path = "/v1/merchant/loyalty/tiers",
    tag = "merchant",
    request_body = [LoyaltyTier],
    security(("secret_key" = [])),
    responses(
        (status = 200, body = [LoyaltyTier]),
        (status = 422, description = "Not a usable tier list; `field` says what", body = ErrorBody),
    )
)]
pub async fn put_tiers(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    ApiJson(tiers): ApiJson<Vec<LoyaltyTier>>,
) -> Result<Json<Vec<LoyaltyTier>>, ApiError> {
    LoyaltyTier::check_list(&tiers).map_err(ApiError::Unprocessable)?;
    let settings = state.store.update_settings(&merchant.id, |settings| settings.loyalty_tiers = tiers.clone()).await?;
    tracing::info!(merchant = %merchant.id, tiers = tiers.len(), "loyalty tiers replaced");
    Ok(Json(settings.loyalty_tiers))
}

/// Adds or removes a shopper's points by hand, with the reason the shopper will read.
#[utoipa::path(
    post,
    path = "/v1/merchant/loyalty/adjustments",
    tag = "merchant",
    request_body = LoyaltyAdjustmentRequest,
    security(("secret_key" = [])),
    responses(
        (status = 201, description = "Recorded; the shopper's summary after it", body = LoyaltySummary),
        (status = 409, description = "`not_allowed`: it would take the balance below 0", body = ErrorBody),
        (status = 422, description = "A value is not acceptable", body = ErrorBody),
    )
)]
pub async fn adjust_points(
    State(state): State<AppState>,
    acting: ActingMerchant,
    ApiJson(request): ApiJson<LoyaltyAdjustmentRequest>,
) -> Result<(StatusCode, Json<LoyaltySummary>), ApiError> {
    let email = Email::parse(&request.email).map_err(ApiError::Unprocessable)?;
    if request.points == 0 || request.points.abs() > 1_000_000 {
        return Err(ApiError::Unprocessable(FieldError::invalid("points", "Adjust by 1 to 1000000 points, up or down.")));
    }
    let reason = request.reason.trim();
    if !(3..=200).contains(&reason.chars().count()) {
        return Err(ApiError::Unprocessable(FieldError::invalid("reason", "A reason is 3 to 200 characters; the shopper reads it.")));
    }
    let merchant = &acting.merchant;
    let tiers = &merchant.settings.loyalty_tiers;
    let now = state.clock.now();
    let by = acting.staff.as_ref().map(|staff| staff.display_name.as_str());
    match adjust(&state.store, &merchant.id, Adjustment { email: &email, points: request.points, reason, by }, tiers, now).await {
        Ok(()) => {}
        Err(AdjustmentError::BelowZero(balance)) => {
            return Err(ApiError::NotAllowed(format!("the shopper has {balance} points; an adjustment cannot take them below 0")));
        }
        Err(AdjustmentError::Storage(e)) => return Err(e.into()),
    }
    let ledger = state.store.ledger(&merchant.id, &email).await?;
    Ok((StatusCode::CREATED, Json(loyalty::summarize(&ledger, tiers, now))))
}

/// One shopper's points, tier and ledger (the 20 most recent entries).
#[utoipa::path(
    get,
    path = "/v1/merchant/loyalty/shoppers/{email}",
    tag = "merchant",
    params(("email" = carebox_contract::Email, Path, description = "The shopper's e-mail, as on their orders")),
    security(("secret_key" = [])),
    responses((status = 200, body = LoyaltySummary), (status = 400, description = "Not an e-mail address", body = ErrorBody))
)]
pub async fn shopper_ledger(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    Path(email): Path<String>,
) -> Result<Json<LoyaltySummary>, ApiError> {
    let email = Email::parse(&email)?;
    let ledger = state.store.ledger(&merchant.id, &email).await?;
    Ok(Json(loyalty::summarize(&ledger, &merchant.settings.loyalty_tiers, state.clock.now())))
}

/// Points that make up for a broken promise: credited once per complaint, capped per shopper.
#[utoipa::path(
    get,
    path = "/v1/merchant/loyalty/compensation",
    tag = "merchant",
    security(("secret_key" = [])),
    responses((status = 200, body = CompensationRules))
)]
pub async fn get_compensation(MerchantApi(merchant): MerchantApi) -> Json<CompensationRules> {
    Json(rules_of(merchant.settings.compensation))
}

/// Changes the compensation for broken promises (owners only in the console).
#[utoipa::path(
    put,
    path = "/v1/merchant/loyalty/compensation",
    tag = "merchant",
    request_body = CompensationRules,
    security(("secret_key" = [])),
    responses(
        (status = 200, body = CompensationRules),
        (status = 422, description = "A figure out of range; `field` says which", body = ErrorBody),
    )
)]
pub async fn put_compensation(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    ApiJson(rules): ApiJson<CompensationRules>,
) -> Result<Json<CompensationRules>, ApiError> {
    rules.check().map_err(ApiError::Unprocessable)?;
    let compensation = CompensationSettings { breach_points: rules.breach_points, cap_per_30_days: rules.cap_per_30_days };
    let settings = state.store.update_settings(&merchant.id, |settings| settings.compensation = compensation).await?;
    tracing::info!(merchant = %merchant.id, points = rules.breach_points, cap = rules.cap_per_30_days, "compensation rules changed");
    Ok(Json(rules_of(settings.compensation)))
}

fn rules_of(settings: CompensationSettings) -> CompensationRules {
    CompensationRules { breach_points: settings.breach_points, cap_per_30_days: settings.cap_per_30_days }
}
