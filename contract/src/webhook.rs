//! Webhooks the merchant registers to hear about complaints.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// `POST /v1/merchant/webhooks` (secret key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhookEndpoint {
    /// `https://…` to a public address (a server started with `CAREBOX_WEBHOOKS_TO_LOOPBACK=1`
    /// also takes this machine, over http too, for development).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::field::WebhookUrl))]
    pub url: String,
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
