//! Loyalty arithmetic: a shopper's balance, tier, progress and expiring points, all derived
//! from the ledger (never stored twice). Pure functions of the ledger, the tiers and the time.

use std::time::Duration;

use carebox_contract::{
    ExpiringPoints, LoyaltyEntry, LoyaltyEntryKind, LoyaltySummary, LoyaltyTier, NextTier, OrderNumber, TierBadge, Timestamp,
};

/// Points are valid this long after they are earned.
pub const POINTS_VALID_FOR: Duration = Duration::from_secs(365 * 24 * 3600);
/// The card warns about points expiring within this long.
pub const EXPIRY_WARNING: Duration = Duration::from_secs(30 * 24 * 3600);
/// The card lists this many recent entries.
pub const RECENT_ENTRIES: usize = 20;

/// One stored ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    pub kind: LoyaltyEntryKind,
    pub points: i64,
    pub at: Timestamp,
    /// When the points of a credit expire (`None`: never).
    pub expires_at: Option<Timestamp>,
    pub order_number: Option<OrderNumber>,
    pub ticket: Option<String>,
    pub reason: Option<String>,
    /// The member of staff who made an adjustment.
    pub by: Option<String>,
    /// The order the line is about (its own credit, or compensation for a complaint on it),
    /// by internal id: an order token shows only that order's lines.
    pub about_order: Option<String>,
}

/// The tier reached with `earned` points: the highest whose threshold is met.
pub fn tier_for(earned: i64, tiers: &[LoyaltyTier]) -> &LoyaltyTier {
    tiers.iter().rev().find(|t| earned >= t.threshold).or(tiers.first()).expect("a tier list is never empty")
}

/// Points an order earns: 1 point per 1.00 of its total (minor units / 100) at the tier's rate.
pub fn order_points(total_minor: i64, earn_percent: i64) -> i64 {
    (total_minor.max(0) as i128 * earn_percent as i128 / 10_000) as i64
}

/// When points credited at `at` expire.
pub fn expiry_of(at: Timestamp) -> Timestamp {
    super::complaint::add(at, POINTS_VALID_FOR)
}

struct Lot {
    remaining: i64,
    expires_at: Option<Timestamp>,
}

/// Walks the ledger in time order: credits become lots, removals use the oldest lots first,
/// and a lot's unused points expire at its expiry (an `expiration` entry in the history).
/// What an order earns, as its page shows it: the points credited for it once delivered,
/// before that what the shopper's tier rate would earn on its total.
pub fn points_for_order(ledger: &[LedgerLine], tiers: &[LoyaltyTier], now: Timestamp, number: &OrderNumber, total_minor: i64) -> i64 {
    let credited = ledger.iter().find(|l| l.kind == LoyaltyEntryKind::Order && l.order_number.as_ref() == Some(number));
    match credited {
        Some(line) => line.points,
        None => {
            let tier = summarize(ledger, tiers, now).tier.id;
            let rate = tiers.iter().find(|t| t.id == tier).map_or(100, |t| t.earn_percent);
            order_points(total_minor, rate)
        }
    }
}

pub fn summarize(ledger: &[LedgerLine], tiers: &[LoyaltyTier], now: Timestamp) -> LoyaltySummary {
    let mut lines: Vec<&LedgerLine> = ledger.iter().filter(|l| l.at <= now).collect();
    lines.sort_by_key(|l| l.at);
    let mut lots: Vec<Lot> = Vec::new();
    let mut history: Vec<LoyaltyEntry> = Vec::new();

    let expire_until = |lots: &mut Vec<Lot>, history: &mut Vec<LoyaltyEntry>, until: Timestamp| {
        let mut due: Vec<&mut Lot> = lots.iter_mut().filter(|l| l.remaining > 0 && l.expires_at.is_some_and(|e| e <= until)).collect();
        due.sort_by_key(|l| l.expires_at);
        for lot in due {
            history.push(LoyaltyEntry {
                kind: LoyaltyEntryKind::Expiration,
                points: -lot.remaining,
                at: lot.expires_at.expect("filtered on expiry"),
                order_number: None,
                ticket: None,
                reason: None,
                by: None,
            });
            lot.remaining = 0;
        }
    };

    for line in lines {
        expire_until(&mut lots, &mut history, line.at);
        if line.points > 0 {
            lots.push(Lot { remaining: line.points, expires_at: line.expires_at });
        } else {
            let mut to_remove = -line.points;
            for lot in lots.iter_mut().filter(|l| l.remaining > 0) {
                let used = lot.remaining.min(to_remove);
                lot.remaining -= used;
                to_remove -= used;
                if to_remove == 0 {
                    break;
                }
            }
        }
        history.push(LoyaltyEntry {
            kind: line.kind,
            points: line.points,
            at: line.at,
            order_number: line.order_number.clone(),
            ticket: line.ticket.clone(),
            reason: line.reason.clone(),
            by: line.by.clone(),
        });
    }
    expire_until(&mut lots, &mut history, now);

    let balance = lots.iter().map(|l| l.remaining).sum();
    let earned = ledger.iter().filter(|l| l.at <= now && l.points > 0).map(|l| l.points).sum();
    let tier = tier_for(earned, tiers);
    let next = tiers.iter().find(|t| t.threshold > tier.threshold);
    let progress_percent = match next {
        Some(next) => (((earned - tier.threshold) * 100) / (next.threshold - tier.threshold)).clamp(0, 100) as u8,
        None => 100,
    };
    let warn_until = super::complaint::add(now, EXPIRY_WARNING);
    let mut expiring: Vec<ExpiringPoints> = Vec::new();
    let mut soon: Vec<&Lot> = lots.iter().filter(|l| l.remaining > 0 && l.expires_at.is_some_and(|e| e > now && e <= warn_until)).collect();
    soon.sort_by_key(|l| l.expires_at);
    for lot in soon {
        let on = lot.expires_at.expect("filtered on expiry");
        match expiring.last_mut() {
            // Several credits of one day expire together: one line.
            Some(last) if last.on.utc_date() == on.utc_date() => last.points += lot.remaining,
            _ => expiring.push(ExpiringPoints { points: lot.remaining, on }),
        }
    }
    // Newest first; entries of the same moment in reverse ledger order, also newest first.
    history.reverse();
    history.sort_by_key(|e| std::cmp::Reverse(e.at));
    history.truncate(RECENT_ENTRIES);
    LoyaltySummary {
        balance,
        earned,
        tier: TierBadge { id: tier.id.clone(), name: tier.name.clone() },
        next_tier: next.map(|n| NextTier {
            id: n.id.clone(),
            name: n.name.clone(),
            threshold: n.threshold,
            points_needed: n.threshold - earned,
        }),
        progress_percent,
        entries: history,
        expiring,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const START: i64 = 1_795_599_000_000; // 2026-11-25T09:30:00Z

    fn at(days: i64) -> Timestamp {
        Timestamp::from_unix_ms(START + days * DAY)
    }

    fn credit(kind: LoyaltyEntryKind, points: i64, day: i64) -> LedgerLine {
        LedgerLine {
            kind,
            points,
            at: at(day),
            expires_at: Some(expiry_of(at(day))),
            order_number: None,
            ticket: None,
            reason: None,
            by: None,
            about_order: None,
        }
    }

    fn removal(points: i64, day: i64) -> LedgerLine {
        LedgerLine { expires_at: None, reason: Some("correction".into()), ..credit(LoyaltyEntryKind::Adjustment, -points, day) }
    }

    #[test]
    fn balance_tier_and_progress_come_from_the_ledger() {
        let tiers = LoyaltyTier::defaults();
        let ledger = [
            credit(LoyaltyEntryKind::Order, 300, 0),
            credit(LoyaltyEntryKind::Compensation, 50, 1),
            credit(LoyaltyEntryKind::Order, 250, 2),
        ];
        let summary = summarize(&ledger, &tiers, at(3));
        assert_eq!(summary.balance, 600);
        assert_eq!(summary.earned, 600);
        assert_eq!(summary.tier.id, "silver", "500 reached");
        let next = summary.next_tier.unwrap();
        assert_eq!((next.id.as_str(), next.points_needed), ("gold", 900));
        assert_eq!(summary.progress_percent, 10, "100 of the 1000 between Silver and Gold");
        assert_eq!(summary.entries.iter().map(|e| e.points).collect::<Vec<_>>(), [250, 50, 300], "newest first");
    }

    #[test]
    fn thresholds_are_inclusive_and_the_top_tier_has_no_next() {
        let tiers = LoyaltyTier::defaults();
        assert_eq!(tier_for(0, &tiers).id, "bronze");
        assert_eq!(tier_for(499, &tiers).id, "bronze");
        assert_eq!(tier_for(1500, &tiers).id, "gold");
        let summary = summarize(&[credit(LoyaltyEntryKind::Order, 6000, 0)], &tiers, at(1));
        assert_eq!(summary.tier.id, "vip");
        assert_eq!(summary.next_tier, None);
        assert_eq!(summary.progress_percent, 100);
        let none = summarize(&[], &tiers, at(0));
        assert_eq!((none.balance, none.tier.id.as_str(), none.progress_percent), (0, "bronze", 0));
    }

    #[test]
    fn unused_points_expire_a_year_after_they_were_earned_and_the_card_warns_a_month_ahead() {
        let tiers = LoyaltyTier::defaults();
        let ledger = [credit(LoyaltyEntryKind::Order, 100, 0), credit(LoyaltyEntryKind::Order, 40, 200), removal(30, 100)];
        // 340 days on: the first credit (70 left after the removal) expires in 25 days.
        let soon = summarize(&ledger, &tiers, at(340));
        assert_eq!(soon.balance, 110);
        assert_eq!(soon.expiring, [ExpiringPoints { points: 70, on: expiry_of(at(0)) }]);
        // 366 days on: it has expired; the history says so; tiers keep counting what was earned.
        let later = summarize(&ledger, &tiers, at(366));
        assert_eq!(later.balance, 40);
        assert_eq!(later.entries[0].kind, LoyaltyEntryKind::Expiration);
        assert_eq!(later.entries[0].points, -70);
        assert_eq!(later.earned, 140);
        assert!(later.expiring.is_empty());
    }

    #[test]
    fn removals_use_the_oldest_points_first() {
        let tiers = LoyaltyTier::defaults();
        let ledger = [credit(LoyaltyEntryKind::Order, 50, 0), credit(LoyaltyEntryKind::Order, 50, 10), removal(60, 20)];
        let summary = summarize(&ledger, &tiers, at(370));
        // The first lot was used up, 40 of the second remain and are not yet expired (day 375).
        assert_eq!(summary.balance, 40);
        assert!(summary.entries.iter().all(|e| e.kind != LoyaltyEntryKind::Expiration));
    }

    #[test]
    fn orders_earn_at_the_tiers_rate() {
        assert_eq!(order_points(9_700, 100), 97, "€97.00 at ×1");
        assert_eq!(order_points(9_700, 150), 145, "Gold ×1.5, rounded down");
        assert_eq!(order_points(9_700, 200), 194);
        assert_eq!(order_points(-5, 100), 0);
    }

    #[test]
    fn tier_lists_are_checked() {
        let mut tiers = LoyaltyTier::defaults();
        assert!(LoyaltyTier::check_list(&tiers).is_ok());
        tiers[2].threshold = 400;
        assert_eq!(LoyaltyTier::check_list(&tiers).unwrap_err().field, "tiers.threshold");
        let mut tiers = LoyaltyTier::defaults();
        tiers[0].threshold = 10;
        assert!(LoyaltyTier::check_list(&tiers).is_err());
        assert!(LoyaltyTier::check_list(&[]).is_err());
    }

    #[test]
    fn an_order_shows_its_credit_once_delivered_else_the_tier_rate() {
        let tiers = LoyaltyTier::defaults();
        let number = OrderNumber::parse("NW-1").unwrap();
        assert_eq!(points_for_order(&[], &tiers, at(0), &number, 9_700), 97, "Bronze: 100%");
        let silver = [credit(LoyaltyEntryKind::Adjustment, 600, -1)];
        assert_eq!(points_for_order(&silver, &tiers, at(0), &number, 9_700), 121, "Silver: 125%, rounded down");
        let delivered = [LedgerLine { order_number: Some(number.clone()), ..credit(LoyaltyEntryKind::Order, 80, -2) }, silver[0].clone()];
        assert_eq!(points_for_order(&delivered, &tiers, at(0), &number, 9_700), 80, "what was credited, whatever the tier now");
    }
}
