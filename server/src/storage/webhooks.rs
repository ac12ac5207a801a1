//! Webhook endpoints and the delivery outbox.

use std::collections::HashSet;
use std::time::Duration;

use carebox_contract::{Timestamp, WebhookDelivery, WebhookEndpoint, WebhookEndpointChange, WebhookEventType};
use sqlx::{Row, any::AnyRow};

use super::Store;
use crate::domain::webhook;

/// What asking for a delivery again did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOutcome {
    Queued,
    AlreadyDelivered,
    NotFound,
}

fn events_column(events: &[WebhookEventType]) -> String {
    events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
}

fn events_of(column: &str) -> Vec<WebhookEventType> {
    column.split(',').filter_map(WebhookEventType::from_name).collect()
}

/// A delivery claimed for sending by this process.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub endpoint_id: String,
    /// This claim's; recording the outcome needs it (see [`Store::record_delivery`]).
    pub claim_token: String,
    pub url: String,
    pub secret: String,
    pub event_type: String,
    pub payload: String,
    /// Including the one about to be made.
    pub attempts: i64,
}

impl Store {
    /// Deliveries still to be sent, due or waiting for their retry (what `/metrics` reports).
    pub async fn webhook_backlog(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS waiting FROM webhook_deliveries WHERE delivered_at_ms IS NULL AND next_attempt_at_ms IS NOT NULL")
            .fetch_one(self.pool())
            .await?
            .try_get("waiting")
    }

    pub async fn add_webhook_endpoint(
        &self,
        merchant_id: &str,
        url: &str,
        events: &[WebhookEventType],
        now: Timestamp,
    ) -> Result<WebhookEndpoint, sqlx::Error> {
        let endpoint = WebhookEndpoint {
            id: format!("whe_{}", uuid::Uuid::new_v4().simple()),
            url: url.to_owned(),
            secret: format!("whsec_{}", crate::domain::token::random_hex(24)),
            created_at: now,
            consecutive_failures: 0,
            paused_until: None,
            enabled: true,
            events: events.to_vec(),
        };
        sqlx::query("INSERT INTO webhook_endpoints (id, merchant_id, url, secret, created_at_ms, events) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&endpoint.id)
            .bind(merchant_id)
            .bind(&endpoint.url)
            .bind(&endpoint.secret)
            .bind(now.unix_ms())
            .bind(events_column(events))
            .execute(self.pool())
            .await?;
        Ok(endpoint)
    }

    /// The merchant's endpoints; `paused_until` only while a pause is still ahead of `now`.
    pub async fn webhook_endpoints(&self, merchant_id: &str, now: Timestamp) -> Result<Vec<WebhookEndpoint>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, url, secret, created_at_ms, consecutive_failures, paused_until_ms, enabled, events \
             FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at_ms, id",
        )
        .bind(merchant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WebhookEndpoint {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    secret: r.try_get("secret")?,
                    created_at: Timestamp::from_unix_ms(r.try_get("created_at_ms")?),
                    consecutive_failures: u32::try_from(r.try_get::<i64, _>("consecutive_failures")?).unwrap_or(u32::MAX),
                    paused_until: Some(r.try_get::<i64, _>("paused_until_ms")?)
                        .filter(|&until| until > now.unix_ms())
                        .map(Timestamp::from_unix_ms),
                    enabled: r.try_get::<i64, _>("enabled")? != 0,
                    events: events_of(&r.try_get::<String, _>("events")?),
                })
            })
            .collect()
    }

    /// Switches an endpoint on or off, or changes its events; `false` when the shop has no such endpoint.
    pub async fn change_webhook_endpoint(&self, merchant_id: &str, id: &str, change: &WebhookEndpointChange) -> Result<bool, sqlx::Error> {
        let mut tx = self.read_then_write().await?;
        let found = sqlx::query("SELECT 1 FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if let Some(enabled) = change.enabled {
            // Switched on again: a paused circuit starts afresh.
            sqlx::query("UPDATE webhook_endpoints SET enabled = $1, consecutive_failures = 0, paused_until_ms = 0 WHERE id = $2 AND merchant_id = $3")
                .bind(i64::from(enabled))
                .bind(id)
                .bind(merchant_id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(events) = &change.events {
            sqlx::query("UPDATE webhook_endpoints SET events = $1 WHERE id = $2 AND merchant_id = $3")
                .bind(events_column(events))
                .bind(id)
                .bind(merchant_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(found)
    }

    /// Removes an endpoint and its delivery log; `false` when the shop has no such endpoint.
    pub async fn delete_webhook_endpoint(&self, merchant_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(deleted)
    }

    /// A new signing secret for an endpoint (the next delivery is signed with it); `None` when
    /// the shop has no such endpoint.
    pub async fn rotate_webhook_secret(&self, merchant_id: &str, id: &str) -> Result<Option<String>, sqlx::Error> {
        let secret = format!("whsec_{}", crate::domain::token::random_hex(24));
        let changed = sqlx::query("UPDATE webhook_endpoints SET secret = $1 WHERE id = $2 AND merchant_id = $3")
            .bind(&secret)
            .bind(id)
            .bind(merchant_id)
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1;
        Ok(changed.then_some(secret))
    }

    /// Sends an undelivered delivery again now (its endpoint's pause is lifted too).
    pub async fn retry_webhook_delivery(&self, merchant_id: &str, id: &str, now: Timestamp) -> Result<RetryOutcome, sqlx::Error> {
        let mut tx = self.read_then_write().await?;
        let Some(row) = sqlx::query("SELECT endpoint_id, delivered_at_ms FROM webhook_deliveries WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(RetryOutcome::NotFound);
        };
        if row.try_get::<Option<i64>, _>("delivered_at_ms")?.is_some() {
            return Ok(RetryOutcome::AlreadyDelivered);
        }
        let endpoint_id: String = row.try_get("endpoint_id")?;
        // A fresh claim token voids a lease in flight: its outcome is no longer recorded.
        sqlx::query("UPDATE webhook_deliveries SET next_attempt_at_ms = $1, claim_token = NULL WHERE id = $2")
            .bind(now.unix_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE webhook_endpoints SET paused_until_ms = 0 WHERE id = $1").bind(&endpoint_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(RetryOutcome::Queued)
    }

    /// The merchant's most recent deliveries, newest first.
    pub async fn webhook_deliveries(&self, merchant_id: &str, limit: i64) -> Result<Vec<WebhookDelivery>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, endpoint_id, event_type, attempts, last_status, last_error, next_attempt_at_ms, delivered_at_ms, created_at_ms \
             FROM webhook_deliveries WHERE merchant_id = $1 ORDER BY created_at_ms DESC, id LIMIT $2",
        )
        .bind(merchant_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// Claims up to `slots` due deliveries, the oldest of each endpoint whose circuit is
    /// closed and that is not in `skip` (endpoints this process is already sending to): one
    /// endpoint's backlog never fills the slots other merchants need. Each claim is a
    /// conditional UPDATE (only one process wins it) that leases the delivery until
    /// `now + lease` under a fresh token.
    pub async fn claim_due_deliveries(
        &self,
        now: Timestamp,
        lease: Duration,
        slots: usize,
        skip: &HashSet<String>,
    ) -> Result<Vec<DueDelivery>, sqlx::Error> {
        if slots == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT d.id, d.endpoint_id, d.next_attempt_at_ms, d.attempts, d.event_type, d.payload_json, e.url, e.secret \
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
             WHERE d.delivered_at_ms IS NULL AND d.next_attempt_at_ms <= $1 AND e.paused_until_ms <= $1 AND e.enabled = 1 \
               AND d.id = (SELECT first.id FROM webhook_deliveries first \
                           WHERE first.endpoint_id = d.endpoint_id AND first.delivered_at_ms IS NULL AND first.next_attempt_at_ms <= $1 \
                           ORDER BY first.next_attempt_at_ms, first.id LIMIT 1) \
             ORDER BY d.next_attempt_at_ms, d.id LIMIT $2",
        )
        .bind(now.unix_ms())
        .bind(i64::try_from(slots + skip.len()).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        let lease_until = now.unix_ms() + lease.as_millis() as i64;
        let mut claimed = Vec::new();
        for row in rows {
            let endpoint_id: String = row.try_get("endpoint_id")?;
            if claimed.len() == slots || skip.contains(&endpoint_id) {
                continue;
            }
            let id: String = row.try_get("id")?;
            let seen: i64 = row.try_get("next_attempt_at_ms")?;
            let claim_token = uuid::Uuid::new_v4().simple().to_string();
            let won = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at_ms = $1, attempts = attempts + 1, claim_token = $2 \
                 WHERE id = $3 AND next_attempt_at_ms = $4 AND delivered_at_ms IS NULL",
            )
            .bind(lease_until)
            .bind(&claim_token)
            .bind(&id)
            .bind(seen)
            .execute(self.pool())
            .await?
            .rows_affected()
                == 1;
            if won {
                claimed.push(DueDelivery {
                    id,
                    endpoint_id,
                    claim_token,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                    event_type: row.try_get("event_type")?,
                    payload: row.try_get("payload_json")?,
                    attempts: row.try_get::<i64, _>("attempts")? + 1,
                });
            }
        }
        Ok(claimed)
    }

    /// Records an attempt: delivered on 2xx, else scheduled again with backoff (or given up);
    /// and the endpoint's health: a success closes its circuit, a failure counts towards
    /// opening it. `false` (and nothing recorded) when the claim is no longer this one's.
    pub async fn record_delivery(
        &self,
        delivery: &DueDelivery,
        status: Option<u16>,
        error: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        let next =
            if delivered { None } else { webhook::retry_after(delivery.attempts).map(|wait| now.unix_ms() + wait.as_millis() as i64) };
        let mut tx = self.pool().begin().await?;
        let recorded = sqlx::query(
            "UPDATE webhook_deliveries SET last_status = $1, last_error = $2, next_attempt_at_ms = $3, delivered_at_ms = $4, claim_token = NULL \
             WHERE id = $5 AND claim_token = $6",
        )
        .bind(status.map(i64::from))
        .bind(error.map(str::to_owned))
        .bind(next)
        .bind(delivered.then_some(now.unix_ms()))
        .bind(&delivery.id)
        .bind(&delivery.claim_token)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !recorded {
            tx.rollback().await?;
            return Ok(false);
        }
        if delivered {
            sqlx::query("UPDATE webhook_endpoints SET consecutive_failures = 0, paused_until_ms = 0 WHERE id = $1")
                .bind(&delivery.endpoint_id)
                .execute(&mut *tx)
                .await?;
        } else {
            let failures: i64 = sqlx::query(
                "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 RETURNING consecutive_failures",
            )
            .bind(&delivery.endpoint_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("consecutive_failures")?;
            if let Some(pause) = webhook::circuit_pause(failures) {
                sqlx::query("UPDATE webhook_endpoints SET paused_until_ms = $1 WHERE id = $2")
                    .bind(now.unix_ms() + pause.as_millis() as i64)
                    .bind(&delivery.endpoint_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}

/// The merchant's endpoints that are on, with the events each wants (filtered by [`wants`]).
pub(super) const ENABLED_ENDPOINTS: &str = "SELECT id, events FROM webhook_endpoints WHERE merchant_id = $1 AND enabled = 1";
/// One delivery: id, merchant, endpoint, event type, payload, due (now).
pub(super) const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, event_type, payload_json, attempts, next_attempt_at_ms, created_at_ms) \
     VALUES ($1, $2, $3, $4, $5, 0, $6, $6)";

/// Whether an endpoint subscribed to `events` (its column) wants `event_type`.
pub(super) fn wants(events: &str, event_type: &str) -> bool {
    events_of(events).iter().any(|e| e.as_str() == event_type)
}

/// A new delivery's id and payload.
pub(super) fn delivery(event_type: &str, data: &serde_json::Value, now: Timestamp) -> (String, String) {
    // Time-ordered ids (UUIDv7, ordered within a process): an endpoint's deliveries due
    // at the same moment go out in the order their changes happened.
    let id = format!("whd_{}", uuid::Uuid::now_v7().simple());
    let payload = serde_json::json!({ "id": id, "type": event_type, "created_at": now, "data": data });
    (id, payload.to_string())
}

/// Writes one delivery per endpoint of the merchant, inside the caller's transaction.
pub(crate) async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    merchant_id: &str,
    event_type: &str,
    data: &serde_json::Value,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let endpoints = sqlx::query(ENABLED_ENDPOINTS).bind(merchant_id).fetch_all(&mut *conn).await?;
    for endpoint in endpoints {
        let (endpoint_id, events): (String, String) = (endpoint.try_get("id")?, endpoint.try_get("events")?);
        if !wants(&events, event_type) {
            continue;
        }
        let (id, payload) = delivery(event_type, data, now);
        sqlx::query(INSERT_DELIVERY)
            .bind(&id)
            .bind(merchant_id)
            .bind(&endpoint_id)
            .bind(event_type)
            .bind(payload)
            .bind(now.unix_ms())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// [`enqueue`] on SQLite's writer thread (see `sqlite_writer`).
pub(super) fn enqueue_on(
    connection: &rusqlite::Connection,
    merchant_id: &str,
    event_type: &str,
    data: &serde_json::Value,
    now: Timestamp,
) -> Result<(), rusqlite::Error> {
    let mut endpoints = connection.prepare_cached(ENABLED_ENDPOINTS)?;
    let endpoints: Vec<(String, String)> =
        endpoints.query_map([merchant_id], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
    for (endpoint_id, events) in endpoints {
        if !wants(&events, event_type) {
            continue;
        }
        let (id, payload) = delivery(event_type, data, now);
        connection.prepare_cached(INSERT_DELIVERY)?.execute(rusqlite::params![
            id,
            merchant_id,
            endpoint_id,
            event_type,
            payload,
            now.unix_ms()
        ])?;
    }
    Ok(())
}

fn delivery_from_row(row: &AnyRow) -> Result<WebhookDelivery, sqlx::Error> {
    Ok(WebhookDelivery {
        id: row.try_get("id")?,
        endpoint_id: row.try_get("endpoint_id")?,
        event_type: row.try_get("event_type")?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        last_status: row.try_get::<Option<i64>, _>("last_status")?.and_then(|s| u16::try_from(s).ok()),
        last_error: row.try_get("last_error")?,
        next_attempt_at: row.try_get::<Option<i64>, _>("next_attempt_at_ms")?.map(Timestamp::from_unix_ms),
        delivered_at: row.try_get::<Option<i64>, _>("delivered_at_ms")?.map(Timestamp::from_unix_ms),
        created_at: Timestamp::from_unix_ms(row.try_get("created_at_ms")?),
    })
}
