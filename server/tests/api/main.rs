//! The server's API tests, one module per area, in one test binary: one link instead of one
//! per area, and `cargo test` runs them all side by side. Each test starts the real server on
//! a loopback port with a database of its own (`common`), on SQLite or, with
//! `CAREBOX_TEST_POSTGRES_URL` (which `cargo xtask test` provides), PostgreSQL.

#[macro_use]
mod common;

mod access_matrix;
mod cli;
mod cluster;
mod complaint_escalation;
mod complaints_api;
mod console_api;
mod csat_api;
mod durability;
mod limits;
mod loyalty_api;
mod operations;
mod orders_api;
mod reports_api;
mod static_origin;
mod webhooks_api;
mod widget_api;
