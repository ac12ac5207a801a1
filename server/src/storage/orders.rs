//! Orders and their event timelines.

use std::sync::Arc;

use carebox_contract::{
    CalendarDate, Email, Locale, OrderEventKind, OrderNumber, OrderStatus, OrderSummary, OrderView, Postcode, TimelineEntry, Timestamp,
};
use sqlx::{Row, any::AnyRow};

use super::remembered::Remembered;
use super::sqlite_reads::{StoredColumns, driver_error};
use super::{Store, json_text, to_json};

fn order_key(merchant_id: &str, number: &OrderNumber) -> (String, String) {
    (merchant_id.to_owned(), number.as_str().to_owned())
}
use crate::domain::order::{self, OrderDetails, OrderEvent, TransitionError};

/// Orders as the widget's calls read them (see [`Remembered`]): the order view, a complaint and
/// a rating each read their order, and a shopper's panel asks for the same one again and again.
/// Lookups never read from here: a remembered order would answer a guess faster than an
/// unknown number, telling strangers which numbers exist.
pub(crate) type OrderCache = Remembered<StoredOrder>;

/// An order as stored: its details and its timeline (sorted, oldest first).
#[derive(Debug, Clone)]
pub struct StoredOrder {
    pub id: String,
    pub number: OrderNumber,
    pub details: OrderDetails,
    pub events: Vec<OrderEvent>,
}

impl StoredOrder {
    /// Replays the timeline. Stored timelines were validated on every write, so an error
    /// here means the database was edited by hand.
    pub fn status(&self) -> Result<OrderStatus, TransitionError> {
        order::replay(&self.events)
    }

    pub fn view(&self, today: CalendarDate) -> Result<OrderView, TransitionError> {
        let status = self.status()?;
        let delay = order::delay_notice(status, self.details.expected_delivery, &self.events, today);
        let expected_delivery = delay.as_ref().and_then(|d| d.now_expected).or(self.details.expected_delivery.filter(|_| delay.is_none()));
        Ok(OrderView {
            number: self.number.clone(),
            status,
            placed_at: self.details.placed_at,
            timeline: self.events.iter().map(|e| TimelineEntry { kind: e.kind, at: e.at, note: e.note.clone() }).collect(),
            expected_delivery,
            delay,
            shipments: order::shipments(&self.details.shipments, &self.events),
            items: self.details.items.clone(),
            currency: self.details.currency.clone(),
            total_minor: self.details.total_minor(),
            loyalty_points: self.details.loyalty_points,
        })
    }

    pub fn summary(&self, today: CalendarDate) -> Result<OrderSummary, TransitionError> {
        let status = self.status()?;
        Ok(OrderSummary {
            number: self.number.clone(),
            status,
            placed_at: self.details.placed_at,
            item_count: self.details.items.iter().map(|i| i.quantity).sum(),
            currency: self.details.currency.clone(),
            total_minor: self.details.total_minor(),
            delayed: order::delay_notice(status, self.details.expected_delivery, &self.events, today).is_some(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
    /// The same event id with the same content: nothing changed.
    Unchanged,
}

#[derive(Debug)]
pub enum OrderWriteError {
    OrderNotFound,
    /// The event id was used before for a different event.
    Conflict,
    Transition(TransitionError),
    /// The timeline already holds [`order::MAX_EVENTS`] events.
    TimelineFull,
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for OrderWriteError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error)
    }
}

/// An order as a lookup first sees it, read with its timeline in one query: only a matching
/// e-mail or postcode hands it out ([`LookupCandidate::matched`]).
pub struct LookupCandidate(StoredOrder);

impl LookupCandidate {
    /// The order, for a lookup whose proof matched.
    pub fn matched(self) -> StoredOrder {
        self.0
    }

    pub fn email(&self) -> &str {
        self.0.details.email.as_str()
    }

    pub fn postcode(&self) -> Option<&str> {
        self.0.details.postcode.as_ref().map(|p| p.as_str())
    }
}

/// The columns `bind_details` fills, in its order.
const DETAIL_COLUMNS: &str = "email, postcode, shopper_id, currency, placed_at_ms, expected_delivery, loyalty_points, \
                              locale, items_json, shipments_json";
/// An order's columns, in the positions `order_from_row` reads.
const ORDER_COLUMNS: &str = "id, number, email, postcode, shopper_id, currency, placed_at_ms, expected_delivery, \
                             loyalty_points, locale, items_json, shipments_json";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an order's details as `$1`…`$10`, in `DETAIL_COLUMNS` order.
fn bind_details<'q>(query: AnyQuery<'q>, details: &'q OrderDetails, items: &'q str, shipments: &'q str) -> AnyQuery<'q> {
    query
        .bind(details.email.as_str())
        .bind(details.postcode.as_ref().map(|p| p.as_str().to_owned()))
        .bind(details.shopper_id.clone())
        .bind(details.currency.as_str())
        .bind(details.placed_at.unix_ms())
        .bind(details.expected_delivery.map(|d| d.to_string()))
        .bind(details.loyalty_points)
        .bind(details.locale.map(|l| l.as_str().to_owned()))
        .bind(items)
        .bind(shipments)
}
/// An event's columns: its order, then the event in the positions `event_from_row` reads.
const EVENT_COLUMNS: &str = "order_id, event_id, kind, occurred_at_ms, note, expected_delivery, shipment_json";

/// An order and its events in one read: a row per event (an order without any comes back as
/// one row whose `ev_` columns are NULL). The order's columns are [`ORDER_COLUMNS`], then from
/// [`ORDER_WITH_EVENTS_FIRST_EVENT_COLUMN`] the event's, as in [`EVENT_COLUMNS`].
const ORDER_WITH_EVENTS: &str = "SELECT o.id, o.number, o.email, o.postcode, o.shopper_id, o.currency, o.placed_at_ms, \
     o.expected_delivery, o.loyalty_points, o.locale, o.items_json, o.shipments_json, \
     e.event_id AS ev_event_id, e.kind AS ev_kind, e.occurred_at_ms AS ev_occurred_at_ms, e.note AS ev_note, \
     e.expected_delivery AS ev_expected_delivery, e.shipment_json AS ev_shipment_json \
     FROM orders o LEFT JOIN order_events e ON e.order_id = o.id WHERE o.merchant_id = $1 AND o.number = $2";

const ORDER_WITH_EVENTS_FIRST_EVENT_COLUMN: usize = 12;

const PLACED_EVENT_ID: &str = "placed";

impl Store {
    /// Creates the order (with its `placed` event) or replaces its details; the timeline must
    /// still replay afterwards (moving `placed_at` after `paid` is refused).
    pub async fn upsert_order(
        &self,
        merchant_id: &str,
        number: &OrderNumber,
        details: &OrderDetails,
        now: Timestamp,
    ) -> Result<WriteOutcome, OrderWriteError> {
        let written = self.write_order(merchant_id, number, details, now).await;
        // After the commit: a read that began before it stores nothing (see `Remembered`).
        self.orders.forget(&order_key(merchant_id, number));
        written
    }

    /// Adds an event to the timeline, in time order. Idempotent by event id.
    pub async fn append_order_event(
        &self,
        merchant_id: &str,
        number: &OrderNumber,
        event: &OrderEvent,
        now: Timestamp,
    ) -> Result<WriteOutcome, OrderWriteError> {
        let written = self.write_order_event(merchant_id, number, event, now).await;
        self.orders.forget(&order_key(merchant_id, number));
        written
    }

    async fn write_order(
        &self,
        merchant_id: &str,
        number: &OrderNumber,
        details: &OrderDetails,
        now: Timestamp,
    ) -> Result<WriteOutcome, OrderWriteError> {
        let items = to_json(&details.items)?;
        let shipments = to_json(&details.shipments)?;
        let mut tx = self.pool().begin().await?;
        // Writing first takes the row (PostgreSQL) or database (SQLite) write lock up front.
        let updated = bind_details(
            sqlx::query(
                "UPDATE orders SET email = $1, postcode = $2, shopper_id = $3, currency = $4, placed_at_ms = $5, \
                 expected_delivery = $6, loyalty_points = $7, locale = $8, items_json = $9, shipments_json = $10, \
                 updated_at_ms = $11 WHERE merchant_id = $12 AND number = $13 RETURNING id",
            ),
            details,
            &items,
            &shipments,
        )
        .bind(now.unix_ms())
        .bind(merchant_id)
        .bind(number.as_str())
        .fetch_optional(&mut *tx)
        .await?;

        let outcome = if let Some(row) = updated {
            let order_id: String = row.try_get("id")?;
            sqlx::query("UPDATE order_events SET occurred_at_ms = $1 WHERE order_id = $2 AND event_id = $3")
                .bind(details.placed_at.unix_ms())
                .bind(&order_id)
                .bind(PLACED_EVENT_ID)
                .execute(&mut *tx)
                .await?;
            let events = timeline_of(&mut tx, &order_id).await?;
            order::replay(&events).map_err(OrderWriteError::Transition)?;
            WriteOutcome::Updated
        } else {
            let order_id = format!("ord_{}", uuid::Uuid::new_v4().simple());
            let insert = format!(
                "INSERT INTO orders ({DETAIL_COLUMNS}, id, number, merchant_id, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
            );
            bind_details(sqlx::query(&insert), details, &items, &shipments)
                .bind(&order_id)
                .bind(number.as_str())
                .bind(merchant_id)
                .bind(now.unix_ms())
                .execute(&mut *tx)
                .await?;
            let placed = OrderEvent {
                id: PLACED_EVENT_ID.into(),
                kind: OrderEventKind::Placed,
                at: details.placed_at,
                note: None,
                expected_delivery: None,
                shipment: None,
            };
            insert_event(&mut tx, &order_id, &placed, now).await?;
            WriteOutcome::Created
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn write_order_event(
        &self,
        merchant_id: &str,
        number: &OrderNumber,
        event: &OrderEvent,
        now: Timestamp,
    ) -> Result<WriteOutcome, OrderWriteError> {
        let mut tx = self.pool().begin().await?;
        let order_id: String = sqlx::query("UPDATE orders SET updated_at_ms = $1 WHERE merchant_id = $2 AND number = $3 RETURNING id")
            .bind(now.unix_ms())
            .bind(merchant_id)
            .bind(number.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(OrderWriteError::OrderNotFound)?
            .try_get("id")?;

        let mut events = timeline_of(&mut tx, &order_id).await?;
        if let Some(existing) = events.iter().find(|e| e.id == event.id) {
            return if existing == event { Ok(WriteOutcome::Unchanged) } else { Err(OrderWriteError::Conflict) };
        }
        if events.len() >= order::MAX_EVENTS {
            return Err(OrderWriteError::TimelineFull);
        }
        events.push(event.clone());
        order::sort_timeline(&mut events);
        order::replay(&events).map_err(OrderWriteError::Transition)?;
        insert_event(&mut tx, &order_id, event, now).await?;
        tx.commit().await?;
        Ok(WriteOutcome::Created)
    }

    /// Order `number` with its timeline: from [`OrderCache`] when this process read it a moment
    /// ago (shared, not copied), else in one read.
    pub async fn order_by_number(&self, merchant_id: &str, number: &OrderNumber) -> Result<Option<Arc<StoredOrder>>, sqlx::Error> {
        let key = order_key(merchant_id, number);
        if let Some(hit) = self.orders.get(&key) {
            return Ok(Some(hit));
        }
        let before = self.orders.snapshot();
        let order = self.read_order_by_number(merchant_id, number).await?.map(Arc::new);
        if let Some(order) = &order {
            self.orders.keep(key, Arc::clone(order), before);
        }
        Ok(order)
    }

    /// Order `number` with its timeline, in one read from the database (one round trip, not two).
    async fn read_order_by_number(&self, merchant_id: &str, number: &OrderNumber) -> Result<Option<StoredOrder>, sqlx::Error> {
        let read_here = self.sqlite_reads.as_ref().map(|reads| {
            reads.read(|connection| {
                let mut order = None;
                let mut statement = connection.prepare_cached(ORDER_WITH_EVENTS).map_err(driver_error)?;
                let mut rows = statement.query((merchant_id, number.as_str())).map_err(driver_error)?;
                while let Some(row) = rows.next().map_err(driver_error)? {
                    add_order_row(&mut order, row)?;
                }
                Ok(order)
            })
        });
        let mut order = match read_here.transpose()?.flatten() {
            Some(read) => read,
            // Not SQLite, or SQLite busy for a moment: through the pool.
            None => {
                let mut order = None;
                for row in sqlx::query(ORDER_WITH_EVENTS).bind(merchant_id).bind(number.as_str()).fetch_all(self.pool()).await? {
                    add_order_row(&mut order, &row)?;
                }
                order
            }
        };
        if let Some(order) = &mut order {
            order::sort_timeline(&mut order.events);
        }
        Ok(order)
    }

    pub async fn order_by_id(&self, merchant_id: &str, order_id: &str) -> Result<Option<StoredOrder>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE merchant_id = $1 AND id = $2"))
            .bind(merchant_id)
            .bind(order_id)
            .fetch_optional(self.pool())
            .await?;
        self.with_events(row.into_iter().collect()).await.map(|mut orders| orders.pop())
    }

    /// The order with this number, for a lookup to compare: one indexed read whether the
    /// number is unknown, the details then fail to match, or they match.
    pub async fn lookup_candidate(&self, merchant_id: &str, number: &OrderNumber) -> Result<Option<LookupCandidate>, sqlx::Error> {
        Ok(self.read_order_by_number(merchant_id, number).await?.map(LookupCandidate))
    }

    /// A shopper's most recent orders: those with their id, or (when the token carries it)
    /// their e-mail address.
    pub async fn orders_of_shopper(
        &self,
        merchant_id: &str,
        shopper_id: &str,
        email: Option<&Email>,
        limit: i64,
    ) -> Result<Vec<StoredOrder>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE merchant_id = $1 AND (shopper_id = $2 OR email = $3) \
             ORDER BY placed_at_ms DESC, number DESC LIMIT $4"
        ))
        .bind(merchant_id)
        .bind(shopper_id)
        .bind(email.map_or("", Email::as_str))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        self.with_events(rows).await
    }

    /// Orders placed with this e-mail address, newest first (the console's search).
    pub async fn orders_by_email(&self, merchant_id: &str, email: &Email, limit: i64) -> Result<Vec<StoredOrder>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE merchant_id = $1 AND email = $2 ORDER BY placed_at_ms DESC, number DESC LIMIT $3"
        ))
        .bind(merchant_id)
        .bind(email.as_str())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        self.with_events(rows).await
    }

    async fn with_events(&self, rows: Vec<AnyRow>) -> Result<Vec<StoredOrder>, sqlx::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut orders = rows.iter().map(order_from_row).collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let mut conn = self.pool().acquire().await?;
        let events = load_events(&mut conn, &ids).await?;
        for order in &mut orders {
            order.events = events.iter().filter(|e| e.0 == order.id).map(|e| e.1.clone()).collect();
            order::sort_timeline(&mut order.events);
        }
        Ok(orders)
    }
}

/// One order's timeline, sorted.
async fn timeline_of(conn: &mut sqlx::AnyConnection, order_id: &str) -> Result<Vec<OrderEvent>, sqlx::Error> {
    let mut events: Vec<OrderEvent> = load_events(conn, &[order_id.to_owned()]).await?.into_iter().map(|(_, event)| event).collect();
    order::sort_timeline(&mut events);
    Ok(events)
}

/// Events of these orders, as (order id, event) pairs; unsorted.
async fn load_events(conn: &mut sqlx::AnyConnection, order_ids: &[String]) -> Result<Vec<(String, OrderEvent)>, sqlx::Error> {
    let placeholders = (1..=order_ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {EVENT_COLUMNS} FROM order_events WHERE order_id IN ({placeholders})");
    let mut query = sqlx::query(&sql);
    for id in order_ids {
        query = query.bind(id);
    }
    query.fetch_all(&mut *conn).await?.iter().map(|row| Ok((row.try_get(0)?, event_from_row(row, 1)?))).collect()
}

async fn insert_event(conn: &mut sqlx::AnyConnection, order_id: &str, event: &OrderEvent, now: Timestamp) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("INSERT INTO order_events ({EVENT_COLUMNS}, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(order_id)
        .bind(&event.id)
        .bind(event.kind.as_str())
        .bind(event.at.unix_ms())
        .bind(event.note.clone())
        .bind(event.expected_delivery.map(|d| d.to_string()))
        .bind(event.shipment.as_ref().map(to_json).transpose()?)
        .bind(now.unix_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// One row of [`ORDER_WITH_EVENTS`]: the first makes the order, each adds its event (if any).
fn add_order_row(order: &mut Option<StoredOrder>, row: &impl StoredColumns) -> Result<(), sqlx::Error> {
    let order = match order {
        Some(order) => order,
        None => order.insert(order_from_row(row)?),
    };
    if row.optional_text(ORDER_WITH_EVENTS_FIRST_EVENT_COLUMN)?.is_some() {
        order.events.push(event_from_row(row, ORDER_WITH_EVENTS_FIRST_EVENT_COLUMN)?);
    }
    Ok(())
}

fn decode_error(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {what} is not valid").into())
}

/// An order from [`ORDER_COLUMNS`] in their positions.
fn order_from_row(row: &impl StoredColumns) -> Result<StoredOrder, sqlx::Error> {
    let number = row.text(1)?;
    let email = row.text(2)?;
    let postcode = row.optional_text(3)?;
    let expected = row.optional_text(7)?;
    let locale = row.optional_text(9)?;
    Ok(StoredOrder {
        id: row.text(0)?,
        number: OrderNumber::parse(&number).map_err(|_| decode_error("order number"))?,
        details: OrderDetails {
            email: Email::parse(&email).map_err(|_| decode_error("email"))?,
            postcode: postcode.map(|p| Postcode::parse(&p)).transpose().map_err(|_| decode_error("postcode"))?,
            shopper_id: row.optional_text(4)?,
            placed_at: Timestamp::from_unix_ms(row.integer(6)?),
            currency: row.text(5)?,
            items: json_text(&row.text(10)?)?,
            expected_delivery: expected
                .map(|d| CalendarDate::parse(&d, "expected_delivery"))
                .transpose()
                .map_err(|_| decode_error("date"))?,
            shipments: json_text(&row.text(11)?)?,
            loyalty_points: row.optional_integer(8)?,
            locale: locale.as_deref().and_then(Locale::from_tag),
        },
        events: Vec::new(),
    })
}

/// An event from the columns of [`EVENT_COLUMNS`] after `order_id`, the first at `first`.
fn event_from_row(row: &impl StoredColumns, first: usize) -> Result<OrderEvent, sqlx::Error> {
    let kind = row.text(first + 1)?;
    let expected = row.optional_text(first + 4)?;
    let shipment = row.optional_text(first + 5)?;
    Ok(OrderEvent {
        id: row.text(first)?,
        kind: OrderEventKind::from_name(&kind).ok_or_else(|| decode_error("event kind"))?,
        at: Timestamp::from_unix_ms(row.integer(first + 2)?),
        note: row.optional_text(first + 3)?,
        expected_delivery: expected.map(|d| CalendarDate::parse(&d, "expected_delivery")).transpose().map_err(|_| decode_error("date"))?,
        shipment: shipment.map(|s| json_text(&s)).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &str) -> Vec<String> {
        list.split(',')
            .map(|column| column.split_whitespace().next().unwrap_or("").trim_start_matches("o.").trim_start_matches("e.").to_owned())
            .collect()
    }

    /// Rows are read by position: the one-read query's columns are the order's, then the event's.
    #[test]
    fn the_order_with_events_read_has_the_columns_where_the_decoders_look() {
        let select = ORDER_WITH_EVENTS.trim_start_matches("SELECT ").split(" FROM ").next().unwrap();
        let expected: Vec<String> = names(ORDER_COLUMNS).into_iter().chain(names(EVENT_COLUMNS).into_iter().skip(1)).collect();
        assert_eq!(names(select), expected);
        assert_eq!(names(ORDER_COLUMNS).len(), ORDER_WITH_EVENTS_FIRST_EVENT_COLUMN);
    }
}
