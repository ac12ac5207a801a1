//! The support report from raw facts: first-answer times (median and p90 by nearest rank),
//! broken promises and escalations per day and per level. Storage hands over the facts; the
//! arithmetic lives here where it is tested without a database.

use carebox_contract::{
    Actor, CalendarDate, EscalationLevel, EscalationsToLevel, FirstResponseTimes, SupportDay, SupportReport, Timestamp,
};

/// A complaint filed in the range, with when staff first answered it (if they have).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiledComplaint {
    pub filed_at: Timestamp,
    pub first_answer_at: Option<Timestamp>,
}

/// A move up a level in the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escalation {
    pub at: Timestamp,
    pub to: EscalationLevel,
    /// `System`: the promise ran out; `Shopper`: asked for; `Merchant`: staff or the backend.
    pub by: Actor,
}

/// The nearest-rank percentile of sorted values (`p` in 1..=100).
fn nearest_rank(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

pub fn support_report(from: CalendarDate, to: CalendarDate, filed: &[FiledComplaint], escalations: &[Escalation]) -> SupportReport {
    let first = from.days_since_epoch();
    let mut daily: Vec<SupportDay> = (first..=to.days_since_epoch())
        .map(|day| SupportDay {
            date: CalendarDate::from_days_since_epoch(day),
            filed: 0,
            promises_broken: 0,
            escalated_to_l2: 0,
            escalated_to_l3: 0,
        })
        .collect();
    let day_of = |at: Timestamp| usize::try_from(at.utc_date().days_since_epoch() - first).ok();

    let mut minutes: Vec<u64> = Vec::new();
    let mut unanswered = 0;
    for complaint in filed {
        if let Some(day) = day_of(complaint.filed_at).and_then(|i| daily.get_mut(i)) {
            day.filed += 1;
        }
        match complaint.first_answer_at {
            Some(at) => minutes.push(u64::try_from(at.unix_ms() - complaint.filed_at.unix_ms()).unwrap_or(0) / 60_000),
            None => unanswered += 1,
        }
    }
    minutes.sort_unstable();

    let mut by_level =
        [EscalationLevel::L2, EscalationLevel::L3].map(|level| EscalationsToLevel { level, promise_broken: 0, shopper: 0, staff: 0 });
    for escalation in escalations {
        if let Some(day) = day_of(escalation.at).and_then(|i| daily.get_mut(i)) {
            match escalation.to {
                EscalationLevel::L2 => day.escalated_to_l2 += 1,
                EscalationLevel::L3 => day.escalated_to_l3 += 1,
                EscalationLevel::L1 => {}
            }
            if escalation.by == Actor::System {
                day.promises_broken += 1;
            }
        }
        if let Some(level) = by_level.iter_mut().find(|l| l.level == escalation.to) {
            match escalation.by {
                Actor::System => level.promise_broken += 1,
                Actor::Shopper => level.shopper += 1,
                Actor::Merchant => level.staff += 1,
            }
        }
    }

    SupportReport {
        from,
        to,
        first_response: FirstResponseTimes {
            answered: minutes.len() as u64,
            unanswered,
            median_minutes: nearest_rank(&minutes, 50),
            p90_minutes: nearest_rank(&minutes, 90),
        },
        daily,
        escalations: by_level.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> CalendarDate {
        CalendarDate::parse(raw, "date").unwrap()
    }

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw, "at").unwrap()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=10).collect();
        assert_eq!(nearest_rank(&values, 50), Some(5));
        assert_eq!(nearest_rank(&values, 90), Some(9));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn first_answers_are_counted_in_minutes_and_unanswered_apart() {
        let filed = [
            FiledComplaint { filed_at: at("2026-03-01T10:00:00Z"), first_answer_at: Some(at("2026-03-01T10:30:59Z")) },
            FiledComplaint { filed_at: at("2026-03-01T11:00:00Z"), first_answer_at: Some(at("2026-03-01T13:00:00Z")) },
            FiledComplaint { filed_at: at("2026-03-02T09:00:00Z"), first_answer_at: Some(at("2026-03-02T09:05:00Z")) },
            FiledComplaint { filed_at: at("2026-03-03T09:00:00Z"), first_answer_at: None },
        ];
        let report = support_report(date("2026-03-01"), date("2026-03-03"), &filed, &[]);
        assert_eq!(
            report.first_response,
            FirstResponseTimes { answered: 3, unanswered: 1, median_minutes: Some(30), p90_minutes: Some(120) }
        );
        assert_eq!(report.daily.iter().map(|d| d.filed).collect::<Vec<_>>(), [2, 1, 1]);
        assert_eq!(report.daily.len(), 3);
    }

    #[test]
    fn escalations_are_split_by_day_level_and_cause() {
        let escalations = [
            Escalation { at: at("2026-03-01T23:59:00Z"), to: EscalationLevel::L2, by: Actor::System },
            Escalation { at: at("2026-03-02T00:01:00Z"), to: EscalationLevel::L3, by: Actor::System },
            Escalation { at: at("2026-03-02T08:00:00Z"), to: EscalationLevel::L2, by: Actor::Shopper },
            Escalation { at: at("2026-03-02T09:00:00Z"), to: EscalationLevel::L3, by: Actor::Merchant },
        ];
        let report = support_report(date("2026-03-01"), date("2026-03-02"), &[], &escalations);
        let broken: Vec<u64> = report.daily.iter().map(|d| d.promises_broken).collect();
        assert_eq!(broken, [1, 1]);
        assert_eq!((report.daily[1].escalated_to_l2, report.daily[1].escalated_to_l3), (1, 2));
        assert_eq!(
            report.escalations,
            [
                EscalationsToLevel { level: EscalationLevel::L2, promise_broken: 1, shopper: 1, staff: 0 },
                EscalationsToLevel { level: EscalationLevel::L3, promise_broken: 1, shopper: 0, staff: 1 },
            ]
        );
        assert_eq!(report.first_response.median_minutes, None);
    }
}
