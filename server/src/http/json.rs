//! A JSON body extractor whose errors name the failing field (`items[0].quantity`) and
//! whose bodies are bounded before they are read.

use axum::{
    extract::{FromRequest, Request},
    http::header,
};
use serde::de::DeserializeOwned;

use crate::ApiError;

pub struct ApiJson<T>(pub T);

/// The most a merchant's server sends at once: an order of 200 items with their links fits.
pub const MERCHANT_BODY_LIMIT: usize = 1024 * 1024;
/// The most a browser sends: a complaint of 2,000 characters in any script fits eight times over.
/// Strangers call these endpoints, so each request may hold only this much memory.
pub const PUBLIC_BODY_LIMIT: usize = 64 * 1024;

/// The body limit of a request path: merchant calls carry orders, public calls a form's worth.
pub fn body_limit(path: &str) -> usize {
    if path.starts_with("/v1/merchant/") { MERCHANT_BODY_LIMIT } else { PUBLIC_BODY_LIMIT }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
        if !is_json {
            return Err(ApiError::InvalidJson { message: "Send a JSON body with `Content-Type: application/json`.".into(), field: None });
        }
        let limit = body_limit(request.uri().path());
        // A declared length over the limit is refused before a byte of the body is read.
        let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(ApiError::TooLarge { limit_bytes: limit });
        }
        let bytes = axum::body::to_bytes(request.into_body(), limit).await.map_err(|error| {
            if caused_by_the_limit(&error) {
                ApiError::TooLarge { limit_bytes: limit }
            } else {
                ApiError::InvalidJson { message: "The request body could not be read.".into(), field: None }
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

fn caused_by_the_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = inner.to_string();
        // serde reports a missing field at its parent; name the field itself.
        let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
        // A map key that is not one of an enum's (`{"de": …}` where languages are keys) fails
        // at no position (`?`): name the key.
        let bad_key = message.strip_prefix("unknown variant `").and_then(|rest| rest.split('`').next());
        // `.` is the root and `?` an unknown position (a syntax error).
        let field = match (path.as_str(), missing) {
            ("." | "?", Some(name)) => Some(name.to_owned()),
            (parent, Some(name)) => Some(format!("{parent}.{name}")),
            ("." | "?", None) => bad_key.map(str::to_owned),
            (path, None) => Some(path.to_owned()),
        };
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        ApiError::InvalidJson { message, field }
    })?;
    deserializer.end().map_err(|_| ApiError::InvalidJson { message: "Unexpected text after the JSON value.".into(), field: None })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use carebox_contract::UpsertOrderRequest;

    fn field_of(body: &str) -> Option<String> {
        match parse::<UpsertOrderRequest>(body.as_bytes()) {
            Err(ApiError::InvalidJson { field, .. }) => field,
            other => panic!("expected invalid JSON, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn names_the_path_of_a_wrong_type_and_of_a_missing_field() {
        let base = r#""email":"a@b.co","placed_at":"2026-11-20T10:00:00Z","currency":"EUR""#;
        assert_eq!(
            field_of(&format!(r#"{{{base},"items":[{{"name":"x","quantity":"two","unit_price_minor":1}}]}}"#)).as_deref(),
            Some("items[0].quantity")
        );
        assert_eq!(field_of(r#"{"placed_at":"x","currency":"EUR","items":[]}"#).as_deref(), Some("email"));
        assert_eq!(field_of(&format!(r#"{{{base},"items":[{{"quantity":1,"unit_price_minor":1}}]}}"#)).as_deref(), Some("items[0].name"));
        assert_eq!(field_of("{not json"), None);
        assert_eq!(
            super::parse::<carebox_contract::TextOverrides>(br#"{"de":{}}"#)
                .err()
                .and_then(|e| match e {
                    ApiError::InvalidJson { field, .. } => field,
                    _ => None,
                })
                .as_deref(),
            Some("de"),
            "a map key that is no language"
        );
        assert_eq!(field_of(&format!(r#"{{{base},"items":[]}} trailing"#)), None);
    }
}
