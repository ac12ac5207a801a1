//! One-click CSAT: a 1–5 score on a subject (a complaint, an order, or the shop's service as
//! a whole), an optional comment, and the merchant's figures.

use serde::{Deserialize, Serialize};

use crate::{CalendarDate, ComplaintCategory, EscalationLevel, FieldError, Locale, OrderNumber, Timestamp};

/// A rating from 1 (very dissatisfied) to 5 (very satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CsatScore(u8);

impl CsatScore {
    pub const FIELD: &'static str = "score";
    pub const ALL: [CsatScore; 5] = [Self(1), Self(2), Self(3), Self(4), Self(5)];

    pub fn parse(raw: u8) -> Result<Self, FieldError> {
        if (1..=5).contains(&raw) { Ok(Self(raw)) } else { Err(FieldError::invalid(Self::FIELD, "A score is a whole number from 1 to 5.")) }
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// 4 and 5 count as satisfied in the CSAT percentage.
    pub const fn is_satisfied(self) -> bool {
        self.0 >= 4
    }
}

/// What each score is called, as the widget's buttons and the e-mail's rating page say it:
/// one place, so both always agree. The words describe the experience, not the shopper, so
/// they need no grammatical gender (Russian and Arabic adjectives about a person would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)] // texts only, in this order: the widget addresses them by key (its i18n tables)
pub struct SatisfactionLabels {
    pub very_dissatisfied: &'static str,
    pub dissatisfied: &'static str,
    pub neutral: &'static str,
    pub satisfied: &'static str,
    pub very_satisfied: &'static str,
}

impl SatisfactionLabels {
    pub const EN: Self = Self {
        very_dissatisfied: "Very dissatisfied",
        dissatisfied: "Dissatisfied",
        neutral: "Neither satisfied nor dissatisfied",
        satisfied: "Satisfied",
        very_satisfied: "Very satisfied",
    };
    pub const RU: Self = Self {
        very_dissatisfied: "Очень плохо",
        dissatisfied: "Плохо",
        neutral: "Нормально",
        satisfied: "Хорошо",
        very_satisfied: "Отлично",
    };
    pub const AR: Self =
        Self {
            very_dissatisfied: "سيئ جدًا", dissatisfied: "سيئ", neutral: "مقبول", satisfied: "جيد", very_satisfied: "ممتاز"
        };

    pub const fn of(locale: Locale) -> Self {
        match locale {
            Locale::En => Self::EN,
            Locale::Ru => Self::RU,
            Locale::Ar => Self::AR,
        }
    }

    pub const fn label(&self, score: CsatScore) -> &'static str {
        match score.0 {
            1 => self.very_dissatisfied,
            2 => self.dissatisfied,
            3 => self.neutral,
            4 => self.satisfied,
            _ => self.very_satisfied,
        }
    }
}

impl TryFrom<u8> for CsatScore {
    type Error = FieldError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<CsatScore> for u8 {
    fn from(value: CsatScore) -> Self {
        value.0
    }
}

/// What is rated. On the wire and in URLs one string: `complaint:C-7K3Q9M2A`,
/// `order:NW-1001`, or `service` (an identified shopper's view of the shop's service).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CsatSubject {
    Complaint(String),
    Order(OrderNumber),
    Service,
}

impl CsatSubject {
    pub const FIELD: &'static str = "subject";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        const WHY: &str = "A subject is `complaint:<ticket>`, `order:<order number>` or `service`.";
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::missing(Self::FIELD, WHY));
        }
        if raw == "service" {
            return Ok(Self::Service);
        }
        match raw.split_once(':') {
            Some(("complaint", ticket)) => {
                let ticket = ticket.to_ascii_uppercase();
                let valid = ticket.len() == 10 && ticket.starts_with("C-") && ticket[2..].bytes().all(|b| b.is_ascii_alphanumeric());
                if valid { Ok(Self::Complaint(ticket)) } else { Err(FieldError::invalid(Self::FIELD, WHY)) }
            }
            Some(("order", number)) => OrderNumber::parse(number).map(Self::Order).map_err(|_| FieldError::invalid(Self::FIELD, WHY)),
            _ => Err(FieldError::invalid(Self::FIELD, WHY)),
        }
    }

    /// `complaint`, `order` or `service`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Complaint(_) => "complaint",
            Self::Order(_) => "order",
            Self::Service => "service",
        }
    }
}

impl std::fmt::Display for CsatSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Complaint(ticket) => write!(f, "complaint:{ticket}"),
            Self::Order(number) => write!(f, "order:{}", number.as_str()),
            Self::Service => f.write_str("service"),
        }
    }
}

impl TryFrom<String> for CsatSubject {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CsatSubject> for String {
    fn from(value: CsatSubject) -> Self {
        value.to_string()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CsatScore {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(5))
            .description(Some("1 (very dissatisfied) to 5 (very satisfied)"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CsatScore {}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CsatSubject {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(crate::openapi::subject_pattern(true)))
            .description(Some("`complaint:<ticket>`, `order:<order number>` or `service`"))
            .examples(["complaint:C-7K3Q9M2A", "order:NW-1001", "service"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CsatSubject {}

/// A comment after the score: at most 1,000 characters after trimming; empty clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CsatComment(String);

impl CsatComment {
    pub const FIELD: &'static str = "comment";
    pub const MAX_CHARS: usize = 1000;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::invalid(Self::FIELD, "A comment is at most 1000 characters."));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

string_newtype!(CsatComment);

#[cfg(feature = "openapi")]
mod schemas {
    use super::*;
    use crate::openapi::{Lines, documented, text};

    documented! {
        CsatComment => text(0, 1000, Lines::Many, "Up to 1,000 characters; blank removes the comment");
    }
}

/// `PUT /v1/csat/{subject}`: the score, and the comment when the shopper adds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatAnswerRequest {
    pub score: CsatScore,
    /// Absent: the stored comment stays. Empty: it is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<CsatComment>,
}

/// The shopper's answer on one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatAnswer {
    pub subject: CsatSubject,
    pub score: CsatScore,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When the shopper first answered.
    pub answered_at: Timestamp,
    /// Until when the score and comment can be changed (the merchant's edit window).
    pub editable_until: Timestamp,
    /// Whether it can still be changed now.
    pub editable: bool,
}

/// `GET /v1/csat/{subject}`: the answer so far, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<CsatAnswer>,
}

/// The merchant's CSAT settings (`PUT /v1/merchant/csat/settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatSettings {
    /// Hours after the first answer during which the shopper may change it (1 to 720).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 720))]
    pub edit_window_hours: i64,
}

impl Default for CsatSettings {
    fn default() -> Self {
        Self { edit_window_hours: 24 }
    }
}

impl CsatSettings {
    pub fn check(&self) -> Result<(), FieldError> {
        if (1..=720).contains(&self.edit_window_hours) {
            Ok(())
        } else {
            Err(FieldError::invalid("edit_window_hours", "The edit window is 1 to 720 hours."))
        }
    }
}

/// `POST /v1/merchant/csat/links`: one-click links for an e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatLinksRequest {
    /// A complaint or an order (`service` needs a signed-in shopper and has no links).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::LinkSubject))]
    pub subject: CsatSubject,
    /// How long the links work, in days (1 to 60; default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub valid_days: Option<i64>,
    /// The language of the thank-you page (`en`, `ru`, `ar`); default: the shopper's browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<crate::Locale>,
}

/// One link per score, lowest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatLink {
    pub score: CsatScore,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatLinks {
    pub subject: CsatSubject,
    pub expires_at: Timestamp,
    pub links: Vec<CsatLink>,
}

/// Counts and the CSAT percentage of one slice of answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatFigures {
    pub count: u64,
    /// Share of 4s and 5s, 0–100 with one decimal; `None` without answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_percent: Option<f64>,
    /// Answers per score, 1 to 5.
    pub distribution: [u64; 5],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatDay {
    pub date: CalendarDate,
    #[serde(flatten)]
    pub figures: CsatFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatByCategory {
    pub category: ComplaintCategory,
    #[serde(flatten)]
    pub figures: CsatFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatByLevel {
    /// The complaint's escalation level when it was rated.
    pub level: EscalationLevel,
    #[serde(flatten)]
    pub figures: CsatFigures,
}

/// `GET /v1/merchant/csat/metrics?from=&to=`: answers first given in the range (UTC dates,
/// both included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatMetrics {
    pub from: CalendarDate,
    pub to: CalendarDate,
    #[serde(flatten)]
    pub overall: CsatFigures,
    /// Every day of the range, oldest first (days without answers count 0).
    pub daily: Vec<CsatDay>,
    /// Complaint answers only, per category with answers.
    pub by_category: Vec<CsatByCategory>,
    /// Complaint answers only, per escalation level with answers.
    pub by_level: Vec<CsatByLevel>,
}

/// One answer as the merchant reads it (`GET /v1/merchant/csat/answers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantCsatAnswer {
    pub subject: CsatSubject,
    pub score: CsatScore,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shopper_email: Option<String>,
    /// `widget` or `email`: where the last change came from.
    pub source: String,
    pub answered_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn scores_are_one_to_five() {
        assert_eq!(CsatScore::ALL.map(CsatScore::get), [1, 2, 3, 4, 5]);
        for bad in [0, 6, 255] {
            assert_eq!(CsatScore::parse(bad).unwrap_err().field, "score");
        }
        assert!(serde_json::from_str::<CsatScore>("6").is_err());
        assert!(!CsatScore::parse(3).unwrap().is_satisfied() && CsatScore::parse(4).unwrap().is_satisfied());
    }

    #[test]
    fn subjects_round_trip_through_one_string() {
        for raw in ["complaint:C-7K3Q9M2A", "order:NW-1001", "service"] {
            let subject = CsatSubject::parse(raw).unwrap();
            assert_eq!(subject.to_string(), raw);
            assert_eq!(serde_json::to_value(&subject).unwrap(), serde_json::json!(raw));
        }
        assert_eq!(CsatSubject::parse("complaint:c-7k3q9m2a").unwrap().to_string(), "complaint:C-7K3Q9M2A");
        assert_eq!(CsatSubject::parse("").unwrap_err().code, ErrorCode::Missing);
        for bad in ["complaint:", "complaint:X-1", "order:", "order:with space", "shop", "service:x", "complaint:C-7K3Q9M2A/../"] {
            assert_eq!(CsatSubject::parse(bad).unwrap_err().code, ErrorCode::Invalid, "{bad}");
        }
    }

    #[test]
    fn comments_are_trimmed_and_bounded() {
        assert_eq!(CsatComment::parse("  quick  ").unwrap().as_str(), "quick");
        assert!(CsatComment::parse("   ").unwrap().is_empty());
        assert!(CsatComment::parse(&"ж".repeat(1000)).is_ok());
        assert_eq!(CsatComment::parse(&"ж".repeat(1001)).unwrap_err().field, "comment");
    }

    #[test]
    fn edit_window_setting_is_bounded() {
        assert!(CsatSettings::default().check().is_ok());
        assert!(CsatSettings { edit_window_hours: 0 }.check().is_err());
        assert!(CsatSettings { edit_window_hours: 721 }.check().is_err());
    }
}
