//! The merchant's complaint desk (secret key): list and filter, read, and act.

use axum::{
    Json,
    extract::{Path, Query, State},
};
use carebox_contract::{
    ComplaintCategory, ComplaintCounts, ComplaintNote, ComplaintStatus, ComplaintView, ErrorBody, EscalationLevel, EscalationReason,
    FieldError, MerchantAction, NewComplaintNote, Priority, Resolution, Timestamp,
};
use serde::Deserialize;

use super::{
    AppState,
    auth::{ActingMerchant, MerchantApi},
    json::ApiJson,
};
use crate::ApiError;
use crate::domain::complaint::{self, Action, SlaPolicy};
use crate::metrics::EscalationCause;
use crate::services::complaint_changes::change_complaint;
use crate::storage::{ComplaintFilter, ComplaintOrder};

const LIST_LIMIT: u32 = 100;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintQuery {
    status: Option<ComplaintStatus>,
    level: Option<EscalationLevel>,
    category: Option<ComplaintCategory>,
    /// `true`: only open complaints past their promised response time.
    breached: Option<bool>,
    /// `true`: only high-priority complaints (VIP shoppers, repeat complaints).
    vip: Option<bool>,
    /// RFC 3339; complaints filed at or after.
    #[param(value_type = Option<carebox_contract::Timestamp>)]
    created_after: Option<String>,
    /// RFC 3339; complaints filed before.
    #[param(value_type = Option<carebox_contract::Timestamp>)]
    created_before: Option<String>,
    /// `newest` (the default) or `due`: the promise that runs out first comes first.
    #[param(value_type = Option<String>, pattern = "^(newest|due)$")]
    sort: Option<String>,
    /// 1 to 100 (the default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// How many to skip, for the next page: 0 (the default) to 100,000.
    #[param(minimum = 0, maximum = 100_000)]
    offset: Option<u32>,
}

impl ComplaintQuery {
    fn filter(&self, now: Timestamp) -> Result<ComplaintFilter, ApiError> {
        let time = |raw: &Option<String>, field| raw.as_deref().map(|r| Timestamp::parse(r, field)).transpose();
        Ok(ComplaintFilter {
            status: self.status,
            priority: self.vip.filter(|v| *v).map(|_| Priority::High),
            level: self.level,
            category: self.category,
            breached_at: self.breached.filter(|b| *b).map(|_| now),
            created_after: time(&self.created_after, "created_after")?,
            created_before: time(&self.created_before, "created_before")?,
        })
    }
}

/// Complaints filtered by status, level, category, priority, breach and age; newest first or
/// by promise, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/merchant/complaints",
    tag = "merchant",
    params(ComplaintQuery),
    security(("secret_key" = [])),
    responses((status = 200, body = [ComplaintView]), (status = 400, description = "A filter is malformed", body = ErrorBody))
)]
pub async fn list_complaints(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    query: Result<Query<ComplaintQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<ComplaintView>>, ApiError> {
    let Query(query) = query?;
    let now = state.clock.now();
    let filter = query.filter(now)?;
    let order = match query.sort.as_deref() {
        None | Some("newest") => ComplaintOrder::Newest,
        Some("due") => ComplaintOrder::DueFirst,
        Some(_) => return Err(ApiError::BadRequest(FieldError::invalid("sort", "Sort by `newest` or `due`."))),
    };
    let limit = match query.limit.unwrap_or(LIST_LIMIT) {
        limit @ 1..=LIST_LIMIT => i64::from(limit),
        _ => return Err(ApiError::BadRequest(FieldError::invalid("limit", "A limit is 1 to 100."))),
    };
    let offset = match query.offset.unwrap_or(0) {
        offset @ 0..=100_000 => i64::from(offset),
        _ => return Err(ApiError::BadRequest(FieldError::invalid("offset", "An offset is 0 to 100000."))),
    };
    let complaints = state.store.list_complaints(&merchant.id, &filter, order, limit, offset).await?;
    Ok(Json(complaints.iter().map(|c| c.view(now)).collect()))
}

/// How many complaints are open, overdue, answered and resolved, narrowed by level, category
/// and priority like the list (the inbox's filter counts).
#[utoipa::path(
    get,
    path = "/v1/merchant/complaints/counts",
    tag = "merchant",
    params(
        ("level" = Option<EscalationLevel>, Query, description = "Only this level"),
        ("category" = Option<ComplaintCategory>, Query, description = "Only this category"),
        ("vip" = Option<bool>, Query, description = "`true`: only high-priority complaints"),
    ),
    security(("secret_key" = [])),
    responses((status = 200, body = ComplaintCounts), (status = 400, description = "A filter is malformed", body = ErrorBody))
)]
pub async fn complaint_counts(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    query: Result<Query<ComplaintQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ComplaintCounts>, ApiError> {
    let Query(query) = query?;
    let now = state.clock.now();
    Ok(Json(state.store.complaint_counts(&merchant.id, &query.filter(now)?, now).await?))
}

#[utoipa::path(
    get,
    path = "/v1/merchant/complaints/{ticket}",
    tag = "merchant",
    params(("ticket" = carebox_contract::openapi::field::Ticket, Path, description = "The ticket number")),
    security(("secret_key" = [])),
    responses((status = 200, body = ComplaintView), (status = 404, description = "No such complaint", body = ErrorBody))
)]
pub async fn get_complaint(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    Path(ticket): Path<String>,
) -> Result<Json<ComplaintView>, ApiError> {
    let complaint = state.store.complaint_by_ticket(&merchant.id, ticket.trim()).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(complaint.view(state.clock.now())))
}

/// Reply, resolve, reopen, escalate or de-escalate; every action is recorded with who and why.
#[utoipa::path(
    post,
    path = "/v1/merchant/complaints/{ticket}/actions",
    tag = "merchant",
    params(("ticket" = carebox_contract::openapi::field::Ticket, Path, description = "The ticket number")),
    request_body = MerchantAction,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "Done", body = ComplaintView),
        (status = 404, description = "No such complaint", body = ErrorBody),
        (status = 409, description = "`not_allowed` in the complaint's state (the message says why)", body = ErrorBody),
        (status = 422, description = "A text or reason is missing or too long; `field` names it", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %merchant.id, ticket = %ticket))]
pub async fn act_on_complaint(
    State(state): State<AppState>,
    ActingMerchant { merchant, staff }: ActingMerchant,
    Path(ticket): Path<String>,
    ApiJson(action): ApiJson<MerchantAction>,
) -> Result<Json<ComplaintView>, ApiError> {
    let action = parse_action(action).map_err(ApiError::Unprocessable)?;
    let escalates = matches!(action, Action::MerchantEscalate { .. });
    let now = state.clock.now();
    let policy = SlaPolicy::from_tiers(&merchant.settings.loyalty_tiers);
    // A member of staff signs what they do; the shopper sees their name beside a reply.
    let by = staff.as_ref().map(|s| s.display_name.as_str());
    let changed = change_complaint(&state.store, &merchant.id, ticket.trim(), now, &merchant.settings.compensation, by, |current| {
        complaint::apply(&current.state(), action, now, &policy, current.shopper_tier.as_deref())
    })
    .await?;
    if escalates {
        state.metrics.escalated(EscalationCause::Staff);
    }
    Ok(Json(changed.view(now)))
}

/// The staff's notes on a complaint, oldest first (shoppers never see them).
#[utoipa::path(
    get,
    path = "/v1/merchant/complaints/{ticket}/notes",
    tag = "merchant",
    params(("ticket" = carebox_contract::openapi::field::Ticket, Path, description = "The ticket number")),
    security(("secret_key" = [])),
    responses((status = 200, body = [ComplaintNote]), (status = 404, description = "No such complaint", body = ErrorBody))
)]
pub async fn list_notes(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    Path(ticket): Path<String>,
) -> Result<Json<Vec<ComplaintNote>>, ApiError> {
    Ok(Json(state.store.complaint_notes(&merchant.id, ticket.trim()).await?.ok_or(ApiError::NotFound)?))
}

/// Leaves a note for the shop's staff on a complaint, signed by the member of staff who wrote it.
#[utoipa::path(
    post,
    path = "/v1/merchant/complaints/{ticket}/notes",
    tag = "merchant",
    params(("ticket" = carebox_contract::openapi::field::Ticket, Path, description = "The ticket number")),
    request_body = NewComplaintNote,
    security(("secret_key" = [])),
    responses(
        (status = 201, description = "Noted", body = ComplaintNote),
        (status = 404, description = "No such complaint", body = ErrorBody),
        (status = 422, description = "The text is empty or over 2,000 characters", body = ErrorBody),
    )
)]
pub async fn add_note(
    State(state): State<AppState>,
    ActingMerchant { merchant, staff }: ActingMerchant,
    Path(ticket): Path<String>,
    ApiJson(note): ApiJson<NewComplaintNote>,
) -> Result<(axum::http::StatusCode, Json<ComplaintNote>), ApiError> {
    let text = note.text.trim();
    if text.is_empty() {
        return Err(ApiError::Unprocessable(FieldError::missing("text", "Write the note.")));
    }
    if text.chars().count() > 2000 {
        return Err(ApiError::Unprocessable(FieldError::invalid("text", "A note is at most 2000 characters.")));
    }
    let by = staff.as_ref().map(|s| s.display_name.as_str());
    let added = state.store.add_complaint_note(&merchant.id, ticket.trim(), by, text, state.clock.now()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(added.ok_or(ApiError::NotFound)?)))
}

fn reason(raw: &str, field: &'static str) -> Result<String, FieldError> {
    EscalationReason::parse(raw).map(String::from).map_err(|e| e.at(field))
}

fn parse_action(action: MerchantAction) -> Result<Action, FieldError> {
    Ok(match action {
        MerchantAction::Reply { text } => {
            let text = text.trim();
            if text.is_empty() {
                return Err(FieldError::missing("text", "Write the reply the shopper will read."));
            }
            if text.chars().count() > 5000 {
                return Err(FieldError::invalid("text", "A reply is at most 5000 characters."));
            }
            Action::MerchantReply { text: text.to_owned() }
        }
        MerchantAction::Resolve { resolution, note } => {
            let compensation = match &resolution {
                Resolution::Compensation { points } => Some(*points),
                _ => None,
            };
            let rejection = match &resolution {
                Resolution::Compensation { points } if !(1..=100_000).contains(points) => {
                    return Err(FieldError::invalid("resolution.points", "Compensation is 1 to 100000 points."));
                }
                Resolution::Rejected { reason: why } => Some(reason(why, "resolution.reason")?),
                _ => None,
            };
            let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
                return Err(FieldError::invalid("note", "A note is at most 1000 characters."));
            }
            // The shopper reads both: why it was rejected, then the merchant's note.
            let note = match (rejection, note) {
                (Some(why), Some(note)) => Some(format!("{why} — {note}")),
                (why, note) => why.or(note),
            };
            Action::MerchantResolve { resolution: resolution.kind(), note, compensation }
        }
        MerchantAction::Reopen { reason: why } => Action::MerchantReopen { reason: reason(&why, "reason")? },
        MerchantAction::Escalate { reason: why } => Action::MerchantEscalate { reason: reason(&why, "reason")? },
        MerchantAction::DeEscalate { reason: why } => Action::MerchantDeEscalate { reason: reason(&why, "reason")? },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use carebox_contract::openapi::{
        conformance::{agree, texts},
        field,
    };
    use utoipa::PartialSchema;

    /// The document's reply and note schemas admit exactly what the desk accepts.
    #[test]
    fn the_documents_action_texts_say_what_the_desk_accepts() {
        let reply = |t: &str| parse_action(MerchantAction::Reply { text: t.to_owned() }).is_ok();
        agree("reply", field::ReplyText::schema(), &texts(1, 5000), reply, true);
        let note = |t: &str| parse_action(MerchantAction::Resolve { resolution: Resolution::Refund, note: Some(t.to_owned()) }).is_ok();
        agree("resolution note", field::ResolutionNote::schema(), &texts(0, 1000), note, true);
    }
}
