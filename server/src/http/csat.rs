//! One-click CSAT for the widget (read and give the answer on a subject), and the merchant's
//! settings, e-mail links and figures. The links' thank-you page is in `csat_page`.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
};
use carebox_contract::Feature;
use carebox_contract::{
    CalendarDate, ComplaintStatus, CsatAnswer, CsatAnswerRequest, CsatLink, CsatLinks, CsatLinksRequest, CsatMetrics, CsatScore,
    CsatSettings, CsatStatus, CsatSubject, ErrorBody, FieldError, MerchantCsatAnswer, Timestamp,
};
use serde::Deserialize;

use super::params::DateRange;
use super::{
    AppState,
    auth::{MerchantApi, OwnerApi, Shopper, ShopperAccess},
    complaints::complaint_for_bearer,
    json::ApiJson,
    orders::order_for_bearer,
};
use crate::ApiError;
use crate::domain::{csat, token::TokenError};
use crate::storage::{Answered, MerchantRecord, NewCsatAnswer, StoredComplaint, StoredOrder};

/// A subject resolved for this merchant: what makes its answer unique, and what the
/// merchant's figures need to know about it.
pub(super) struct RatedSubject {
    pub subject: CsatSubject,
    pub key: String,
    pub shopper_email: Option<String>,
    pub complaint: Option<(carebox_contract::ComplaintCategory, carebox_contract::EscalationLevel, ComplaintStatus)>,
}

impl RatedSubject {
    fn complaint(subject: CsatSubject, complaint: &StoredComplaint) -> Self {
        Self {
            key: subject.to_string(),
            shopper_email: Some(complaint.shopper_email.clone()),
            complaint: Some((complaint.category, complaint.level, complaint.status)),
            subject,
        }
    }

    fn order(subject: CsatSubject, order: &StoredOrder) -> Self {
        Self { key: subject.to_string(), shopper_email: Some(order.details.email.as_str().to_owned()), complaint: None, subject }
    }

    /// Complaints are rated once resolved: the rating is about how it was handled.
    pub fn check_ratable(&self) -> Result<(), ApiError> {
        match self.complaint {
            Some((_, _, status)) if status != ComplaintStatus::Resolved => {
                Err(ApiError::NotAllowed("a complaint can be rated once it is resolved".into()))
            }
            _ => Ok(()),
        }
    }

    pub fn new_answer<'a>(
        &'a self,
        merchant_id: &'a str,
        score: CsatScore,
        comment: Option<&'a carebox_contract::CsatComment>,
        source: &'static str,
    ) -> NewCsatAnswer<'a> {
        NewCsatAnswer {
            merchant_id,
            subject: &self.subject,
            subject_key: self.key.clone(),
            shopper_email: self.shopper_email.as_deref(),
            complaint: self.complaint.map(|(category, level, _)| (category, level)),
            score,
            comment,
            source,
        }
    }
}

/// The subject as the request's bearer may see it (anything else is "not found").
async fn subject_for_bearer(state: &AppState, shopper: &Shopper, subject: CsatSubject) -> Result<RatedSubject, ApiError> {
    match &subject {
        CsatSubject::Complaint(ticket) => {
            let complaint = complaint_for_bearer(state, shopper, ticket).await?;
            Ok(RatedSubject::complaint(subject, &complaint))
        }
        CsatSubject::Order(number) => {
            let order = order_for_bearer(state, shopper, number).await?;
            Ok(RatedSubject::order(subject, &order))
        }
        CsatSubject::Service => {
            // The shop's service as a whole is rated by a shopper the merchant identified.
            let ShopperAccess::Shopper(claims) = &shopper.access else {
                return Err(ApiError::Token(TokenError::BadSignature));
            };
            let email = super::loyalty::shopper_email(state, shopper).await?;
            Ok(RatedSubject {
                key: format!("service:{}", claims.sub),
                shopper_email: email.map(|e| e.as_str().to_owned()),
                complaint: None,
                subject,
            })
        }
    }
}

/// A complaint or an order of this merchant, for links (the signature stands for the bearer).
pub(super) async fn subject_of_merchant(
    state: &AppState,
    merchant: &MerchantRecord,
    subject: CsatSubject,
) -> Result<RatedSubject, ApiError> {
    match &subject {
        CsatSubject::Complaint(ticket) => {
            let complaint = state.store.complaint_by_ticket(&merchant.id, ticket).await?.ok_or(ApiError::NotFound)?;
            Ok(RatedSubject::complaint(subject, &complaint))
        }
        CsatSubject::Order(number) => {
            let order = state.store.order_by_number(&merchant.id, number).await?.ok_or(ApiError::NotFound)?;
            Ok(RatedSubject::order(subject, &order))
        }
        CsatSubject::Service => Err(ApiError::Unprocessable(FieldError::invalid(
            CsatSubject::FIELD,
            "Links are made for a complaint or an order; `service` is rated in the widget by an identified shopper.",
        ))),
    }
}

/// The shopper's answer on a subject so far (`answer` is absent before the first one).
#[utoipa::path(
    get,
    path = "/v1/csat/{subject}",
    tag = "widget",
    params(
        ("subject" = carebox_contract::CsatSubject, Path, description = "`complaint:<ticket>`, `order:<number>` or `service`"),
        super::params::ShopKey,
    ),
    security(("shopper_token" = [])),
    responses(
        (status = 200, body = CsatStatus),
        (status = 400, description = "Not a subject", body = ErrorBody),
        (status = 401, description = "`invalid_token` or `token_expired` (`service` needs a shopper token)", body = ErrorBody),
        (status = 404, description = "Not a subject this token opens", body = ErrorBody),
    )
)]
pub async fn get_answer(
    State(state): State<AppState>,
    // Credentials (checked by the extractor) before the subject is judged.
    shopper: Shopper,
    Path(subject): Path<String>,
) -> Result<Json<CsatStatus>, ApiError> {
    let rated = subject_for_bearer(&state, &shopper, CsatSubject::parse(&subject)?).await?;
    let merchant = &shopper.merchant;
    let stored = state.store.stored_csat(&merchant.id, &rated.key).await?;
    Ok(Json(CsatStatus { answer: stored.map(|a| a.view(&merchant.settings.csat, state.clock.now())) }))
}

/// Gives or changes the answer: one per shopper and subject, changeable within the merchant's
/// edit window (default 24 h). Repeated and concurrent calls never add a second answer.
#[utoipa::path(
    put,
    path = "/v1/csat/{subject}",
    tag = "widget",
    params(
        ("subject" = carebox_contract::CsatSubject, Path, description = "`complaint:<ticket>`, `order:<number>` or `service`"),
        super::params::ShopKey,
    ),
    request_body = CsatAnswerRequest,
    security(("shopper_token" = [])),
    responses(
        (status = 201, description = "The first answer", body = CsatAnswer),
        (status = 200, description = "The answer, changed", body = CsatAnswer),
        (status = 400, description = "`invalid_json` naming `score` (not 1–5) or `comment` (over 1000 characters), or `invalid` `subject`", body = ErrorBody),
        (status = 404, description = "Not a subject this token opens", body = ErrorBody),
        (status = 409, description = "`edit_window_closed`, or `not_allowed` for a complaint not resolved yet", body = ErrorBody),
        (status = 403, description = "`not_allowed`: the shop has switched CSAT off", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(merchant = %shopper.merchant.id, subject = %subject))]
pub async fn put_answer(
    State(state): State<AppState>,
    // Credentials (checked by the extractor) before the subject is judged.
    shopper: Shopper,
    Path(subject): Path<String>,
    ApiJson(request): ApiJson<CsatAnswerRequest>,
) -> Result<(StatusCode, Json<CsatAnswer>), ApiError> {
    let rated = subject_for_bearer(&state, &shopper, CsatSubject::parse(&subject)?).await?;
    let merchant = &shopper.merchant;
    merchant.require(Feature::Csat)?;
    rated.check_ratable()?;
    let now = state.clock.now();
    let settings = &merchant.settings.csat;
    let answer = rated.new_answer(&merchant.id, request.score, request.comment.as_ref(), "widget");
    match state.store.answer_csat(answer, settings, now).await? {
        Answered::Created(stored) => {
            tracing::info!(score = stored.score.get(), "csat answered");
            Ok((StatusCode::CREATED, Json(stored.view(settings, now))))
        }
        Answered::Changed(stored) => Ok((StatusCode::OK, Json(stored.view(settings, now)))),
        Answered::Locked(_) => Err(ApiError::EditWindowClosed),
    }
}

/// The CSAT settings: the edit window.
#[utoipa::path(get, path = "/v1/merchant/csat/settings", tag = "merchant", security(("secret_key" = [])), responses((status = 200, body = CsatSettings)))]
pub async fn get_settings(MerchantApi(merchant): MerchantApi) -> Json<CsatSettings> {
    Json(merchant.settings.csat)
}

/// Sets how long shoppers may change an answer (1 to 720 hours; it applies to existing answers too).
#[utoipa::path(
    put,
    path = "/v1/merchant/csat/settings",
    tag = "merchant",
    request_body = CsatSettings,
    security(("secret_key" = [])),
    responses((status = 200, body = CsatSettings), (status = 422, description = "Out of range", body = ErrorBody))
)]
pub async fn put_settings(
    State(state): State<AppState>,
    OwnerApi(merchant): OwnerApi,
    ApiJson(settings): ApiJson<CsatSettings>,
) -> Result<Json<CsatSettings>, ApiError> {
    settings.check().map_err(ApiError::Unprocessable)?;
    let stored = state.store.update_settings(&merchant.id, |s| s.csat = settings).await?;
    Ok(Json(stored.csat))
}

/// One-click links for an e-mail: one per score for a complaint or an order, signed with the
/// shop's shopper-token secret (a backend can make the same links itself; see the README).
#[utoipa::path(
    post,
    path = "/v1/merchant/csat/links",
    tag = "merchant",
    request_body = CsatLinksRequest,
    security(("secret_key" = [])),
    responses(
        (status = 201, body = CsatLinks),
        (status = 404, description = "No such complaint or order", body = ErrorBody),
        (status = 409, description = "`not_allowed`: the shop has no shopper-token secret to sign with", body = ErrorBody),
        (status = 403, description = "`not_allowed`: the shop has switched CSAT off", body = ErrorBody),
        (status = 422, description = "`service`, or `valid_days` out of range", body = ErrorBody),
    )
)]
pub async fn make_links(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CsatLinksRequest>,
) -> Result<(StatusCode, Json<CsatLinks>), ApiError> {
    let days = request.valid_days.unwrap_or(30);
    if !(1..=60).contains(&days) {
        return Err(ApiError::Unprocessable(FieldError::invalid("valid_days", "Links work for 1 to 60 days.")));
    }
    if merchant.shopper_token_secret.is_empty() {
        return Err(ApiError::NotAllowed("set a shopper-token secret first: links are signed with it".into()));
    }
    let rated = subject_of_merchant(&state, &merchant, request.subject).await?;
    merchant.require(Feature::Csat)?;
    let expires_at = Timestamp::from_unix_ms(state.clock.now().unix_ms() + days * 86_400_000);
    let base = public_base(&state, &headers);
    let links = CsatScore::ALL
        .into_iter()
        .map(|score| {
            let token = csat::sign_link(&rated.subject, score, expires_at, request.locale, merchant.shopper_token_secret.as_bytes());
            CsatLink { score, url: format!("{base}/csat/r?key={}&t={token}", merchant.publishable_key) }
        })
        .collect();
    Ok((StatusCode::CREATED, Json(CsatLinks { subject: rated.subject, expires_at, links })))
}

/// Where shoppers reach this server: `CAREBOX_PUBLIC_URL`, else the host this call came to.
fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

/// The answers' query: a range of days and how many.
#[derive(Debug, Deserialize)]
pub struct AnswersQuery {
    #[serde(flatten)]
    range: DateRange,
    limit: Option<String>,
}

impl DateRange {
    pub(super) fn resolve(&self, today: CalendarDate) -> Result<(CalendarDate, CalendarDate), ApiError> {
        let to = self.to.as_deref().map(|raw| CalendarDate::parse(raw, "to")).transpose()?.unwrap_or(today);
        let from = match self.from.as_deref() {
            Some(raw) => CalendarDate::parse(raw, "from")?,
            None => CalendarDate::from_days_since_epoch(to.days_since_epoch() - 29),
        };
        if from > to {
            return Err(ApiError::BadRequest(FieldError::invalid("from", "`from` is on or before `to`.")));
        }
        if to.days_since_epoch() - from.days_since_epoch() >= 366 {
            return Err(ApiError::BadRequest(FieldError::invalid("from", "A range is at most 366 days.")));
        }
        Ok((from, to))
    }
}

/// CSAT % (the share of 4s and 5s), count and distribution, the daily trend, and complaint
/// answers by category and escalation level, for answers first given in the range.
#[utoipa::path(
    get,
    path = "/v1/merchant/csat/metrics",
    tag = "merchant",
    params(DateRange),
    security(("secret_key" = [])),
    responses((status = 200, body = CsatMetrics), (status = 400, description = "A malformed date or range; `field` says which", body = ErrorBody))
)]
pub async fn metrics(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    range: Result<Query<DateRange>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CsatMetrics>, ApiError> {
    let Query(range) = range?;
    let (from, to) = range.resolve(state.clock.now().utc_date())?;
    let groups = state.store.csat_groups(&merchant.id, from, to).await?;
    Ok(Json(csat::metrics(&groups, from, to)))
}

/// The answers in the range with their comments, most recently changed first.
#[utoipa::path(
    get,
    path = "/v1/merchant/csat/answers",
    tag = "merchant",
    params(DateRange, ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50")),
    security(("secret_key" = [])),
    responses((status = 200, body = [MerchantCsatAnswer]), (status = 400, description = "A malformed date, range or limit", body = ErrorBody))
)]
pub async fn answers(
    State(state): State<AppState>,
    MerchantApi(merchant): MerchantApi,
    query: Result<Query<AnswersQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<MerchantCsatAnswer>>, ApiError> {
    let Query(query) = query?;
    let (from, to) = query.range.resolve(state.clock.now().utc_date())?;
    let limit = match query.limit.as_deref() {
        None => 50,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=200).contains(&n) => n,
            _ => return Err(ApiError::BadRequest(FieldError::invalid("limit", "A limit is 1 to 200."))),
        },
    };
    let answers = state.store.csat_answers(&merchant.id, from, to, limit).await?;
    Ok(Json(answers.iter().map(|a| a.merchant_view()).collect()))
}
