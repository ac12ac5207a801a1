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

/// A request body type, and whether its JSON is an object or an array. serde's derived structs
/// also take an array of their fields in order (`[null, null]`), which the document forbids and
/// no client means; the outer shape is checked before parsing.
pub trait JsonBody: DeserializeOwned {
    const IS_ARRAY: bool = false;
}

macro_rules! object_bodies {
    ($($name:ty),+ $(,)?) => {$(impl JsonBody for $name {})+};
}

object_bodies!(
    carebox_contract::CompensationRules,
    carebox_contract::CsatAnswerRequest,
    carebox_contract::CsatLinksRequest,
    carebox_contract::CsatSettings,
    carebox_contract::LoyaltyAdjustmentRequest,
    carebox_contract::MerchantAction,
    carebox_contract::NewComplaintNote,
    carebox_contract::NewComplaintRequest,
    carebox_contract::NewWebhookEndpoint,
    carebox_contract::OrderEventRequest,
    carebox_contract::OrderLookupRequest,
    carebox_contract::ShopperEscalationRequest,
    carebox_contract::ShopOrigins,
    carebox_contract::StaffSignIn,
    carebox_contract::WebhookEndpointChange,
    carebox_contract::TextOverrides,
    carebox_contract::UpsertOrderRequest,
    carebox_contract::WidgetSettingsRequest,
);

impl<T: DeserializeOwned> JsonBody for Vec<T> {
    const IS_ARRAY: bool = true;
}

impl<S: Send + Sync, T: JsonBody> FromRequest<S> for ApiJson<T> {
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

fn parse<T: JsonBody>(bytes: &[u8]) -> Result<T, ApiError> {
    let (opening, shape) = if T::IS_ARRAY { (b'[', "an array") } else { (b'{', "an object") };
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(first) if *first == opening => {}
        // Not JSON at all: serde's message says where it breaks.
        Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') | None => {
            return Err(ApiError::InvalidJson { message: format!("The body is {shape} (see the API reference)."), field: None });
        }
        Some(_) => {}
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| {
        let message = error.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        ApiError::InvalidJson { message: format!("The body is not JSON: {message}."), field: None }
    })?;
    whole_numbers_as_integers(&mut value);
    let value = serde_path_to_error::deserialize(value).map_err(|error| {
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
    Ok(value)
}

/// `5.0` is the integer 5 in JSON (and in JSON Schema), but serde's integer fields refuse a
/// number written with a fraction; clients that compute counts in floating point send them.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64()).filter(|f| f.fract() == 0.0) {
                // Within ±2^63 the conversion is exact; beyond, the value stays a float and an
                // integer field refuses it (every documented integer is far smaller).
                if float.abs() < 9.2e18 {
                    *number = (float as i64).into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
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

    #[test]
    fn the_outer_shape_is_the_documented_one() {
        use carebox_contract::{LoyaltyTier, WidgetSettingsRequest};
        // serde's derived structs would take their fields as an array.
        assert!(matches!(parse::<WidgetSettingsRequest>(b" [null, null]"), Err(ApiError::InvalidJson { .. })));
        assert!(parse::<WidgetSettingsRequest>(b" {}").is_ok());
        assert!(matches!(parse::<Vec<LoyaltyTier>>(b"{}"), Err(ApiError::InvalidJson { .. })));
        assert!(parse::<Vec<LoyaltyTier>>(b"[]").is_ok());
        assert!(matches!(parse::<WidgetSettingsRequest>(b""), Err(ApiError::InvalidJson { .. })));
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers() {
        use carebox_contract::{CsatSettings, LoyaltyTier};
        assert_eq!(parse::<CsatSettings>(br#"{"edit_window_hours": 48.0}"#).unwrap().edit_window_hours, 48);
        let tiers =
            parse::<Vec<LoyaltyTier>>(br#"[{"id":"a","name":"A","threshold":0.0,"earn_percent":1e2,"response_hours":-4.0}]"#).unwrap();
        assert_eq!((tiers[0].threshold, tiers[0].earn_percent, tiers[0].response_hours), (0, 100, -4));
        assert!(matches!(parse::<CsatSettings>(br#"{"edit_window_hours": 48.5}"#), Err(ApiError::InvalidJson { .. })));
        assert!(matches!(parse::<CsatSettings>(br#"{"edit_window_hours": 1e300}"#), Err(ApiError::InvalidJson { .. })));
    }
}
