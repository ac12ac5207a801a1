//! The screens behind each capability, entered from the home screen. With the `split`
//! feature (`cargo xtask dist`) each is a separate wasm chunk fetched on first use, so
//! opening the panel pays only for the panel and home; without it they are plain async fns.

use std::future::Future;
use std::pin::Pin;

use carebox_contract::{LookupMode, OrderNumber};
use leptos::prelude::*;

use crate::components::{
    bonuses::MyBonuses,
    complaints::{ComplaintTicket, ReportProblem},
    csat::RateUs,
    my_orders::MyOrders,
    order_lookup::OrderLookupForm,
    order_view::OrderDetails,
};
use crate::screen_styles::Pending;
use crate::session::View;

/// A screen on its way (its chunk loading, then its view).
pub type Loading = Pin<Box<dyn Future<Output = AnyView> + Send>>;

/// The screen `view` shows, loaded on first use together with the screens' stylesheet
/// (`styles` starts its request); `None` for home, which is part of the first load. Each
/// screen's loading is a boxed future of its own: the caller awaits one future instead of
/// inlining all seven (a smaller first open).
pub fn load(view: View, lookup_by: LookupMode, styles: impl FnOnce() -> Pending) -> Option<Loading> {
    Some(match view {
        View::Home => return None,
        View::TrackOrder => Box::pin(track_order(lookup_by, styles())),
        View::MyOrders => Box::pin(my_orders(styles())),
        View::Order(number) => Box::pin(order(number, styles())),
        View::ReportProblem(order) => Box::pin(report_problem(order, lookup_by, styles())),
        View::Complaint { order, ticket } => Box::pin(complaint(order, ticket, styles())),
        View::Bonuses => Box::pin(bonuses(lookup_by, styles())),
        View::RateUs => Box::pin(rate_us(lookup_by, styles())),
    })
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn track_order(mode: LookupMode, styles: Pending) -> AnyView {
    styles.adopt().await;
    view! { <OrderLookupForm mode/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn order(number: OrderNumber, styles: Pending) -> AnyView {
    styles.adopt().await;
    view! { <OrderDetails number/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn my_orders(styles: Pending) -> AnyView {
    styles.adopt().await;
    view! { <MyOrders/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn report_problem(order: Option<OrderNumber>, mode: LookupMode, styles: Pending) -> AnyView {
    styles.adopt().await;
    match order {
        Some(order) => view! { <ReportProblem order mode/> }.into_any(),
        None => view! { <ReportProblem mode/> }.into_any(),
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn complaint(order: OrderNumber, ticket: String, styles: Pending) -> AnyView {
    styles.adopt().await;
    view! { <ComplaintTicket order ticket/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn bonuses(mode: LookupMode, styles: Pending) -> AnyView {
    styles.adopt().await;
    view! { <MyBonuses mode/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn rate_us(mode: LookupMode, styles: Pending) -> AnyView {
    styles.adopt().await;
    view! { <RateUs mode/> }.into_any()
}
