//! CSAT answers: one row per subject, changed in place within the edit window.

use carebox_contract::{
    CalendarDate, ComplaintCategory, CsatComment, CsatScore, CsatSettings, CsatSubject, EscalationLevel, MerchantCsatAnswer, Timestamp,
};
use sqlx::{Row, any::AnyRow};

use super::Store;
use crate::domain::csat::{self, AnswerGroup, Outcome};

/// An answer to store. `subject_key` is what makes it one per subject (for `service` the
/// shopper's id is part of it; a complaint or an order has one shopper anyway).
pub struct NewCsatAnswer<'a> {
    pub merchant_id: &'a str,
    pub subject: &'a CsatSubject,
    pub subject_key: String,
    pub shopper_email: Option<&'a str>,
    /// For complaints: its category and level now, for the merchant's figures.
    pub complaint: Option<(ComplaintCategory, EscalationLevel)>,
    pub score: CsatScore,
    /// `None` keeps the stored comment; an empty one removes it.
    pub comment: Option<&'a CsatComment>,
    /// `widget` or `email`.
    pub source: &'static str,
}

/// An answer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCsatAnswer {
    pub subject: CsatSubject,
    pub score: CsatScore,
    pub comment: Option<String>,
    pub shopper_email: Option<String>,
    pub source: String,
    pub answered_at: Timestamp,
    pub updated_at: Timestamp,
}

impl StoredCsatAnswer {
    pub fn view(&self, settings: &CsatSettings, now: Timestamp) -> carebox_contract::CsatAnswer {
        let editable_until = csat::editable_until(self.answered_at, settings);
        carebox_contract::CsatAnswer {
            subject: self.subject.clone(),
            score: self.score,
            comment: self.comment.clone(),
            answered_at: self.answered_at,
            editable_until,
            editable: now < editable_until,
        }
    }

    pub fn merchant_view(&self) -> MerchantCsatAnswer {
        MerchantCsatAnswer {
            subject: self.subject.clone(),
            score: self.score,
            comment: self.comment.clone(),
            shopper_email: self.shopper_email.clone(),
            source: self.source.clone(),
            answered_at: self.answered_at,
            updated_at: self.updated_at,
        }
    }
}

/// What storing an answer did.
#[derive(Debug)]
pub enum Answered {
    Created(StoredCsatAnswer),
    Changed(StoredCsatAnswer),
    /// The edit window has closed; the answer as it stays.
    Locked(StoredCsatAnswer),
}

const COLUMNS: &str = "subject, score, comment, shopper_email, source, created_at_ms, updated_at_ms";

fn answer_from_row(row: &AnyRow) -> Result<StoredCsatAnswer, sqlx::Error> {
    let decode = |e: carebox_contract::FieldError| sqlx::Error::Decode(Box::new(e));
    let subject: String = row.try_get("subject")?;
    let score: i64 = row.try_get("score")?;
    Ok(StoredCsatAnswer {
        subject: CsatSubject::parse(&subject).map_err(decode)?,
        score: CsatScore::parse(u8::try_from(score).unwrap_or(0)).map_err(decode)?,
        comment: row.try_get::<Option<String>, _>("comment")?.filter(|c| !c.is_empty()),
        shopper_email: row.try_get("shopper_email")?,
        source: row.try_get("source")?,
        answered_at: Timestamp::from_unix_ms(row.try_get("created_at_ms")?),
        updated_at: Timestamp::from_unix_ms(row.try_get("updated_at_ms")?),
    })
}

impl Store {
    /// Stores the first answer on a subject, or changes it within the edit window. Concurrent
    /// calls settle on the unique key: one inserts, the others change that row.
    pub async fn answer_csat(&self, answer: NewCsatAnswer<'_>, settings: &CsatSettings, now: Timestamp) -> Result<Answered, sqlx::Error> {
        let comment = answer.comment.map(|c| c.as_str().to_owned()).filter(|c| !c.is_empty());
        let (category, level) = match answer.complaint {
            Some((category, level)) => (Some(super::complaints::name(category)?), Some(level.as_str())),
            None => (None, None),
        };
        let inserted = sqlx::query(&format!(
            "INSERT INTO csat_answers (id, merchant_id, subject_key, subject, shopper_email, complaint_category, complaint_level, \
             score, comment, source, answered_day, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT (merchant_id, subject_key) DO NOTHING \
             RETURNING {COLUMNS}",
        ))
        .bind(format!("csat_{}", uuid::Uuid::new_v4().simple()))
        .bind(answer.merchant_id)
        .bind(&answer.subject_key)
        .bind(answer.subject.to_string())
        .bind(answer.shopper_email)
        .bind(category.clone())
        .bind(level)
        .bind(i64::from(answer.score.get()))
        .bind(comment.clone())
        .bind(answer.source)
        .bind(now.utc_date().to_string())
        .bind(now.unix_ms())
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = inserted {
            return Ok(Answered::Created(answer_from_row(&row)?));
        }
        let stored = self.stored_csat(answer.merchant_id, &answer.subject_key).await?.ok_or(sqlx::Error::RowNotFound)?;
        if csat::outcome(Some(stored.answered_at), now, settings) == Outcome::Locked {
            return Ok(Answered::Locked(stored));
        }
        // The window is checked again in the UPDATE itself, so a change can never land late.
        let window_start = now.unix_ms() - settings.edit_window_hours.saturating_mul(3_600_000);
        let keep_comment = answer.comment.is_none();
        let changed = sqlx::query(&format!(
            "UPDATE csat_answers SET score = $1, comment = CASE WHEN $2 THEN comment ELSE $3 END, source = $4, updated_at_ms = $5, \
             complaint_category = COALESCE($6, complaint_category), complaint_level = COALESCE($7, complaint_level) \
             WHERE merchant_id = $8 AND subject_key = $9 AND created_at_ms > $10 RETURNING {COLUMNS}",
        ))
        .bind(i64::from(answer.score.get()))
        .bind(keep_comment)
        .bind(comment)
        .bind(answer.source)
        .bind(now.unix_ms())
        .bind(category)
        .bind(level)
        .bind(answer.merchant_id)
        .bind(&answer.subject_key)
        .bind(window_start)
        .fetch_optional(self.pool())
        .await?;
        // No row: the window closed between the read above and this write.
        match changed {
            Some(row) => Ok(Answered::Changed(answer_from_row(&row)?)),
            None => Ok(Answered::Locked(stored)),
        }
    }

    pub async fn stored_csat(&self, merchant_id: &str, subject_key: &str) -> Result<Option<StoredCsatAnswer>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM csat_answers WHERE merchant_id = $1 AND subject_key = $2"))
            .bind(merchant_id)
            .bind(subject_key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(answer_from_row).transpose()
    }

    /// Answers first given between the two UTC dates (both included), grouped for the figures.
    pub async fn csat_groups(&self, merchant_id: &str, from: CalendarDate, to: CalendarDate) -> Result<Vec<AnswerGroup>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT answered_day, score, complaint_category, complaint_level, COUNT(*) AS n FROM csat_answers \
             WHERE merchant_id = $1 AND answered_day >= $2 AND answered_day <= $3 \
             GROUP BY answered_day, score, complaint_category, complaint_level",
        )
        .bind(merchant_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?;
        let decode = |e: carebox_contract::FieldError| sqlx::Error::Decode(Box::new(e));
        rows.iter()
            .map(|row| {
                let day: String = row.try_get("answered_day")?;
                let score: i64 = row.try_get("score")?;
                let category: Option<String> = row.try_get("complaint_category")?;
                let level: Option<String> = row.try_get("complaint_level")?;
                Ok(AnswerGroup {
                    day: CalendarDate::parse(&day, "answered_day").map_err(decode)?,
                    score: CsatScore::parse(u8::try_from(score).unwrap_or(0)).map_err(decode)?,
                    category: category.as_deref().map(super::complaints::parse).transpose()?,
                    level: level.as_deref().map(super::complaints::parse).transpose()?,
                    count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// The latest answers in a date range, newest change first, for the merchant to read.
    pub async fn csat_answers(
        &self,
        merchant_id: &str,
        from: CalendarDate,
        to: CalendarDate,
        limit: i64,
    ) -> Result<Vec<StoredCsatAnswer>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM csat_answers WHERE merchant_id = $1 AND answered_day >= $2 AND answered_day <= $3 \
             ORDER BY updated_at_ms DESC LIMIT $4"
        ))
        .bind(merchant_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(answer_from_row).collect()
    }
}
