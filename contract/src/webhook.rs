//! Webhooks the merchant registers to hear about complaints.

use serde::{Deserialize, Serialize};

use crate::{FieldError, Timestamp};

/// What a webhook reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEventType {
    #[serde(rename = "complaint.created")]
    ComplaintCreated,
    #[serde(rename = "complaint.escalated")]
    ComplaintEscalated,
    #[serde(rename = "complaint.resolved")]
    ComplaintResolved,
}

impl WebhookEventType {
    pub const ALL: [WebhookEventType; 3] = [Self::ComplaintCreated, Self::ComplaintEscalated, Self::ComplaintResolved];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ComplaintCreated => "complaint.created",
            Self::ComplaintEscalated => "complaint.escalated",
            Self::ComplaintResolved => "complaint.resolved",
        }
    }

    pub fn from_name(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// A subscription: at least one event, each once.
    pub fn check_list(events: &[WebhookEventType]) -> Result<(), FieldError> {
        if events.is_empty() {
            return Err(FieldError::invalid("events", "Choose at least one event."));
        }
        if events.iter().enumerate().any(|(i, e)| events[..i].contains(e)) {
            return Err(FieldError::invalid("events", "Each event is listed once."));
        }
        Ok(())
    }
}

fn every_event() -> Vec<WebhookEventType> {
    WebhookEventType::ALL.to_vec()
}

fn enabled() -> bool {
    true
}

/// `POST /v1/merchant/webhooks` (secret key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhookEndpoint {
    /// `https://…` to a public address (a server started with `CAREBOX_WEBHOOKS_TO_LOOPBACK=1`
    /// also takes this machine, over http too, for development).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::WebhookUrl))]
    pub url: String,
    /// The events it receives; all of them when left out.
    #[serde(default = "every_event")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::webhook_events))]
    pub events: Vec<WebhookEventType>,
}

/// `PATCH /v1/merchant/webhooks/{id}`: switch an endpoint off or on, or choose its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpointChange {
    /// `false`: no new events are queued for it, and those already queued wait until it is
    /// on again (then its circuit starts afresh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::webhook_events, required = false))]
    pub events: Option<Vec<WebhookEventType>>,
}

/// A registered endpoint. `secret` signs every delivery: the `Carebox-Signature` header is
/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub created_at: Timestamp,
    /// Failed attempts in a row (0 after any success).
    #[serde(default)]
    pub consecutive_failures: u32,
    /// Set while the endpoint's circuit is open: after 5 failures in a row nothing is sent to
    /// it until then (1 min, doubling up to 1 h); then one delivery tries it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_until: Option<Timestamp>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    #[serde(default = "every_event")]
    pub events: Vec<WebhookEventType>,
}

/// One delivery in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: String,
    pub endpoint_id: String,
    /// `complaint.created`, `complaint.escalated` or `complaint.resolved`.
    pub event_type: String,
    pub attempts: u32,
    /// The HTTP status of the last attempt, if the endpoint answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<Timestamp>,
    pub created_at: Timestamp,
}
