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
}
