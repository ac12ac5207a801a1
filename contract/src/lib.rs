//! The JSON contract between the Carebox widget and the Carebox server.
//!
//! Both sides compile against these types, so a change of the API is a compile error on
//! both. Everything here is plain serde; input types are "parse, don't validate" newtypes
//! whose only constructor is `parse`, so an invalid value cannot exist past the boundary.

pub mod error;
pub mod locale;
pub mod merchant;
pub mod order;
pub mod time;
pub mod widget_config;

pub use error::{ErrorBody, ErrorCode, ErrorDetail, FieldError};
pub use locale::Locale;
pub use merchant::PublishableKey;
pub use order::{
    DelayNotice, Email, LookupMode, LookupProof, OrderEventKind, OrderEventRequest, OrderItem, OrderLookup,
    OrderLookupRequest, OrderLookupResponse, OrderNumber, OrderStatus, OrderSummary, OrderView, Postcode, Shipment,
    ShopperOrders, TimelineEntry, UpsertOrderRequest,
};
pub use time::{CalendarDate, Timestamp};
pub use widget_config::{AccentColor, ColorScheme, CornerRadius, Feature, Theme, WidgetConfig};

/// Header that carries the request id on every response (and in every log line).
pub const REQUEST_ID_HEADER: &str = "x-request-id";
