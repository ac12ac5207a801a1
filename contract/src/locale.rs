//! The languages the widget ships in.

use serde::{Deserialize, Serialize};

/// A UI language of the widget. English and Russian, and Arabic as the right-to-left one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Ru,
    Ar,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Ru, Locale::Ar];

    /// Matches a BCP 47 tag (`ru`, `ru-RU`, `AR_eg`) by its primary language subtag.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "ru" => Some(Self::Ru),
            "ar" => Some(Self::Ar),
            _ => None,
        }
    }

    /// The locale serde names `name` exactly (a JSON map's key), unlike [`Self::from_tag`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|locale| locale.as_str() == name)
    }

    /// The first candidate tag we support, else English.
    pub fn negotiate<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        candidates.into_iter().find_map(Self::from_tag).unwrap_or_default()
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ru => "ru",
            Self::Ar => "ar",
        }
    }

    pub const fn is_rtl(self) -> bool {
        matches!(self, Self::Ar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_primary_subtag_in_order() {
        assert_eq!(Locale::negotiate(["de-DE", "ru-RU", "en"]), Locale::Ru);
        assert_eq!(Locale::negotiate(["AR_eg"]), Locale::Ar);
        assert_eq!(Locale::negotiate(["", "fr"]), Locale::En);
        assert!(Locale::Ar.is_rtl() && !Locale::Ru.is_rtl());
    }

    #[test]
    fn from_name_matches_serde_names_exactly() {
        for locale in Locale::ALL {
            assert_eq!(serde_json::from_value::<Locale>(serde_json::json!(locale.as_str())).unwrap(), locale);
            assert_eq!(Locale::from_name(locale.as_str()), Some(locale));
        }
        assert_eq!(Locale::from_name("ru-RU"), None);
        assert_eq!(Locale::from_name("de"), None);
    }
}
