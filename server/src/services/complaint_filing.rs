//! Filing a complaint exactly once per (shop, Idempotency-Key): the key is claimed in the
//! transaction that creates the complaint, so concurrent retries wait for the first and then
//! get its answer; the same key with another request is refused. The shop's webhooks hear of
//! the new complaint in the same transaction.

use carebox_contract::{ComplaintView, Timestamp};

use crate::Store;
use crate::storage::{NewComplaint, StoredComplaint};

/// What filing with an idempotency key did.
#[derive(Debug)]
pub enum Filed {
    /// A new complaint.
    Created(StoredComplaint),
    /// The same key and request were seen before: the answer given then.
    Replayed(ComplaintView),
    /// The key was used before for a different request.
    KeyReused,
}

pub async fn file_once(
    store: &Store,
    key: &str,
    request_hash: &str,
    complaint: NewComplaint<'_>,
    now: Timestamp,
) -> Result<Filed, sqlx::Error> {
    let mut tx = store.begin().await?;
    if let Some((saved_hash, saved)) = tx.claim_idempotency_key(complaint.merchant_id, key, request_hash, now).await? {
        tx.rollback().await?;
        if saved_hash != request_hash {
            return Ok(Filed::KeyReused);
        }
        let saved = saved.ok_or_else(|| sqlx::Error::Protocol("idempotency key claimed without an answer".into()))?;
        return serde_json::from_str(&saved).map(Filed::Replayed).map_err(|e| sqlx::Error::Decode(Box::new(e)));
    }
    let (id, _) = tx.insert_complaint(&complaint, now).await?;
    let stored = tx.complaint(&id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let view = stored.view(now);
    tx.enqueue_webhook(complaint.merchant_id, "complaint.created", &super::webhook_data(&view)?, now).await?;
    tx.keep_idempotent_answer(complaint.merchant_id, key, &view).await?;
    tx.commit().await?;
    Ok(Filed::Created(stored))
}
