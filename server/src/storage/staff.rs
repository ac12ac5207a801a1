//! Staff accounts of a shop: created from the command line (`staff add`), read at sign-in.

use carebox_contract::{Email, Timestamp};
use sqlx::Row;

use super::Store;
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
        let mut tx = self.pool().begin().await?;
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
        let row = sqlx::query("SELECT id, merchant_id, email, display_name, role, password_hash FROM staff WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            let role: String = row.try_get("role")?;
            Ok(StaffRecord {
                id: row.try_get("id")?,
                merchant_id: row.try_get("merchant_id")?,
                email: row.try_get("email")?,
                display_name: row.try_get("display_name")?,
                role: Role::parse(&role).map_err(|e| sqlx::Error::Decode(e.message.into()))?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }
}
