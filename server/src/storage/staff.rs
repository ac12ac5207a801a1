//! Staff accounts of a shop: created from the command line (`staff add`), read at sign-in.

use carebox_contract::{Email, Timestamp};
use sqlx::Row;

use super::{MerchantRecord, Store, merchants::hash_secret};
use crate::domain::staff::{DisplayName, Role};

/// A member of staff to add; the password arrives hashed.
pub struct NewStaff<'a> {
    pub merchant_id: &'a str,
    pub email: &'a Email,
    pub display_name: &'a DisplayName,
    pub role: Role,
    pub password_hash: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: String,
    pub merchant_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Debug)]
pub enum StaffWriteError {
    /// An account with this e-mail exists (for this shop or another: it is the sign-in name).
    EmailTaken,
    UnknownMerchant,
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for StaffWriteError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error)
    }
}

impl Store {
    /// Adds a member of staff to a shop; answers the new account's id.
    pub async fn add_staff(&self, staff: NewStaff<'_>, now: Timestamp) -> Result<String, StaffWriteError> {
        let mut tx = self.read_then_write().await?;
        let merchant = sqlx::query("SELECT id FROM merchants WHERE id = $1").bind(staff.merchant_id).fetch_optional(&mut *tx).await?;
        if merchant.is_none() {
            return Err(StaffWriteError::UnknownMerchant);
        }
        let id = format!("stf_{}", uuid::Uuid::new_v4().simple());
        let inserted = sqlx::query(
            "INSERT INTO staff (id, merchant_id, email, display_name, role, password_hash, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email) DO NOTHING",
        )
        .bind(&id)
        .bind(staff.merchant_id)
        .bind(staff.email.as_str())
        .bind(staff.display_name.as_str())
        .bind(staff.role.as_str())
        .bind(staff.password_hash)
        .bind(now.unix_ms())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StaffWriteError::EmailTaken);
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The account signing in with this e-mail, if any.
    pub async fn staff_by_email(&self, email: &Email) -> Result<Option<StaffRecord>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {STAFF_COLUMNS} FROM staff s WHERE s.email = $1"))
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    /// Opens a session for a member of staff; the token itself is not stored, only its hash.
    pub async fn open_staff_session(
        &self,
        staff_id: &str,
        token: &str,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash_secret(token))
        .bind(staff_id)
        .bind(csrf_token)
        .bind(now.unix_ms())
        .bind(expires_at.unix_ms())
        .execute(self.pool())
        .await?;
        // Ended sessions go when new ones come; a sign-in is rare enough to pay for it.
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at_ms <= $1").bind(now.unix_ms()).execute(self.pool()).await?;
        Ok(())
    }

    /// The live session with this cookie token: who, their shop, its CSRF token and end.
    pub async fn staff_session(&self, token: &str, now: Timestamp) -> Result<Option<StaffSessionRecord>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS}, x.csrf_token, x.expires_at_ms FROM staff_sessions x JOIN staff s ON s.id = x.staff_id \
             WHERE x.token_hash = $1 AND x.expires_at_ms > $2"
        ))
        .bind(hash_secret(token))
        .bind(now.unix_ms())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let staff = staff_from_row(&row)?;
        let Some(merchant) = self.merchant_by_id(&staff.merchant_id).await? else { return Ok(None) };
        Ok(Some(StaffSessionRecord {
            staff,
            merchant,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: Timestamp::from_unix_ms(row.try_get("expires_at_ms")?),
        }))
    }

    /// Ends the session with this cookie token (signing out); nothing if there is none.
    pub async fn close_staff_session(&self, token: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(hash_secret(token)).execute(self.pool()).await?;
        Ok(())
    }
}

/// A live console session.
#[derive(Clone)]
pub struct StaffSessionRecord {
    pub staff: StaffRecord,
    pub merchant: MerchantRecord,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

const STAFF_COLUMNS: &str = "s.id, s.merchant_id, s.email, s.display_name, s.role, s.password_hash";

fn staff_from_row(row: &sqlx::any::AnyRow) -> Result<StaffRecord, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(StaffRecord {
        id: row.try_get("id")?,
        merchant_id: row.try_get("merchant_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).map_err(|e| sqlx::Error::Decode(e.message.into()))?,
        password_hash: row.try_get("password_hash")?,
    })
}
