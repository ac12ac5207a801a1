//! Orders: which status changes are possible, how a timeline replays into a status, when
//! an order counts as late, and the merchant's input parsed into valid details.

use carebox_contract::{
    CalendarDate, DelayNotice, Email, FieldError, Locale, OrderEventKind, OrderEventRequest, OrderItem, OrderStatus, Postcode, Shipment,
    Timestamp, UpsertOrderRequest,
};

/// An event as recorded on an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub id: String,
    pub kind: OrderEventKind,
    pub at: Timestamp,
    pub note: Option<String>,
    /// With `delayed`: the new expected day.
    pub expected_delivery: Option<CalendarDate>,
    /// With `shipped`: the parcel.
    pub shipment: Option<Shipment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub from: Option<OrderStatus>,
    pub to: OrderEventKind,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.from {
            Some(from) => write!(f, "an order that is {} cannot become {}", from.as_str(), self.to.as_str()),
            None => write!(f, "an order's first event must be placed, not {}", self.to.as_str()),
        }
    }
}

/// Where `kind` takes an order that is `from`; `Ok(from)` for annotations.
///
/// Stages only move forward (skipping is fine: cash on delivery has no `paid`); a second
/// `shipped` is another parcel; `cancelled` only before shipping, `returned` only after;
/// `delayed` only while the order is still on its way.
pub fn transition(from: Option<OrderStatus>, kind: OrderEventKind) -> Result<Option<OrderStatus>, TransitionError> {
    use OrderStatus as S;
    let refuse = Err(TransitionError { from, to: kind });
    let Some(from) = from else {
        return if kind == OrderEventKind::Placed { Ok(Some(S::Placed)) } else { refuse };
    };
    match kind {
        OrderEventKind::Delayed => {
            if matches!(from, S::Delivered | S::Cancelled | S::Returned) {
                refuse
            } else {
                Ok(Some(from))
            }
        }
        OrderEventKind::Cancelled => {
            if matches!(from, S::Placed | S::Paid | S::Packed) {
                Ok(Some(S::Cancelled))
            } else {
                refuse
            }
        }
        OrderEventKind::Returned => {
            if matches!(from, S::Shipped | S::OutForDelivery | S::Delivered) {
                Ok(Some(S::Returned))
            } else {
                refuse
            }
        }
        _ => {
            let to = OrderStatus::from_event(kind).expect("stages map to a status");
            match (from.progress_index(), to.progress_index()) {
                (Some(a), Some(b)) if b > a || (to == S::Shipped && from == S::Shipped) => Ok(Some(to)),
                _ => refuse,
            }
        }
    }
}

/// Events in the order they happened; same-instant events in the natural stage order.
pub fn sort_timeline(events: &mut [OrderEvent]) {
    let rank = |kind: OrderEventKind| OrderEventKind::ALL.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
    events.sort_by_key(|e| (e.at, rank(e.kind)));
}

/// Replays a time-sorted timeline into the order's status.
pub fn replay(events: &[OrderEvent]) -> Result<OrderStatus, TransitionError> {
    let mut status = None;
    for event in events {
        status = transition(status, event.kind)?;
    }
    status.ok_or(TransitionError { from: None, to: OrderEventKind::Placed })
}

/// The delay notice, if the order is late: the merchant said so (a `delayed` event), or the
/// promised day has passed without delivery. `None` once delivered, cancelled or returned.
pub fn delay_notice(
    status: OrderStatus,
    promised: Option<CalendarDate>,
    events: &[OrderEvent],
    today: CalendarDate,
) -> Option<DelayNotice> {
    if matches!(status, OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Returned) {
        return None;
    }
    let last_delay = events.iter().rev().find(|e| e.kind == OrderEventKind::Delayed);
    let now_expected = last_delay.and_then(|e| e.expected_delivery);
    let overdue = now_expected.or(promised).is_some_and(|day| day < today);
    if last_delay.is_none() && !overdue {
        return None;
    }
    Some(DelayNotice {
        originally_expected: promised,
        now_expected: now_expected.filter(|day| *day >= today),
        reason: last_delay.and_then(|e| e.note.clone()),
    })
}

/// Every parcel: those given with the order, then those announced by `shipped` events,
/// each tracking number once.
pub fn shipments(given: &[Shipment], events: &[OrderEvent]) -> Vec<Shipment> {
    let mut all: Vec<Shipment> = Vec::new();
    for shipment in given.iter().chain(events.iter().filter_map(|e| e.shipment.as_ref())) {
        if !all.iter().any(|s| s.tracking_number == shipment.tracking_number) {
            all.push(shipment.clone());
        }
    }
    all
}

/// The most items one order lists (a shop's biggest baskets are far smaller).
pub const MAX_ITEMS: usize = 200;
/// The most parcels one order's details list.
pub const MAX_SHIPMENTS: usize = 20;
/// The most events one order's timeline keeps: a real order has about ten; a merchant's
/// runaway script must not grow one row set (and every view of it) without end.
pub const MAX_EVENTS: usize = 100;

/// An order's details from the merchant, every field valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDetails {
    pub email: Email,
    pub postcode: Option<Postcode>,
    pub shopper_id: Option<String>,
    pub placed_at: Timestamp,
    pub currency: String,
    pub items: Vec<OrderItem>,
    pub expected_delivery: Option<CalendarDate>,
    pub shipments: Vec<Shipment>,
    pub loyalty_points: Option<i64>,
    pub locale: Option<Locale>,
}

impl OrderDetails {
    pub fn total_minor(&self) -> i64 {
        total_minor(&self.items)
    }
}

pub fn total_minor(items: &[OrderItem]) -> i64 {
    items.iter().map(|i| i.unit_price_minor.saturating_mul(i64::from(i.quantity))).fold(0, i64::saturating_add)
}

impl TryFrom<UpsertOrderRequest> for OrderDetails {
    type Error = FieldError;

    fn try_from(request: UpsertOrderRequest) -> Result<Self, FieldError> {
        let email = Email::parse(&request.email)?;
        let postcode = request.postcode.as_deref().filter(|p| !p.trim().is_empty()).map(Postcode::parse).transpose()?;
        let shopper_id = match request.shopper_id.map(|s| s.trim().to_owned()) {
            Some(id) if id.chars().count() > 128 => {
                return Err(FieldError::invalid("shopper_id", "A shopper id is at most 128 characters."));
            }
            Some(id) if !id.is_empty() => Some(id),
            _ => None,
        };
        let placed_at = Timestamp::parse(&request.placed_at, "placed_at")?;
        let currency = request.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(FieldError::invalid("currency", "The currency is a three-letter ISO 4217 code, like EUR."));
        }
        if request.items.is_empty() {
            return Err(FieldError::missing("items", "An order has at least one item."));
        }
        if request.items.len() > MAX_ITEMS {
            return Err(FieldError::invalid("items", "An order has at most 200 items."));
        }
        if request.shipments.len() > MAX_SHIPMENTS {
            return Err(FieldError::invalid("shipments", "An order has at most 20 shipments."));
        }
        let items = request
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                parse_item(item).map_err(|e| {
                    let at = format!("items[{i}].{}", e.field);
                    e.at(at)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let expected_delivery = request.expected_delivery.as_deref().map(|d| CalendarDate::parse(d, "expected_delivery")).transpose()?;
        let shipments = request
            .shipments
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                parse_shipment(s).map_err(|e| {
                    let at = format!("shipments[{i}].{}", e.field);
                    e.at(at)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if request.loyalty_points.is_some_and(|p| !(0..=1_000_000).contains(&p)) {
            return Err(FieldError::invalid("loyalty_points", "An order earns 0 to 1000000 points."));
        }
        Ok(Self {
            email,
            postcode,
            shopper_id,
            placed_at,
            currency,
            items,
            expected_delivery,
            shipments,
            loyalty_points: request.loyalty_points,
            locale: request.locale,
        })
    }
}

fn parse_item(item: OrderItem) -> Result<OrderItem, FieldError> {
    let name = item.name.trim().to_owned();
    if name.is_empty() {
        return Err(FieldError::missing("name", "Each item needs a name."));
    }
    if name.chars().count() > 200 {
        return Err(FieldError::invalid("name", "An item name is at most 200 characters."));
    }
    if item.quantity == 0 || item.quantity > 10_000 {
        return Err(FieldError::invalid("quantity", "The quantity is 1 to 10000."));
    }
    if !(0..=1_000_000_000_000).contains(&item.unit_price_minor) {
        return Err(FieldError::invalid("unit_price_minor", "A price is 0 to 1000000000000 minor units."));
    }
    let image_url = item.image_url.map(|url| https_url(&url, "image_url")).transpose()?;
    Ok(OrderItem { name, quantity: item.quantity, unit_price_minor: item.unit_price_minor, image_url })
}

pub fn parse_shipment(shipment: Shipment) -> Result<Shipment, FieldError> {
    let carrier = shipment.carrier.trim().to_owned();
    let tracking_number = shipment.tracking_number.trim().to_owned();
    if carrier.is_empty() || carrier.chars().count() > 80 {
        return Err(FieldError::invalid("carrier", "The carrier's name is 1 to 80 characters."));
    }
    if tracking_number.is_empty() || tracking_number.chars().count() > 80 {
        return Err(FieldError::invalid("tracking_number", "The tracking number is 1 to 80 characters."));
    }
    let tracking_url = shipment.tracking_url.map(|url| https_url(&url, "tracking_url")).transpose()?;
    Ok(Shipment { carrier, tracking_number, tracking_url })
}

/// Only absolute `https://` links are shown to shoppers (no `javascript:` or plain http).
fn https_url(raw: &str, field: &'static str) -> Result<String, FieldError> {
    let url = raw.trim();
    let host = url.strip_prefix("https://").map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host)
            if !host.is_empty() && url.chars().count() <= 2000 && !url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') =>
        {
            Ok(url.to_owned())
        }
        _ => Err(FieldError::invalid(field, "Links must be absolute https:// URLs.")),
    }
}

/// An event from the merchant, every field valid (the transition is checked on the timeline).
impl TryFrom<OrderEventRequest> for OrderEvent {
    type Error = FieldError;

    fn try_from(request: OrderEventRequest) -> Result<Self, FieldError> {
        let id = request.id.trim().to_owned();
        if id.is_empty() || id.chars().count() > 100 {
            return Err(FieldError::invalid("id", "The event id is 1 to 100 characters."));
        }
        let at = Timestamp::parse(&request.occurred_at, "occurred_at")?;
        let note = request.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(FieldError::invalid("note", "A note is at most 500 characters."));
        }
        let expected_delivery = request.expected_delivery.as_deref().map(|d| CalendarDate::parse(d, "expected_delivery")).transpose()?;
        if expected_delivery.is_some() && request.kind != OrderEventKind::Delayed {
            return Err(FieldError::invalid("expected_delivery", "Only a delayed event carries a new expected delivery day."));
        }
        let shipment = request.shipment.map(parse_shipment).transpose().map_err(|e| {
            let at = format!("shipment.{}", e.field);
            e.at(at)
        })?;
        if shipment.is_some() && request.kind != OrderEventKind::Shipped {
            return Err(FieldError::invalid("shipment", "Only a shipped event carries a shipment."));
        }
        Ok(Self { id, kind: request.kind, at, note, expected_delivery, shipment })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderEventKind as K;
    use OrderStatus as S;

    fn event(kind: OrderEventKind, at_ms: i64) -> OrderEvent {
        OrderEvent {
            id: format!("{}-{at_ms}", kind.as_str()),
            kind,
            at: Timestamp::from_unix_ms(at_ms),
            note: None,
            expected_delivery: None,
            shipment: None,
        }
    }

    fn date(raw: &str) -> CalendarDate {
        CalendarDate::parse(raw, "d").unwrap()
    }

    #[test]
    fn stages_move_forward_and_may_skip() {
        assert_eq!(transition(None, K::Placed), Ok(Some(S::Placed)));
        assert_eq!(transition(Some(S::Placed), K::Paid), Ok(Some(S::Paid)));
        assert_eq!(transition(Some(S::Placed), K::Shipped), Ok(Some(S::Shipped)), "cash on delivery skips paid and packed");
        assert_eq!(transition(Some(S::OutForDelivery), K::Delivered), Ok(Some(S::Delivered)));
        assert_eq!(transition(Some(S::Shipped), K::Shipped), Ok(Some(S::Shipped)), "a second parcel");
    }

    #[test]
    fn impossible_transitions_are_refused() {
        for (from, kind) in [
            (None, K::Paid),
            (Some(S::Delivered), K::Packed),
            (Some(S::Paid), K::Paid),
            (Some(S::Paid), K::Placed),
            (Some(S::Shipped), K::Cancelled),
            (Some(S::Packed), K::Returned),
            (Some(S::Cancelled), K::Paid),
            (Some(S::Returned), K::Delivered),
            (Some(S::Delivered), K::Delayed),
            (Some(S::Delivered), K::Delivered),
        ] {
            assert_eq!(transition(from, kind), Err(TransitionError { from, to: kind }), "{from:?} → {kind:?}");
        }
        assert_eq!(
            TransitionError { from: Some(S::Delivered), to: K::Packed }.to_string(),
            "an order that is delivered cannot become packed"
        );
    }

    #[test]
    fn cancel_before_shipping_return_after_delay_while_on_the_way() {
        assert_eq!(transition(Some(S::Packed), K::Cancelled), Ok(Some(S::Cancelled)));
        assert_eq!(transition(Some(S::Delivered), K::Returned), Ok(Some(S::Returned)));
        assert_eq!(transition(Some(S::Shipped), K::Delayed), Ok(Some(S::Shipped)), "delayed annotates, it does not move");
    }

    #[test]
    fn late_events_land_in_time_order_before_replay() {
        let mut events = vec![event(K::Placed, 10), event(K::Shipped, 30), event(K::Paid, 20)];
        sort_timeline(&mut events);
        assert_eq!(events.iter().map(|e| e.kind).collect::<Vec<_>>(), [K::Placed, K::Paid, K::Shipped]);
        assert_eq!(replay(&events), Ok(S::Shipped));
        // Same instant: natural stage order.
        let mut tied = vec![event(K::Packed, 5), event(K::Placed, 5), event(K::Paid, 5)];
        sort_timeline(&mut tied);
        assert_eq!(replay(&tied), Ok(S::Packed));
    }

    #[test]
    fn a_late_event_that_breaks_the_history_is_refused() {
        let mut events = vec![event(K::Placed, 10), event(K::Delivered, 40), event(K::Packed, 50)];
        sort_timeline(&mut events);
        assert_eq!(replay(&events), Err(TransitionError { from: Some(S::Delivered), to: K::Packed }));
        let mut before_placed = vec![event(K::Placed, 10), event(K::Paid, 5)];
        sort_timeline(&mut before_placed);
        assert!(replay(&before_placed).is_err(), "paid before the order was placed");
    }

    #[test]
    fn delay_notice_when_the_merchant_says_so_or_the_day_has_passed() {
        let today = date("2026-11-25");
        let on_way = [event(K::Placed, 1), event(K::Shipped, 2)];
        assert_eq!(delay_notice(S::Shipped, Some(date("2026-11-26")), &on_way, today), None, "not late yet");

        let overdue = delay_notice(S::Shipped, Some(date("2026-11-24")), &on_way, today).expect("overdue");
        assert_eq!((overdue.originally_expected, overdue.now_expected), (Some(date("2026-11-24")), None));

        let mut delayed = event(K::Delayed, 3);
        delayed.expected_delivery = Some(date("2026-11-29"));
        delayed.note = Some("Storm at the hub".into());
        let told =
            delay_notice(S::Shipped, Some(date("2026-11-26")), &[on_way[0].clone(), on_way[1].clone(), delayed.clone()], today).unwrap();
        assert_eq!(told.now_expected, Some(date("2026-11-29")));
        assert_eq!(told.reason.as_deref(), Some("Storm at the hub"));

        assert_eq!(delay_notice(S::Delivered, Some(date("2026-11-01")), &[delayed], today), None, "delivered is never late");
    }

    #[test]
    fn shipments_merge_by_tracking_number() {
        let parcel = |n: &str| Shipment { carrier: "DHL".into(), tracking_number: n.into(), tracking_url: None };
        let mut shipped = event(K::Shipped, 5);
        shipped.shipment = Some(parcel("B"));
        let mut again = event(K::Shipped, 6);
        again.shipment = Some(parcel("A"));
        let all = shipments(&[parcel("A")], &[shipped, again]);
        assert_eq!(all.iter().map(|s| s.tracking_number.as_str()).collect::<Vec<_>>(), ["A", "B"]);
    }

    fn upsert() -> UpsertOrderRequest {
        UpsertOrderRequest {
            email: " Anna@Example.com".into(),
            postcode: Some("sw1a 1aa".into()),
            shopper_id: None,
            placed_at: "2026-11-20T10:00:00Z".into(),
            currency: "eur".into(),
            items: vec![OrderItem { name: "Mug".into(), quantity: 2, unit_price_minor: 1600, image_url: None }],
            expected_delivery: Some("2026-11-27".into()),
            shipments: vec![],
            loyalty_points: Some(32),
            locale: None,
        }
    }

    #[test]
    fn order_details_normalise_and_total() {
        let details = OrderDetails::try_from(upsert()).unwrap();
        assert_eq!((details.email.as_str(), details.currency.as_str()), ("anna@example.com", "EUR"));
        assert_eq!(details.postcode.unwrap().as_str(), "SW1A1AA");
        assert_eq!(total_minor(&details.items), 3200);
    }

    #[test]
    fn order_details_name_the_bad_field_with_its_path() {
        let mut bad = upsert();
        bad.items.push(OrderItem { name: "Flask".into(), quantity: 0, unit_price_minor: 100, image_url: None });
        assert_eq!(OrderDetails::try_from(bad).unwrap_err().field, "items[1].quantity");
        let mut link = upsert();
        link.items[0].image_url = Some("javascript:alert(1)".into());
        assert_eq!(OrderDetails::try_from(link).unwrap_err().field, "items[0].image_url");
        let mut currency = upsert();
        currency.currency = "euro".into();
        assert_eq!(OrderDetails::try_from(currency).unwrap_err().field, "currency");
        let mut shipment = upsert();
        shipment.shipments.push(Shipment { carrier: "".into(), tracking_number: "1".into(), tracking_url: None });
        assert_eq!(OrderDetails::try_from(shipment).unwrap_err().field, "shipments[0].carrier");
    }

    /// The OpenAPI document's field schemas admit exactly what these parsers accept (the
    /// fuzzing layer generates requests from them).
    #[test]
    fn the_documents_order_fields_say_what_parsing_accepts() {
        use carebox_contract::openapi::conformance::{agree, padded_variants, texts};
        use carebox_contract::openapi::field;
        use utoipa::PartialSchema;
        let order = |change: &dyn Fn(&mut serde_json::Value)| {
            let mut body = serde_json::json!({
                "email": "anna@example.com", "placed_at": "2026-11-20T10:00:00Z", "currency": "EUR",
                "items": [{"name": "Mug", "quantity": 1, "unit_price_minor": 900}],
                "shipments": [{"carrier": "DHL", "tracking_number": "JD1"}],
            });
            change(&mut body);
            serde_json::from_value::<UpsertOrderRequest>(body).is_ok_and(|request| OrderDetails::try_from(request).is_ok())
        };
        let set = |path: &'static [&'static str], text: &str| {
            let text = text.to_owned();
            move |body: &mut serde_json::Value| {
                let mut at = body;
                for key in path {
                    at = match key.parse::<usize>() {
                        Ok(i) => &mut at[i],
                        Err(_) => &mut at[*key],
                    };
                }
                *at = serde_json::Value::String(text.clone());
            }
        };
        agree("item name", field::ItemName::schema(), &texts(1, 200), |t| order(&set(&["items", "0", "name"], t)), true);
        agree("carrier", field::Carrier::schema(), &texts(1, 80), |t| order(&set(&["shipments", "0", "carrier"], t)), true);
        let tracking = field::TrackingNumber::schema();
        agree("tracking number", tracking, &texts(1, 80), |t| order(&set(&["shipments", "0", "tracking_number"], t)), true);
        agree("shopper id", field::ShopperId::schema(), &texts(0, 128), |t| order(&set(&["shopper_id"], t)), true);
        let currencies = padded_variants(&["EUR", "eur", "EU", "EURO", "€UR", "E1R", ""]);
        agree("currency", field::Currency::schema(), &currencies, |t| order(&set(&["currency"], t)), true);
        let postcodes = padded_variants(&["SW1A 1AA", "12345-6789", "--", "ab", "abc", "1234567890", "12345678901", "ab#12", ""]);
        agree("postcode", field::OptionalPostcode::schema(), &postcodes, |t| order(&set(&["postcode"], t)), true);
        let (longest, too_long) = (format!("https://x.io/{}", "a".repeat(1987)), format!("https://x.io/{}", "a".repeat(1988)));
        let links = padded_variants(&[
            "https://x.io/a?b#c",
            "https://",
            "https:///x",
            "https://?x",
            "http://x.io",
            "HTTPS://x.io",
            "javascript:alert(1)",
            "https://x.io/a b",
            "https://x.io/\"",
            "https://x.io/<",
            "https://é.io/ж",
            &longest,
            &too_long,
        ]);
        let link = field::HttpsLink::schema();
        agree("tracking url", link.clone(), &links, |t| order(&set(&["shipments", "0", "tracking_url"], t)), true);
        agree("image url", link, &links, |t| order(&set(&["items", "0", "image_url"], t)), true);
        let event = |id: &str, note: &str| {
            let request = OrderEventRequest {
                id: id.to_owned(),
                kind: OrderEventKind::Delayed,
                occurred_at: "2026-11-21T10:00:00Z".into(),
                note: Some(note.to_owned()),
                expected_delivery: None,
                shipment: None,
            };
            OrderEvent::try_from(request).is_ok()
        };
        agree("event id", field::EventId::schema(), &texts(1, 100), |t| event(t, ""), true);
        agree("event note", field::EventNote::schema(), &texts(0, 500), |t| event("e-1", t), true);
    }
}
