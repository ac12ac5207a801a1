//! The support console's own calls: staff sign in with e-mail and password and get a session
//! (an `HttpOnly` cookie plus a CSRF token the console sends back on every change).

use serde::{Deserialize, Serialize};

use crate::{FieldError, Timestamp};

/// What a member of staff may do. Owners change settings and keys; agents answer shoppers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Owner,
    Agent,
}

impl StaffRole {
    pub const ALL: [StaffRole; 2] = [StaffRole::Owner, StaffRole::Agent];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Agent => "agent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == raw.trim())
            .ok_or_else(|| FieldError::invalid("role", "A role is `owner` or `agent`."))
    }

    /// Settings, texts, tiers, webhooks and keys are the owner's.
    pub const fn may_change_settings(self) -> bool {
        matches!(self, Self::Owner)
    }
}

/// `POST /v1/console/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSignIn {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Email))]
    pub email: String,
    /// 12 to 256 characters, as typed (not trimmed).
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub password: String,
}

/// The signed-in member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffView {
    pub id: String,
    pub email: String,
    /// What shoppers see beside this person's replies.
    pub display_name: String,
    pub role: StaffRole,
    pub merchant_name: String,
    /// The shop's publishable key, for the snippet to paste (it is public by design).
    pub publishable_key: String,
}

/// A console session: who, the token every change sends back as `X-CSRF-Token`, and when it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSession {
    pub staff: StaffView,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// `POST /v1/merchant/keys/secret` (owners): the shop's new secret key, shown this once; the
/// previous one keeps working until `previous_valid_until` so servers can switch without an outage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotatedSecretKey {
    pub secret_key: String,
    pub previous_valid_until: Timestamp,
}
