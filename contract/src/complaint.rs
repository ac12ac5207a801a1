//! Complaints: what a shopper files, and how its ticket is shown.

use serde::{Deserialize, Serialize};

use crate::{FieldError, OrderNumber, Timestamp};

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintCategory {
    Damaged,
    MissingItem,
    WrongItem,
    LateDelivery,
    Quality,
    Service,
    Other,
}

impl ComplaintCategory {
    pub const ALL: [ComplaintCategory; 7] =
        [Self::Damaged, Self::MissingItem, Self::WrongItem, Self::LateDelivery, Self::Quality, Self::Service, Self::Other];

    /// The name on the wire (`missing_item`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Damaged => "damaged",
            Self::MissingItem => "missing_item",
            Self::WrongItem => "wrong_item",
            Self::LateDelivery => "late_delivery",
            Self::Quality => "quality",
            Self::Service => "service",
            Self::Other => "other",
        }
    }
}

/// What the shopper would like done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DesiredResolution {
    Refund,
    Replacement,
    Repair,
    Compensation,
    JustLetYouKnow,
}

/// How the shopper wants to hear back (the ticket is always visible in the widget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactPreference {
    Email,
    Phone,
    WidgetOnly,
}

/// Who looks at the complaint: support (L1), a supervisor (L2), a manager (L3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    L1,
    L2,
    L3,
}

impl EscalationLevel {
    pub const fn next(self) -> Option<Self> {
        match self {
            Self::L1 => Some(Self::L2),
            Self::L2 => Some(Self::L3),
            Self::L3 => None,
        }
    }

    pub const fn previous(self) -> Option<Self> {
        match self {
            Self::L1 => None,
            Self::L2 => Some(Self::L1),
            Self::L3 => Some(Self::L2),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::L1 => "l1",
            Self::L2 => "l2",
            Self::L3 => "l3",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    /// VIP shoppers and repeat complaints about the same order within 24 h.
    High,
}

/// Where the ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// Waiting for the merchant's first (or next) answer.
    Open,
    /// The merchant replied; the shopper may answer or escalate.
    Answered,
    Resolved,
}

impl ComplaintStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Resolved => "resolved",
        }
    }
}

/// The shopper's account of the problem: 20 to 2,000 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ComplaintDescription(String);

impl ComplaintDescription {
    pub const FIELD: &'static str = "description";
    pub const MIN_CHARS: usize = 20;
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(FieldError::missing(Self::FIELD, "Describe what went wrong."));
        }
        if chars < Self::MIN_CHARS {
            return Err(FieldError::invalid(Self::FIELD, "The description needs at least 20 characters."));
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::invalid(Self::FIELD, "The description is at most 2000 characters."));
        }
        Ok(Self(text.to_owned()))
    }
}

/// Why someone moves a complaint up or down a level: 5 to 500 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EscalationReason(String);

impl EscalationReason {
    pub const FIELD: &'static str = "reason";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(FieldError::missing(Self::FIELD, "Say why, so the next person knows."));
        }
        if !(5..=500).contains(&chars) {
            return Err(FieldError::invalid(Self::FIELD, "A reason is 5 to 500 characters."));
        }
        Ok(Self(text.to_owned()))
    }
}

/// The `Idempotency-Key` header: made by the client when the shopper presses Send and
/// reused on every retry. 8 to 100 characters of letters, digits, `-`, `_` or `:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const FIELD: &'static str = "idempotency-key";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let key = raw.trim();
        if key.is_empty() {
            return Err(FieldError::missing(Self::FIELD, "Send an Idempotency-Key header so a retry cannot file twice."));
        }
        let valid = (8..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'));
        if !valid {
            return Err(FieldError::invalid(Self::FIELD, "An Idempotency-Key is 8 to 100 letters, digits, '-', '_' or ':'."));
        }
        Ok(Self(key.to_owned()))
    }
}

string_newtype!(ComplaintDescription, EscalationReason, IdempotencyKey);

#[cfg(feature = "openapi")]
mod schemas {
    use super::*;
    use crate::openapi::{Lines, documented, text};

    documented! {
        ComplaintDescription => text(20, 2000, Lines::Many, "What went wrong, 20 to 2,000 characters");
        EscalationReason => text(5, 500, Lines::Many, "Why, 5 to 500 characters");
    }
}

/// `POST /v1/complaints`, as the shopper filled it in (sent with an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComplaintRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = OrderNumber))]
    pub order_number: String,
    /// Positions of the concerned items in the order's `items` (may be empty), each once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::item_positions))]
    pub items: Vec<u32>,
    pub category: ComplaintCategory,
    #[cfg_attr(feature = "openapi", schema(value_type = ComplaintDescription))]
    pub description: String,
    pub desired_resolution: DesiredResolution,
    pub contact_preference: ContactPreference,
}

/// Who did something to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Shopper,
    Merchant,
    /// The SLA clock.
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintEventKind {
    Created,
    Replied,
    Escalated,
    DeEscalated,
    Resolved,
    Reopened,
    BonusCredited,
}

/// One entry of a complaint's audit trail: who, when, what, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintTimelineEntry {
    pub kind: ComplaintEventKind,
    pub actor: Actor,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_level: Option<EscalationLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_level: Option<EscalationLevel>,
    /// Why (escalations, reopening, a rejection), the merchant's words (replies), or the
    /// merchant's note on a resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How it was settled (`resolved` entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<ResolutionKind>,
    /// Loyalty points credited (`bonus_credited` entries), after the cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// The member of staff who acted, by the name shoppers see (replies and actions made in
    /// the support console).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The kind of a [`Resolution`], as the timeline records it (the widget words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResolutionKind {
    Refund,
    Replacement,
    Repair,
    Compensation,
    Rejected,
}

impl ResolutionKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Refund => "refund",
            Self::Replacement => "replacement",
            Self::Repair => "repair",
            Self::Compensation => "compensation",
            Self::Rejected => "rejected",
        }
    }
}

impl Resolution {
    pub const fn kind(&self) -> ResolutionKind {
        match self {
            Self::Refund => ResolutionKind::Refund,
            Self::Replacement => ResolutionKind::Replacement,
            Self::Repair => ResolutionKind::Repair,
            Self::Compensation { .. } => ResolutionKind::Compensation,
            Self::Rejected { .. } => ResolutionKind::Rejected,
        }
    }
}

/// How a merchant settles a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    Refund,
    Replacement,
    Repair,
    /// Loyalty points credited to the shopper (capped per shopper per 30 days).
    Compensation {
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
        points: i64,
    },
    Rejected {
        #[cfg_attr(feature = "openapi", schema(value_type = EscalationReason))]
        reason: String,
    },
}

/// `POST /v1/merchant/complaints/{ticket}/actions` (secret key): what the merchant's team does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MerchantAction {
    /// An answer the shopper reads in the ticket; it keeps the response promise.
    Reply {
        #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::ReplyText))]
        text: String,
    },
    Resolve {
        resolution: Resolution,
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::field::ResolutionNote>))]
        note: Option<String>,
    },
    Reopen {
        #[cfg_attr(feature = "openapi", schema(value_type = EscalationReason))]
        reason: String,
    },
    Escalate {
        #[cfg_attr(feature = "openapi", schema(value_type = EscalationReason))]
        reason: String,
    },
    DeEscalate {
        #[cfg_attr(feature = "openapi", schema(value_type = EscalationReason))]
        reason: String,
    },
}

/// A note the shop's staff leave on a complaint for each other (never shown to the shopper).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintNote {
    pub at: Timestamp,
    /// Who wrote it (a member of staff's display name); absent for the shop's backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub text: String,
}

/// `POST /v1/merchant/complaints/{ticket}/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComplaintNote {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::NoteText))]
    pub text: String,
}

/// `POST /v1/complaints/{ticket}/escalate`: the shopper asks for the next level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopperEscalationRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = EscalationReason))]
    pub reason: String,
}

/// A complaint's ticket, as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintView {
    /// What the shopper quotes, e.g. `C-7K3Q9M2A`.
    pub ticket: String,
    pub order_number: OrderNumber,
    pub status: ComplaintStatus,
    pub level: EscalationLevel,
    pub priority: Priority,
    pub category: ComplaintCategory,
    pub description: String,
    pub desired_resolution: DesiredResolution,
    pub contact_preference: ContactPreference,
    pub items: Vec<u32>,
    pub created_at: Timestamp,
    /// When the merchant's next answer is promised; absent once answered or resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_due: Option<Timestamp>,
    /// Oldest first.
    pub timeline: Vec<ComplaintTimelineEntry>,
    /// Whether the shopper may ask for the next level now (after an answer or a broken
    /// promise, once per level, below L3).
    pub can_escalate: bool,
}

/// `GET /v1/merchant/complaints/counts`: complaints per state, for the inbox's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintCounts {
    pub open: u64,
    /// Open and past their promised response time.
    pub overdue: u64,
    pub answered: u64,
    pub resolved: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn category_names_are_the_wire_names() {
        for category in ComplaintCategory::ALL {
            assert_eq!(serde_json::to_string(&category).unwrap(), format!("\"{}\"", category.as_str()));
        }
    }

    #[test]
    fn descriptions_are_trimmed_and_bounded_in_characters() {
        assert_eq!(ComplaintDescription::parse("   ").unwrap_err().code, ErrorCode::Missing);
        assert_eq!(ComplaintDescription::parse("too short").unwrap_err().code, ErrorCode::Invalid);
        let russian = "Кружка пришла с трещиной на ручке."; // 34 characters, 63 bytes
        assert!(ComplaintDescription::parse(russian).is_ok());
        assert!(ComplaintDescription::parse(&"я".repeat(2000)).is_ok(), "limits count characters, not bytes");
        assert!(ComplaintDescription::parse(&"a".repeat(2001)).is_err());
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(EscalationReason::parse("").unwrap_err().field, "reason");
        assert!(EscalationReason::parse("meh").is_err());
        assert!(EscalationReason::parse("No answer for two days").is_ok());
    }

    #[test]
    fn levels_form_a_ladder() {
        assert_eq!(EscalationLevel::L1.next(), Some(EscalationLevel::L2));
        assert_eq!(EscalationLevel::L3.next(), None);
        assert_eq!(EscalationLevel::L1.previous(), None);
        assert_eq!(serde_json::to_value(EscalationLevel::L2).unwrap(), serde_json::json!("l2"));
        assert_eq!(serde_json::to_value(ComplaintCategory::MissingItem).unwrap(), serde_json::json!("missing_item"));
    }
}
