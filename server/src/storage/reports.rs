//! The raw facts of the support report (the arithmetic is `domain::report`).

use carebox_contract::{Actor, EscalationLevel, Timestamp};
use sqlx::Row;

use super::Store;
use super::complaints::parse;
use crate::domain::report::{Escalation, FiledComplaint};

impl Store {
    /// Complaints filed in `[from, until)` with their first answer of staff (a reply or a
    /// resolution), and every escalation in the same span.
    pub async fn support_facts(
        &self,
        merchant_id: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<(Vec<FiledComplaint>, Vec<Escalation>), sqlx::Error> {
        let filed = sqlx::query(
            "SELECT c.created_at_ms AS filed, MIN(e.at_ms) AS answered FROM complaints c \
             LEFT JOIN complaint_events e ON e.complaint_id = c.id AND e.actor = 'merchant' AND e.kind IN ('replied', 'resolved') \
             WHERE c.merchant_id = $1 AND c.created_at_ms >= $2 AND c.created_at_ms < $3 GROUP BY c.id, c.created_at_ms",
        )
        .bind(merchant_id)
        .bind(from.unix_ms())
        .bind(until.unix_ms())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(FiledComplaint {
                filed_at: Timestamp::from_unix_ms(row.try_get("filed")?),
                first_answer_at: row.try_get::<Option<i64>, _>("answered")?.map(Timestamp::from_unix_ms),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let escalations = sqlx::query(
            "SELECT e.at_ms, e.level_to, e.actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id \
             WHERE c.merchant_id = $1 AND e.kind = 'escalated' AND e.at_ms >= $2 AND e.at_ms < $3",
        )
        .bind(merchant_id)
        .bind(from.unix_ms())
        .bind(until.unix_ms())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(Escalation {
                at: Timestamp::from_unix_ms(row.try_get("at_ms")?),
                to: parse::<EscalationLevel>(&row.try_get::<String, _>("level_to")?)?,
                by: parse::<Actor>(&row.try_get::<String, _>("actor")?)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((filed, escalations))
    }
}
