//! Domain services: business rules that span tables, composed from the storage layer's
//! transactional primitives (`storage::StoreTx`); storage knows nothing of them.

pub mod complaint_changes;
pub mod sla;
