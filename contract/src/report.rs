//! The support report (`GET /v1/merchant/reports/support`): how fast staff answer, how often
//! promises are broken, and how far complaints climb. CSAT has its own figures
//! (`csat::CsatMetrics`); the console shows both on its Reports page.

use serde::{Deserialize, Serialize};

use crate::{CalendarDate, EscalationLevel};

/// Time to the first answer of staff (a reply or a resolution) of complaints filed in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirstResponseTimes {
    /// Complaints filed in the range that staff have answered.
    pub answered: u64,
    /// Complaints filed in the range still without an answer of staff.
    pub unanswered: u64,
    /// Median minutes from filing to the first answer; `None` without answered complaints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_minutes: Option<u64>,
    /// 90th percentile (nearest rank) in minutes; `None` without answered complaints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_minutes: Option<u64>,
}

/// One day (UTC) of the support report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportDay {
    pub date: CalendarDate,
    /// Complaints filed that day.
    pub filed: u64,
    /// Response promises that ran out unanswered that day (each moved the complaint up a level).
    pub promises_broken: u64,
    /// Complaints that reached L2 that day, for any reason.
    pub escalated_to_l2: u64,
    /// Complaints that reached L3 that day, for any reason.
    pub escalated_to_l3: u64,
}

/// Escalations to one level in the range, by what caused them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EscalationsToLevel {
    pub level: EscalationLevel,
    /// The response promise ran out.
    pub promise_broken: u64,
    /// The shopper asked.
    pub shopper: u64,
    /// Staff or the shop's backend moved it.
    pub staff: u64,
}

/// `GET /v1/merchant/reports/support?from=&to=` (UTC dates, both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportReport {
    pub from: CalendarDate,
    pub to: CalendarDate,
    pub first_response: FirstResponseTimes,
    /// Every day of the range, oldest first.
    pub daily: Vec<SupportDay>,
    /// L2 and L3, in that order.
    pub escalations: Vec<EscalationsToLevel>,
}
