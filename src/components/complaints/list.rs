//! The shopper's complaints: about one order (under the order) or all of them (after
//! `identify()`), each one click from its ticket.

use carebox_contract::{ComplaintView, Locale, OrderNumber};
use leptos::prelude::*;

use crate::{
    WidgetSettings,
    api::ApiFailure,
    format,
    i18n::{Strings, texts},
    loading::loaded,
    session::{InFlight, Session, View},
};

/// Whose complaints to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintSource {
    Order(OrderNumber),
    /// The identified shopper's (needs a shopper token).
    Shopper,
}

#[component]
pub fn ComplaintList(source: ComplaintSource) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let locale = settings.locale;
    let text = texts();
    let in_flight = InFlight::new();
    let for_shopper = source == ComplaintSource::Shopper;
    let complaints = {
        let session = session.clone();
        LocalResource::new(move || {
            let (api, session, source) = (settings.api.clone(), session.clone(), source.clone());
            let abort = in_flight.start();
            async move {
                let list = match &source {
                    ComplaintSource::Order(number) => match session.credentials.token_for(number) {
                        Some(token) => api.order_complaints(number, &token, abort.as_ref()).await?,
                        None => Vec::new(),
                    },
                    ComplaintSource::Shopper => match session.credentials.shopper_token_untracked() {
                        Some(token) => api.shopper_complaints(&token, abort.as_ref()).await?,
                        None => Vec::new(),
                    },
                };
                Ok::<_, ApiFailure>(list)
            }
        })
    };
    // Secondary information, in its own boundary: while it loads, or if it fails, the order or
    // the orders above it (what the shopper came for) stay as they are, focus included.
    let heading = if for_shopper { text.complaint.my_complaints } else { text.complaint.reports_on_order };
    view! {
        <Transition fallback=|| ()>
            {move || {
                let session = session.clone();
                Suspend::new(async move {
                    let list: Vec<ComplaintView> = loaded(complaints).await.ok()?;
                    if list.is_empty() && !for_shopper {
                        return None;
                    }
                    let rows = list.iter().map(|complaint| complaint_row(complaint, &session, text, locale)).collect_view();
                    let empty = list.is_empty().then(|| view! { <p class="carebox-my-orders__empty">{text.complaint.no_complaints}</p> });
                    Some(view! {
                        <section class="carebox-order__section carebox-complaints">
                            <h4>{heading}</h4>
                            {empty}
                            <ul class="carebox-list">{rows}</ul>
                        </section>
                    })
                })
            }}
        </Transition>
    }
}

fn complaint_row(complaint: &ComplaintView, session: &Session, text: &'static Strings, locale: Locale) -> impl IntoView + use<> {
    let session = session.clone();
    let (order, ticket) = (complaint.order_number.clone(), complaint.ticket.clone());
    let meta = format!("{} · {}", text.complaint.category(complaint.category), format::date_time(complaint.created_at, locale));
    view! {
        <li>
            <button type="button" class="carebox-order-row carebox-complaint-row" data-ticket=complaint.ticket.clone()
                on:click=move |_| session.navigation.go(View::Complaint { order: order.clone(), ticket: ticket.clone() })>
                <span class="carebox-order-row__main">
                    <strong>{complaint.ticket.clone()}</strong>
                    <span class="carebox-order-row__meta">{meta}</span>
                </span>
                <span class="carebox-order-row__status">
                    <span class="carebox-status" data-status=complaint.status.as_str()>{text.complaint.status(complaint.status)}</span>
                </span>
            </button>
        </li>
    }
}
