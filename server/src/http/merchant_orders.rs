//! The merchant's backend feeding orders in (secret key).

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use carebox_contract::{Email, ErrorBody, FieldError, OrderEventRequest, OrderNumber, OrderStatus, OrderView, UpsertOrderRequest};

use super::{AppState, auth::MerchantApi, json::ApiJson};
use crate::ApiError;
use crate::domain::order::{OrderDetails, OrderEvent};
use crate::storage::{OrderWriteError, WriteOutcome};

impl From<OrderWriteError> for ApiError {
    fn from(error: OrderWriteError) -> Self {
        match error {
            OrderWriteError::OrderNotFound => ApiError::NotFound,
            OrderWriteError::Conflict => ApiError::Conflict { field: "id" },
            OrderWriteError::Transition(why) => ApiError::InvalidTransition(why.to_string()),
            OrderWriteError::TimelineFull => ApiError::NotAllowed("An order keeps at most 100 events.".into()),
            OrderWriteError::Storage(e) => ApiError::internal(e),
        }
    }
}

fn status_of(outcome: WriteOutcome) -> StatusCode {
    if outcome == WriteOutcome::Created { StatusCode::CREATED } else { StatusCode::OK }
}

/// Creates the order or replaces its details; keyed by the merchant's order number.
#[utoipa::path(
    put,
    path = "/v1/merchant/orders/{number}",
    tag = "merchant",
    params(("number" = carebox_contract::OrderNumber, Path, description = "The merchant's order number")),
    request_body = UpsertOrderRequest,
    security(("secret_key" = [])),
    responses(
        (status = 201, description = "Created", body = OrderView),
        (status = 200, description = "Updated (never duplicated)", body = OrderView),
        (status = 400, description = "Not JSON of this shape; `field` names the path", body = ErrorBody),
        (status = 401, description = "Missing or wrong secret key", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: the new `placed_at` is later than events already recorded, or `not_allowed`", body = ErrorBody),
        (status = 422, description = "A value is not acceptable; `field` names it", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id, order = %number))]
pub async fn upsert_order(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    Path(number): Path<String>,
    ApiJson(request): ApiJson<UpsertOrderRequest>,
) -> Result<(StatusCode, Json<OrderView>), ApiError> {
    let number = OrderNumber::parse(&number)?;
    let details = OrderDetails::try_from(request).map_err(ApiError::Unprocessable)?;
    let now = state.clock.now();
    let outcome = state.store.upsert_order(&merchant.id, &number, &details, now).await?;
    let order = state.store.order_by_number(&merchant.id, &number).await?.ok_or(ApiError::NotFound)?;
    Ok((status_of(outcome), Json(stored_view(&order, now)?)))
}

/// Adds a status or shipment event; the same event id again changes nothing.
#[utoipa::path(
    post,
    path = "/v1/merchant/orders/{number}/events",
    tag = "merchant",
    params(("number" = carebox_contract::OrderNumber, Path, description = "The merchant's order number")),
    request_body = OrderEventRequest,
    security(("secret_key" = [])),
    responses(
        (status = 201, description = "Recorded", body = OrderView),
        (status = 200, description = "Already recorded with this id", body = OrderView),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "`invalid_transition` (e.g. delivered → packed), the event id was used for a different event (`conflict`), or the order already has 100 events (`not_allowed`)", body = ErrorBody),
        (status = 422, description = "A value is not acceptable, or `expected_delivery`/`shipment` with another kind than `delayed`/`shipped`; `field` names it", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id, order = %number))]
pub async fn append_event(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    Path(number): Path<String>,
    ApiJson(request): ApiJson<OrderEventRequest>,
) -> Result<(StatusCode, Json<OrderView>), ApiError> {
    let number = OrderNumber::parse(&number)?;
    let event = OrderEvent::try_from(request).map_err(ApiError::Unprocessable)?;
    let now = state.clock.now();
    let outcome = state.store.append_order_event(&merchant.id, &number, &event, now).await?;
    let order = state.store.order_by_number(&merchant.id, &number).await?.ok_or(ApiError::NotFound)?;
    // A delivered order earns its points (once: a replayed event or a retry credits nothing,
    // and a replay after a crash between the two writes completes the credit).
    if order.status().map_err(ApiError::internal)? == OrderStatus::Delivered {
        let points =
            crate::services::loyalty::credit_delivered_order(&state.store, &merchant.id, &order, &merchant.settings.loyalty_tiers, now)
                .await?;
        if points > 0 {
            tracing::info!(points, "order points credited");
        }
    }
    Ok((status_of(outcome), Json(stored_view(&order, now)?)))
}

/// The order as its shopper sees it.
#[utoipa::path(
    get,
    path = "/v1/merchant/orders/{number}",
    tag = "merchant",
    params(("number" = carebox_contract::OrderNumber, Path, description = "The merchant's order number")),
    security(("secret_key" = [])),
    responses((status = 200, body = OrderView), (status = 404, description = "No such order", body = ErrorBody))
)]
pub async fn get_order(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    Path(number): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    let number = OrderNumber::parse(&number)?;
    let order = state.store.order_by_number(&merchant.id, &number).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(stored_view(&order, state.clock.now())?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderSearch {
    /// The shopper's e-mail address (case and spaces are forgiven).
    #[param(value_type = carebox_contract::Email)]
    email: Option<String>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// A shopper's orders by e-mail address, newest first (find one by number with
/// `GET /v1/merchant/orders/{number}`).
#[utoipa::path(
    get,
    path = "/v1/merchant/orders",
    tag = "merchant",
    params(OrderSearch),
    security(("secret_key" = [])),
    responses((status = 200, body = [OrderView]), (status = 400, description = "The e-mail address or limit is malformed", body = ErrorBody))
)]
pub async fn search_orders(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    query: Result<Query<OrderSearch>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<OrderView>>, ApiError> {
    let Query(query) = query?;
    let email = Email::parse(query.email.as_deref().unwrap_or_default())?;
    let limit = match query.limit.unwrap_or(20) {
        limit @ 1..=100 => i64::from(limit),
        _ => return Err(ApiError::BadRequest(FieldError::invalid("limit", "A limit is 1 to 100."))),
    };
    let now = state.clock.now();
    let orders = state.store.orders_by_email(&merchant.id, &email, limit).await?;
    orders.iter().map(|order| stored_view(order, now)).collect::<Result<Vec<_>, _>>().map(Json)
}

/// The order as stored: the merchant sees their own data (no projected points).
fn stored_view(order: &crate::storage::StoredOrder, now: carebox_contract::Timestamp) -> Result<carebox_contract::OrderView, ApiError> {
    order.view(now.utc_date()).map_err(ApiError::internal)
}
