//! Attempt windows shared by all server processes (PostgreSQL deployments): see
//! `http::rate_limit`. Each count is one upsert, atomic under concurrency on any engine.

use std::time::Duration;

use carebox_contract::Timestamp;
use sqlx::Row;

use super::Store;

/// One key's current window, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptWindow {
    pub expires_at_ms: i64,
    pub hits: i64,
}

impl Store {
    /// Counts one attempt for `key`: in its window if that is still open at `now`, else in a
    /// new window of length `window` starting now.
    pub async fn count_attempt(&self, key: &str, window: Duration, now: Timestamp) -> Result<(), sqlx::Error> {
        let expires_at_ms = now.unix_ms().saturating_add(i64::try_from(window.as_millis()).unwrap_or(i64::MAX));
        sqlx::query(
            "INSERT INTO rate_limit_windows (limit_key, expires_at_ms, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (limit_key) DO UPDATE SET \
               hits = CASE WHEN rate_limit_windows.expires_at_ms <= $3 THEN 1 ELSE rate_limit_windows.hits + 1 END, \
               expires_at_ms = CASE WHEN rate_limit_windows.expires_at_ms <= $3 THEN excluded.expires_at_ms \
                                    ELSE rate_limit_windows.expires_at_ms END",
        )
        .bind(key)
        .bind(expires_at_ms)
        .bind(now.unix_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The stored windows of `keys` (open or not) by key, in one query; a key never counted has none.
    pub async fn attempt_windows(&self, keys: &[&str]) -> Result<Vec<(String, AttemptWindow)>, sqlx::Error> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=keys.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT limit_key, expires_at_ms, hits FROM rate_limit_windows WHERE limit_key IN ({placeholders})");
        let mut query = sqlx::query(&sql);
        for key in keys {
            query = query.bind(*key);
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, AttemptWindow { expires_at_ms: row.try_get(1)?, hits: row.try_get(2)? })))
            .collect()
    }

    /// Deletes windows closed before `now` (they count nothing any more).
    pub async fn forget_closed_attempt_windows(&self, now: Timestamp) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM rate_limit_windows WHERE expires_at_ms <= $1").bind(now.unix_ms()).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }
}
