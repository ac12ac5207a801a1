//! Domain rules, free of HTTP and SQL, tested natively and fast.

pub mod complaint;
pub mod csat;
pub mod loyalty;
pub mod order;
pub mod origin;
pub mod report;
pub mod staff;
pub mod token;
pub mod webhook;
pub mod webhook_target;
