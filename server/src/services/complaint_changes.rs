//! A change to a complaint (a reply, a resolution, an escalation, a hand-back, a shopper's
//! request): the domain decides it from the complaint as it stands; here it is stored with its
//! event, a compensation resolution credits its points (within the shopper's 30-day cap), and
//! the shop's webhooks hear of escalations and resolutions; all in one transaction.

use carebox_contract::Timestamp;

use crate::Store;
use crate::domain::complaint::{ActionRefused, Change};
use crate::storage::{CompensationSettings, ComplaintWrites, StoredComplaint};

#[derive(Debug)]
pub enum ChangeError {
    NotFound,
    Refused(ActionRefused),
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for ChangeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error)
    }
}

/// The webhook a complaint event announces, if any.
fn webhook_event(kind: &str) -> Option<&'static str> {
    match kind {
        "escalated" => Some("complaint.escalated"),
        "resolved" => Some("complaint.resolved"),
        _ => None,
    }
}

/// Applies what `decide` makes of the merchant's complaint `ticket`; answers it as changed.
/// `by` signs the event with the acting member of staff's name.
pub async fn change_complaint(
    store: &Store,
    merchant_id: &str,
    ticket: &str,
    now: Timestamp,
    compensation: &CompensationSettings,
    by: Option<&str>,
    decide: impl FnOnce(&StoredComplaint) -> Result<Change, ActionRefused>,
) -> Result<StoredComplaint, ChangeError> {
    let mut tx = store.begin().await?;
    let current = tx.complaint_to_change(merchant_id, ticket, now).await?.ok_or(ChangeError::NotFound)?;
    let change = decide(&current).map_err(ChangeError::Refused)?;
    tx.set_complaint_state(&current.id, &change.state).await?;
    tx.append_change_event(&current.id, &change.event, by, now).await?;
    if let Some(points) = change.compensation {
        super::loyalty::credit_compensation(
            &mut tx,
            merchant_id,
            &current.shopper_email,
            &current.id,
            (points, compensation.cap_per_30_days),
            now,
        )
        .await?;
    }
    let changed = tx.complaint(&current.id).await?.ok_or(ChangeError::NotFound)?;
    if let Some(event_type) = webhook_event(change.event.kind) {
        tx.enqueue_webhook(merchant_id, event_type, &super::webhook_data(&changed.view(now))?, now).await?;
    }
    tx.commit().await?;
    Ok(changed)
}
