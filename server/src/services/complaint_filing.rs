//! Filing a complaint exactly once per (shop, Idempotency-Key): the key is claimed in the
//! transaction that creates the complaint, so concurrent retries wait for the first and then
//! get its answer; the same key with another request is refused. The shop's webhooks hear of
//! the new complaint in the same transaction. On SQLite the transaction runs on the writer
//! thread, grouped with the filings queued beside it; each is answered once committed.

use carebox_contract::{ComplaintView, Timestamp};

use crate::Store;
use crate::storage::{ComplaintWrites, NewComplaint, OnSqliteWriter, OwnedNewComplaint, StoredComplaint, ready_at_once};

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
    if let Some(writer) = store.sqlite_writer() {
        // SQLite: one thread writes every filing, in group commits (see `storage::sqlite_writer`).
        let (key, request_hash, complaint) = (key.to_owned(), request_hash.to_owned(), OwnedNewComplaint::from(&complaint));
        return writer
            .write(move |connection| {
                ready_at_once(file_with(&mut OnSqliteWriter(connection), &key, &request_hash, &complaint.borrowed(), now))
            })
            .await;
    }
    let mut tx = store.begin().await?;
    let filed = file_with(&mut tx, key, request_hash, &complaint, now).await?;
    match filed {
        Filed::Created(_) => tx.commit().await?,
        Filed::Replayed(_) | Filed::KeyReused => tx.rollback().await?,
    }
    Ok(filed)
}

/// Filing's steps, the same on either path: claim the key (or answer what it was given), store
/// the complaint, tell the webhooks, keep the answer for retries.
async fn file_with<W: ComplaintWrites>(
    writes: &mut W,
    key: &str,
    request_hash: &str,
    complaint: &NewComplaint<'_>,
    now: Timestamp,
) -> Result<Filed, sqlx::Error> {
    if let Some((saved_hash, saved)) = writes.claim_idempotency_key(complaint.merchant_id, key, request_hash, now).await? {
        if saved_hash != request_hash {
            return Ok(Filed::KeyReused);
        }
        let saved = saved.ok_or_else(|| sqlx::Error::Protocol("idempotency key claimed without an answer".into()))?;
        return serde_json::from_str(&saved).map(Filed::Replayed).map_err(|e| sqlx::Error::Decode(Box::new(e)));
    }
    let (id, ticket) = writes.insert_complaint(complaint, now).await?;
    let stored = StoredComplaint::filed(id, ticket, complaint, now);
    let view = stored.view(now);
    writes.enqueue_webhook(complaint.merchant_id, "complaint.created", &super::webhook_data(&view)?, now).await?;
    writes.keep_idempotent_answer(complaint.merchant_id, key, &view).await?;
    Ok(Filed::Created(stored))
}
