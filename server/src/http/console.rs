//! The support console's session: sign in with e-mail and password, see who is signed in, sign
//! out. The session is an `HttpOnly; Secure; SameSite=Strict` cookie, and every change made with
//! it also carries the session's CSRF token as `X-CSRF-Token`. The console calls the same
//! `/v1/merchant/…` API as a merchant's backend, with the session instead of the secret key.

use std::sync::OnceLock;
use std::time::Duration;

use axum::{
    Json,
    extract::{FromRequestParts, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    response::{AppendHeaders, IntoResponse},
};
use carebox_contract::{Email, ErrorBody, RotatedSecretKey, StaffSession, StaffSignIn, StaffView, Timestamp};

use super::{AppState, Limit, auth::OwnerApi, client_address::ClientKey, json::ApiJson};
use crate::ApiError;
use crate::domain::staff::{Password, password_matches};
use crate::domain::token::{constant_time_eq, random_hex};
use crate::storage::StaffSessionRecord;

pub const SESSION_COOKIE: &str = "carebox_console";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session ends this long after signing in (a working day and then some).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// Failed sign-ins for one address from one client, and from one client in all: a guesser is
/// slowed to a crawl, and the owner of the address, from another client, is never locked out.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit { max: 5, window: Duration::from_secs(900) };
pub const SIGN_IN_PER_CLIENT: Limit = Limit { max: 30, window: Duration::from_secs(900) };

/// A hash no password matches, checked for unknown addresses so that they take as long to
/// refuse as known ones (the time would otherwise say which addresses have accounts).
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| Password::generate().hash())
}

fn cookie(token: &str, max_age: Duration) -> HeaderValue {
    let value = format!("{SESSION_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}", max_age.as_secs());
    HeaderValue::from_str(&value).expect("hex and ASCII")
}

fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty() && token.len() <= 128)
}

fn view(session: &StaffSessionRecord) -> StaffSession {
    StaffSession {
        staff: StaffView {
            id: session.staff.id.clone(),
            email: session.staff.email.clone(),
            display_name: session.staff.display_name.clone(),
            role: session.staff.role,
            merchant_name: session.merchant.name.clone(),
            publishable_key: session.merchant.publishable_key.clone(),
        },
        csrf_token: session.csrf_token.clone(),
        expires_at: session.expires_at,
    }
}

/// The console session of this request, if it carries one; a change (any method but GET and
/// HEAD) must also carry the session's CSRF token.
pub(super) async fn session_of(parts: &Parts, state: &AppState) -> Result<Option<StaffSessionRecord>, ApiError> {
    let Some(token) = session_token(&parts.headers) else { return Ok(None) };
    let session = state.store.staff_session(token, state.clock.now()).await?.ok_or(ApiError::SignInRequired)?;
    if !matches!(parts.method, Method::GET | Method::HEAD) {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !constant_time_eq(sent, &session.csrf_token) {
            return Err(ApiError::Forbidden("Send the session's CSRF token as `X-CSRF-Token` with every change.".into()));
        }
    }
    Ok(Some(session))
}

/// A signed-in member of staff (401 without a live session; 403 for a change without its CSRF token).
pub struct SignedIn(pub StaffSessionRecord);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        session_of(parts, state).await?.map(SignedIn).ok_or(ApiError::SignInRequired)
    }
}

/// Signs a member of staff in: the session cookie is set, and the answer carries the CSRF token.
#[utoipa::path(
    post,
    path = "/v1/console/session",
    tag = "console",
    request_body = StaffSignIn,
    responses(
        (status = 201, description = "Signed in; `Set-Cookie` carries the session (HttpOnly, Secure, SameSite=Strict, 12 h)", body = StaffSession),
        (status = 401, description = "`unauthorized`: the e-mail or password is not right (one answer for either)", body = ErrorBody),
        (status = 422, description = "Not an e-mail address", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many failed sign-ins for this address from here, or from here; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientKey(client): ClientKey,
    ApiJson(request): ApiJson<StaffSignIn>,
) -> Result<impl IntoResponse, ApiError> {
    let now = state.clock.now();
    let email = Email::parse(&request.email).map_err(ApiError::Unprocessable)?;
    let per_account = format!("signin:{}:{client}", email.as_str());
    let per_client = format!("signin:{client}");
    let counters = [(per_account.as_str(), SIGN_IN_PER_ACCOUNT), (per_client.as_str(), SIGN_IN_PER_CLIENT)];
    if let Some(retry_after) = state.limiter.retry_after(&counters, now).await? {
        return Err(ApiError::RateLimited { retry_after });
    }
    let staff = state.store.staff_by_email(&email).await?;
    let hash = staff.as_ref().map_or_else(|| stand_in_hash().to_owned(), |s| s.password_hash.clone());
    // argon2 takes tens of milliseconds of CPU: off the async workers.
    let password = request.password;
    let matches = tokio::task::spawn_blocking(move || password_matches(&hash, &password)).await.map_err(ApiError::internal)?;
    let Some(staff) = staff.filter(|_| matches) else {
        state.limiter.count(&counters, now).await?;
        tracing::info!("console sign-in refused");
        return Err(ApiError::SignInRefused);
    };
    let (token, csrf_token) = (random_hex(32), random_hex(24));
    let expires_at = Timestamp::from_unix_ms(now.unix_ms() + SESSION_LIFETIME.as_millis() as i64);
    state.store.open_staff_session(&staff.id, &token, &csrf_token, now, expires_at).await?;
    let session = state.store.staff_session(&token, now).await?.ok_or_else(|| ApiError::internal("a session just opened is gone"))?;
    tracing::info!(staff = %staff.id, merchant = %staff.merchant_id, "console sign-in");
    Ok((StatusCode::CREATED, AppendHeaders([(header::SET_COOKIE, cookie(&token, SESSION_LIFETIME))]), Json(view(&session))))
}

/// Who is signed in, with the session's CSRF token (the console reads it after a reload).
#[utoipa::path(
    get,
    path = "/v1/console/session",
    tag = "console",
    security(("console_session" = [])),
    responses(
        (status = 200, body = StaffSession),
        (status = 401, description = "`unauthorized`: no live session", body = ErrorBody),
    )
)]
pub async fn current(SignedIn(session): SignedIn) -> Json<StaffSession> {
    Json(view(&session))
}

/// How long a rotated-out secret key keeps working when the rotation comes from the console.
pub const KEY_GRACE: Duration = Duration::from_secs(24 * 3600);

/// Gives the shop a new secret key (owners; the backend's own key may rotate itself too). The
/// previous key works for 24 hours more; rotating again ends it at once.
#[utoipa::path(
    post,
    path = "/v1/merchant/keys/secret",
    tag = "merchant",
    security(("secret_key" = [])),
    responses(
        (status = 201, description = "The new secret key, shown only now", body = RotatedSecretKey),
        (status = 403, description = "`not_allowed`: an agent's session (owners only), or no CSRF token", body = ErrorBody),
    )
)]
pub async fn rotate_secret_key(State(state): State<AppState>, OwnerApi(merchant): OwnerApi) -> Result<impl IntoResponse, ApiError> {
    let secret_key = format!("sk_{}", random_hex(24));
    let until = Timestamp::from_unix_ms(state.clock.now().unix_ms() + KEY_GRACE.as_millis() as i64);
    if !state.store.rotate_secret_key(&merchant.id, &secret_key, until).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(merchant = %merchant.id, "secret key rotated");
    Ok((StatusCode::CREATED, Json(RotatedSecretKey { secret_key, previous_valid_until: until })))
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(
    delete,
    path = "/v1/console/session",
    tag = "console",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("console_session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`unauthorized`: no live session", body = ErrorBody),
        (status = 403, description = "`not_allowed`: the CSRF token is missing or wrong", body = ErrorBody),
    )
)]
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(_session): SignedIn,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.store.close_staff_session(token).await?;
    }
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(header::SET_COOKIE, cookie("", Duration::ZERO))])))
}
