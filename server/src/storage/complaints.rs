//! Complaints: current state plus an append-only event log, and the SLA escalation step.

use carebox_contract::{
    Actor, ComplaintCategory, ComplaintCounts, ComplaintDescription, ComplaintEventKind, ComplaintNote, ComplaintStatus,
    ComplaintTimelineEntry, ComplaintView, ContactPreference, DesiredResolution, EscalationLevel, OrderNumber, Priority, ResolutionKind,
    Timestamp,
};
use sqlx::{Row, any::AnyRow};

use super::sqlite_reads::driver_error;
use super::{Store, to_json};
use crate::domain::complaint::{self, ChangeEvent, ComplaintState};

/// A complaint ready to be stored (its level, priority and deadline already decided).
pub struct NewComplaint<'a> {
    pub merchant_id: &'a str,
    pub order_id: &'a str,
    /// The order's number and e-mail, as its complaint shows them.
    pub order_number: &'a OrderNumber,
    pub shopper_email: &'a str,
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

/// A [`NewComplaint`] owning its values, to hand to another thread (SQLite's writer).
pub(crate) struct OwnedNewComplaint {
    merchant_id: String,
    order_id: String,
    order_number: OrderNumber,
    shopper_email: String,
    shopper_tier: Option<String>,
    category: ComplaintCategory,
    description: ComplaintDescription,
    desired_resolution: DesiredResolution,
    contact_preference: ContactPreference,
    items: Vec<u32>,
    level: EscalationLevel,
    priority: Priority,
    due_at: Timestamp,
}

impl From<&NewComplaint<'_>> for OwnedNewComplaint {
    fn from(c: &NewComplaint<'_>) -> Self {
        Self {
            merchant_id: c.merchant_id.to_owned(),
            order_id: c.order_id.to_owned(),
            order_number: c.order_number.clone(),
            shopper_email: c.shopper_email.to_owned(),
            shopper_tier: c.shopper_tier.map(str::to_owned),
            category: c.category,
            description: c.description.clone(),
            desired_resolution: c.desired_resolution,
            contact_preference: c.contact_preference,
            items: c.items.to_vec(),
            level: c.level,
            priority: c.priority,
            due_at: c.due_at,
        }
    }
}

impl OwnedNewComplaint {
    pub(crate) fn borrowed(&self) -> NewComplaint<'_> {
        NewComplaint {
            merchant_id: &self.merchant_id,
            order_id: &self.order_id,
            order_number: &self.order_number,
            shopper_email: &self.shopper_email,
            shopper_tier: self.shopper_tier.as_deref(),
            category: self.category,
            description: &self.description,
            desired_resolution: self.desired_resolution,
            contact_preference: self.contact_preference,
            items: &self.items,
            level: self.level,
            priority: self.priority,
            due_at: self.due_at,
        }
    }
}

/// A complaint as stored, with its timeline (oldest first).
#[derive(Debug, Clone)]
pub struct StoredComplaint {
    pub id: String,
    pub order_id: String,
    pub order_number: OrderNumber,
    /// The order's e-mail: whose loyalty ledger compensation goes to.
    pub shopper_email: String,
    /// The shopper's loyalty tier when filed: its response time applies to new promises.
    pub shopper_tier: Option<String>,
    pub ticket: String,
    pub category: ComplaintCategory,
    pub description: String,
    pub desired_resolution: DesiredResolution,
    pub contact_preference: ContactPreference,
    pub items: Vec<u32>,
    pub status: ComplaintStatus,
    pub level: EscalationLevel,
    pub priority: Priority,
    pub due_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub timeline: Vec<ComplaintTimelineEntry>,
}

impl StoredComplaint {
    /// A complaint just stored by [`ComplaintWrites::insert_complaint`]: the request's values and
    /// its `created` event (what reading it back would find, without the read).
    pub fn filed(id: String, ticket: String, complaint: &NewComplaint<'_>, now: Timestamp) -> Self {
        Self {
            id,
            order_id: complaint.order_id.to_owned(),
            order_number: complaint.order_number.clone(),
            shopper_email: complaint.shopper_email.to_owned(),
            shopper_tier: complaint.shopper_tier.map(str::to_owned),
            ticket,
            category: complaint.category,
            description: complaint.description.as_str().to_owned(),
            desired_resolution: complaint.desired_resolution,
            contact_preference: complaint.contact_preference,
            items: complaint.items.to_vec(),
            status: ComplaintStatus::Open,
            level: complaint.level,
            priority: complaint.priority,
            due_at: Some(complaint.due_at),
            created_at: now,
            timeline: vec![ComplaintTimelineEntry {
                kind: ComplaintEventKind::Created,
                actor: Actor::Shopper,
                at: now,
                from_level: None,
                to_level: Some(complaint.level),
                reason: None,
                resolution: None,
                points: None,
                by: None,
            }],
        }
    }

    /// The state the rules work on; the levels the shopper escalated from come from the timeline.
    pub fn state(&self) -> ComplaintState {
        ComplaintState {
            status: self.status,
            level: self.level,
            due_at: self.due_at,
            shopper_escalated_from: self
                .timeline
                .iter()
                .filter(|e| e.kind == ComplaintEventKind::Escalated && e.actor == Actor::Shopper)
                .filter_map(|e| e.from_level)
                .collect(),
        }
    }

    pub fn view(&self, now: Timestamp) -> ComplaintView {
        ComplaintView {
            ticket: self.ticket.clone(),
            order_number: self.order_number.clone(),
            status: self.status,
            level: self.level,
            priority: self.priority,
            category: self.category,
            description: self.description.clone(),
            desired_resolution: self.desired_resolution,
            contact_preference: self.contact_preference,
            items: self.items.clone(),
            created_at: self.created_at,
            response_due: self.due_at.filter(|_| self.status == ComplaintStatus::Open),
            timeline: self.timeline.clone(),
            can_escalate: complaint::shopper_escalation(&self.state(), now).is_ok(),
        }
    }
}

/// Filters for the merchant's list of complaints; `None` means any.
#[derive(Debug, Default, Clone)]
pub struct ComplaintFilter {
    pub status: Option<ComplaintStatus>,
    pub priority: Option<Priority>,
    pub level: Option<EscalationLevel>,
    pub category: Option<ComplaintCategory>,
    /// Only open complaints past their promise (at `now`).
    pub breached_at: Option<Timestamp>,
    pub created_after: Option<Timestamp>,
    pub created_before: Option<Timestamp>,
}

/// How a list of complaints is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintOrder {
    Newest,
    /// The promise that runs out first comes first (the inbox).
    DueFirst,
}

enum Arg {
    Text(String),
    Number(i64),
}

/// A filter as SQL conditions with numbered parameters, the merchant's first.
struct Conditions {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Conditions {
    fn of(merchant_id: &str, filter: &ComplaintFilter) -> Result<Self, sqlx::Error> {
        let mut this = Self { conditions: vec!["merchant_id = $1".to_owned()], args: vec![Arg::Text(merchant_id.to_owned())] };
        let mut add = |condition: &str, arg: Arg| {
            let at = this.push(arg);
            this.conditions.push(condition.replace('?', &at));
        };
        if let Some(status) = filter.status {
            add("status = ?", Arg::Text(name(status)?));
        }
        if let Some(priority) = filter.priority {
            add("priority = ?", Arg::Text(name(priority)?));
        }
        if let Some(level) = filter.level {
            add("level = ?", Arg::Text(level.as_str().to_owned()));
        }
        if let Some(category) = filter.category {
            add("category = ?", Arg::Text(name(category)?));
        }
        if let Some(now) = filter.breached_at {
            add("status = 'open' AND due_at_ms <= ?", Arg::Number(now.unix_ms()));
        }
        if let Some(after) = filter.created_after {
            add("created_at_ms >= ?", Arg::Number(after.unix_ms()));
        }
        if let Some(before) = filter.created_before {
            add("created_at_ms < ?", Arg::Number(before.unix_ms()));
        }
        Ok(this)
    }

    /// Adds a parameter; answers its placeholder (`$n`).
    fn push(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    fn sql(&self) -> String {
        self.conditions.join(" AND ")
    }

    fn bind(self, sql: &str) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut query = sqlx::query(sql);
        for arg in self.args {
            query = match arg {
                Arg::Text(text) => query.bind(text),
                Arg::Number(number) => query.bind(number),
            };
        }
        query
    }
}

/// An open complaint past its promise, as the SLA step reads it.
#[derive(Debug, Clone)]
pub struct BreachedComplaint {
    pub id: String,
    pub merchant_id: String,
    pub ticket: String,
    pub level: EscalationLevel,
    pub due_at: Timestamp,
    /// The shopper's loyalty tier when filed: its response time applies to the new promise.
    pub shopper_tier: Option<String>,
    /// Whose loyalty ledger compensation goes to.
    pub shopper_email: String,
    /// The merchant's (SLA policy from its tiers, compensation rules).
    pub settings: super::MerchantSettings,
}

impl super::StoreTx {
    /// Moves an open complaint up to `to` with a new promise, only while it is still at `from`
    /// with the promise `seen_due` the caller saw: of several processes, one wins (`true`).
    pub async fn move_breached_complaint(
        &mut self,
        id: &str,
        (from, seen_due): (EscalationLevel, Timestamp),
        (to, new_due): (EscalationLevel, Timestamp),
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let changed = sqlx::query(
            "UPDATE complaints SET level = $1, due_at_ms = $2, updated_at_ms = $3 \
             WHERE id = $4 AND status = 'open' AND level = $5 AND due_at_ms = $6",
        )
        .bind(to.as_str())
        .bind(new_due.unix_ms())
        .bind(now.unix_ms())
        .bind(id)
        .bind(from.as_str())
        .bind(seen_due.unix_ms())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Records an escalation the SLA clock made, with its reason.
    pub async fn append_clock_escalation(
        &mut self,
        id: &str,
        from: EscalationLevel,
        to: EscalationLevel,
        reason: &str,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        let details = EventDetails { reason: Some(reason), ..EventDetails::default() };
        append_event(&mut self.tx, id, "escalated", "system", Some(from), Some(to), details, now).await
    }

    /// Whether compensation was credited for this complaint before.
    pub async fn compensated(&mut self, complaint_id: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT 1 FROM loyalty_ledger WHERE complaint_id = $1 AND kind = 'compensation'")
            .bind(complaint_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.is_some())
    }

    /// Records in the complaint's history that points were credited for it.
    pub async fn append_bonus_event(&mut self, complaint_id: &str, points: i64, now: Timestamp) -> Result<(), sqlx::Error> {
        let details = EventDetails { points: Some(points), ..EventDetails::default() };
        append_event(&mut self.tx, complaint_id, "bonus_credited", "system", None, None, details, now).await
    }

    /// The complaint as it stands in this transaction.
    pub async fn complaint(&mut self, id: &str) -> Result<Option<StoredComplaint>, sqlx::Error> {
        load_complaint(&mut self.tx, "c.id = $1", &[id]).await
    }

    /// Takes the merchant's complaint for a change: its row is written first, so other changes
    /// of it wait for this transaction; `None` when the merchant has no such ticket.
    pub async fn complaint_to_change(
        &mut self,
        merchant_id: &str,
        ticket: &str,
        now: Timestamp,
    ) -> Result<Option<StoredComplaint>, sqlx::Error> {
        let Some(row) = sqlx::query("UPDATE complaints SET updated_at_ms = $1 WHERE merchant_id = $2 AND ticket = $3 RETURNING id")
            .bind(now.unix_ms())
            .bind(merchant_id)
            .bind(ticket)
            .fetch_optional(&mut *self.tx)
            .await?
        else {
            return Ok(None);
        };
        let id: String = row.try_get("id")?;
        self.complaint(&id).await
    }

    /// Stores a complaint's new status, level and promise.
    pub async fn set_complaint_state(&mut self, id: &str, state: &ComplaintState) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE complaints SET status = $1, level = $2, due_at_ms = $3 WHERE id = $4")
            .bind(name(state.status)?)
            .bind(state.level.as_str())
            .bind(state.due_at.map(Timestamp::unix_ms))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Appends a change's event, signed by the member of staff `by` when there is one.
    pub async fn append_change_event(
        &mut self,
        id: &str,
        event: &ChangeEvent,
        by: Option<&str>,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        let details = EventDetails { reason: event.reason.as_deref(), resolution: event.resolution, points: None, by };
        append_event(&mut self.tx, id, event.kind, event.actor, event.from, event.to, details, now).await
    }
}

pub(super) fn name<T: serde::Serialize>(value: T) -> Result<String, sqlx::Error> {
    let json = to_json(&value)?;
    Ok(json.trim_matches('"').to_owned())
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, sqlx::Error> {
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
        let mut tx = self.pool().begin().await?;
        let created = insert_complaint(&mut tx, &complaint, now).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Forgets Idempotency-Keys used before `before`: a retry comes within minutes (the
    /// widget's outbox gives up long before), and kept forever they would only grow.
    pub async fn forget_idempotency_keys_before(&self, before: Timestamp) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at_ms < $1").bind(before.unix_ms()).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }

    /// Whether this Idempotency-Key was already used for this merchant (a retry, not a new
    /// complaint: the limits let it through to its answer).
    pub async fn idempotency_key_used(&self, merchant_id: &str, key: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT 1 FROM idempotency_keys WHERE merchant_id = $1 AND idem_key = $2")
            .bind(merchant_id)
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// Adds a staff note to the merchant's complaint; `None` when it has no such ticket.
    pub async fn add_complaint_note(
        &self,
        merchant_id: &str,
        ticket: &str,
        by: Option<&str>,
        text: &str,
        now: Timestamp,
    ) -> Result<Option<ComplaintNote>, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO complaint_notes (id, complaint_id, author_name, text, at_ms) \
             SELECT $1, id, $2, $3, $4 FROM complaints WHERE merchant_id = $5 AND ticket = $6",
        )
        .bind(format!("note_{}", uuid::Uuid::new_v4().simple()))
        .bind(by)
        .bind(text)
        .bind(now.unix_ms())
        .bind(merchant_id)
        .bind(ticket)
        .execute(self.pool())
        .await?;
        Ok((inserted.rows_affected() == 1).then(|| ComplaintNote { at: now, by: by.map(str::to_owned), text: text.to_owned() }))
    }

    /// The staff notes on the merchant's complaint, oldest first; `None` when it has no such ticket.
    pub async fn complaint_notes(&self, merchant_id: &str, ticket: &str) -> Result<Option<Vec<ComplaintNote>>, sqlx::Error> {
        let complaint = sqlx::query("SELECT id FROM complaints WHERE merchant_id = $1 AND ticket = $2")
            .bind(merchant_id)
            .bind(ticket)
            .fetch_optional(self.pool())
            .await?;
        let Some(complaint) = complaint else { return Ok(None) };
        let id: String = complaint.try_get("id")?;
        let rows = sqlx::query("SELECT author_name, text, at_ms FROM complaint_notes WHERE complaint_id = $1 ORDER BY at_ms, id")
            .bind(&id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ComplaintNote {
                    at: Timestamp::from_unix_ms(row.try_get("at_ms")?),
                    by: row.try_get("author_name")?,
                    text: row.try_get("text")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map(Some)
    }

    /// The merchant's complaints in `order`, `limit` of them from `offset`.
    pub async fn list_complaints(
        &self,
        merchant_id: &str,
        filter: &ComplaintFilter,
        order: ComplaintOrder,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredComplaint>, sqlx::Error> {
        let mut query = Conditions::of(merchant_id, filter)?;
        let order_by = match order {
            ComplaintOrder::Newest => "created_at_ms DESC, id",
            // Promises that run out first; those without one after, newest first.
            ComplaintOrder::DueFirst => "CASE WHEN due_at_ms IS NULL THEN 1 ELSE 0 END, due_at_ms, created_at_ms DESC, id",
        };
        let (limit_at, offset_at) = (query.push(Arg::Number(limit)), query.push(Arg::Number(offset)));
        let sql = format!("SELECT id FROM complaints WHERE {} ORDER BY {order_by} LIMIT {limit_at} OFFSET {offset_at}", query.sql());
        let ids: Vec<String> = query.bind(&sql).fetch_all(self.pool()).await?.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        self.complaints_by_ids(&ids).await
    }

    /// How many complaints are in each state (with the filter's level, category and priority;
    /// its status and breach are what is counted).
    pub async fn complaint_counts(
        &self,
        merchant_id: &str,
        filter: &ComplaintFilter,
        now: Timestamp,
    ) -> Result<ComplaintCounts, sqlx::Error> {
        let filter = ComplaintFilter { status: None, breached_at: None, ..filter.clone() };
        let mut query = Conditions::of(merchant_id, &filter)?;
        let now_at = query.push(Arg::Number(now.unix_ms()));
        let sql = format!(
            "SELECT \
               COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) AS open, \
               COALESCE(SUM(CASE WHEN status = 'open' AND due_at_ms <= {now_at} THEN 1 ELSE 0 END), 0) AS overdue, \
               COALESCE(SUM(CASE WHEN status = 'answered' THEN 1 ELSE 0 END), 0) AS answered, \
               COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0) AS resolved \
             FROM complaints WHERE {}",
            query.sql()
        );
        let row = query.bind(&sql).fetch_one(self.pool()).await?;
        let count = |name: &str| row.try_get::<i64, _>(name).map(|n| u64::try_from(n).unwrap_or(0));
        Ok(ComplaintCounts { open: count("open")?, overdue: count("overdue")?, answered: count("answered")?, resolved: count("resolved")? })
    }

    /// Complaints about these orders, newest first.
    pub async fn complaints_for_orders(&self, merchant_id: &str, order_ids: &[String]) -> Result<Vec<StoredComplaint>, sqlx::Error> {
        if order_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (2..order_ids.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT id FROM complaints WHERE merchant_id = $1 AND order_id IN ({placeholders}) ORDER BY created_at_ms DESC, id LIMIT 100"
        );
        let mut query = sqlx::query(&sql).bind(merchant_id);
        for id in order_ids {
            query = query.bind(id);
        }
        let ids: Vec<String> = query.fetch_all(self.pool()).await?.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        self.complaints_by_ids(&ids).await
    }

    async fn complaints_by_ids(&self, ids: &[String]) -> Result<Vec<StoredComplaint>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        let mut complaints = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(complaint) = load_complaint(&mut conn, "c.id = $1", &[id]).await? {
                complaints.push(complaint);
            }
        }
        Ok(complaints)
    }

    pub async fn complaint_by_ticket(&self, merchant_id: &str, ticket: &str) -> Result<Option<StoredComplaint>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        load_complaint(&mut conn, "c.merchant_id = $1 AND c.ticket = $2", &[merchant_id, ticket]).await
    }

    /// The last time a complaint was filed about this order, for the repeat-complaint rule.
    pub async fn last_complaint_on_order(&self, order_id: &str) -> Result<Option<Timestamp>, sqlx::Error> {
        let row = sqlx::query("SELECT MAX(created_at_ms) AS last FROM complaints WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<Option<i64>, _>("last")?.map(Timestamp::from_unix_ms))
    }

    /// Open complaints whose promise ran out by `now`, the longest overdue first, with what the
    /// SLA step needs to decide (see `services::sla`).
    pub async fn breached_complaints(&self, now: Timestamp, batch: i64) -> Result<Vec<BreachedComplaint>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT c.id, c.merchant_id, c.ticket, c.level, c.due_at_ms, c.shopper_tier, o.email, m.settings_json \
             FROM complaints c JOIN orders o ON o.id = c.order_id JOIN merchants m ON m.id = c.merchant_id \
             WHERE c.status = 'open' AND c.due_at_ms <= $1 ORDER BY c.due_at_ms LIMIT $2",
        )
        .bind(now.unix_ms())
        .bind(batch)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(BreachedComplaint {
                    id: row.try_get("id")?,
                    merchant_id: row.try_get("merchant_id")?,
                    ticket: row.try_get("ticket")?,
                    level: parse(&row.try_get::<String, _>("level")?)?,
                    due_at: Timestamp::from_unix_ms(row.try_get("due_at_ms")?),
                    shopper_tier: row.try_get("shopper_tier")?,
                    shopper_email: row.try_get("email")?,
                    settings: super::json_column(row, "settings_json")?,
                })
            })
            .collect()
    }

    /// The complaint's events as (kind, actor, from, to), oldest first (for tests and views).
    pub async fn complaint_event_kinds(
        &self,
        complaint_id: &str,
    ) -> Result<Vec<(String, String, Option<String>, Option<String>)>, sqlx::Error> {
        let rows = sqlx::query("SELECT kind, actor, level_from, level_to FROM complaint_events WHERE complaint_id = $1 ORDER BY seq")
            .bind(complaint_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok((r.try_get("kind")?, r.try_get("actor")?, r.try_get("level_from")?, r.try_get("level_to")?))).collect()
    }
}

/// The writes of filing a complaint, through the pool (a [`StoreTx`](super::StoreTx)) or on
/// SQLite's writer thread ([`OnSqliteWriter`]): `services::complaint_filing` composes them once
/// for both (and the other complaint services queue their webhooks with the pool's). The
/// statements are the same text on both paths.
#[allow(async_fn_in_trait)] // Only the pool's transaction crosses threads, and it is `Send`.
pub trait ComplaintWrites {
    /// Claims an Idempotency-Key for a new complaint; when it was claimed before, answers the
    /// request hash and the answer kept with it (`None` while the first is in flight: the
    /// claim's row lock makes a concurrent retry wait for it).
    async fn claim_idempotency_key(
        &mut self,
        merchant_id: &str,
        key: &str,
        request_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(String, Option<String>)>, sqlx::Error>;
    /// Stores a new complaint and its `created` event; answers (id, ticket).
    async fn insert_complaint(&mut self, complaint: &NewComplaint<'_>, now: Timestamp) -> Result<(String, String), sqlx::Error>;
    /// Queues `event_type` with `data` for every endpoint of the merchant that wants it, sent
    /// once this transaction commits (with the change it reports, or not at all).
    async fn enqueue_webhook(
        &mut self,
        merchant_id: &str,
        event_type: &str,
        data: &serde_json::Value,
        now: Timestamp,
    ) -> Result<(), sqlx::Error>;
    /// Keeps the answer given for an Idempotency-Key, for its retries.
    async fn keep_idempotent_answer(&mut self, merchant_id: &str, key: &str, answer: &ComplaintView) -> Result<(), sqlx::Error>;
}

const CLAIM_IDEMPOTENCY_KEY: &str = "INSERT INTO idempotency_keys (merchant_id, idem_key, request_hash, response_json, created_at_ms) \
     VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (merchant_id, idem_key) DO NOTHING";
const CLAIMED_IDEMPOTENCY_KEY: &str = "SELECT request_hash, response_json FROM idempotency_keys WHERE merchant_id = $1 AND idem_key = $2";
const KEEP_IDEMPOTENT_ANSWER: &str = "UPDATE idempotency_keys SET response_json = $1 WHERE merchant_id = $2 AND idem_key = $3";
const INSERT_COMPLAINT: &str = "INSERT INTO complaints (id, merchant_id, ticket, order_id, shopper_tier, category, description, \
     desired_resolution, contact_preference, items_json, status, level, priority, due_at_ms, created_at_ms, updated_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)";
/// An event after the complaint's last one: complaint, kind, actor, levels from and to, reason,
/// resolution, points, when, by whom.
const APPEND_EVENT: &str = "INSERT INTO complaint_events \
     (complaint_id, seq, kind, actor, level_from, level_to, reason, resolution, points, at_ms, actor_name) \
     VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM complaint_events WHERE complaint_id = $1), $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// A new complaint's columns for [`INSERT_COMPLAINT`], in order (after id, merchant, ticket, order).
struct ComplaintColumns {
    id: String,
    ticket: String,
    category: String,
    desired_resolution: String,
    contact_preference: String,
    items_json: String,
    status: String,
    priority: String,
}

impl ComplaintColumns {
    fn of(complaint: &NewComplaint<'_>) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: format!("cmp_{}", uuid::Uuid::new_v4().simple()),
            ticket: ticket_number(),
            category: name(complaint.category)?,
            desired_resolution: name(complaint.desired_resolution)?,
            contact_preference: name(complaint.contact_preference)?,
            items_json: to_json(complaint.items)?,
            status: name(ComplaintStatus::Open)?,
            priority: name(complaint.priority)?,
        })
    }
}

impl ComplaintWrites for super::StoreTx {
    async fn claim_idempotency_key(
        &mut self,
        merchant_id: &str,
        key: &str,
        request_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
        let claimed = sqlx::query(CLAIM_IDEMPOTENCY_KEY)
            .bind(merchant_id)
            .bind(key)
            .bind(request_hash)
            .bind(now.unix_ms())
            .execute(&mut *self.tx)
            .await?
            .rows_affected()
            == 1;
        if claimed {
            return Ok(None);
        }
        let row = sqlx::query(CLAIMED_IDEMPOTENCY_KEY).bind(merchant_id).bind(key).fetch_one(&mut *self.tx).await?;
        Ok(Some((row.try_get("request_hash")?, row.try_get("response_json")?)))
    }

    async fn insert_complaint(&mut self, complaint: &NewComplaint<'_>, now: Timestamp) -> Result<(String, String), sqlx::Error> {
        insert_complaint(&mut self.tx, complaint, now).await
    }

    async fn enqueue_webhook(
        &mut self,
        merchant_id: &str,
        event_type: &str,
        data: &serde_json::Value,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        super::webhooks::enqueue(&mut self.tx, merchant_id, event_type, data, now).await
    }

    async fn keep_idempotent_answer(&mut self, merchant_id: &str, key: &str, answer: &ComplaintView) -> Result<(), sqlx::Error> {
        sqlx::query(KEEP_IDEMPOTENT_ANSWER).bind(to_json(answer)?).bind(merchant_id).bind(key).execute(&mut *self.tx).await?;
        Ok(())
    }
}

/// Filing's writes on SQLite's writer thread, inside its transaction (see `sqlite_writer`).
/// Its futures are ready when first polled: nothing in them waits.
pub(crate) struct OnSqliteWriter<'c>(pub(crate) &'c rusqlite::Connection);

impl ComplaintWrites for OnSqliteWriter<'_> {
    async fn claim_idempotency_key(
        &mut self,
        merchant_id: &str,
        key: &str,
        request_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
        let claimed = self
            .0
            .prepare_cached(CLAIM_IDEMPOTENCY_KEY)
            .and_then(|mut claim| claim.execute(rusqlite::params![merchant_id, key, request_hash, now.unix_ms()]))
            .map_err(driver_error)?
            == 1;
        if claimed {
            return Ok(None);
        }
        self.0
            .prepare_cached(CLAIMED_IDEMPOTENCY_KEY)
            .and_then(|mut claimed| claimed.query_row([merchant_id, key], |row| Ok(Some((row.get(0)?, row.get(1)?)))))
            .map_err(driver_error)
    }

    async fn insert_complaint(&mut self, complaint: &NewComplaint<'_>, now: Timestamp) -> Result<(String, String), sqlx::Error> {
        let columns = ComplaintColumns::of(complaint)?;
        let connection = self.0;
        let inserted = connection.prepare_cached(INSERT_COMPLAINT).and_then(|mut insert| {
            insert.execute(rusqlite::params![
                columns.id,
                complaint.merchant_id,
                columns.ticket,
                complaint.order_id,
                complaint.shopper_tier,
                columns.category,
                complaint.description.as_str(),
                columns.desired_resolution,
                columns.contact_preference,
                columns.items_json,
                columns.status,
                complaint.level.as_str(),
                columns.priority,
                complaint.due_at.unix_ms(),
                now.unix_ms(),
            ])
        });
        let created = inserted.and_then(|_| {
            connection.prepare_cached(APPEND_EVENT)?.execute(rusqlite::params![
                columns.id,
                "created",
                "shopper",
                None::<&str>,
                complaint.level.as_str(),
                None::<&str>,
                None::<&str>,
                None::<i64>,
                now.unix_ms(),
                None::<&str>,
            ])
        });
        created.map_err(driver_error)?;
        Ok((columns.id, columns.ticket))
    }

    async fn enqueue_webhook(
        &mut self,
        merchant_id: &str,
        event_type: &str,
        data: &serde_json::Value,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        super::webhooks::enqueue_on(self.0, merchant_id, event_type, data, now).map_err(driver_error)
    }

    async fn keep_idempotent_answer(&mut self, merchant_id: &str, key: &str, answer: &ComplaintView) -> Result<(), sqlx::Error> {
        let answer = to_json(answer)?;
        self.0
            .prepare_cached(KEEP_IDEMPOTENT_ANSWER)
            .and_then(|mut keep| keep.execute([answer.as_str(), merchant_id, key]))
            .map_err(driver_error)?;
        Ok(())
    }
}

async fn insert_complaint(
    conn: &mut sqlx::AnyConnection,
    complaint: &NewComplaint<'_>,
    now: Timestamp,
) -> Result<(String, String), sqlx::Error> {
    let columns = ComplaintColumns::of(complaint)?;
    sqlx::query(INSERT_COMPLAINT)
        .bind(&columns.id)
        .bind(complaint.merchant_id)
        .bind(&columns.ticket)
        .bind(complaint.order_id)
        .bind(complaint.shopper_tier.map(str::to_owned))
        .bind(columns.category)
        .bind(complaint.description.as_str())
        .bind(columns.desired_resolution)
        .bind(columns.contact_preference)
        .bind(columns.items_json)
        .bind(columns.status)
        .bind(complaint.level.as_str())
        .bind(columns.priority)
        .bind(complaint.due_at.unix_ms())
        .bind(now.unix_ms())
        .execute(&mut *conn)
        .await?;
    append_event(conn, &columns.id, "created", "shopper", None, Some(complaint.level), EventDetails::default(), now).await?;
    Ok((columns.id, columns.ticket))
}

/// A complaint (joined with its order's number) and its events, by a `WHERE` on `c`, in one
/// read: a row per event, oldest first (the event's columns are prefixed `ev_`; every
/// complaint has at least its `created` event, and one without would come back as one row
/// whose `ev_` columns are NULL).
async fn load_complaint(conn: &mut sqlx::AnyConnection, filter: &str, args: &[&str]) -> Result<Option<StoredComplaint>, sqlx::Error> {
    let sql = format!(
        "SELECT c.id, c.order_id, o.number, o.email, c.shopper_tier, c.ticket, c.category, c.description, c.desired_resolution, \
         c.contact_preference, c.items_json, c.status, c.level, c.priority, c.due_at_ms, c.created_at_ms, \
         e.kind AS ev_kind, e.actor AS ev_actor, e.level_from AS ev_level_from, e.level_to AS ev_level_to, e.reason AS ev_reason, \
         e.resolution AS ev_resolution, e.points AS ev_points, e.at_ms AS ev_at_ms, e.actor_name AS ev_actor_name \
         FROM complaints c JOIN orders o ON o.id = c.order_id LEFT JOIN complaint_events e ON e.complaint_id = c.id \
         WHERE {filter} ORDER BY e.seq"
    );
    let mut query = sqlx::query(&sql);
    for arg in args {
        query = query.bind(*arg);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut complaint = complaint_from_row(first)?;
    complaint.timeline = rows
        .iter()
        .filter_map(|e| match e.try_get::<Option<String>, _>("ev_kind") {
            Ok(None) => None,
            Ok(Some(kind)) => Some(timeline_entry(e, &kind)),
            Err(error) => Some(Err(error)),
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(complaint))
}

/// An event of [`load_complaint`]'s rows.
fn timeline_entry(e: &AnyRow, kind: &str) -> Result<ComplaintTimelineEntry, sqlx::Error> {
    let level = |column: &str| -> Result<Option<EscalationLevel>, sqlx::Error> {
        e.try_get::<Option<String>, _>(column)?.map(|l| parse(&l)).transpose()
    };
    Ok(ComplaintTimelineEntry {
        kind: parse::<ComplaintEventKind>(kind)?,
        actor: parse::<Actor>(&e.try_get::<String, _>("ev_actor")?)?,
        at: Timestamp::from_unix_ms(e.try_get("ev_at_ms")?),
        from_level: level("ev_level_from")?,
        to_level: level("ev_level_to")?,
        reason: e.try_get("ev_reason")?,
        resolution: e.try_get::<Option<String>, _>("ev_resolution")?.map(|r| parse(&r)).transpose()?,
        points: e.try_get("ev_points")?,
        by: e.try_get("ev_actor_name")?,
    })
}

fn complaint_from_row(row: &AnyRow) -> Result<StoredComplaint, sqlx::Error> {
    let number: String = row.try_get("number")?;
    Ok(StoredComplaint {
        id: row.try_get("id")?,
        order_id: row.try_get("order_id")?,
        order_number: OrderNumber::parse(&number).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        shopper_email: row.try_get("email")?,
        shopper_tier: row.try_get("shopper_tier")?,
        ticket: row.try_get("ticket")?,
        category: parse(&row.try_get::<String, _>("category")?)?,
        description: row.try_get("description")?,
        desired_resolution: parse(&row.try_get::<String, _>("desired_resolution")?)?,
        contact_preference: parse(&row.try_get::<String, _>("contact_preference")?)?,
        items: super::json_column(row, "items_json")?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        level: parse(&row.try_get::<String, _>("level")?)?,
        priority: parse(&row.try_get::<String, _>("priority")?)?,
        due_at: row.try_get::<Option<i64>, _>("due_at_ms")?.map(Timestamp::from_unix_ms),
        created_at: Timestamp::from_unix_ms(row.try_get("created_at_ms")?),
        timeline: Vec::new(),
    })
}

/// Credits compensation points to the shopper's ledger, lowered to what the cap still
/// allows over the last 30 days, and records `bonus_credited` on the complaint. Returns
/// the points credited (0 when the cap is reached: then nothing is recorded).
/// Appends an event after the complaint's last one. Callers have already written the
/// complaint row in this transaction, which serialises writers of the same complaint.
#[allow(clippy::too_many_arguments)]
/// What an event says beyond who, when and which levels.
#[derive(Debug, Default, Clone, Copy)]
struct EventDetails<'a> {
    reason: Option<&'a str>,
    resolution: Option<ResolutionKind>,
    points: Option<i64>,
    /// The acting member of staff's display name.
    by: Option<&'a str>,
}

#[allow(clippy::too_many_arguments)]
async fn append_event(
    conn: &mut sqlx::AnyConnection,
    complaint_id: &str,
    kind: &str,
    actor: &str,
    from: Option<EscalationLevel>,
    to: Option<EscalationLevel>,
    details: EventDetails<'_>,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(APPEND_EVENT)
        .bind(complaint_id)
        .bind(kind)
        .bind(actor)
        .bind(from.map(|l| l.as_str().to_owned()))
        .bind(to.map(|l| l.as_str().to_owned()))
        .bind(details.reason.map(str::to_owned))
        .bind(details.resolution.map(|r| r.as_str().to_owned()))
        .bind(details.points)
        .bind(now.unix_ms())
        .bind(details.by.map(str::to_owned))
        .execute(conn)
        .await?;
    Ok(())
}
