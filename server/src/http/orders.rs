//! The shopper's side of orders: lookup, one order, the identified shopper's orders.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
};
use carebox_contract::{
    ErrorBody, Feature, LookupProof, OrderLookup, OrderLookupRequest, OrderLookupResponse, OrderNumber, OrderStatus, OrderView,
    ShopperOrders, Timestamp,
};

use super::{
    AppState, Merchant,
    auth::{Shopper, ShopperAccess},
    client_address::ClientKey,
    json::ApiJson,
};
use crate::ApiError;
use crate::domain::loyalty;
use crate::domain::token::{self, CAREBOX_KID, ORDER_TOKEN_LIFETIME, OrderTokenClaims, constant_time_eq};
use crate::metrics::LookupLimit;
use crate::storage::{MerchantRecord, StoredOrder};

const RECENT_ORDERS: i64 = 20;

/// Finds an order by number and e-mail (or postcode, per the merchant's setting) and
/// returns it with a 30-minute token that opens only this order.
#[utoipa::path(
    post,
    path = "/v1/orders/lookup",
    tag = "widget",
    params(super::params::ShopKey),
    request_body = OrderLookupRequest,
    responses(
        (status = 200, description = "The order and a token for it", body = OrderLookupResponse),
        (status = 400, description = "Malformed body or key", body = ErrorBody),
        (status = 404, description = "`order_not_found`: the same answer for a wrong number and wrong details", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed; `field` names it", body = ErrorBody),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id))]
pub async fn lookup_order(
    State(state): State<AppState>,
    Merchant(merchant): Merchant,
    ClientKey(client): ClientKey,
    ApiJson(request): ApiJson<OrderLookupRequest>,
) -> Result<Json<OrderLookupResponse>, ApiError> {
    let now = state.clock.now();
    let limits = &state.limits;
    // The request is read first (nothing stored is touched) so that both limits are checked
    // together: one read of the shared windows on PostgreSQL, not two.
    let lookup = OrderLookup::parse(&request, merchant.settings.lookup_by)
        .map_err(|errors| ApiError::Unprocessable(errors.into_iter().next().expect("parse fails with an error")))?;
    // Failed attempts are counted per client, and per order for each client: a stranger's
    // wrong guesses throttle the stranger, never the order's owner.
    let client_failures = format!("client:{}:{client}", merchant.id);
    let order_failures = format!("order:{}:{}:{client}", merchant.id, lookup.number);
    let counters = [(client_failures.as_str(), limits.lookup_per_client), (order_failures.as_str(), limits.lookup_per_order)];
    if let Some(refusal) = state.limiter.refusal(&counters, now).await? {
        state.metrics.lookup_refused(if refusal.first_spent == 0 { LookupLimit::PerClient } else { LookupLimit::PerOrder });
        return Err(ApiError::RateLimited { retry_after: refusal.wait });
    }

    let candidate = state.store.lookup_candidate(&merchant.id, &lookup.number).await?;
    // Compare even when the number is unknown, so both mistakes take the same path.
    let (stored_email, stored_postcode) = candidate.as_ref().map_or(("\u{0}", None), |c| (c.email(), c.postcode()));
    let proof_matches = match &lookup.proof {
        LookupProof::Email(email) => constant_time_eq(email.as_str(), stored_email),
        LookupProof::Postcode(postcode) => constant_time_eq(postcode.as_str(), stored_postcode.unwrap_or("\u{0}")),
    };
    let Some(candidate) = candidate.filter(|_| proof_matches) else {
        tracing::info!("order lookup did not match");
        // Counted now; the next attempt past a limit is refused by the checks above.
        state.limiter.count(&[(&client_failures, limits.lookup_per_client), (&order_failures, limits.lookup_per_order)], now).await?;
        return Err(ApiError::OrderNotFound);
    };

    let order = candidate.matched();
    let expires_at = Timestamp::from_unix_ms(now.unix_ms() + ORDER_TOKEN_LIFETIME.as_millis() as i64);
    let claims = OrderTokenClaims { mid: merchant.id.clone(), oid: order.id.clone(), exp: expires_at.unix_ms() / 1000 };
    Ok(Json(OrderLookupResponse {
        token: token::sign(&claims, &state.order_token_key, Some(CAREBOX_KID)),
        expires_at,
        order: view(&state, &merchant, &order).await?,
    }))
}

/// One order, for a bearer of its lookup token or of a shopper token of its owner.
#[utoipa::path(
    get,
    path = "/v1/orders/{number}",
    tag = "widget",
    params(
        ("number" = carebox_contract::OrderNumber, Path, description = "The order number"),
        super::params::ShopKey,
    ),
    security(("shopper_token" = [])),
    responses(
        (status = 200, body = OrderView),
        (status = 401, description = "`invalid_token` or `token_expired`", body = ErrorBody),
        (status = 404, description = "Not an order this token opens", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %shopper.merchant.id))]
pub async fn get_order(State(state): State<AppState>, shopper: Shopper, Path(number): Path<String>) -> Result<Json<OrderView>, ApiError> {
    let number = OrderNumber::parse(&number)?;
    let order = order_for_bearer(&state, &shopper, &number).await?;
    Ok(Json(view(&state, &shopper.merchant, &order).await?))
}

/// Order `number` of this merchant, if the request's bearer token may open it: its own
/// lookup token, or a shopper token of its owner. Anything else is "not found".
pub(super) async fn order_for_bearer(state: &AppState, shopper: &Shopper, number: &OrderNumber) -> Result<Arc<StoredOrder>, ApiError> {
    let merchant = &shopper.merchant;
    let order = match &shopper.access {
        // By number (remembered for a moment, one read when not), then it must be the token's.
        ShopperAccess::Order { order_id } => state.store.order_by_number(&merchant.id, number).await?.filter(|order| order.id == *order_id),
        ShopperAccess::Shopper(claims) => {
            let email = claims.email();
            state.store.order_by_number(&merchant.id, number).await?.filter(|order| {
                order.details.shopper_id.as_deref() == Some(claims.sub.as_str())
                    || email.as_ref().is_some_and(|e| *e == order.details.email)
            })
        }
    };
    order.ok_or(ApiError::NotFound)
}

/// The identified shopper's recent orders, newest first.
#[utoipa::path(
    get,
    path = "/v1/shopper/orders",
    tag = "widget",
    params(super::params::ShopKey),
    security(("shopper_token" = [])),
    responses(
        (status = 200, body = ShopperOrders),
        (status = 401, description = "A shopper token signed by this merchant is required", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %shopper.merchant.id))]
pub async fn shopper_orders(State(state): State<AppState>, shopper: Shopper) -> Result<Json<ShopperOrders>, ApiError> {
    let orders = identified_shopper_orders(&state, &shopper).await?;
    let today = state.clock.now().utc_date();
    let orders = orders.iter().map(|o| o.summary(today).map_err(ApiError::internal)).collect::<Result<_, _>>()?;
    Ok(Json(ShopperOrders { orders }))
}

/// The recent orders of the shopper a merchant-signed shopper token names (by `sub`, or by
/// `email` when the token has one). Order tokens do not name a shopper and are refused.
pub(super) async fn identified_shopper_orders(state: &AppState, shopper: &Shopper) -> Result<Vec<StoredOrder>, ApiError> {
    let ShopperAccess::Shopper(claims) = &shopper.access else {
        return Err(ApiError::Token(token::TokenError::BadSignature));
    };
    let email = claims.email();
    Ok(state.store.orders_of_shopper(&shopper.merchant.id, &claims.sub, email.as_ref(), RECENT_ORDERS).await?)
}

/// The order as its shopper sees it. When the merchant sent no points of their own (and runs
/// the loyalty programme), the order shows what it earns: its credit once delivered, before
/// that the shopper's tier rate on its total.
pub(super) async fn view(state: &AppState, merchant: &MerchantRecord, order: &StoredOrder) -> Result<OrderView, ApiError> {
    let now = state.clock.now();
    let mut view = order.view(now.utc_date()).map_err(ApiError::internal)?;
    let earns = !matches!(view.status, OrderStatus::Cancelled | OrderStatus::Returned);
    if view.loyalty_points.is_none() && earns && merchant.settings.features.contains(&Feature::Loyalty) {
        let ledger = state.store.ledger(&merchant.id, &order.details.email).await?;
        let tiers = &merchant.settings.loyalty_tiers;
        let points = loyalty::points_for_order(&ledger, tiers, now, &order.number, order.details.total_minor());
        view.loyalty_points = Some(points).filter(|p| *p > 0);
    }
    Ok(view)
}
