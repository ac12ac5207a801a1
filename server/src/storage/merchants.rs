//! Merchants, their widget settings and the origins allowed to call the public API.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carebox_contract::{
    ComplaintCategory, CsatSettings, Feature, Locale, LookupMode, LoyaltyTier, PublishableKey, TextOverrides, Theme, Timestamp,
    WidgetConfig,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, now_ms};

/// What a merchant sets up for their widget (stored as JSON: it is the merchant's data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantSettings {
    pub greetings: BTreeMap<Locale, String>,
    pub features: Vec<Feature>,
    pub theme: Theme,
    #[serde(default)]
    pub lookup_by: LookupMode,
    /// Complaint categories that start at L2.
    #[serde(default)]
    pub severe_categories: Vec<ComplaintCategory>,
    #[serde(default)]
    pub compensation: CompensationSettings,
    /// Loyalty tiers, lowest first (`PUT /v1/merchant/loyalty/tiers`).
    #[serde(default = "LoyaltyTier::defaults")]
    pub loyalty_tiers: Vec<LoyaltyTier>,
    /// The CSAT edit window (`PUT /v1/merchant/csat/settings`).
    #[serde(default)]
    pub csat: CsatSettings,
    /// The merchant's own wording for the widget (`PUT /v1/merchant/widget/strings`).
    #[serde(default)]
    pub strings: TextOverrides,
}

impl MerchantSettings {
    /// A shop just created: every capability on, the widget's own greeting and texts, lookups
    /// by e-mail, damaged and missing items starting at L2, the default tiers.
    pub fn for_new_shop() -> Self {
        Self {
            greetings: BTreeMap::new(),
            features: Feature::ALL.to_vec(),
            theme: Theme::default(),
            lookup_by: LookupMode::Email,
            severe_categories: vec![ComplaintCategory::Damaged, ComplaintCategory::MissingItem],
            compensation: CompensationSettings::default(),
            loyalty_tiers: LoyaltyTier::defaults(),
            csat: CsatSettings::default(),
            strings: TextOverrides::default(),
        }
    }
}

/// Loyalty points that make up for a broken promise, and the cap that stops farming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompensationSettings {
    /// Credited once per complaint when its first promise is broken (0: none).
    pub breach_points: i64,
    /// At most this many compensation points per shopper in any 30 days.
    pub cap_per_30_days: i64,
}

impl Default for CompensationSettings {
    fn default() -> Self {
        Self { breach_points: 50, cap_per_30_days: 500 }
    }
}

#[derive(Clone)]
pub struct MerchantRecord {
    pub id: String,
    pub name: String,
    /// For links the server makes on the merchant's behalf.
    pub publishable_key: String,
    pub settings: MerchantSettings,
    /// Verifies shopper tokens the merchant's backend signs (see `domain::token`).
    pub shopper_token_secret: String,
}

impl std::fmt::Debug for MerchantRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("MerchantRecord").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

impl MerchantRecord {
    /// Refuses what the merchant switched off (the widget hides it; a stranger's script would not).
    pub fn require(&self, feature: Feature) -> Result<(), crate::ApiError> {
        if self.settings.features.contains(&feature) { Ok(()) } else { Err(crate::ApiError::FeatureOff(feature)) }
    }

    pub fn widget_config(&self) -> WidgetConfig {
        WidgetConfig {
            merchant_name: self.name.clone(),
            greetings: self.settings.greetings.clone(),
            features: self.settings.features.clone(),
            theme: self.settings.theme.clone(),
            lookup_by: self.settings.lookup_by,
        }
    }
}

pub struct NewMerchant<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub publishable_key: &'a PublishableKey,
    /// The secret key in clear; only its SHA-256 is stored (keys are long and random,
    /// so a fast hash is enough and keeps per-request checks cheap).
    pub secret_key: &'a str,
    /// The key the merchant signs shopper tokens with.
    pub shopper_token_secret: &'a str,
    pub settings: &'a MerchantSettings,
    pub allowed_origins: &'a [String],
}

const MERCHANT_COLUMNS: &str = "id, name, publishable_key, settings_json, shopper_token_secret";

fn merchant_from_row(row: &sqlx::any::AnyRow) -> Result<MerchantRecord, sqlx::Error> {
    Ok(MerchantRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        publishable_key: row.try_get("publishable_key")?,
        settings: super::json_column(row, "settings_json")?,
        shopper_token_secret: row.try_get("shopper_token_secret")?,
    })
}

pub(crate) fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Every widget request names its merchant by publishable key, and a browser's also asks
/// whether its origin is allowed: two reads per request of rows that change a few times a
/// year. They are kept here for a short while. Writes through this process drop them at
/// once; other processes on the same PostgreSQL see a change within [`MERCHANT_CACHE_TTL`].
#[derive(Default)]
pub(super) struct MerchantCache {
    entries: Mutex<HashMap<String, CachedMerchant>>,
}

/// How long another process's change to a merchant may go unseen here.
pub const MERCHANT_CACHE_TTL: Duration = Duration::from_secs(2);

/// Known keys only (unknown ones are not kept, so strangers' guesses cannot fill memory),
/// and at most this many merchants.
const MERCHANT_CACHE_CAPACITY: usize = 10_000;

#[derive(Clone)]
struct CachedMerchant {
    fetched_at: Instant,
    merchant: Arc<MerchantRecord>,
    /// Sorted, for `binary_search`.
    allowed_origins: Arc<[String]>,
}

impl MerchantCache {
    fn fresh(&self, key: &str) -> Option<CachedMerchant> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|entry| entry.fetched_at.elapsed() < MERCHANT_CACHE_TTL).cloned()
    }

    fn keep(&self, key: &str, entry: CachedMerchant) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MERCHANT_CACHE_CAPACITY {
            entries.retain(|_, entry| entry.fetched_at.elapsed() < MERCHANT_CACHE_TTL);
        }
        if entries.len() < MERCHANT_CACHE_CAPACITY {
            entries.insert(key.to_owned(), entry);
        }
    }

    pub(super) fn forget_all(&self) {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

impl Store {
    /// The merchant of a widget call, shared with the cache (every widget call asks: no copy
    /// of its settings is made per request).
    pub async fn merchant_by_publishable_key(&self, key: &PublishableKey) -> Result<Option<Arc<MerchantRecord>>, sqlx::Error> {
        Ok(self.cached_merchant(key).await?.map(|entry| entry.merchant))
    }

    /// The merchant and its allowed origins, from the cache or (then kept) the database.
    async fn cached_merchant(&self, key: &PublishableKey) -> Result<Option<CachedMerchant>, sqlx::Error> {
        if let Some(entry) = self.merchants.fresh(key.as_str()) {
            return Ok(Some(entry));
        }
        let row = sqlx::query(&format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE publishable_key = $1"))
            .bind(key.as_str())
            .fetch_optional(self.pool())
            .await?;
        let Some(merchant) = row.as_ref().map(merchant_from_row).transpose()? else {
            return Ok(None);
        };
        let origins = sqlx::query("SELECT origin FROM merchant_origins WHERE merchant_id = $1 ORDER BY origin")
            .bind(&merchant.id)
            .fetch_all(self.pool())
            .await?;
        let mut allowed_origins = origins.iter().map(|row| row.try_get::<String, _>("origin")).collect::<Result<Vec<_>, _>>()?;
        // The database's collation need not be byte order; binary_search needs it.
        allowed_origins.sort();
        let entry = CachedMerchant { fetched_at: Instant::now(), merchant: Arc::new(merchant), allowed_origins: allowed_origins.into() };
        self.merchants.keep(key.as_str(), entry.clone());
        Ok(Some(entry))
    }

    /// The merchant whose secret key this is (compared by hash; the key itself is not stored),
    /// or whose previous key it is, until that key's grace period ends at `now`.
    pub async fn merchant_by_secret_key(&self, secret_key: &str, now: Timestamp) -> Result<Option<MerchantRecord>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {MERCHANT_COLUMNS} FROM merchants WHERE secret_key_hash = $1 \
             OR (previous_secret_key_hash = $1 AND previous_secret_valid_until_ms > $2)"
        ))
        .bind(hash_secret(secret_key))
        .bind(now.unix_ms())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(merchant_from_row).transpose()
    }

    /// Gives the merchant a new secret key; the current one keeps working until
    /// `previous_valid_until` (a key rotated out before stops at once). False: no such merchant.
    pub async fn rotate_secret_key(
        &self,
        merchant_id: &str,
        new_secret: &str,
        previous_valid_until: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let rotated = sqlx::query(
            "UPDATE merchants SET previous_secret_key_hash = secret_key_hash, previous_secret_valid_until_ms = $1, \
             secret_key_hash = $2 WHERE id = $3",
        )
        .bind(previous_valid_until.unix_ms())
        .bind(hash_secret(new_secret))
        .bind(merchant_id)
        .execute(self.pool())
        .await?;
        Ok(rotated.rows_affected() == 1)
    }

    /// The merchant with this id (staff sessions name their shop by id).
    pub async fn merchant_by_id(&self, merchant_id: &str) -> Result<Option<MerchantRecord>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE id = $1"))
            .bind(merchant_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(merchant_from_row).transpose()
    }

    /// Whether `origin` may call the public API with this publishable key.
    pub async fn origin_allowed(&self, key: &PublishableKey, origin: &str) -> Result<bool, sqlx::Error> {
        Ok(self.cached_merchant(key).await?.is_some_and(|entry| entry.allowed_origins.binary_search_by(|o| o.as_str().cmp(origin)).is_ok()))
    }

    /// Every origin the merchant allows, sorted (`None` for an unknown key).
    pub async fn allowed_origins(&self, key: &PublishableKey) -> Result<Option<Vec<String>>, sqlx::Error> {
        Ok(self.cached_merchant(key).await?.map(|entry| entry.allowed_origins.to_vec()))
    }

    /// Keeps a preview's configuration until `expires_at`; drops the expired ones.
    pub async fn save_preview(
        &self,
        token: &str,
        merchant_id: &str,
        body_json: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM widget_previews WHERE expires_at_ms <= $1").bind(now.unix_ms()).execute(self.pool()).await?;
        sqlx::query("INSERT INTO widget_previews (token, merchant_id, body_json, expires_at_ms) VALUES ($1, $2, $3, $4)")
            .bind(token)
            .bind(merchant_id)
            .bind(body_json)
            .bind(expires_at.unix_ms())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A preview still in force: its merchant and configuration.
    pub async fn preview(&self, token: &str, now: Timestamp) -> Result<Option<(String, String)>, sqlx::Error> {
        let row = sqlx::query("SELECT merchant_id, body_json FROM widget_previews WHERE token = $1 AND expires_at_ms > $2")
            .bind(token)
            .bind(now.unix_ms())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| Ok((row.try_get("merchant_id")?, row.try_get("body_json")?))).transpose()
    }

    /// The merchant's allowed origins, sorted.
    pub async fn origins_of(&self, merchant_id: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows =
            sqlx::query("SELECT origin FROM merchant_origins WHERE merchant_id = $1").bind(merchant_id).fetch_all(self.pool()).await?;
        let mut origins = rows.iter().map(|row| row.try_get::<String, _>("origin")).collect::<Result<Vec<_>, _>>()?;
        origins.sort();
        Ok(origins)
    }

    /// Replaces the merchant's allowed origins (already checked) at once: every process sees
    /// the new list within the merchant cache's lifetime, this one at its next request.
    pub async fn set_origins(&self, merchant_id: &str, origins: &[crate::domain::origin::ShopOrigin]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM merchant_origins WHERE merchant_id = $1").bind(merchant_id).execute(&mut *tx).await?;
        for origin in origins {
            sqlx::query("INSERT INTO merchant_origins (merchant_id, origin) VALUES ($1, $2)")
                .bind(merchant_id)
                .bind(origin.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.merchants.forget_all();
        Ok(())
    }

    /// Changes the merchant's settings (already checked) in one transaction, keeping the rest.
    pub async fn update_settings(
        &self,
        merchant_id: &str,
        change: impl FnOnce(&mut MerchantSettings),
    ) -> Result<MerchantSettings, sqlx::Error> {
        Ok(self.update_widget_settings(merchant_id, None, change).await?.1)
    }

    /// Renames the shop (when a name is given) and changes its settings in one transaction;
    /// answers the name and settings now stored.
    pub async fn update_widget_settings(
        &self,
        merchant_id: &str,
        name: Option<&str>,
        change: impl FnOnce(&mut MerchantSettings),
    ) -> Result<(String, MerchantSettings), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        // Write first, read after: the row is locked before it is read (PostgreSQL), and the
        // transaction is a writer from its start (SQLite), so two changes at once queue instead
        // of one losing the other's change or failing with a stale snapshot (SQLITE_BUSY_SNAPSHOT).
        sqlx::query("UPDATE merchants SET name = COALESCE($1, name) WHERE id = $2").bind(name).bind(merchant_id).execute(&mut *tx).await?;
        let row = sqlx::query("SELECT name, settings_json FROM merchants WHERE id = $1").bind(merchant_id).fetch_one(&mut *tx).await?;
        let mut settings: MerchantSettings = super::json_column(&row, "settings_json")?;
        change(&mut settings);
        let json = serde_json::to_string(&settings).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query("UPDATE merchants SET settings_json = $1 WHERE id = $2").bind(json).bind(merchant_id).execute(&mut *tx).await?;
        tx.commit().await?;
        self.merchants.forget_all();
        Ok((row.try_get("name")?, settings))
    }

    /// Creates the merchant, or refreshes every field of an existing one with the same id.
    pub async fn upsert_merchant(&self, merchant: NewMerchant<'_>) -> Result<(), sqlx::Error> {
        let settings_json = serde_json::to_string(merchant.settings).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO merchants (id, name, publishable_key, secret_key_hash, settings_json, created_at_ms, shopper_token_secret) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, publishable_key = excluded.publishable_key, \
             secret_key_hash = excluded.secret_key_hash, settings_json = excluded.settings_json, \
             shopper_token_secret = excluded.shopper_token_secret",
        )
        .bind(merchant.id)
        .bind(merchant.name)
        .bind(merchant.publishable_key.as_str())
        .bind(hash_secret(merchant.secret_key))
        .bind(settings_json)
        .bind(now_ms())
        .bind(merchant.shopper_token_secret)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM merchant_origins WHERE merchant_id = $1").bind(merchant.id).execute(&mut *tx).await?;
        for origin in merchant.allowed_origins {
            sqlx::query("INSERT INTO merchant_origins (merchant_id, origin) VALUES ($1, $2)")
                .bind(merchant.id)
                .bind(origin)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.merchants.forget_all();
        Ok(())
    }
}
