//! The server's one error type. Every failure leaves as the JSON envelope of the contract
//! with a stable code; internal details go to the log (with the request id), never to clients.

use std::time::Duration;

use axum::{
    Json,
    extract::rejection::QueryRejection,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use carebox_contract::{ErrorBody, ErrorCode, ErrorDetail, FieldError};

use crate::domain::token::TokenError;

#[derive(Debug)]
pub enum ApiError {
    /// A query or path parameter is missing or malformed (400).
    BadRequest(FieldError),
    /// The body is JSON of the right shape but a value is not acceptable (422).
    Unprocessable(FieldError),
    /// The body is not JSON of the expected shape (400); `field` is the path when known.
    InvalidJson { message: String, field: Option<String> },
    /// No merchant has this publishable key (404).
    UnknownMerchant,
    /// Nothing here for this caller (404).
    NotFound,
    /// Lookup failed: one answer whether the number or the e-mail/postcode was wrong (404).
    OrderNotFound,
    /// Merchant API without a valid secret key (401).
    Unauthorized,
    /// Shopper call without a usable bearer token (401).
    Token(TokenError),
    /// Console sign-in with a wrong e-mail or password: one answer for either (401).
    SignInRefused,
    /// A console call without a live session (401).
    SignInRequired,
    /// Signed in, but not allowed to do this: an agent changing settings, a change without the
    /// session's CSRF token (403).
    Forbidden(String),
    /// The event would break the order's recorded timeline (409).
    InvalidTransition(String),
    /// An id reused for something different (409).
    Conflict { field: &'static str },
    /// The idempotency key was used before with another request (422).
    IdempotencyKeyReused,
    /// Not possible in the current state (409); the message says why.
    NotAllowed(String),
    /// The merchant switched this capability off; enforced here, not only in the widget.
    FeatureOff(carebox_contract::Feature),
    /// The CSAT answer's edit window has closed (409).
    EditWindowClosed,
    /// The body is over the endpoint's size limit (413); nothing of it was parsed.
    TooLarge { limit_bytes: usize },
    /// Too many attempts (429, with `Retry-After`).
    RateLimited { retry_after: Duration },
    /// Storage or another dependency failed (500); the cause is logged, not returned.
    Internal(String),
}

impl ApiError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    fn parts(&self) -> (StatusCode, ErrorCode, String, Option<String>) {
        let field = |e: &FieldError| Some(e.field.to_string());
        match self {
            Self::BadRequest(e) => (StatusCode::BAD_REQUEST, e.code, e.message.to_owned(), field(e)),
            Self::Unprocessable(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message.to_owned(), field(e)),
            Self::InvalidJson { message, field } => (StatusCode::BAD_REQUEST, ErrorCode::InvalidJson, message.clone(), field.clone()),
            Self::UnknownMerchant => {
                (StatusCode::NOT_FOUND, ErrorCode::UnknownMerchant, "No merchant has this publishable key.".into(), Some("key".into()))
            }
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found.".into(), None),
            Self::OrderNotFound => {
                (StatusCode::NOT_FOUND, ErrorCode::OrderNotFound, "No order matches this order number and the details given.".into(), None)
            }
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "Send the merchant's secret key as `Authorization: Bearer sk_…`.".into(),
                Some("authorization".into()),
            ),
            Self::SignInRefused => {
                (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "The e-mail or password is not right.".into(), Some("password".into()))
            }
            Self::SignInRequired => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "Sign in to the console.".into(), None),
            Self::Forbidden(why) => (StatusCode::FORBIDDEN, ErrorCode::NotAllowed, why.clone(), None),
            Self::Token(TokenError::Expired) => {
                (StatusCode::UNAUTHORIZED, ErrorCode::TokenExpired, "The token has expired.".into(), Some("authorization".into()))
            }
            Self::Token(why) => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidToken,
                match why {
                    TokenError::TooFarAhead => "The token's expiry is too far ahead (at most 24 hours).",
                    _ => "The bearer token is missing or not valid for this shop.",
                }
                .into(),
                Some("authorization".into()),
            ),
            Self::InvalidTransition(why) => {
                // The request is well-formed; the order's recorded timeline is what it conflicts with.
                (StatusCode::CONFLICT, ErrorCode::InvalidTransition, why.clone(), Some("kind".into()))
            }
            Self::Conflict { field } => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "This id was already used for something different.".into(),
                Some((*field).into()),
            ),
            Self::NotAllowed(why) => (StatusCode::CONFLICT, ErrorCode::NotAllowed, why.clone(), None),
            Self::FeatureOff(feature) => {
                (StatusCode::FORBIDDEN, ErrorCode::NotAllowed, format!("This shop has switched {} off.", feature.as_str()), None)
            }
            Self::EditWindowClosed => (
                StatusCode::CONFLICT,
                ErrorCode::EditWindowClosed,
                "The answer can no longer be changed: the shop's edit window has closed.".into(),
                Some("score".into()),
            ),
            Self::IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request; make a new key for a new request.".into(),
                Some("idempotency-key".into()),
            ),
            Self::RateLimited { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!("Too many attempts; try again in {} s.", retry_after.as_secs().max(1)),
                None,
            ),
            Self::TooLarge { limit_bytes } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                format!("The request body is larger than {} KiB.", limit_bytes / 1024),
                None,
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on our side. Quote the request id to support.".into(),
                None,
            ),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::BadRequest(error)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        Self::Token(error)
    }
}

impl From<QueryRejection> for ApiError {
    /// A parameter of the wrong type (`vip=maybe`, an unknown `status`) names itself: serde's
    /// message starts with the parameter's name.
    fn from(rejection: QueryRejection) -> Self {
        let text = rejection.body_text();
        let named = text
            .strip_prefix("Failed to deserialize query string: ")
            .and_then(|rest| rest.split_once(": "))
            .map(|(name, _)| name)
            .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        match named {
            Some(name) => Self::BadRequest(FieldError {
                field: name.to_owned().into(),
                code: carebox_contract::ErrorCode::Invalid,
                message: "This parameter's value is not one the API accepts; see the API reference.",
            }),
            None => Self::InvalidJson { message: text, field: None },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let (status, code, message, field) = self.parts();
        let mut response = (status, Json(ErrorBody { error: ErrorDetail { code, message, field } })).into_response();
        if let Self::RateLimited { retry_after } = self {
            let seconds = retry_after.as_secs().max(1).to_string();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_str(&seconds).expect("digits"));
        }
        response
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (status, code, message, _) = self.parts();
        write!(f, "{status} {code}: {message}")
    }
}

impl std::error::Error for ApiError {}
