//! The SLA step: every open complaint past its promise goes up one level with a new promise
//! (the merchant's tiers are the policy), its first broken promise is made up for with loyalty
//! points (capped per shopper), and the shop's webhooks hear of it; all in one transaction per
//! complaint. Safe with many processes: the move is conditional on the level and promise this
//! process saw, so one process wins each escalation and the others move on.

use carebox_contract::{ComplaintStatus, EscalationLevel, Timestamp};

use crate::Store;
use crate::domain::complaint::{self, ComplaintState, SlaPolicy};
use crate::storage::ComplaintWrites;

/// What the shopper reads in the ticket's history.
const REASON: &str = "The promised response time passed without an answer.";

/// One escalation the SLA step carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalated {
    pub complaint_id: String,
    pub merchant_id: String,
    pub ticket: String,
    pub from: EscalationLevel,
    pub to: EscalationLevel,
}

/// One pass over at most `batch` breached complaints at `now`.
pub async fn escalate_breached(store: &Store, now: Timestamp, batch: i64) -> Result<Vec<Escalated>, sqlx::Error> {
    let mut escalated = Vec::new();
    for breached in store.breached_complaints(now, batch).await? {
        let state = ComplaintState {
            status: ComplaintStatus::Open,
            level: breached.level,
            due_at: Some(breached.due_at),
            shopper_escalated_from: Vec::new(),
        };
        let policy = SlaPolicy::from_tiers(&breached.settings.loyalty_tiers);
        let Some(step) = complaint::breach_escalation(&state, now, &policy, breached.shopper_tier.as_deref()) else {
            continue;
        };
        let mut tx = store.begin().await?;
        if !tx.move_breached_complaint(&breached.id, (step.from, breached.due_at), (step.to, step.new_due_at), now).await? {
            tx.rollback().await?;
            continue;
        }
        tx.append_clock_escalation(&breached.id, step.from, step.to, REASON, now).await?;
        // The first broken promise of a complaint is made up for with points (capped).
        let compensation = breached.settings.compensation;
        if compensation.breach_points > 0 && !tx.compensated(&breached.id).await? {
            let rule = (compensation.breach_points, compensation.cap_per_30_days);
            super::loyalty::credit_compensation(&mut tx, &breached.merchant_id, &breached.shopper_email, &breached.id, rule, now).await?;
        }
        if let Some(complaint) = tx.complaint(&breached.id).await? {
            tx.enqueue_webhook(&breached.merchant_id, "complaint.escalated", &super::webhook_data(&complaint.view(now))?, now).await?;
        }
        tx.commit().await?;
        escalated.push(Escalated {
            complaint_id: breached.id,
            merchant_id: breached.merchant_id,
            ticket: breached.ticket,
            from: step.from,
            to: step.to,
        });
    }
    Ok(escalated)
}
