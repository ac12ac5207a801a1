//! The loyalty ledger: credits for delivered orders (once per order), merchant adjustments,
//! and the rows a shopper's summary is derived from.

use carebox_contract::{Email, LoyaltyEntryKind, LoyaltyTier, OrderNumber, Timestamp};
use sqlx::Row;

use super::{Store, StoredOrder};
use crate::domain::loyalty::{self, LedgerLine};

/// Why an adjustment was refused.
#[derive(Debug)]
pub enum AdjustmentError {
    /// Removing this many points would take the balance below zero; the balance is given.
    BelowZero(i64),
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for AdjustmentError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error)
    }
}

/// Points added or removed by hand, with the reason the shopper reads.
pub struct Adjustment<'a> {
    pub email: &'a Email,
    /// Positive to add, negative to remove.
    pub points: i64,
    pub reason: &'a str,
    /// The member of staff who made it (none for the shop's backend).
    pub by: Option<&'a str>,
}

impl Store {
    /// Every ledger row of one shopper, with the order number or ticket it refers to.
    pub async fn ledger(&self, merchant_id: &str, email: &Email) -> Result<Vec<LedgerLine>, sqlx::Error> {
        ledger(&mut *self.pool().acquire().await?, merchant_id, email).await
    }

    /// Credits the points a delivered order earns, once per order (a replay credits nothing).
    /// The merchant's own figure wins; else the shopper's tier rate on the order's total.
    /// Returns the points credited now (0 when credited before).
    pub async fn credit_delivered_order(
        &self,
        merchant_id: &str,
        order: &StoredOrder,
        tiers: &[LoyaltyTier],
        now: Timestamp,
    ) -> Result<i64, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        let credited = sqlx::query("SELECT 1 FROM loyalty_ledger WHERE order_id = $1 AND kind = 'order'")
            .bind(&order.id)
            .fetch_optional(&mut *conn)
            .await?;
        if credited.is_some() {
            return Ok(0);
        }
        let points = match order.details.loyalty_points {
            Some(points) => points,
            None => {
                let summary = loyalty::summarize(&ledger(&mut conn, merchant_id, &order.details.email).await?, tiers, now);
                let tier = tiers.iter().find(|t| t.id == summary.tier.id).unwrap_or(&tiers[0]);
                loyalty::order_points(order.details.total_minor(), tier.earn_percent)
            }
        };
        if points <= 0 {
            return Ok(0);
        }
        // The unique index on (order_id) for `order` rows settles a race between two processes.
        let inserted = sqlx::query(
            "INSERT INTO loyalty_ledger (id, merchant_id, shopper_email, points, kind, reason, order_id, expires_at_ms, created_at_ms) \
             VALUES ($1, $2, $3, $4, 'order', $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(new_id())
        .bind(merchant_id)
        .bind(order.details.email.as_str())
        .bind(points)
        .bind(format!("Order {}", order.number.as_str()))
        .bind(&order.id)
        .bind(loyalty::expiry_of(now).unix_ms())
        .bind(now.unix_ms())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(if inserted == 1 { points } else { 0 })
    }

    /// Adds (or removes) points by hand. Removals never take the balance below zero; the
    /// shopper's account row is locked so concurrent adjustments see each other.
    pub async fn adjust_points(
        &self,
        merchant_id: &str,
        Adjustment { email, points, reason, by }: Adjustment<'_>,
        tiers: &[LoyaltyTier],
        now: Timestamp,
    ) -> Result<(), AdjustmentError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO loyalty_accounts (merchant_id, shopper_email, touched_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (merchant_id, shopper_email) DO UPDATE SET touched_at_ms = excluded.touched_at_ms",
        )
        .bind(merchant_id)
        .bind(email.as_str())
        .bind(now.unix_ms())
        .execute(&mut *tx)
        .await?;
        if points < 0 {
            let balance = loyalty::summarize(&ledger(&mut tx, merchant_id, email).await?, tiers, now).balance;
            if balance + points < 0 {
                return Err(AdjustmentError::BelowZero(balance));
            }
        }
        sqlx::query(
            "INSERT INTO loyalty_ledger (id, merchant_id, shopper_email, points, kind, reason, expires_at_ms, created_at_ms, actor_name) \
             VALUES ($1, $2, $3, $4, 'adjustment', $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(merchant_id)
        .bind(email.as_str())
        .bind(points)
        .bind(reason)
        .bind((points > 0).then(|| loyalty::expiry_of(now).unix_ms()))
        .bind(now.unix_ms())
        .bind(by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn new_id() -> String {
    format!("led_{}", uuid::Uuid::new_v4().simple())
}

async fn ledger(conn: &mut sqlx::AnyConnection, merchant_id: &str, email: &Email) -> Result<Vec<LedgerLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.kind, l.points, l.reason, l.actor_name, l.created_at_ms, l.expires_at_ms, o.number, c.ticket, \
                COALESCE(l.order_id, c.order_id) AS about_order \
         FROM loyalty_ledger l LEFT JOIN orders o ON o.id = l.order_id LEFT JOIN complaints c ON c.id = l.complaint_id \
         WHERE l.merchant_id = $1 AND l.shopper_email = $2 ORDER BY l.created_at_ms",
    )
    .bind(merchant_id)
    .bind(email.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let kind = match kind.as_str() {
                "order" => LoyaltyEntryKind::Order,
                "compensation" => LoyaltyEntryKind::Compensation,
                _ => LoyaltyEntryKind::Adjustment,
            };
            let number: Option<String> = row.try_get("number")?;
            Ok(LedgerLine {
                kind,
                points: row.try_get("points")?,
                at: Timestamp::from_unix_ms(row.try_get("created_at_ms")?),
                expires_at: row.try_get::<Option<i64>, _>("expires_at_ms")?.map(Timestamp::from_unix_ms),
                order_number: number.and_then(|n| OrderNumber::parse(&n).ok()),
                ticket: row.try_get("ticket")?,
                // Only the merchant's adjustments carry words meant for the shopper.
                reason: if kind == LoyaltyEntryKind::Adjustment { row.try_get("reason")? } else { None },
                by: row.try_get::<Option<String>, _>("actor_name")?.filter(|name| !name.is_empty()),
                about_order: row.try_get("about_order")?,
            })
        })
        .collect()
}
