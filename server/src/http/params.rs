//! Parameters many operations share, documented once (`params(ShopKey, …)` in a handler's
//! `#[utoipa::path]`); the handlers read them through their own extractors.

#![allow(dead_code)] // Documentation types: their fields are read by utoipa, not by code.

use carebox_contract::{CalendarDate, PublishableKey};
use serde::Deserialize;

/// The widget's calls name the shop by its publishable key.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShopKey {
    /// The merchant's publishable key, `pk_…`
    key: PublishableKey,
}

/// A range of UTC days, both included: by default the 30 days up to today, at most 366.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateRange {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`
    #[param(value_type = Option<CalendarDate>)]
    pub(super) from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC); default today
    #[param(value_type = Option<CalendarDate>)]
    pub(super) to: Option<String>,
}
