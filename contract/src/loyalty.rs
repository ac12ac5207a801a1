//! Loyalty: tiers (the merchant's data), the shopper's ledger of points, and the summary the
//! widget's "My bonuses" card shows. Balance, tier and progress are derived from the ledger.

use serde::{Deserialize, Serialize};

use crate::{FieldError, OrderNumber, Timestamp};

/// One tier as the merchant defines it (`PUT /v1/merchant/loyalty/tiers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoyaltyTier {
    /// A short stable id, e.g. `gold` (lowercase letters, digits, `-`, `_`).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::TierId))]
    pub id: String,
    /// What shoppers read, e.g. "Gold".
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::TierName))]
    pub name: String,
    /// Points earned in all (orders, compensation, positive adjustments) to reach this tier;
    /// the first tier's is 0.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub threshold: i64,
    /// Earn rate on orders in percent: 100 earns 1 point per 1.00 of the order's total.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub earn_percent: i64,
    /// Promised time to the first answer on a complaint, in hours (the SLA policy).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 720))]
    pub response_hours: i64,
    /// VIP complaints get high priority.
    #[serde(default)]
    pub vip: bool,
}

impl LoyaltyTier {
    pub const MAX_THRESHOLD: i64 = 1_000_000_000;

    /// The defaults: Bronze, Silver, Gold and VIP.
    pub fn defaults() -> Vec<LoyaltyTier> {
        let tier = |id: &str, name: &str, threshold, earn_percent, response_hours, vip| LoyaltyTier {
            id: id.into(),
            name: name.into(),
            threshold,
            earn_percent,
            response_hours,
            vip,
        };
        vec![
            tier("bronze", "Bronze", 0, 100, 24, false),
            tier("silver", "Silver", 500, 125, 12, false),
            tier("gold", "Gold", 1500, 150, 4, false),
            tier("vip", "VIP", 5000, 200, 1, true),
        ]
    }

    /// A usable tier list: 1 to 10 tiers, unique ids, the first at 0, thresholds rising.
    pub fn check_list(tiers: &[LoyaltyTier]) -> Result<(), FieldError> {
        if tiers.is_empty() || tiers.len() > 10 {
            return Err(FieldError::invalid("tiers", "Define 1 to 10 tiers."));
        }
        if tiers[0].threshold != 0 {
            return Err(FieldError::invalid("tiers[0].threshold", "The first tier starts at 0 points."));
        }
        for (i, tier) in tiers.iter().enumerate() {
            let valid_id = (1..=32).contains(&tier.id.len())
                && tier.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
            if !valid_id {
                return Err(FieldError::invalid("tiers.id", "A tier id is 1 to 32 lowercase letters, digits, '-' or '_'."));
            }
            if tiers[..i].iter().any(|t| t.id == tier.id) {
                return Err(FieldError::invalid("tiers.id", "Each tier id is used once."));
            }
            if tier.name.trim().is_empty() || tier.name.chars().count() > 40 {
                return Err(FieldError::invalid("tiers.name", "A tier name is 1 to 40 characters."));
            }
            if tier.threshold > Self::MAX_THRESHOLD {
                return Err(FieldError::invalid("tiers.threshold", "A threshold is at most 1000000000 points."));
            }
            if i > 0 && tier.threshold <= tiers[i - 1].threshold {
                return Err(FieldError::invalid("tiers.threshold", "Thresholds rise from one tier to the next."));
            }
            if !(0..=1000).contains(&tier.earn_percent) {
                return Err(FieldError::invalid("tiers.earn_percent", "An earn rate is 0 to 1000 percent."));
            }
            if !(1..=720).contains(&tier.response_hours) {
                return Err(FieldError::invalid("tiers.response_hours", "A response time is 1 to 720 hours."));
            }
        }
        Ok(())
    }
}

/// Why points moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoyaltyEntryKind {
    /// Earned on a delivered order.
    Order,
    /// Made up for a complaint (a broken promise, or a compensation resolution).
    Compensation,
    /// Added or removed by the merchant, with a reason.
    Adjustment,
    /// Points that reached their expiry date unused.
    Expiration,
}

impl LoyaltyEntryKind {
    /// The wire name (`order`, `compensation`, …), also what pages mark entries with.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Compensation => "compensation",
            Self::Adjustment => "adjustment",
            Self::Expiration => "expiration",
        }
    }
}

/// One line of the shopper's ledger, newest first in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoyaltyEntry {
    pub kind: LoyaltyEntryKind,
    /// Positive when earned, negative when removed or expired.
    pub points: i64,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<OrderNumber>,
    /// The complaint's ticket (compensation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The merchant's reason (adjustments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who made an adjustment in the support console, by the name shoppers see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// `GET/PUT /v1/merchant/loyalty/compensation`: loyalty points that make up for a broken
/// response promise, credited once per complaint, and the most one shopper gets in 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompensationRules {
    /// Points per broken promise, 0 (none) to 100,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000))]
    pub breach_points: i64,
    /// At most this many compensation points per shopper in any 30 days, 0 to 1,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub cap_per_30_days: i64,
}

impl CompensationRules {
    pub fn check(&self) -> Result<(), crate::FieldError> {
        if !(0..=100_000).contains(&self.breach_points) {
            return Err(crate::FieldError::invalid("breach_points", "Points per broken promise are 0 to 100,000."));
        }
        if !(0..=1_000_000).contains(&self.cap_per_30_days) {
            return Err(crate::FieldError::invalid("cap_per_30_days", "The 30-day cap is 0 to 1,000,000 points."));
        }
        Ok(())
    }
}

/// Points that will expire soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpiringPoints {
    pub points: i64,
    pub on: Timestamp,
}

/// The tier a shopper is in, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierBadge {
    pub id: String,
    pub name: String,
}

/// The next tier and how far away it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextTier {
    pub id: String,
    pub name: String,
    pub threshold: i64,
    pub points_needed: i64,
}

/// `GET /v1/shopper/loyalty`: the "My bonuses" card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoyaltySummary {
    /// Points the shopper has now.
    pub balance: i64,
    /// Points earned in all: what tiers are reached by.
    pub earned: i64,
    pub tier: TierBadge,
    /// `None` at the top tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_tier: Option<NextTier>,
    /// 0 to 100: the way from this tier's threshold to the next one's (100 at the top).
    pub progress_percent: u8,
    /// Newest first, at most 20.
    pub entries: Vec<LoyaltyEntry>,
    /// Points expiring within 30 days, soonest first.
    pub expiring: Vec<ExpiringPoints>,
}

/// `POST /v1/merchant/loyalty/adjustments`: add or remove points, with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoyaltyAdjustmentRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Email))]
    pub email: String,
    /// Non-zero; negative removes points (never below a balance of 0).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::AdjustmentPoints))]
    pub points: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::AdjustmentReason))]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::LoyaltyEntryKind;

    #[test]
    fn entry_kind_names_are_the_wire_names() {
        for kind in [LoyaltyEntryKind::Order, LoyaltyEntryKind::Compensation, LoyaltyEntryKind::Adjustment, LoyaltyEntryKind::Expiration] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
