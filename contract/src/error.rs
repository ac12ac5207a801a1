//! The one error envelope of the API: `{ "error": { "code", "message", "field"? } }`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. The widget maps each to a localised message,
/// so a code, once published, never changes its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A required field or parameter is absent.
    Missing,
    /// A field or parameter is present but malformed.
    Invalid,
    /// No merchant has this publishable key.
    UnknownMerchant,
    /// The requested resource does not exist (or is not visible to the caller).
    NotFound,
    /// No order matches this number and e-mail/postcode (the same answer for either mistake).
    OrderNotFound,
    /// The secret key is missing or wrong (merchant API).
    Unauthorized,
    /// The bearer token is missing, malformed, badly signed, or for something else.
    InvalidToken,
    /// The bearer token has expired; look the order up again.
    TokenExpired,
    /// The order cannot move to that status from where it is (e.g. delivered → packed).
    InvalidTransition,
    /// The id was already used for something different.
    Conflict,
    /// This `Idempotency-Key` was already used with a different request.
    IdempotencyKeyReused,
    /// The action is not possible in the complaint's current state (the message says why).
    NotAllowed,
    /// The answer can no longer be changed: the merchant's edit window has closed.
    EditWindowClosed,
    /// The request body is not valid JSON of the expected shape.
    InvalidJson,
    /// Too many requests; retry after the `Retry-After` header.
    RateLimited,
    /// The request body is larger than the endpoint accepts (413); the message gives the limit.
    TooLarge,
    /// Something failed on the server; the request id identifies it in the logs.
    Internal,
    /// A code this build of the widget does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code this build knows, [`Self::Unknown`] last.
    pub const ALL: [ErrorCode; 18] = [
        Self::Missing,
        Self::Invalid,
        Self::UnknownMerchant,
        Self::NotFound,
        Self::OrderNotFound,
        Self::Unauthorized,
        Self::InvalidToken,
        Self::TokenExpired,
        Self::InvalidTransition,
        Self::Conflict,
        Self::IdempotencyKeyReused,
        Self::NotAllowed,
        Self::EditWindowClosed,
        Self::InvalidJson,
        Self::RateLimited,
        Self::TooLarge,
        Self::Internal,
        Self::Unknown,
    ];

    /// The code named `name`, as serde reads it: one this build does not know is
    /// [`Self::Unknown`]. (The widget reads error bodies by hand: serde's deserializer would
    /// bring its error messages, and their float formatting, into the first open.)
    pub fn from_name(name: &str) -> Self {
        Self::ALL.into_iter().find(|code| code.as_str() == name).unwrap_or(Self::Unknown)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Invalid => "invalid",
            Self::UnknownMerchant => "unknown_merchant",
            Self::NotFound => "not_found",
            Self::OrderNotFound => "order_not_found",
            Self::Unauthorized => "unauthorized",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::InvalidTransition => "invalid_transition",
            Self::Conflict => "conflict",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::NotAllowed => "not_allowed",
            Self::EditWindowClosed => "edit_window_closed",
            Self::InvalidJson => "invalid_json",
            Self::RateLimited => "rate_limited",
            Self::TooLarge => "too_large",
            Self::Internal => "internal",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A human-readable explanation in English, for developers; widgets localise by `code`.
    pub message: String,
    /// The request field or parameter at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Why a value failed to parse: which field (a path such as `items[2].quantity`), and the
/// stable code for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub code: ErrorCode,
    pub message: &'static str,
}

impl FieldError {
    pub const fn missing(field: &'static str, message: &'static str) -> Self {
        Self { field: Cow::Borrowed(field), code: ErrorCode::Missing, message }
    }
    pub const fn invalid(field: &'static str, message: &'static str) -> Self {
        Self { field: Cow::Borrowed(field), code: ErrorCode::Invalid, message }
    }

    /// The same error, reported under another field name (e.g. inside a list).
    pub fn at(self, field: impl Into<Cow<'static, str>>) -> Self {
        Self { field: field.into(), ..self }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_the_documented_shape() {
        let body = ErrorBody {
            error: ErrorDetail { code: ErrorCode::UnknownMerchant, message: "No merchant has this key.".into(), field: Some("key".into()) },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "unknown_merchant", "message": "No merchant has this key.", "field": "key"}})
        );
    }

    #[test]
    fn field_is_omitted_when_absent_and_unknown_codes_survive() {
        let body: ErrorBody = serde_json::from_str(r#"{"error":{"code":"brand_new_code","message":"m"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
        assert_eq!(body.error.field, None);
        let json = serde_json::to_string(&ErrorBody { error: ErrorDetail { code: ErrorCode::Internal, message: "x".into(), field: None } })
            .unwrap();
        assert!(!json.contains("field"), "{json}");
    }

    #[test]
    fn as_str_and_from_name_match_serde_name() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
            assert_eq!(serde_json::from_value::<ErrorCode>(serde_json::json!(code.as_str())).unwrap(), code);
            assert_eq!(ErrorCode::from_name(code.as_str()), code);
        }
        assert_eq!(ErrorCode::from_name("brand_new_code"), ErrorCode::Unknown);
        assert_eq!(ErrorCode::from_name("Missing"), ErrorCode::Unknown, "names are exact, as serde's are");
    }
}
