//! The identified shopper's recent orders (after `identify()`), each one click from its
//! details (or, when choosing the order of a complaint, from the complaint form), and their
//! complaints.

use leptos::prelude::*;

use crate::{
    WidgetSettings,
    components::{
        complaints::{ComplaintList, ComplaintSource},
        failure::Failure,
        skeleton::Skeleton,
    },
    format,
    i18n::texts,
    loading::loaded,
    session::{InFlight, Session, View},
};

#[component]
pub fn MyOrders(
    /// Choosing the order a complaint is about: a click opens the form.
    #[prop(optional)]
    for_complaint: bool,
) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let locale = settings.locale;
    let text = texts();
    let in_flight = InFlight::new();
    let orders = {
        let session = session.clone();
        LocalResource::new(move || {
            let token = session.credentials.shopper_token().unwrap_or_default();
            let api = settings.api.clone();
            let abort = in_flight.start();
            async move { api.shopper_orders(&token, abort.as_ref()).await }
        })
    };
    let lookup_other = {
        let session = session.clone();
        move |_| session.navigation.go(if for_complaint { View::ReportProblem(None) } else { View::TrackOrder })
    };
    view! {
        <div class="carebox-my-orders">
            <Transition fallback=move || view! { <Skeleton rows=3/> }>
                <ErrorBoundary fallback=move |errors| view! { <Failure errors on_retry=Callback::new(move |()| orders.refetch())/> }>
                    {move || {
                        let session = session.clone();
                        Suspend::new(async move {
                            loaded(orders).await.map(|list| {
                                if list.orders.is_empty() {
                                    return view! { <p class="carebox-my-orders__empty">{text.no_orders}</p> }.into_any();
                                }
                                let rows = list.orders.into_iter().map(|order| {
                                    let session = session.clone();
                                    let number = order.number.clone();
                                    let late = order.delayed.then(|| view! { <span class="carebox-status carebox-status--late">{text.running_late}</span> });
                                    view! {
                                        <li>
                                            <button type="button" class="carebox-order-row" on:click=move |_| session.navigation.go(if for_complaint { View::ReportProblem(Some(number.clone())) } else { View::Order(number.clone()) })>
                                                <span class="carebox-order-row__main">
                                                    <strong>{order.number.to_string()}</strong>
                                                    <span class="carebox-order-row__meta">
                                                        {format::date_time(order.placed_at, locale)} " · " {text.item_count.format(i64::from(order.item_count), locale)}
                                                        " · " {format::money(order.total_minor, &order.currency, locale)}
                                                    </span>
                                                </span>
                                                <span class="carebox-order-row__status">
                                                    <span class="carebox-status" data-status=order.status.as_str()>{text.status_name(order.status)}</span>
                                                    {late}
                                                </span>
                                            </button>
                                        </li>
                                    }
                                }).collect_view();
                                view! { <ul class="carebox-list carebox-my-orders__list">{rows}</ul> }.into_any()
                            })
                        })
                    }}
                </ErrorBoundary>
            </Transition>
            {(!for_complaint).then(|| view! { <ComplaintList source=ComplaintSource::Shopper/> })}
            <button type="button" part="button secondary-button" class="carebox-button carebox-button--secondary" on:click=lookup_other>{text.lookup_other}</button>
        </div>
    }
}
