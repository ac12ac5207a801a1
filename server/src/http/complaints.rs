//! The shopper's side of complaints: file one (exactly once per Idempotency-Key), read it.

use crate::http::client_address::ClientKey;
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};
use carebox_contract::Feature;
use carebox_contract::{
    ComplaintDescription, ComplaintView, ErrorBody, EscalationReason, FieldError, IdempotencyKey, NewComplaintRequest, OrderNumber,
    ShopperEscalationRequest,
};
use sha2::{Digest, Sha256};

use super::{
    AppState,
    auth::Shopper,
    json::ApiJson,
    orders::{identified_shopper_orders, order_for_bearer},
};
use crate::ApiError;
use crate::domain::complaint::{self, Action, Intake, SlaPolicy};
use crate::domain::loyalty;
use crate::metrics::EscalationCause;
use crate::services::complaint_changes::{ChangeError, change_complaint};
use crate::services::complaint_filing::{self, Filed};
use crate::storage::{NewComplaint, StoredComplaint};

impl From<ChangeError> for ApiError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::NotFound => ApiError::NotFound,
            ChangeError::Refused(why) => ApiError::NotAllowed(why.to_string()),
            ChangeError::Storage(e) => ApiError::internal(e),
        }
    }
}

/// Files a complaint about an order the bearer may open. The same `Idempotency-Key` with
/// the same body returns the first answer (one complaint); with another body it is refused.
#[utoipa::path(
    post,
    path = "/v1/complaints",
    tag = "widget",
    params(
        super::params::ShopKey,
        ("Idempotency-Key" = carebox_contract::openapi::field::Idempotency, Header, description = "Made when the shopper presses Send; reused on every retry"),
    ),
    request_body = NewComplaintRequest,
    security(("shopper_token" = [])),
    responses(
        (status = 201, description = "Filed (or the answer to the first request with this key)", body = ComplaintView),
        (status = 400, description = "Missing or malformed key, header or JSON; `field` names it", body = ErrorBody),
        (status = 401, description = "`invalid_token` or `token_expired`", body = ErrorBody),
        (status = 404, description = "Not an order this token opens", body = ErrorBody),
        (status = 422, description = "A value is not acceptable, or `idempotency_key_reused`", body = ErrorBody),
        (status = 403, description = "`not_allowed`: the shop has switched complaints off", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many new complaints for this order or from this client; see `Retry-After` (a retry of an accepted one is still answered)", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %shopper.merchant.id))]
pub async fn file_complaint(
    State(state): State<AppState>,
    // Credentials first: a caller without them learns nothing from how the rest is judged.
    shopper: Shopper,
    ClientKey(client): ClientKey,
    headers: HeaderMap,
    ApiJson(request): ApiJson<NewComplaintRequest>,
) -> Result<(StatusCode, Json<ComplaintView>), ApiError> {
    let key = IdempotencyKey::parse(headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or(""))?;
    let number = OrderNumber::parse(&request.order_number).map_err(ApiError::Unprocessable)?;
    let order = order_for_bearer(&state, &shopper, &number).await?;
    let merchant = &shopper.merchant;
    merchant.require(Feature::Complaints)?;
    // New complaints are counted (a retry with the same key is not a new one), per order and
    // per client; past either limit the next is refused.
    let now = state.clock.now();
    let limits = &state.limits;
    let per_order = format!("complaints:{}:{}", merchant.id, order.id);
    let per_client = format!("complaints:{}:{client}", merchant.id);
    let counters = [(per_order.as_str(), limits.complaints_per_shopper), (per_client.as_str(), limits.complaints_per_client)];
    if let Some(retry_after) = state.limiter.retry_after(&counters, now).await?
        && !state.store.idempotency_key_used(&merchant.id, key.as_str()).await?
    {
        return Err(ApiError::RateLimited { retry_after });
    }
    let description = ComplaintDescription::parse(&request.description).map_err(ApiError::Unprocessable)?;
    let mut items = request.items.clone();
    items.sort_unstable();
    items.dedup();
    if items.len() != request.items.len() || items.iter().any(|i| *i as usize >= order.details.items.len()) {
        return Err(ApiError::Unprocessable(FieldError::invalid("items", "Choose items of this order, each once.")));
    }

    let previous = state.store.last_complaint_on_order(&order.id).await?;
    // The shopper's loyalty tier sets the response promise (and VIPs get high priority).
    let tiers = &merchant.settings.loyalty_tiers;
    let summary = loyalty::summarize(&state.store.ledger(&merchant.id, &order.details.email).await?, tiers, now);
    let tier = tiers.iter().find(|t| t.id == summary.tier.id);
    let intake = Intake {
        category: request.category,
        tier: tier.map(|t| t.id.as_str()),
        vip: tier.is_some_and(|t| t.vip),
        previous_on_order: previous,
        severe: &merchant.settings.severe_categories,
    };
    let (level, priority) = complaint::start(&intake, now);
    let due_at = SlaPolicy::from_tiers(tiers).due(now, intake.tier);
    let request_hash = hex::encode(Sha256::digest(serde_json::to_vec(&request).map_err(ApiError::internal)?));
    let filed = complaint_filing::file_once(
        &state.store,
        key.as_str(),
        &request_hash,
        NewComplaint {
            merchant_id: &merchant.id,
            order_id: &order.id,
            order_number: &order.number,
            shopper_email: order.details.email.as_str(),
            shopper_tier: intake.tier,
            category: request.category,
            description: &description,
            desired_resolution: request.desired_resolution,
            contact_preference: request.contact_preference,
            items: &items,
            level,
            priority,
            due_at,
        },
        now,
    )
    .await?;
    match filed {
        Filed::Created(complaint) => {
            tracing::info!(ticket = %complaint.ticket, level = complaint.level.as_str(), "complaint filed");
            state.limiter.count(&counters, now).await?;
            state.metrics.complaint_filed();
            Ok((StatusCode::CREATED, Json(complaint.view(now))))
        }
        Filed::Replayed(view) => Ok((StatusCode::CREATED, Json(view))),
        Filed::KeyReused => Err(ApiError::IdempotencyKeyReused),
    }
}

/// A complaint, for a bearer who may open its order.
#[utoipa::path(
    get,
    path = "/v1/complaints/{ticket}",
    tag = "widget",
    params(
        ("ticket" = carebox_contract::openapi::field::Ticket, Path, description = "The ticket number, e.g. C-7K3Q9M2A"),
        super::params::ShopKey,
    ),
    security(("shopper_token" = [])),
    responses(
        (status = 200, body = ComplaintView),
        (status = 401, description = "`invalid_token` or `token_expired`", body = ErrorBody),
        (status = 404, description = "No such complaint for this token", body = ErrorBody),
    )
)]
pub async fn get_complaint(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(ticket): Path<String>,
) -> Result<Json<ComplaintView>, ApiError> {
    let complaint = complaint_for_bearer(&state, &shopper, &ticket).await?;
    Ok(Json(complaint.view(state.clock.now())))
}

/// The complaint with this ticket, if the request's bearer may open its order. The token was
/// checked before looking (by the extractor), so an unauthenticated caller learns nothing
/// about tickets.
pub(super) async fn complaint_for_bearer(state: &AppState, shopper: &Shopper, ticket: &str) -> Result<StoredComplaint, ApiError> {
    let complaint = state.store.complaint_by_ticket(&shopper.merchant.id, ticket.trim()).await?.ok_or(ApiError::NotFound)?;
    order_for_bearer(state, shopper, &complaint.order_number).await?;
    Ok(complaint)
}

/// The shopper asks for the next level: after an answer or once the promise is broken, once
/// per level, with a reason. It reopens the complaint with a fresh promise.
#[utoipa::path(
    post,
    path = "/v1/complaints/{ticket}/escalate",
    tag = "widget",
    params(
        ("ticket" = carebox_contract::openapi::field::Ticket, Path, description = "The ticket number"),
        super::params::ShopKey,
    ),
    request_body = ShopperEscalationRequest,
    security(("shopper_token" = [])),
    responses(
        (status = 200, description = "Escalated", body = ComplaintView),
        (status = 404, description = "No such complaint for this token", body = ErrorBody),
        (status = 403, description = "`not_allowed`: the shop has switched complaints off", body = ErrorBody),
        (status = 409, description = "`not_allowed`: too early, already escalated from this level, or at L3", body = ErrorBody),
        (status = 422, description = "The reason is missing or too short", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %shopper.merchant.id, ticket = %ticket))]
pub async fn escalate_complaint(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(ticket): Path<String>,
    ApiJson(request): ApiJson<ShopperEscalationRequest>,
) -> Result<Json<ComplaintView>, ApiError> {
    let complaint = complaint_for_bearer(&state, &shopper, &ticket).await?;
    let merchant = &shopper.merchant;
    merchant.require(Feature::Complaints)?;
    let reason = EscalationReason::parse(&request.reason).map_err(ApiError::Unprocessable)?;
    let now = state.clock.now();
    let policy = SlaPolicy::from_tiers(&merchant.settings.loyalty_tiers);
    let changed = change_complaint(&state.store, &merchant.id, &complaint.ticket, now, &merchant.settings.compensation, None, |current| {
        complaint::apply(&current.state(), Action::ShopperEscalate { reason: reason.into() }, now, &policy, current.shopper_tier.as_deref())
    })
    .await?;
    tracing::info!(level = changed.level.as_str(), "complaint escalated by the shopper");
    state.metrics.escalated(EscalationCause::Shopper);
    Ok(Json(changed.view(now)))
}

/// The complaints about one order, newest first, for a bearer who may open the order.
#[utoipa::path(
    get,
    path = "/v1/orders/{number}/complaints",
    tag = "widget",
    params(
        ("number" = carebox_contract::OrderNumber, Path, description = "The order number"),
        super::params::ShopKey,
    ),
    security(("shopper_token" = [])),
    responses((status = 200, body = [ComplaintView]), (status = 404, description = "Not an order this token opens", body = ErrorBody))
)]
pub async fn order_complaints(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(number): Path<String>,
) -> Result<Json<Vec<ComplaintView>>, ApiError> {
    let number = OrderNumber::parse(&number)?;
    let order = order_for_bearer(&state, &shopper, &number).await?;
    let now = state.clock.now();
    let complaints = state.store.complaints_for_orders(&shopper.merchant.id, std::slice::from_ref(&order.id)).await?;
    Ok(Json(complaints.iter().map(|c| c.view(now)).collect()))
}

/// The identified shopper's complaints across their recent orders, newest first.
#[utoipa::path(
    get,
    path = "/v1/shopper/complaints",
    tag = "widget",
    params(super::params::ShopKey),
    security(("shopper_token" = [])),
    responses((status = 200, body = [ComplaintView]), (status = 401, description = "A shopper token signed by this merchant is required", body = ErrorBody))
)]
pub async fn shopper_complaints(State(state): State<AppState>, shopper: Shopper) -> Result<Json<Vec<ComplaintView>>, ApiError> {
    let orders = identified_shopper_orders(&state, &shopper).await?;
    let ids: Vec<String> = orders.into_iter().map(|o| o.id).collect();
    let now = state.clock.now();
    let complaints = state.store.complaints_for_orders(&shopper.merchant.id, &ids).await?;
    Ok(Json(complaints.iter().map(|c| c.view(now)).collect()))
}
