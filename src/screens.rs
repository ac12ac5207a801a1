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
use crate::screen_assets::Pending;
use crate::session::View;

/// A screen on its way (its chunk loading, then its view).
pub type Loading = Pin<Box<dyn Future<Output = AnyView> + Send>>;

/// The screen `view` shows, loaded on first use together with the screens' stylesheet and
/// whole texts (`assets` starts their requests); `None` for home, which is part of the first load. Each
/// screen's loading is a boxed future of its own: the caller awaits one future instead of
/// inlining all seven (a smaller first open).
pub fn load(view: View, lookup_by: LookupMode, assets: impl FnOnce() -> Pending) -> Option<Loading> {
    Some(match view {
        View::Home => return None,
        View::TrackOrder => Box::pin(track_order(lookup_by, assets())),
        View::MyOrders => Box::pin(my_orders(assets())),
        View::Order(number) => Box::pin(order(number, assets())),
        View::ReportProblem(order) => Box::pin(report_problem(order, lookup_by, assets())),
        View::Complaint { order, ticket } => Box::pin(complaint(order, ticket, assets())),
        View::Bonuses => Box::pin(bonuses(lookup_by, assets())),
        View::RateUs => Box::pin(rate_us(lookup_by, assets())),
    })
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn track_order(mode: LookupMode, assets: Pending) -> AnyView {
    assets.adopt().await;
    view! { <OrderLookupForm mode/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn order(number: OrderNumber, assets: Pending) -> AnyView {
    assets.adopt().await;
    view! { <OrderDetails number/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn my_orders(assets: Pending) -> AnyView {
    assets.adopt().await;
    view! { <MyOrders/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn report_problem(order: Option<OrderNumber>, mode: LookupMode, assets: Pending) -> AnyView {
    assets.adopt().await;
    match order {
        Some(order) => view! { <ReportProblem order mode/> }.into_any(),
        None => view! { <ReportProblem mode/> }.into_any(),
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn complaint(order: OrderNumber, ticket: String, assets: Pending) -> AnyView {
    assets.adopt().await;
    view! { <ComplaintTicket order ticket/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn bonuses(mode: LookupMode, assets: Pending) -> AnyView {
    assets.adopt().await;
    view! { <MyBonuses mode/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn rate_us(mode: LookupMode, assets: Pending) -> AnyView {
    assets.adopt().await;
    view! { <RateUs mode/> }.into_any()
}
