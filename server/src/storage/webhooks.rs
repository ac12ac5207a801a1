//! Webhook endpoints and the delivery outbox.

use std::time::Duration;

use carebox_contract::{Timestamp, WebhookDelivery, WebhookEndpoint};
use sqlx::{Row, any::AnyRow};

use super::Store;
use crate::domain::webhook;

/// A delivery claimed for sending by this process.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub event_type: String,
    pub payload: String,
    /// Including the one about to be made.
    pub attempts: i64,
}

impl Store {
    pub async fn add_webhook_endpoint(&self, merchant_id: &str, url: &str, now: Timestamp) -> Result<WebhookEndpoint, sqlx::Error> {
        let mut secret = [0u8; 24];
        getrandom::fill(&mut secret).map_err(|e| sqlx::Error::Protocol(format!("no randomness: {e}")))?;
        let endpoint = WebhookEndpoint {
            id: format!("whe_{}", uuid::Uuid::new_v4().simple()),
            url: url.to_owned(),
            secret: format!("whsec_{}", hex::encode(secret)),
            created_at: now,
        };
        sqlx::query("INSERT INTO webhook_endpoints (id, merchant_id, url, secret, created_at_ms) VALUES ($1, $2, $3, $4, $5)")
            .bind(&endpoint.id)
            .bind(merchant_id)
            .bind(&endpoint.url)
            .bind(&endpoint.secret)
            .bind(now.unix_ms())
            .execute(self.pool())
            .await?;
        Ok(endpoint)
    }

    pub async fn webhook_endpoints(&self, merchant_id: &str) -> Result<Vec<WebhookEndpoint>, sqlx::Error> {
        let rows =
            sqlx::query("SELECT id, url, secret, created_at_ms FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at_ms, id")
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
                })
            })
            .collect()
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

    /// Claims deliveries that are due: each is leased to this process by a conditional
    /// UPDATE (only one process wins it), so several servers never send one twice at once.
    pub async fn claim_due_deliveries(&self, now: Timestamp, lease: Duration, batch: i64) -> Result<Vec<DueDelivery>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT d.id, d.next_attempt_at_ms, d.attempts, d.event_type, d.payload_json, e.url, e.secret \
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
             WHERE d.delivered_at_ms IS NULL AND d.next_attempt_at_ms <= $1 ORDER BY d.next_attempt_at_ms LIMIT $2",
        )
        .bind(now.unix_ms())
        .bind(batch)
        .fetch_all(self.pool())
        .await?;
        let lease_until = now.unix_ms() + lease.as_millis() as i64;
        let mut claimed = Vec::new();
        for row in rows {
            let id: String = row.try_get("id")?;
            let seen: i64 = row.try_get("next_attempt_at_ms")?;
            let won = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at_ms = $1, attempts = attempts + 1 \
                 WHERE id = $2 AND next_attempt_at_ms = $3 AND delivered_at_ms IS NULL",
            )
            .bind(lease_until)
            .bind(&id)
            .bind(seen)
            .execute(self.pool())
            .await?
            .rows_affected()
                == 1;
            if won {
                claimed.push(DueDelivery {
                    id,
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

    /// Records an attempt: delivered on 2xx, else scheduled again with backoff (or given up).
    pub async fn record_delivery(
        &self,
        delivery: &DueDelivery,
        status: Option<u16>,
        error: Option<&str>,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        let next =
            if delivered { None } else { webhook::retry_after(delivery.attempts).map(|wait| now.unix_ms() + wait.as_millis() as i64) };
        sqlx::query(
            "UPDATE webhook_deliveries SET last_status = $1, last_error = $2, next_attempt_at_ms = $3, delivered_at_ms = $4 WHERE id = $5",
        )
        .bind(status.map(i64::from))
        .bind(error.map(str::to_owned))
        .bind(next)
        .bind(delivered.then_some(now.unix_ms()))
        .bind(&delivery.id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

/// Writes one delivery per endpoint of the merchant, inside the caller's transaction.
pub(crate) async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    merchant_id: &str,
    event_type: &str,
    data: &serde_json::Value,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let endpoints: Vec<String> = sqlx::query("SELECT id FROM webhook_endpoints WHERE merchant_id = $1")
        .bind(merchant_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    if endpoints.is_empty() {
        return Ok(());
    }
    for endpoint_id in endpoints {
        let id = format!("whd_{}", uuid::Uuid::new_v4().simple());
        let payload = serde_json::json!({ "id": id, "type": event_type, "created_at": now, "data": data });
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, event_type, payload_json, attempts, next_attempt_at_ms, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(&id)
        .bind(merchant_id)
        .bind(&endpoint_id)
        .bind(event_type)
        .bind(payload.to_string())
        .bind(now.unix_ms())
        .execute(&mut *conn)
        .await?;
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
