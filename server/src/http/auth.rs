//! Who is calling: a merchant's backend (secret key) or a shopper (bearer token).

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};

use super::AppState;
use crate::domain::token::{self, CAREBOX_KID, OrderTokenClaims, SHOPPER_TOKEN_MAX_LIFETIME, ShopperTokenClaims, TokenError};
use crate::{ApiError, storage::MerchantRecord};

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// A merchant's backend (`Authorization: Bearer sk_…`) or its staff in the console (the
/// session cookie, and the CSRF token on changes): everything an agent may do.
pub struct MerchantApi(pub MerchantRecord);

/// Who calls the merchant API.
enum Caller {
    Backend(MerchantRecord),
    Staff(crate::storage::StaffSessionRecord),
}

async fn caller(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
    if let Some(secret) = bearer(&parts.headers) {
        let secret = Some(secret).filter(|key| key.starts_with("sk_")).ok_or(ApiError::Unauthorized)?;
        let merchant = state.store.merchant_by_secret_key(secret, state.clock.now()).await?.ok_or(ApiError::Unauthorized)?;
        return Ok(Caller::Backend(merchant));
    }
    super::console::session_of(parts, state).await?.map(Caller::Staff).ok_or(ApiError::Unauthorized)
}

impl FromRequestParts<AppState> for MerchantApi {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Self(match caller(parts, state).await? {
            Caller::Backend(merchant) => merchant,
            Caller::Staff(session) => session.merchant,
        }))
    }
}

/// The merchant API, knowing which member of staff acts (none for the backend's secret key):
/// what they do is signed with the name shoppers see.
pub struct ActingMerchant {
    pub merchant: MerchantRecord,
    pub staff: Option<crate::storage::StaffRecord>,
}

impl FromRequestParts<AppState> for ActingMerchant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(match caller(parts, state).await? {
            Caller::Backend(merchant) => Self { merchant, staff: None },
            Caller::Staff(session) => Self { merchant: session.merchant, staff: Some(session.staff) },
        })
    }
}

/// The merchant API for what only an owner changes: settings, texts, tiers, webhooks. The
/// backend's secret key is the owner's; an agent's session is refused (403).
pub struct OwnerApi(pub MerchantRecord);

impl FromRequestParts<AppState> for OwnerApi {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Self(match caller(parts, state).await? {
            Caller::Backend(merchant) => merchant,
            Caller::Staff(session) if session.staff.role.may_change_settings() => session.merchant,
            Caller::Staff(_) => return Err(ApiError::Forbidden("Only the shop's owners change its settings.".into())),
        }))
    }
}

/// A shopper's call: the merchant the publishable key names, and what the bearer token grants
/// there (checked once per request; 401 without a usable token).
pub struct Shopper {
    pub merchant: std::sync::Arc<MerchantRecord>,
    pub access: ShopperAccess,
}

impl FromRequestParts<AppState> for Shopper {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let super::Merchant(merchant) = super::Merchant::from_request_parts(parts, state).await?;
        let access = ShopperAccess::from_headers(&parts.headers, &merchant, state)?;
        Ok(Self { merchant, access })
    }
}

/// What a shopper's bearer token grants, for the merchant of the publishable key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopperAccess {
    /// One order, from a successful lookup.
    Order { order_id: String },
    /// Everything of one shopper, vouched for by the merchant's backend.
    Shopper(ShopperTokenClaims),
}

impl ShopperAccess {
    fn from_headers(headers: &HeaderMap, merchant: &MerchantRecord, state: &AppState) -> Result<Self, ApiError> {
        let token = token::Unverified::parse(bearer(headers).ok_or(ApiError::Token(TokenError::Malformed))?)?;
        let now = state.clock.now();
        if token.kid() == Some(CAREBOX_KID) {
            let claims: OrderTokenClaims = token.verify(&state.order_token_key)?;
            token::check_expiry(claims.exp, now, token::ORDER_TOKEN_LIFETIME)?;
            // An order token of another merchant is not a token here.
            if claims.mid != merchant.id {
                return Err(ApiError::Token(TokenError::BadSignature));
            }
            return Ok(Self::Order { order_id: claims.oid });
        }
        if merchant.shopper_token_secret.is_empty() {
            return Err(ApiError::Token(TokenError::BadSignature));
        }
        let claims: ShopperTokenClaims = token.verify(merchant.shopper_token_secret.as_bytes())?;
        token::check_expiry(claims.exp, now, SHOPPER_TOKEN_MAX_LIFETIME)?;
        if claims.sub.trim().is_empty() {
            return Err(ApiError::Token(TokenError::Malformed));
        }
        Ok(Self::Shopper(claims))
    }
}
