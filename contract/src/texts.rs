//! A merchant's own wording for the widget's texts, per language and key (`PUT
//! /v1/merchant/widget/strings`), checked against the keys the widget has.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{FieldError, Locale};

/// Every key of the widget's texts (`src/i18n/`), one per line, in its tables' order. Written by
/// `cargo run -p carebox-widget --example export_strings -- --keys contract/src/text_keys.txt`;
/// a component test fails while it is stale.
pub const TEXT_KEYS: &str = include_str!("text_keys.txt");

/// Per language, text key → the merchant's text. A front-end developer's `init({ strings })`
/// wins over it for the keys both set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TextOverrides(pub BTreeMap<Locale, BTreeMap<String, String>>);

impl TextOverrides {
    /// Longer than any text the widget has, short enough that a panel stays a panel.
    pub const MAX_CHARS: usize = 300;

    pub fn is_empty(&self) -> bool {
        self.0.values().all(BTreeMap::is_empty)
    }

    /// The texts for `locale`, as (key, text).
    pub fn for_locale(&self, locale: Locale) -> impl Iterator<Item = (&str, &str)> {
        self.0.get(&locale).into_iter().flatten().map(|(key, text)| (key.as_str(), text.as_str()))
    }

    /// Every key is one of the widget's and every text 1 to [`Self::MAX_CHARS`] characters;
    /// the error's field is `<language>.<key>`.
    pub fn check(&self) -> Result<(), FieldError> {
        for (locale, texts) in &self.0 {
            for (key, text) in texts {
                let field = || Cow::Owned(format!("{}.{key}", locale.as_str()));
                if !TEXT_KEYS.lines().any(|known| known == key) {
                    return Err(
                        FieldError::invalid("", "No widget text has this key; the keys are listed in docs/embedding.md.").at(field())
                    );
                }
                if text.trim().is_empty() {
                    return Err(FieldError::missing("", "Write the text, or leave the key out to keep the widget's own.").at(field()));
                }
                if text.chars().count() > Self::MAX_CHARS {
                    return Err(FieldError::invalid("", "A text may have up to 300 characters.").at(field()));
                }
            }
        }
        Ok(())
    }
}

/// Languages as keys, the widget's text keys as their keys, texts of 1 to 300 characters.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for TextOverrides {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(Self::MAX_CHARS))
            .pattern(Some(format!("[^{}]", crate::openapi::BLANK)))
            .description(Some("The merchant's text, 1 to 300 characters, not blank"));
        let keys = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(TEXT_KEYS.lines()));
        let per_language = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property_names(Some(keys))
            .additional_properties(Some(AdditionalProperties::RefOr(text.into())));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property_names(Some(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["en", "ru", "ar"]))))
            .additional_properties(Some(AdditionalProperties::RefOr(per_language.into())))
            .description(Some(
                "Per language, text key → the merchant's text. A front-end developer's `init({ strings })` wins over it for the keys both set.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for TextOverrides {}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrides(json: serde_json::Value) -> TextOverrides {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn known_keys_pass_and_the_field_names_a_bad_one() {
        assert!(overrides(serde_json::json!({"ru": {"track_order": "Где посылка?", "complaint.send": "Отправить"}})).check().is_ok());
        let unknown = overrides(serde_json::json!({"en": {"complaint.sendd": "Send"}})).check().unwrap_err();
        assert_eq!(unknown.field, "en.complaint.sendd");
        let empty = overrides(serde_json::json!({"ar": {"track_order": "  "}})).check().unwrap_err();
        assert_eq!((empty.field.as_ref(), empty.code), ("ar.track_order", crate::ErrorCode::Missing));
        let long = overrides(serde_json::json!({"en": {"track_order": "x".repeat(301)}})).check().unwrap_err();
        assert_eq!((long.code, long.message), (crate::ErrorCode::Invalid, "A text may have up to 300 characters."));
        assert!(serde_json::from_value::<TextOverrides>(serde_json::json!({"de": {"track_order": "Wo?"}})).is_err(), "only our languages");
    }

    #[test]
    fn the_key_list_is_one_key_per_line() {
        assert!(TEXT_KEYS.lines().count() > 100);
        assert!(
            TEXT_KEYS
                .lines()
                .all(|key| !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'))
        );
    }
}
