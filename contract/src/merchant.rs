//! Merchant identity as the public side sees it.

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A merchant's publishable key: `pk_` followed by 8–64 ASCII letters, digits or `_`.
/// Safe to embed in a page; it identifies the merchant, it authorises nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublishableKey(String);

impl PublishableKey {
    pub const FIELD: &'static str = "key";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::missing(Self::FIELD, "The publishable key is required."));
        }
        let Some(rest) = raw.strip_prefix("pk_") else {
            return Err(FieldError::invalid(Self::FIELD, "A publishable key starts with `pk_`."));
        };
        let valid_len = (8..=64).contains(&rest.len());
        let valid_chars = rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid_len || !valid_chars {
            return Err(FieldError::invalid(Self::FIELD, "A publishable key is `pk_` followed by 8 to 64 letters, digits or underscores."));
        }
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Display for PublishableKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

string_newtype!(PublishableKey);

#[cfg(feature = "openapi")]
mod schemas {
    use super::*;
    use crate::openapi::{documented, padded, string};

    documented! {
        PublishableKey => string(&padded("pk_[A-Za-z0-9_]{8,64}"), "The merchant's publishable key: `pk_` and 8 to 64 letters, digits or `_`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn accepts_well_formed_keys_and_trims() {
        assert_eq!(PublishableKey::parse(" pk_demo_shop1 ").unwrap().as_str(), "pk_demo_shop1");
    }

    #[test]
    fn rejects_each_malformation_with_a_specific_code() {
        assert_eq!(PublishableKey::parse("").unwrap_err().code, ErrorCode::Missing);
        for bad in ["sk_secret123", "pk_short", "pk_has space1", "pk_ünïcode12", &format!("pk_{}", "a".repeat(65))] {
            let err = PublishableKey::parse(bad).unwrap_err();
            assert_eq!((err.field.as_ref(), err.code), ("key", ErrorCode::Invalid), "{bad}");
        }
    }

    #[test]
    fn deserialising_goes_through_parse() {
        assert!(serde_json::from_str::<PublishableKey>(r#""pk_valid_key""#).is_ok());
        assert!(serde_json::from_str::<PublishableKey>(r#""nope""#).is_err());
    }
}
