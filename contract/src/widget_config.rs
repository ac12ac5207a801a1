//! `GET /v1/widget/config`: what the widget needs to greet a shopper on a merchant's site.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{FieldError, Locale, LookupMode, TextOverrides};

/// The widget's configuration for one merchant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetConfig {
    /// The shop's name as shoppers know it.
    pub merchant_name: String,
    /// The merchant's own greeting per language; the widget falls back to its built-in one.
    #[serde(default)]
    pub greetings: BTreeMap<Locale, String>,
    /// Capabilities the merchant has switched on, in display order.
    pub features: Vec<Feature>,
    pub theme: Theme,
    /// What shoppers give with the order number to look an order up.
    #[serde(default)]
    pub lookup_by: LookupMode,
}

/// The body of `GET /v1/widget/config`: the configuration and the merchant's own texts. The
/// widget reads `strings` from the JSON itself, like a page's `init({ strings })` (a serde map of
/// maps would cost its first open kilobytes); Rust readers get both here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetConfigBody {
    #[serde(flatten)]
    pub config: WidgetConfig,
    /// The merchant's own wording, per language and text key (left out when there is none).
    #[serde(default, skip_serializing_if = "TextOverrides::is_empty")]
    pub strings: TextOverrides,
}

impl WidgetConfig {
    pub fn greeting(&self, locale: Locale) -> Option<&str> {
        self.greetings.get(&locale).map(String::as_str)
    }
}

/// One of the four capabilities of the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    OrderStatus,
    Complaints,
    Csat,
    Loyalty,
}

impl Feature {
    pub const ALL: [Feature; 4] = [Feature::OrderStatus, Feature::Complaints, Feature::Csat, Feature::Loyalty];

    /// The feature serde names `name`, if this build knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|feature| feature.as_str() == name)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OrderStatus => "order_status",
            Self::Complaints => "complaints",
            Self::Csat => "csat",
            Self::Loyalty => "loyalty",
        }
    }
}

/// The merchant's look. A front-end developer's CSS custom properties on the page win over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Theme {
    pub accent: AccentColor,
    pub radius: CornerRadius,
    pub color_scheme: ColorScheme,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            accent: AccentColor::parse("#4f46e5").expect("default accent is valid"),
            radius: CornerRadius(12),
            color_scheme: ColorScheme::Auto,
        }
    }
}

/// A `#rrggbb` colour (lower-cased). Only this form, so it is safe inside a CSS value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccentColor(String);

impl AccentColor {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let hex = raw.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FieldError::invalid("theme.accent", "The accent is a colour like `#4f46e5`."));
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }
}

/// Corner radius of the panel in CSS pixels, 0–24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CornerRadius(u8);

impl CornerRadius {
    pub const MAX: u8 = 24;
    pub fn parse(px: u8) -> Result<Self, FieldError> {
        if px > Self::MAX {
            return Err(FieldError::invalid("theme.radius", "The corner radius is 0 to 24 pixels."));
        }
        Ok(Self(px))
    }
    pub const fn px(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for CornerRadius {
    type Error = FieldError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<CornerRadius> for u8 {
    fn from(value: CornerRadius) -> Self {
        value.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ColorScheme {
    Light,
    Dark,
    /// Follows the shopper's system setting.
    #[default]
    Auto,
}

impl ColorScheme {
    pub const ALL: [ColorScheme; 3] = [Self::Light, Self::Dark, Self::Auto];

    /// The scheme serde names `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scheme| scheme.as_str() == name)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Auto => "auto",
        }
    }
}

/// `PATCH /v1/merchant/widget/settings`: what shoppers see of the shop. A field left out keeps
/// its value; `greetings` replaces every language's greeting at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetSettingsRequest {
    /// The shop's name in the panel's header, 1 to 80 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ShopName>))]
    pub merchant_name: Option<String>,
    /// The greeting on the panel's first screen per language, each 1 to 300 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<Locale, Greeting>>))]
    pub greetings: Option<BTreeMap<Locale, String>>,
    /// The capabilities switched on, in display order (at least one, each once); the server
    /// refuses calls to the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::feature_list))]
    pub features: Option<Vec<Feature>>,
    /// The accent colour, corner radius and colour scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// What shoppers give with the order number to look an order up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_by: Option<LookupMode>,
}

/// `POST /v1/merchant/widget/preview`: the real widget shows the unsaved settings when its
/// `api` is `<server>/preview/<token>`, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetPreview {
    pub token: String,
    pub expires_at: crate::Timestamp,
}

/// `GET/PUT /v1/merchant/widget/origins`: the sites whose pages may use the publishable key
/// (scheme, host and port, e.g. `https://shop.example`): 1 to 20.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopOrigins {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20, value_type = Vec<crate::openapi::field::ShopOrigin>))]
    pub origins: Vec<String>,
}

/// The shop's name as the widget shows it: 1 to [`ShopName::MAX_CHARS`] characters, no
/// control characters (it sits in a one-line header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopName(String);

impl ShopName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(FieldError::missing("merchant_name", "The shop's name cannot be empty."));
        }
        if name.chars().count() > Self::MAX_CHARS || name.chars().any(char::is_control) {
            return Err(FieldError::invalid("merchant_name", "The shop's name is 1 to 80 characters on one line."));
        }
        Ok(Self(name.to_owned()))
    }
}

/// A greeting on the widget's first screen: 1 to [`Greeting::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting(String);

impl Greeting {
    pub const MAX_CHARS: usize = 300;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let greeting = raw.trim();
        if greeting.is_empty() || greeting.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::invalid("greetings", "A greeting is 1 to 300 characters."));
        }
        Ok(Self(greeting.to_owned()))
    }
}

/// The features of a settings change: at least one, each once.
pub fn parse_features(features: &[Feature]) -> Result<Vec<Feature>, FieldError> {
    let each_once = features.iter().enumerate().all(|(i, f)| !features[..i].contains(f));
    if features.is_empty() || !each_once {
        return Err(FieldError::invalid("features", "Switch on at least one capability, each once."));
    }
    Ok(features.to_vec())
}

string_newtype!(AccentColor, ShopName, Greeting);

#[cfg(feature = "openapi")]
mod schemas {
    use super::*;
    use crate::openapi::{Lines, documented, padded, string, text};
    use utoipa::openapi::schema::{ObjectBuilder, Type};

    documented! {
        AccentColor => string(&padded("#[0-9A-Fa-f]{6}"), "A `#rrggbb` colour (lower-cased). Only this form, so it is safe inside a CSS value.");
        CornerRadius => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(CornerRadius::MAX))
            .description(Some("Corner radius of the panel in CSS pixels, 0–24."))
            .into();
        ShopName => text(1, ShopName::MAX_CHARS, Lines::One, "The shop's name, 1 to 80 characters on one line");
        Greeting => text(1, Greeting::MAX_CHARS, Lines::Many, "1 to 300 characters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accent_accepts_only_hex_rgb() {
        assert_eq!(AccentColor::parse("#A1B2C3").unwrap().as_str(), "#a1b2c3");
        for bad in ["red", "#fff", "#12345g", "1234567", "#123456;}"] {
            assert!(AccentColor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shop_names_and_greetings_are_bounded() {
        assert_eq!(ShopName::parse("  Northwind Goods ").unwrap().as_str(), "Northwind Goods");
        assert_eq!(ShopName::parse(&"ж".repeat(80)).unwrap().as_str().chars().count(), 80, "characters, not bytes");
        assert_eq!(ShopName::parse(&"ж".repeat(81)).unwrap_err().field, "merchant_name");
        assert_eq!(ShopName::parse(" ").unwrap_err().code, crate::ErrorCode::Missing);
        assert!(ShopName::parse("Two\nlines").is_err());
        assert!(Greeting::parse(&"a".repeat(300)).is_ok());
        assert_eq!(Greeting::parse(&"a".repeat(301)).unwrap_err().field, "greetings");
        assert!(parse_features(&[Feature::Csat, Feature::OrderStatus]).is_ok());
        assert!(parse_features(&[]).is_err());
        assert!(parse_features(&[Feature::Csat, Feature::Csat]).is_err());
    }

    #[test]
    fn from_name_matches_serde_names() {
        for feature in Feature::ALL {
            assert_eq!(serde_json::from_value::<Feature>(serde_json::json!(feature.as_str())).unwrap(), feature);
            assert_eq!(Feature::from_name(feature.as_str()), Some(feature));
        }
        for scheme in ColorScheme::ALL {
            assert_eq!(serde_json::from_value::<ColorScheme>(serde_json::json!(scheme.as_str())).unwrap(), scheme);
            assert_eq!(ColorScheme::from_name(scheme.as_str()), Some(scheme));
        }
        for mode in crate::LookupMode::ALL {
            assert_eq!(serde_json::from_value::<crate::LookupMode>(serde_json::json!(mode.as_str())).unwrap(), mode);
            assert_eq!(crate::LookupMode::from_name(mode.as_str()), Some(mode));
        }
        assert_eq!(Feature::from_name("chat"), None);
        assert_eq!(ColorScheme::from_name("Dark"), None);
        assert_eq!(crate::LookupMode::from_name("phone"), None);
    }

    #[test]
    fn radius_is_bounded() {
        assert_eq!(CornerRadius::parse(24).unwrap().px(), 24);
        assert!(CornerRadius::parse(25).is_err());
        assert!(serde_json::from_str::<CornerRadius>("99").is_err());
    }

    #[test]
    fn config_round_trips_with_locale_keys() {
        let mut greetings = BTreeMap::new();
        greetings.insert(Locale::Ru, "Здравствуйте!".to_owned());
        let config = WidgetConfig {
            merchant_name: "Shop".into(),
            greetings,
            features: Feature::ALL.to_vec(),
            theme: Theme::default(),
            lookup_by: LookupMode::Postcode,
        };
        let body = WidgetConfigBody { config: config.clone(), strings: TextOverrides::default() };
        assert!(serde_json::to_value(&body).unwrap().get("strings").is_none(), "left out when the merchant has none");
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(json["greetings"]["ru"], "Здравствуйте!");
        assert_eq!(json["features"][0], "order_status");
        let back: WidgetConfig = serde_json::from_value(json).unwrap();
        assert_eq!(back, config);
        assert_eq!(back.greeting(Locale::Ru), Some("Здравствуйте!"));
        assert_eq!(back.greeting(Locale::En), None);
    }
}
