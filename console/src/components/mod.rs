//! One module per screen.

pub mod inbox;
pub mod loyalty;
pub mod orders;
pub mod reports;
pub mod sign_in;
pub mod ticket;
pub mod webhooks;
pub mod widget_settings;
