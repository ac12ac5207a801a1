//! The JSON contract between the Carebox widget and the Carebox server.
//!
//! Both sides compile against these types, so a change of the API is a compile error on
//! both. Everything here is plain serde; input types are "parse, don't validate" newtypes
//! whose only constructor is `parse`, so an invalid value cannot exist past the boundary.

/// For a newtype over `String` whose only constructor is `parse`: `as_str`, serde's
/// `TryFrom<String>` (so deserialising parses too) and `From<_> for String`.
macro_rules! string_newtype {
    ($($name:ident),+ $(,)?) => {$(
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = crate::FieldError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )+};
}

pub mod complaint;
pub mod console;
pub mod csat;
pub mod error;
pub mod locale;
pub mod loyalty;
pub mod merchant;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod order;
pub mod report;
pub mod texts;
pub mod time;
pub mod webhook;
pub mod widget_config;

pub use complaint::{
    Actor, ComplaintCategory, ComplaintCounts, ComplaintDescription, ComplaintEventKind, ComplaintNote, ComplaintStatus,
    ComplaintTimelineEntry, ComplaintView, ContactPreference, DesiredResolution, EscalationLevel, EscalationReason, IdempotencyKey,
    MerchantAction, NewComplaintNote, NewComplaintRequest, Priority, Resolution, ResolutionKind, ShopperEscalationRequest,
};
pub use console::{RotatedSecretKey, StaffRole, StaffSession, StaffSignIn, StaffView};
pub use csat::{
    CsatAnswer, CsatAnswerRequest, CsatByCategory, CsatByLevel, CsatComment, CsatDay, CsatFigures, CsatLink, CsatLinks, CsatLinksRequest,
    CsatMetrics, CsatScore, CsatSettings, CsatStatus, CsatSubject, MerchantCsatAnswer, SatisfactionLabels,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail, FieldError};
pub use locale::Locale;
pub use loyalty::{
    CompensationRules, ExpiringPoints, LoyaltyAdjustmentRequest, LoyaltyEntry, LoyaltyEntryKind, LoyaltySummary, LoyaltyTier, NextTier,
    TierBadge,
};
pub use merchant::PublishableKey;
pub use order::{
    DelayNotice, Email, LookupMode, LookupProof, OrderEventKind, OrderEventRequest, OrderItem, OrderLookup, OrderLookupRequest,
    OrderLookupResponse, OrderNumber, OrderStatus, OrderSummary, OrderView, Postcode, Shipment, ShopperOrders, TimelineEntry,
    UpsertOrderRequest,
};
pub use report::{EscalationsToLevel, FirstResponseTimes, SupportDay, SupportReport};
pub use texts::TextOverrides;
pub use time::{CalendarDate, Timestamp};
pub use webhook::{NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointChange, WebhookEventType};
pub use widget_config::{
    AccentColor, ColorScheme, CornerRadius, Feature, Greeting, ShopName, ShopOrigins, Theme, WidgetConfig, WidgetConfigBody, WidgetPreview,
    WidgetSettingsRequest,
};

/// Header that carries the request id on every response (and in every log line).
pub const REQUEST_ID_HEADER: &str = "x-request-id";
