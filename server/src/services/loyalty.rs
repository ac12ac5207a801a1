//! The loyalty ledger's rules over storage's primitives: a delivered order earns points once
//! (the merchant's figure, else the shopper's tier rate), staff add or remove points with a
//! reason (never below a balance of 0), and compensation for a complaint is credited within
//! the shopper's 30-day cap. Each runs under the shopper's account lock.

use carebox_contract::{Email, LoyaltyEntryKind, LoyaltyTier, Timestamp};

use crate::Store;
use crate::domain::complaint::{COMPENSATION_WINDOW, compensation_allowed};
use crate::domain::loyalty;
use crate::storage::{NewLedgerLine, StoreTx, StoredOrder};

/// Points added or removed by hand, with the reason the shopper reads.
pub struct Adjustment<'a> {
    pub email: &'a Email,
    /// Positive to add, negative to remove.
    pub points: i64,
    pub reason: &'a str,
    /// The member of staff who made it (none for the shop's backend).
    pub by: Option<&'a str>,
}

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

/// Credits the points a delivered order earns, once per order (a replay credits nothing).
/// Answers the points credited now (0 when credited before).
pub async fn credit_delivered_order(
    store: &Store,
    merchant_id: &str,
    order: &StoredOrder,
    tiers: &[LoyaltyTier],
    now: Timestamp,
) -> Result<i64, sqlx::Error> {
    let email = &order.details.email;
    let mut tx = store.begin().await?;
    tx.lock_loyalty_account(merchant_id, email.as_str(), now).await?;
    if tx.order_credited(&order.id).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    let points = match order.details.loyalty_points {
        Some(points) => points,
        None => {
            let summary = loyalty::summarize(&tx.ledger(merchant_id, email).await?, tiers, now);
            let tier = tiers.iter().find(|t| t.id == summary.tier.id).unwrap_or(&tiers[0]);
            loyalty::order_points(order.details.total_minor(), tier.earn_percent)
        }
    };
    if points <= 0 {
        tx.rollback().await?;
        return Ok(0);
    }
    let reason = format!("Order {}", order.number.as_str());
    let line = NewLedgerLine {
        merchant_id,
        email: email.as_str(),
        points,
        kind: LoyaltyEntryKind::Order,
        reason: &reason,
        order_id: Some(&order.id),
        complaint_id: None,
        expires_at: Some(loyalty::expiry_of(now)),
        by: None,
    };
    let added = tx.add_ledger_line(line, now).await?;
    tx.commit().await?;
    Ok(if added { points } else { 0 })
}

/// Adds (or removes) points by hand; removals never take the balance below zero.
pub async fn adjust_points(
    store: &Store,
    merchant_id: &str,
    Adjustment { email, points, reason, by }: Adjustment<'_>,
    tiers: &[LoyaltyTier],
    now: Timestamp,
) -> Result<(), AdjustmentError> {
    let mut tx = store.begin().await?;
    tx.lock_loyalty_account(merchant_id, email.as_str(), now).await?;
    if points < 0 {
        let balance = loyalty::summarize(&tx.ledger(merchant_id, email).await?, tiers, now).balance;
        if balance + points < 0 {
            return Err(AdjustmentError::BelowZero(balance));
        }
    }
    let line = NewLedgerLine {
        merchant_id,
        email: email.as_str(),
        points,
        kind: LoyaltyEntryKind::Adjustment,
        reason,
        order_id: None,
        complaint_id: None,
        expires_at: (points > 0).then(|| loyalty::expiry_of(now)),
        by,
    };
    tx.add_ledger_line(line, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Credits compensation for a complaint, within the shopper's cap over the last 30 days, in
/// the caller's transaction; the complaint's history says how many. Answers the points credited.
pub async fn credit_compensation(
    tx: &mut StoreTx,
    merchant_id: &str,
    email: &str,
    complaint_id: &str,
    (requested, cap): (i64, i64),
    now: Timestamp,
) -> Result<i64, sqlx::Error> {
    tx.lock_loyalty_account(merchant_id, email, now).await?;
    let since = Timestamp::from_unix_ms(now.unix_ms() - COMPENSATION_WINDOW.as_millis() as i64);
    let credited = tx.compensation_since(merchant_id, email, since).await?;
    let allowed = compensation_allowed(requested, credited, cap);
    if allowed == 0 {
        return Ok(0);
    }
    let reason = format!("Compensation for complaint {complaint_id}");
    let line = NewLedgerLine {
        merchant_id,
        email,
        points: allowed,
        kind: LoyaltyEntryKind::Compensation,
        reason: &reason,
        order_id: None,
        complaint_id: Some(complaint_id),
        expires_at: Some(loyalty::expiry_of(now)),
        by: None,
    };
    tx.add_ledger_line(line, now).await?;
    tx.append_bonus_event(complaint_id, allowed, now).await?;
    Ok(allowed)
}
