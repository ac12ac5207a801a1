//! Complaint rules: the response promise, where a new complaint starts, when it escalates,
//! what a shopper may do, and how much compensation a shopper can still receive. Pure
//! functions of the complaint's state and the time, so tests move time instead of sleeping.

use std::collections::BTreeMap;
use std::time::Duration;

use carebox_contract::{ComplaintCategory, ComplaintStatus, EscalationLevel, Priority, Timestamp};

/// Time to first response per loyalty tier (the merchant's data; these are the defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicy {
    /// By tier id (`vip`, `gold`, …).
    pub by_tier: BTreeMap<String, Duration>,
    /// Everyone else, and shoppers with no tier.
    pub default: Duration,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        const HOUR: u64 = 3600;
        Self {
            by_tier: BTreeMap::from([
                ("vip".to_owned(), Duration::from_secs(HOUR)),
                ("gold".to_owned(), Duration::from_secs(4 * HOUR)),
                ("silver".to_owned(), Duration::from_secs(12 * HOUR)),
            ]),
            default: Duration::from_secs(24 * HOUR),
        }
    }
}

impl SlaPolicy {
    pub fn response_time(&self, tier: Option<&str>) -> Duration {
        tier.and_then(|t| self.by_tier.get(t)).copied().unwrap_or(self.default)
    }

    /// When the merchant must have answered a complaint opened (or escalated) at `from`.
    pub fn due(&self, from: Timestamp, tier: Option<&str>) -> Timestamp {
        add(from, self.response_time(tier))
    }
}

pub fn add(at: Timestamp, duration: Duration) -> Timestamp {
    Timestamp::from_unix_ms(at.unix_ms().saturating_add(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)))
}

/// A repeat complaint about the same order within this long gets higher priority.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// What is known about a complaint when it is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake<'a> {
    pub category: ComplaintCategory,
    pub tier: Option<&'a str>,
    pub vip: bool,
    /// When the shopper last complained about the same order, if ever.
    pub previous_on_order: Option<Timestamp>,
    /// Categories the merchant treats as severe.
    pub severe: &'a [ComplaintCategory],
}

/// Where a new complaint starts: severe categories at L2; VIPs and repeat complaints on the
/// same order within 24 h with high priority.
pub fn start(intake: &Intake<'_>, now: Timestamp) -> (EscalationLevel, Priority) {
    let level = if intake.severe.contains(&intake.category) { EscalationLevel::L2 } else { EscalationLevel::L1 };
    let repeat = intake
        .previous_on_order
        .is_some_and(|at| now.unix_ms() - at.unix_ms() < REPEAT_WINDOW.as_millis() as i64);
    let priority = if intake.vip || repeat { Priority::High } else { Priority::Normal };
    (level, priority)
}

/// The parts of a complaint the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintState {
    pub status: ComplaintStatus,
    pub level: EscalationLevel,
    /// When the merchant's next answer is due; `None` once answered or resolved.
    pub due_at: Option<Timestamp>,
    /// Levels the shopper has already asked to leave (once per level).
    pub shopper_escalated_from: Vec<EscalationLevel>,
}

impl ComplaintState {
    pub fn breached(&self, now: Timestamp) -> bool {
        self.status == ComplaintStatus::Open && self.due_at.is_some_and(|due| due <= now)
    }
}

/// An automatic escalation: the promise passed unanswered. One level up, a fresh promise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub from: EscalationLevel,
    pub to: EscalationLevel,
    pub new_due_at: Timestamp,
}

/// `Some` when the complaint is past its promise with no answer and can still go up.
/// At L3 the breach stays (and is reported) but there is no higher level.
pub fn breach_escalation(state: &ComplaintState, now: Timestamp, policy: &SlaPolicy, tier: Option<&str>) -> Option<Escalation> {
    if !state.breached(now) {
        return None;
    }
    let to = state.level.next()?;
    Some(Escalation { from: state.level, to, new_due_at: policy.due(now, tier) })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopperEscalationRefused {
    /// Nothing to escalate yet: no answer and the promise still holds.
    TooEarly,
    /// The shopper already escalated from this level.
    AlreadyEscalatedHere,
    /// L3 is the top.
    AtTopLevel,
}

/// The shopper may escalate after the merchant answered (or resolved), or once the promise
/// is broken; once per level; never past L3.
pub fn shopper_escalation(state: &ComplaintState, now: Timestamp) -> Result<EscalationLevel, ShopperEscalationRefused> {
    let to = state.level.next().ok_or(ShopperEscalationRefused::AtTopLevel)?;
    if state.shopper_escalated_from.contains(&state.level) {
        return Err(ShopperEscalationRefused::AlreadyEscalatedHere);
    }
    match state.status {
        ComplaintStatus::Answered | ComplaintStatus::Resolved => Ok(to),
        ComplaintStatus::Open if state.breached(now) => Ok(to),
        ComplaintStatus::Open => Err(ShopperEscalationRefused::TooEarly),
    }
}

/// Compensation points a shopper can still receive in the current window: the cap stops
/// farming bonuses by complaining. Returns what may be credited now (possibly 0).
pub fn compensation_allowed(requested: i64, already_credited_in_window: i64, cap_per_window: i64) -> i64 {
    requested.max(0).min((cap_per_window - already_credited_in_window).max(0))
}

/// The window the compensation cap counts over.
pub const COMPENSATION_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintStatus as S;
    use EscalationLevel as L;

    const HOUR_MS: i64 = 3_600_000;
    const T0: i64 = 1_795_599_000_000;

    fn at(hours: i64) -> Timestamp {
        Timestamp::from_unix_ms(T0 + hours * HOUR_MS)
    }

    fn open(level: EscalationLevel, due_hours: i64) -> ComplaintState {
        ComplaintState { status: S::Open, level, due_at: Some(at(due_hours)), shopper_escalated_from: Vec::new() }
    }

    #[test]
    fn promises_follow_the_tier() {
        let policy = SlaPolicy::default();
        assert_eq!(policy.due(at(0), Some("vip")), at(1));
        assert_eq!(policy.due(at(0), Some("gold")), at(4));
        assert_eq!(policy.due(at(0), Some("silver")), at(12));
        assert_eq!(policy.due(at(0), Some("bronze")), at(24), "unknown tiers get the default");
        assert_eq!(policy.due(at(0), None), at(24));
    }

    #[test]
    fn severe_categories_start_at_l2_and_vips_or_repeats_get_priority() {
        let severe = [ComplaintCategory::Damaged];
        let intake = |category, vip, previous| Intake { category, tier: None, vip, previous_on_order: previous, severe: &severe };
        assert_eq!(start(&intake(ComplaintCategory::Quality, false, None), at(0)), (L::L1, Priority::Normal));
        assert_eq!(start(&intake(ComplaintCategory::Damaged, false, None), at(0)), (L::L2, Priority::Normal));
        assert_eq!(start(&intake(ComplaintCategory::Quality, true, None), at(0)), (L::L1, Priority::High));
        assert_eq!(start(&intake(ComplaintCategory::Quality, false, Some(at(-23))), at(0)), (L::L1, Priority::High));
        assert_eq!(start(&intake(ComplaintCategory::Quality, false, Some(at(-25))), at(0)), (L::L1, Priority::Normal), "older than 24 h");
    }

    #[test]
    fn a_broken_promise_escalates_one_level_with_a_new_promise() {
        let policy = SlaPolicy::default();
        assert_eq!(breach_escalation(&open(L::L1, 24), at(23), &policy, None), None, "not due yet");
        let up = breach_escalation(&open(L::L1, 24), at(24), &policy, Some("gold")).unwrap();
        assert_eq!(up, Escalation { from: L::L1, to: L::L2, new_due_at: at(28) });
        assert_eq!(breach_escalation(&open(L::L2, 1), at(5), &policy, None).unwrap().to, L::L3);
        assert_eq!(breach_escalation(&open(L::L3, 1), at(5), &policy, None), None, "nothing above L3");
        let answered = ComplaintState { status: S::Answered, due_at: None, ..open(L::L1, 1) };
        assert_eq!(breach_escalation(&answered, at(50), &policy, None), None, "an answer keeps the promise");
    }

    #[test]
    fn shoppers_escalate_after_an_answer_or_a_broken_promise_once_per_level() {
        assert_eq!(shopper_escalation(&open(L::L1, 24), at(1)), Err(ShopperEscalationRefused::TooEarly));
        assert_eq!(shopper_escalation(&open(L::L1, 24), at(24)), Ok(L::L2), "promise broken");
        let answered = ComplaintState { status: S::Answered, due_at: None, ..open(L::L1, 24) };
        assert_eq!(shopper_escalation(&answered, at(1)), Ok(L::L2));
        let resolved = ComplaintState { status: S::Resolved, ..answered.clone() };
        assert_eq!(shopper_escalation(&resolved, at(1)), Ok(L::L2), "unhappy with the resolution");
        let again = ComplaintState { shopper_escalated_from: vec![L::L1], ..answered.clone() };
        assert_eq!(shopper_escalation(&again, at(1)), Err(ShopperEscalationRefused::AlreadyEscalatedHere));
        let top = ComplaintState { level: L::L3, ..answered };
        assert_eq!(shopper_escalation(&top, at(1)), Err(ShopperEscalationRefused::AtTopLevel));
    }

    #[test]
    fn compensation_is_capped_per_window() {
        assert_eq!(compensation_allowed(100, 0, 500), 100);
        assert_eq!(compensation_allowed(300, 400, 500), 100, "only what is left under the cap");
        assert_eq!(compensation_allowed(100, 500, 500), 0);
        assert_eq!(compensation_allowed(100, 700, 500), 0, "never negative");
        assert_eq!(compensation_allowed(-5, 0, 500), 0);
    }
}
