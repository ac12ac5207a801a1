//! Complaint rules: the response promise, where a new complaint starts, when it escalates,
//! what a shopper may do, and how much compensation a shopper can still receive. Pure
//! functions of the complaint's state and the time, so tests move time instead of sleeping.

use std::collections::BTreeMap;
use std::time::Duration;

use carebox_contract::{ComplaintCategory, ComplaintStatus, EscalationLevel, Priority, ResolutionKind, Timestamp};

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
    /// The merchant's policy: each loyalty tier's response time; shoppers without a tier
    /// get the lowest tier's.
    pub fn from_tiers(tiers: &[carebox_contract::LoyaltyTier]) -> Self {
        let hours = |h: i64| Duration::from_secs(h.max(1) as u64 * 3600);
        Self {
            by_tier: tiers.iter().map(|t| (t.id.clone(), hours(t.response_hours))).collect(),
            default: tiers.first().map_or(Duration::from_secs(24 * 3600), |t| hours(t.response_hours)),
        }
    }

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
    let repeat = intake.previous_on_order.is_some_and(|at| now.unix_ms() - at.unix_ms() < REPEAT_WINDOW.as_millis() as i64);
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

/// Something done to a complaint, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    MerchantReply {
        text: String,
    },
    /// `note`: the rejection reason and/or the merchant's note; `compensation`: loyalty points
    /// to credit (the cap may lower them).
    MerchantResolve {
        resolution: ResolutionKind,
        note: Option<String>,
        compensation: Option<i64>,
    },
    MerchantReopen {
        reason: String,
    },
    MerchantEscalate {
        reason: String,
    },
    MerchantDeEscalate {
        reason: String,
    },
    ShopperEscalate {
        reason: String,
    },
}

/// What an action does: the new state and the event that records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub state: ComplaintState,
    pub event: ChangeEvent,
    /// Loyalty points to credit with this change, before the cap.
    pub compensation: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    pub kind: &'static str,
    pub actor: &'static str,
    pub from: Option<EscalationLevel>,
    pub to: Option<EscalationLevel>,
    pub reason: Option<String>,
    /// How it was settled (`resolved`).
    pub resolution: Option<ResolutionKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRefused {
    AlreadyResolved,
    NotResolved,
    AtTopLevel,
    AtBottomLevel,
    Shopper(ShopperEscalationRefused),
}

impl std::fmt::Display for ActionRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AlreadyResolved => "the complaint is resolved; reopen it first",
            Self::NotResolved => "only a resolved complaint can be reopened",
            Self::AtTopLevel | Self::Shopper(ShopperEscalationRefused::AtTopLevel) => "the complaint is already at L3",
            Self::AtBottomLevel => "the complaint is already at L1",
            Self::Shopper(ShopperEscalationRefused::TooEarly) => {
                "escalation opens once the merchant has answered or the promised time has passed"
            }
            Self::Shopper(ShopperEscalationRefused::AlreadyEscalatedHere) => "the shopper already escalated from this level",
        })
    }
}

/// Applies `action` at `now`: a reply keeps the promise; resolving ends it; reopening and
/// any escalation start a fresh promise; de-escalating keeps the current one.
pub fn apply(
    state: &ComplaintState,
    action: Action,
    now: Timestamp,
    policy: &SlaPolicy,
    tier: Option<&str>,
) -> Result<Change, ActionRefused> {
    let mut next = state.clone();
    let level = state.level;
    let event = |kind, actor, to: Option<EscalationLevel>, reason: String| ChangeEvent {
        kind,
        actor,
        from: to.map(|_| level),
        to,
        reason: Some(reason),
        resolution: None,
    };
    let resolved = state.status == ComplaintStatus::Resolved;
    let mut compensation = None;
    let event = match action {
        Action::MerchantReply { text } => {
            if resolved {
                return Err(ActionRefused::AlreadyResolved);
            }
            next.status = ComplaintStatus::Answered;
            next.due_at = None;
            event("replied", "merchant", None, text)
        }
        Action::MerchantResolve { resolution, note, compensation: points } => {
            if resolved {
                return Err(ActionRefused::AlreadyResolved);
            }
            compensation = points;
            next.status = ComplaintStatus::Resolved;
            next.due_at = None;
            ChangeEvent { kind: "resolved", actor: "merchant", from: None, to: None, reason: note, resolution: Some(resolution) }
        }
        Action::MerchantReopen { reason } => {
            if !resolved {
                return Err(ActionRefused::NotResolved);
            }
            next.status = ComplaintStatus::Open;
            next.due_at = Some(policy.due(now, tier));
            event("reopened", "merchant", None, reason)
        }
        Action::MerchantEscalate { reason } => {
            let to = level.next().ok_or(ActionRefused::AtTopLevel)?;
            next.level = to;
            if next.status == ComplaintStatus::Open {
                next.due_at = Some(policy.due(now, tier));
            }
            event("escalated", "merchant", Some(to), reason)
        }
        Action::MerchantDeEscalate { reason } => {
            let to = level.previous().ok_or(ActionRefused::AtBottomLevel)?;
            next.level = to;
            event("de_escalated", "merchant", Some(to), reason)
        }
        Action::ShopperEscalate { reason } => {
            let to = shopper_escalation(state, now).map_err(ActionRefused::Shopper)?;
            next.level = to;
            next.status = ComplaintStatus::Open;
            next.due_at = Some(policy.due(now, tier));
            next.shopper_escalated_from.push(level);
            event("escalated", "shopper", Some(to), reason)
        }
    };
    Ok(Change { state: next, event, compensation })
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
    fn a_reply_keeps_the_promise_and_unlocks_shopper_escalation() {
        let policy = SlaPolicy::default();
        let replied =
            apply(&open(L::L1, 24), Action::MerchantReply { text: "Sorry! A new one is on its way.".into() }, at(2), &policy, None)
                .unwrap();
        assert_eq!((replied.state.status, replied.state.due_at), (S::Answered, None));
        assert_eq!((replied.event.kind, replied.event.actor), ("replied", "merchant"));
        let up =
            apply(&replied.state, Action::ShopperEscalate { reason: "The answer does not help".into() }, at(3), &policy, None).unwrap();
        assert_eq!((up.state.level, up.state.status, up.state.due_at), (L::L2, S::Open, Some(at(27))));
        assert_eq!((up.event.from, up.event.to, up.event.actor), (Some(L::L1), Some(L::L2), "shopper"));
        let twice = apply(
            &ComplaintState { status: S::Answered, ..up.state.clone() },
            Action::ShopperEscalate { reason: "Still nothing".into() },
            at(4),
            &policy,
            None,
        );
        assert!(twice.is_ok(), "once per level: L2 is a new level");
        let again_at_l1 = ComplaintState { level: L::L1, status: S::Answered, ..up.state };
        assert_eq!(
            apply(&again_at_l1, Action::ShopperEscalate { reason: "Again".into() }, at(5), &policy, None),
            Err(ActionRefused::Shopper(ShopperEscalationRefused::AlreadyEscalatedHere))
        );
    }

    #[test]
    fn resolving_reopening_and_the_merchants_ladder() {
        let policy = SlaPolicy::default();
        let resolved = apply(
            &open(L::L2, 24),
            Action::MerchantResolve { resolution: ResolutionKind::Refund, note: Some("Refund issued".into()), compensation: None },
            at(1),
            &policy,
            None,
        )
        .unwrap()
        .state;
        assert_eq!(resolved.status, S::Resolved);
        assert_eq!(apply(&resolved, Action::MerchantReply { text: "x".into() }, at(2), &policy, None), Err(ActionRefused::AlreadyResolved));
        let reopened = apply(&resolved, Action::MerchantReopen { reason: "Refund bounced".into() }, at(2), &policy, None).unwrap().state;
        assert_eq!((reopened.status, reopened.due_at), (S::Open, Some(at(26))));
        assert_eq!(
            apply(&reopened, Action::MerchantReopen { reason: "again".into() }, at(3), &policy, None),
            Err(ActionRefused::NotResolved)
        );
        let down = apply(&reopened, Action::MerchantDeEscalate { reason: "Routine case".into() }, at(3), &policy, None).unwrap();
        assert_eq!((down.state.level, down.event.kind), (L::L1, "de_escalated"));
        assert_eq!(
            apply(&down.state, Action::MerchantDeEscalate { reason: "x".into() }, at(3), &policy, None),
            Err(ActionRefused::AtBottomLevel)
        );
        let top = ComplaintState { level: L::L3, ..down.state };
        assert_eq!(apply(&top, Action::MerchantEscalate { reason: "x".into() }, at(3), &policy, None), Err(ActionRefused::AtTopLevel));
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
