//! Complaint drafts, kept in the browser's `localStorage` per merchant and order as the
//! shopper types, so a reload, a closed panel or a lost connection loses nothing. A draft
//! is removed once the server has accepted the complaint.

use carebox_contract::{
    ComplaintCategory, ComplaintDescription, ContactPreference, DesiredResolution, ErrorCode, FieldError, NewComplaintRequest, OrderNumber,
    PublishableKey,
};
use serde::{Deserialize, Serialize};

/// What the shopper has filled in so far for one order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    #[serde(default)]
    pub items: Vec<u32>,
    #[serde(default)]
    pub category: Option<ComplaintCategory>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub desired_resolution: Option<DesiredResolution>,
    #[serde(default)]
    pub contact_preference: Option<ContactPreference>,
    /// Set when the shopper pressed Send: the request exactly as sent and its idempotency
    /// key, reused on every retry (also after a reload) until the server answers.
    #[serde(default)]
    pub sending: Option<Sending>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sending {
    pub key: String,
    pub request: NewComplaintRequest,
}

impl Draft {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The request to send, or every field the shopper still has to fix. `item_count` is the
    /// number of items on the order.
    pub fn check(&self, order: &OrderNumber, item_count: usize) -> Result<NewComplaintRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.category.is_none() {
            errors.push(FieldError::missing("category", "Choose what happened."));
        }
        if let Err(error) = ComplaintDescription::parse(&self.description) {
            errors.push(error);
        }
        if self.desired_resolution.is_none() {
            errors.push(FieldError::missing("desired_resolution", "Choose what you would like."));
        }
        if self.contact_preference.is_none() {
            errors.push(FieldError::missing("contact_preference", "Choose how to hear back."));
        }
        if self.items.iter().any(|i| *i as usize >= item_count) {
            errors.push(FieldError { field: "items".into(), code: ErrorCode::Invalid, message: "" });
        }
        match (self.category, self.desired_resolution, self.contact_preference) {
            (Some(category), Some(desired_resolution), Some(contact_preference)) if errors.is_empty() => {
                let mut items = self.items.clone();
                items.sort_unstable();
                items.dedup();
                Ok(NewComplaintRequest {
                    order_number: order.as_str().to_owned(),
                    items,
                    category,
                    description: self.description.trim().to_owned(),
                    desired_resolution,
                    contact_preference,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Where one merchant's drafts live in this browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drafts {
    prefix: String,
}

impl Drafts {
    pub fn new(merchant: &PublishableKey) -> Self {
        // `destroy()` removes every key under "carebox:<key>:" (www/carebox.js, www/frame.js).
        Self { prefix: format!("carebox:{}:complaint-draft:", merchant.as_str()) }
    }

    fn storage() -> Option<web_sys::Storage> {
        // Blocked storage (privacy settings, sandboxed frames) throws: drafts then live only
        // as long as the form, which is the best that can be done.
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn load(&self, order: &OrderNumber) -> Draft {
        let raw = Self::storage().and_then(|s| s.get_item(&self.key(order)).ok().flatten());
        raw.and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|value| serde_wasm_bindgen::from_value(value).ok())
            .unwrap_or_default()
    }

    /// Keeps the draft; an empty one is removed (nothing is stored until the shopper types).
    pub fn save(&self, order: &OrderNumber, draft: &Draft) {
        let Some(storage) = Self::storage() else {
            return;
        };
        if draft.is_empty() {
            let _ = storage.remove_item(&self.key(order));
            return;
        }
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let text = draft.serialize(&serializer).ok().and_then(|v| js_sys::JSON::stringify(&v).ok());
        if let Some(text) = text.and_then(|t| t.as_string()) {
            let _ = storage.set_item(&self.key(order), &text);
        }
    }

    pub fn remove(&self, order: &OrderNumber) {
        if let Some(storage) = Self::storage() {
            let _ = storage.remove_item(&self.key(order));
        }
    }

    fn key(&self, order: &OrderNumber) -> String {
        format!("{}{}", self.prefix, order.as_str())
    }
}

/// A fresh idempotency key: 128 random bits from the browser's CSPRNG, hex.
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window().and_then(|w| w.crypto().ok()).and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok()).is_some();
    if !filled {
        // No Web Crypto (very old browsers): time and Math.random still make a collision
        // between two Sends of one shopper practically impossible.
        let seed = js_sys::Date::now().to_bits() ^ (js_sys::Math::random() * u64::MAX as f64) as u64;
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..].copy_from_slice(&((js_sys::Math::random() * u64::MAX as f64) as u64).to_le_bytes());
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("cbx-{hex}")
}
