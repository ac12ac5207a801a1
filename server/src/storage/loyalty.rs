//! The loyalty ledger's rows (a shopper's summary is derived from them) and the primitives the
//! loyalty service composes: the account lock, the lines, the sums it checks.

use std::sync::Arc;

use carebox_contract::{Email, LoyaltyEntryKind, OrderNumber, Timestamp};
use sqlx::Row;

use super::Store;
use super::remembered::Remembered;
use crate::domain::loyalty::LedgerLine;

/// A line to add to a shopper's ledger.
pub struct NewLedgerLine<'a> {
    pub merchant_id: &'a str,
    pub email: &'a str,
    /// Positive when earned, negative when removed.
    pub points: i64,
    pub kind: LoyaltyEntryKind,
    /// For the shopper (adjustments) or the record (`Order NW-1042`).
    pub reason: &'a str,
    /// The order a credit is for: one `order` line per order (a second is not added).
    pub order_id: Option<&'a str>,
    pub complaint_id: Option<&'a str>,
    /// When the points expire (credits); `None`: never.
    pub expires_at: Option<Timestamp>,
    /// The member of staff who made it.
    pub by: Option<&'a str>,
}

/// Shoppers' ledgers as the widget's reads use them (see [`Remembered`]): every order view and
/// lookup works out the points its order earns from its shopper's ledger, and a shopper's panel
/// asks again and again. Changes read the ledger inside their transaction, never from here.
pub(crate) type LedgerCache = Remembered<Vec<LedgerLine>>;

impl Store {
    /// Every ledger row of one shopper, with the order number or ticket it refers to: from
    /// [`LedgerCache`] when this process read it a moment ago.
    pub async fn ledger(&self, merchant_id: &str, email: &Email) -> Result<Arc<Vec<LedgerLine>>, sqlx::Error> {
        let key = (merchant_id.to_owned(), email.as_str().to_owned());
        if let Some(hit) = self.ledgers.get(&key) {
            return Ok(hit);
        }
        let before = self.ledgers.snapshot();
        let lines = Arc::new(ledger(&mut *self.pool().acquire().await?, merchant_id, email).await?);
        self.ledgers.keep(key, Arc::clone(&lines), before);
        Ok(lines)
    }
}

impl super::StoreTx {
    /// Locks the shopper's account row: concurrent changes of one shopper's points queue here,
    /// so each sees the others' lines (balance checks, caps).
    pub async fn lock_loyalty_account(&mut self, merchant_id: &str, email: &str, now: Timestamp) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO loyalty_accounts (merchant_id, shopper_email, touched_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (merchant_id, shopper_email) DO UPDATE SET touched_at_ms = excluded.touched_at_ms",
        )
        .bind(merchant_id)
        .bind(email)
        .bind(now.unix_ms())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// The shopper's ledger as it stands in this transaction.
    pub async fn ledger(&mut self, merchant_id: &str, email: &Email) -> Result<Vec<LedgerLine>, sqlx::Error> {
        ledger(&mut self.tx, merchant_id, email).await
    }

    /// Whether the order's points were credited already.
    pub async fn order_credited(&mut self, order_id: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT 1 FROM loyalty_ledger WHERE order_id = $1 AND kind = 'order'")
            .bind(order_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.is_some())
    }

    /// Compensation points credited to the shopper since `since`.
    pub async fn compensation_since(&mut self, merchant_id: &str, email: &str, since: Timestamp) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS credited FROM loyalty_ledger \
             WHERE merchant_id = $1 AND shopper_email = $2 AND kind = 'compensation' AND created_at_ms >= $3",
        )
        .bind(merchant_id)
        .bind(email)
        .bind(since.unix_ms())
        .fetch_one(&mut *self.tx)
        .await?
        .try_get("credited")
    }

    /// Adds a line; `false` when it was not added (a second `order` line for one order: the
    /// unique index settles a race between processes).
    pub async fn add_ledger_line(&mut self, line: NewLedgerLine<'_>, now: Timestamp) -> Result<bool, sqlx::Error> {
        self.changed_ledgers.push((line.merchant_id.to_owned(), line.email.to_owned()));
        let kind = line.kind.as_str();
        let inserted = sqlx::query(
            "INSERT INTO loyalty_ledger (id, merchant_id, shopper_email, points, kind, reason, order_id, complaint_id, expires_at_ms, created_at_ms, actor_name) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
        )
        .bind(new_id())
        .bind(line.merchant_id)
        .bind(line.email)
        .bind(line.points)
        .bind(kind)
        .bind(line.reason)
        .bind(line.order_id)
        .bind(line.complaint_id)
        .bind(line.expires_at.map(Timestamp::unix_ms))
        .bind(now.unix_ms())
        .bind(line.by)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(inserted == 1)
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
