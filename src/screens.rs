//! The screens behind each capability, entered from the home screen. With the `split`
//! feature (`cargo xtask dist`) each is a separate wasm chunk fetched on first use, so
//! opening the panel pays only for the panel and home; without it they are plain async fns.

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

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn track_order(mode: LookupMode) -> AnyView {
    view! { <OrderLookupForm mode/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn order(number: OrderNumber) -> AnyView {
    view! { <OrderDetails number/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn my_orders() -> AnyView {
    view! { <MyOrders/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn report_problem(order: Option<OrderNumber>, mode: LookupMode) -> AnyView {
    match order {
        Some(order) => view! { <ReportProblem order mode/> }.into_any(),
        None => view! { <ReportProblem mode/> }.into_any(),
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn complaint(order: OrderNumber, ticket: String) -> AnyView {
    view! { <ComplaintTicket order ticket/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn bonuses(mode: LookupMode) -> AnyView {
    view! { <MyBonuses mode/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn rate_us(mode: LookupMode) -> AnyView {
    view! { <RateUs mode/> }.into_any()
}
