//! Complaints: current state plus an append-only event log, and the SLA escalation step.

use carebox_contract::{
    ComplaintCategory, ComplaintDescription, ComplaintStatus, ContactPreference, DesiredResolution, EscalationLevel,
    Priority, Timestamp,
};
use sqlx::Row;

use super::{Store, to_json};
use crate::domain::complaint::{self, ComplaintState, SlaPolicy};

/// A complaint ready to be stored (its level, priority and deadline already decided).
pub struct NewComplaint<'a> {
    pub merchant_id: &'a str,
    pub order_id: &'a str,
    pub shopper_tier: Option<&'a str>,
    pub category: ComplaintCategory,
    pub description: &'a ComplaintDescription,
    pub desired_resolution: DesiredResolution,
    pub contact_preference: ContactPreference,
    /// Indices into the order's items.
    pub items: &'a [u32],
    pub level: EscalationLevel,
    pub priority: Priority,
    pub due_at: Timestamp,
}

/// One escalation the SLA step carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalated {
    pub complaint_id: String,
    pub merchant_id: String,
    pub ticket: String,
    pub from: EscalationLevel,
    pub to: EscalationLevel,
}

fn name<T: serde::Serialize>(value: T) -> Result<String, sqlx::Error> {
    let json = to_json(&value)?;
    Ok(json.trim_matches('"').to_owned())
}

fn parse<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A short ticket number shoppers can read out: `C-` and 8 characters without look-alikes.
fn ticket_number() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("randomness is available");
    let code: String = bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    format!("C-{code}")
}

impl Store {
    /// Stores the complaint and its `created` event; returns (id, ticket).
    pub async fn create_complaint(&self, complaint: NewComplaint<'_>, now: Timestamp) -> Result<(String, String), sqlx::Error> {
        let id = format!("cmp_{}", uuid::Uuid::new_v4().simple());
        let ticket = ticket_number();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO complaints (id, merchant_id, ticket, order_id, shopper_tier, category, description, \
             desired_resolution, contact_preference, items_json, status, level, priority, due_at_ms, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
        )
        .bind(&id)
        .bind(complaint.merchant_id)
        .bind(&ticket)
        .bind(complaint.order_id)
        .bind(complaint.shopper_tier.map(str::to_owned))
        .bind(name(complaint.category)?)
        .bind(complaint.description.as_str())
        .bind(name(complaint.desired_resolution)?)
        .bind(name(complaint.contact_preference)?)
        .bind(to_json(complaint.items)?)
        .bind(name(ComplaintStatus::Open)?)
        .bind(complaint.level.as_str())
        .bind(name(complaint.priority)?)
        .bind(complaint.due_at.unix_ms())
        .bind(now.unix_ms())
        .execute(&mut *tx)
        .await?;
        append_event(&mut tx, &id, "created", "shopper", None, Some(complaint.level), None, now).await?;
        tx.commit().await?;
        Ok((id, ticket))
    }

    /// The last time a complaint was filed about this order, for the repeat-complaint rule.
    pub async fn last_complaint_on_order(&self, order_id: &str) -> Result<Option<Timestamp>, sqlx::Error> {
        let row = sqlx::query("SELECT MAX(created_at_ms) AS last FROM complaints WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<Option<i64>, _>("last")?.map(Timestamp::from_unix_ms))
    }

    /// One pass of the SLA clock: every complaint past its promise without an answer goes up one
    /// level with a new deadline and an `escalated` event. Safe with many processes: each
    /// escalation is a conditional UPDATE on the level and deadline it saw, so only one
    /// process wins it; the others see zero rows changed and move on.
    pub async fn escalate_breached(&self, now: Timestamp, policy: &SlaPolicy, batch: i64) -> Result<Vec<Escalated>, sqlx::Error> {
        let candidates = sqlx::query(
            "SELECT id, merchant_id, ticket, level, due_at_ms, shopper_tier FROM complaints \
             WHERE status = 'open' AND due_at_ms <= $1 ORDER BY due_at_ms LIMIT $2",
        )
        .bind(now.unix_ms())
        .bind(batch)
        .fetch_all(self.pool())
        .await?;
        let mut escalated = Vec::new();
        for row in candidates {
            let id: String = row.try_get("id")?;
            let level: EscalationLevel = parse(&row.try_get::<String, _>("level")?)?;
            let due_ms: i64 = row.try_get("due_at_ms")?;
            let tier: Option<String> = row.try_get("shopper_tier")?;
            let state = ComplaintState {
                status: ComplaintStatus::Open,
                level,
                due_at: Some(Timestamp::from_unix_ms(due_ms)),
                shopper_escalated_from: Vec::new(),
            };
            let Some(step) = complaint::breach_escalation(&state, now, policy, tier.as_deref()) else { continue };
            let mut tx = self.pool().begin().await?;
            let won = sqlx::query(
                "UPDATE complaints SET level = $1, due_at_ms = $2, updated_at_ms = $3 \
                 WHERE id = $4 AND status = 'open' AND level = $5 AND due_at_ms = $6",
            )
            .bind(step.to.as_str())
            .bind(step.new_due_at.unix_ms())
            .bind(now.unix_ms())
            .bind(&id)
            .bind(step.from.as_str())
            .bind(due_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !won {
                tx.rollback().await?;
                continue;
            }
            let reason = "The promised response time passed without an answer.";
            append_event(&mut tx, &id, "escalated", "system", Some(step.from), Some(step.to), Some(reason), now).await?;
            tx.commit().await?;
            escalated.push(Escalated {
                complaint_id: id,
                merchant_id: row.try_get("merchant_id")?,
                ticket: row.try_get("ticket")?,
                from: step.from,
                to: step.to,
            });
        }
        Ok(escalated)
    }

    /// The complaint's events as (kind, actor, from, to), oldest first (for tests and views).
    pub async fn complaint_event_kinds(&self, complaint_id: &str) -> Result<Vec<(String, String, Option<String>, Option<String>)>, sqlx::Error> {
        let rows = sqlx::query("SELECT kind, actor, level_from, level_to FROM complaint_events WHERE complaint_id = $1 ORDER BY seq")
            .bind(complaint_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("actor")?, r.try_get("level_from")?, r.try_get("level_to")?)))
            .collect()
    }
}

/// Appends an event after the complaint's last one. Callers have already written the
/// complaint row in this transaction, which serialises writers of the same complaint.
#[allow(clippy::too_many_arguments)]
async fn append_event(
    conn: &mut sqlx::AnyConnection,
    complaint_id: &str,
    kind: &str,
    actor: &str,
    from: Option<EscalationLevel>,
    to: Option<EscalationLevel>,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_events (complaint_id, seq, kind, actor, level_from, level_to, reason, at_ms) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM complaint_events WHERE complaint_id = $1), $2, $3, $4, $5, $6, $7)",
    )
    .bind(complaint_id)
    .bind(kind)
    .bind(actor)
    .bind(from.map(|l| l.as_str().to_owned()))
    .bind(to.map(|l| l.as_str().to_owned()))
    .bind(reason.map(str::to_owned))
    .bind(now.unix_ms())
    .execute(conn)
    .await?;
    Ok(())
}
