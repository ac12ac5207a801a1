//! The pages beyond the inbox. With the `split` feature (`cargo xtask dist`) each is its own
//! wasm chunk fetched on first use, so signing in and the inbox (what staff open every
//! morning) pay only for themselves; without it they are plain async fns.

use leptos::prelude::*;

use crate::components::{
    loyalty::Loyalty, orders::Orders, reports::Reports, ticket::Ticket, webhooks::Webhooks, widget_settings::WidgetSettings,
};

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn ticket(ticket: String) -> AnyView {
    view! { <Ticket ticket/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn orders(query: String) -> AnyView {
    view! { <Orders query/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn loyalty() -> AnyView {
    view! { <Loyalty/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn reports() -> AnyView {
    view! { <Reports/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn widget() -> AnyView {
    view! { <WidgetSettings/> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn webhooks() -> AnyView {
    view! { <Webhooks/> }.into_any()
}
