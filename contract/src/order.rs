//! Orders: what the merchant's backend feeds in, and what the shopper is shown.

use serde::{Deserialize, Serialize};

use crate::{CalendarDate, FieldError, Locale, Timestamp};

/// The merchant's own order number, as printed on the receipt. Shoppers often type a
/// leading `#` or different case, so both are normalised away: `#nw-1042` is `NW-1042`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderNumber(String);

impl OrderNumber {
    pub const FIELD: &'static str = "order_number";
    pub const MAX_LEN: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim().trim_start_matches('#').trim();
        if trimmed.is_empty() {
            return Err(FieldError::missing(Self::FIELD, "The order number is required."));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.');
        if trimmed.len() > Self::MAX_LEN || !trimmed.chars().all(allowed) {
            return Err(FieldError::invalid(Self::FIELD, "An order number is up to 40 letters, digits, and - _ / . characters."));
        }
        Ok(Self(trimmed.to_ascii_uppercase()))
    }
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, trimmed and lower-cased (compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const FIELD: &'static str = "email";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(FieldError::missing(Self::FIELD, "The e-mail address is required."));
        }
        let invalid = || FieldError::invalid(Self::FIELD, "That does not look like an e-mail address (name@example.com).");
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty())
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(invalid());
        }
        Ok(Self(email))
    }
}

/// A postcode, compared without case, spaces or hyphens (`sw1a 1aa` is `SW1A1AA`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    pub const FIELD: &'static str = "postcode";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
        if compact.is_empty() {
            return Err(FieldError::missing(Self::FIELD, "The postcode is required."));
        }
        if !(3..=10).contains(&compact.len()) || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(FieldError::invalid(Self::FIELD, "A postcode is 3 to 10 letters and digits."));
        }
        Ok(Self(compact))
    }
}

/// How shoppers prove an order is theirs when they look it up (a merchant setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LookupMode {
    #[default]
    Email,
    Postcode,
}

impl LookupMode {
    pub const ALL: [LookupMode; 2] = [Self::Email, Self::Postcode];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Postcode => "postcode",
        }
    }

    /// The mode serde names `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == name)
    }
}

/// `POST /v1/orders/lookup`, as typed by the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLookupRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = OrderNumber))]
    pub order_number: String,
    /// When the shop looks orders up by e-mail (the widget's configuration says which).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Email>))]
    pub email: Option<String>,
    /// When the shop looks orders up by postcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Postcode>))]
    pub postcode: Option<String>,
}

/// The proof that goes with an order number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupProof {
    Email(Email),
    Postcode(Postcode),
}

/// A lookup whose every field parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLookup {
    pub number: OrderNumber,
    pub proof: LookupProof,
}

impl OrderLookup {
    /// Parses every field, reporting all that are wrong at once (the form shows them together).
    pub fn parse(request: &OrderLookupRequest, mode: LookupMode) -> Result<Self, Vec<FieldError>> {
        let number = OrderNumber::parse(&request.order_number);
        let proof = match mode {
            LookupMode::Email => Email::parse(request.email.as_deref().unwrap_or("")).map(LookupProof::Email),
            LookupMode::Postcode => Postcode::parse(request.postcode.as_deref().unwrap_or("")).map(LookupProof::Postcode),
        };
        match (number, proof) {
            (Ok(number), Ok(proof)) => Ok(Self { number, proof }),
            (number, proof) => Err([number.err(), proof.err()].into_iter().flatten().collect()),
        }
    }
}

/// What has happened to an order. `Delayed` annotates the timeline without moving the
/// order along; every other kind is a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    Placed,
    Paid,
    Packed,
    Shipped,
    OutForDelivery,
    Delivered,
    Cancelled,
    Returned,
    Delayed,
}

impl OrderEventKind {
    pub const ALL: [OrderEventKind; 9] = [
        Self::Placed,
        Self::Paid,
        Self::Packed,
        Self::Shipped,
        Self::OutForDelivery,
        Self::Delivered,
        Self::Cancelled,
        Self::Returned,
        Self::Delayed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Paid => "paid",
            Self::Packed => "packed",
            Self::Shipped => "shipped",
            Self::OutForDelivery => "out_for_delivery",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::Returned => "returned",
            Self::Delayed => "delayed",
        }
    }

    pub fn from_name(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// Where the order is now (derived from its timeline, never stored on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Paid,
    Packed,
    Shipped,
    OutForDelivery,
    Delivered,
    Cancelled,
    Returned,
}

impl OrderStatus {
    /// The happy path, in order; the widget draws it as the progress track.
    pub const PROGRESS: [OrderStatus; 6] = [Self::Placed, Self::Paid, Self::Packed, Self::Shipped, Self::OutForDelivery, Self::Delivered];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Paid => "paid",
            Self::Packed => "packed",
            Self::Shipped => "shipped",
            Self::OutForDelivery => "out_for_delivery",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::Returned => "returned",
        }
    }

    /// Position on the happy path, `None` for cancelled and returned.
    pub fn progress_index(self) -> Option<usize> {
        Self::PROGRESS.iter().position(|s| *s == self)
    }

    /// The status an event kind moves an order to, `None` for annotations (delayed).
    pub const fn from_event(kind: OrderEventKind) -> Option<Self> {
        Some(match kind {
            OrderEventKind::Placed => Self::Placed,
            OrderEventKind::Paid => Self::Paid,
            OrderEventKind::Packed => Self::Packed,
            OrderEventKind::Shipped => Self::Shipped,
            OrderEventKind::OutForDelivery => Self::OutForDelivery,
            OrderEventKind::Delivered => Self::Delivered,
            OrderEventKind::Cancelled => Self::Cancelled,
            OrderEventKind::Returned => Self::Returned,
            OrderEventKind::Delayed => return None,
        })
    }
}

/// One step of the order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub kind: OrderEventKind,
    pub at: Timestamp,
    /// The merchant's note for the shopper (rendered as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An honest word when the order is late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DelayNotice {
    /// The day first promised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originally_expected: Option<CalendarDate>,
    /// The new expected day, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now_expected: Option<CalendarDate>,
    /// The merchant's reason, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shipment {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::Carrier))]
    pub carrier: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::TrackingNumber))]
    pub tracking_number: String,
    /// Only `https://` links are accepted from merchants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::field::HttpsLink>))]
    pub tracking_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderItem {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::ItemName))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub quantity: u32,
    /// Price of one unit in the currency's minor unit (cents).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000_000_i64))]
    pub unit_price_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::field::HttpsLink>))]
    pub image_url: Option<String>,
}

/// The order as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub number: OrderNumber,
    pub status: OrderStatus,
    pub placed_at: Timestamp,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_delivery: Option<CalendarDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<DelayNotice>,
    pub shipments: Vec<Shipment>,
    pub items: Vec<OrderItem>,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    pub total_minor: i64,
    /// Loyalty points this order earns, when the merchant runs a loyalty programme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loyalty_points: Option<i64>,
}

/// A line in the shopper's list of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub number: OrderNumber,
    pub status: OrderStatus,
    pub placed_at: Timestamp,
    pub item_count: u32,
    pub currency: String,
    pub total_minor: i64,
    pub delayed: bool,
}

/// `POST /v1/orders/lookup` answer: the order and a short-lived token that opens only it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLookupResponse {
    pub token: String,
    pub expires_at: Timestamp,
    pub order: OrderView,
}

/// `GET /v1/shopper/orders` answer: the identified shopper's recent orders, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopperOrders {
    pub orders: Vec<OrderSummary>,
}

/// `PUT /v1/merchant/orders/{number}` (secret key): create or replace an order's details.
/// Its timeline comes from events; a new order gets a `placed` event at `placed_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpsertOrderRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Email))]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::field::OptionalPostcode>))]
    pub postcode: Option<String>,
    /// The merchant's id for the shopper, matched against `sub` of shopper tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::field::ShopperId>))]
    pub shopper_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Timestamp))]
    pub placed_at: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::Currency))]
    pub currency: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub items: Vec<OrderItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CalendarDate>))]
    pub expected_delivery: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub shipments: Vec<Shipment>,
    /// Points this order earned, when the merchant's own system decides them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub loyalty_points: Option<i64>,
    /// The shopper's language, for messages sent about this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
}

/// `POST /v1/merchant/orders/{number}/events` (secret key): something happened to the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEventRequest {
    /// The merchant's id for this event; sending it again changes nothing.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::EventId))]
    pub id: String,
    pub kind: OrderEventKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Timestamp))]
    pub occurred_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::field::EventNote>))]
    pub note: Option<String>,
    /// With `delayed`: the new expected delivery day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CalendarDate>))]
    pub expected_delivery: Option<String>,
    /// With `shipped`: the parcel that left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<Shipment>,
}

string_newtype!(OrderNumber, Email, Postcode);

#[cfg(feature = "openapi")]
mod schemas {
    use super::*;
    use crate::openapi::{BLANK, documented, padded, string};

    documented! {
        OrderNumber => string(
            &padded(&format!("#*[{BLANK}]*[A-Za-z0-9._/-]{{1,40}}")),
            "The order number as printed on the receipt, e.g. `NW-1042`: up to 40 letters, digits, `-`, `_`, `/` or `.` (a leading `#`, case and spaces are forgiven)",
        );
        // ASCII only and without surrounding spaces: a subset of what is accepted, so every
        // address the document allows is one the server takes (byte limits equal characters).
        Email => utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$"))
            .max_length(Some(254))
            .description(Some("An e-mail address (compared without case), at most 254 characters"))
            .into();
        Postcode => string(
            &format!("^[{BLANK}-]*(?:[A-Za-z0-9][{BLANK}-]*){{3,10}}$"),
            "3 to 10 letters and digits; spaces, `-` and case are ignored",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn order_numbers_forgive_hash_case_and_spaces() {
        assert_eq!(OrderNumber::parse("  #nw-1042 ").unwrap().as_str(), "NW-1042");
        assert_eq!(OrderNumber::parse("").unwrap_err().code, ErrorCode::Missing);
        assert_eq!(OrderNumber::parse("1042; DROP").unwrap_err().code, ErrorCode::Invalid);
        assert!(OrderNumber::parse(&"9".repeat(41)).is_err());
    }

    #[test]
    fn emails_are_trimmed_lowercased_and_shape_checked() {
        assert_eq!(Email::parse(" Anna.K@Example.COM ").unwrap().as_str(), "anna.k@example.com");
        for bad in ["anna", "anna@", "@example.com", "anna@example", "an na@example.com", "a@b@c.com", "anna@example..com"] {
            assert_eq!(Email::parse(bad).unwrap_err().code, ErrorCode::Invalid, "{bad}");
        }
    }

    #[test]
    fn postcodes_compare_without_spaces_hyphens_or_case() {
        assert_eq!(Postcode::parse("sw1a 1aa").unwrap(), Postcode::parse("SW1A1AA").unwrap());
        assert_eq!(Postcode::parse("12345-6789").unwrap().as_str(), "123456789");
        assert!(Postcode::parse("1").is_err() && Postcode::parse("ab#12").is_err());
    }

    #[test]
    fn lookup_reports_every_bad_field_at_once() {
        let request = OrderLookupRequest { order_number: "".into(), email: Some("nope".into()), postcode: None };
        let errors = OrderLookup::parse(&request, LookupMode::Email).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_ref(), e.code)).collect();
        assert_eq!(fields, [("order_number", ErrorCode::Missing), ("email", ErrorCode::Invalid)]);
        let by_postcode = OrderLookupRequest { order_number: "1042".into(), email: None, postcode: Some("10115".into()) };
        let lookup = OrderLookup::parse(&by_postcode, LookupMode::Postcode).unwrap();
        assert_eq!(lookup.proof, LookupProof::Postcode(Postcode::parse("10115").unwrap()));
        assert!(OrderLookup::parse(&by_postcode, LookupMode::Email).is_err(), "mode decides which proof counts");
    }

    #[test]
    fn event_kinds_round_trip_their_names() {
        for kind in OrderEventKind::ALL {
            assert_eq!(OrderEventKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(kind.as_str()));
        }
        assert_eq!(OrderStatus::from_event(OrderEventKind::Delayed), None);
        assert_eq!(OrderStatus::Shipped.progress_index(), Some(3));
        assert_eq!(OrderStatus::Cancelled.progress_index(), None);
    }
}
