//! Domain services: business rules that span tables, composed from the storage layer's
//! transactional primitives (`storage::StoreTx`); storage knows nothing of them.

pub mod complaint_changes;
pub mod complaint_filing;
pub mod loyalty;
pub mod sla;

/// A complaint as webhooks carry it (the view shoppers and the shop's API see).
fn webhook_data(complaint: &carebox_contract::ComplaintView) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(complaint).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}
