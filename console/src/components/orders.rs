//! Orders: find one by its number or a shopper's by e-mail, read its timeline as the shopper
//! sees it (status, expected day, delay notice, parcels, items), and add what happened
//! (shipped with the parcel, delayed with a reason and a new day, delivered…).
//! `OrderCard` is also the order beside a ticket.

use carebox_contract::{OrderEventKind, OrderEventRequest, OrderView, Shipment};
use leptos::prelude::*;

use crate::{Session, api, failure_message, i18n::Texts, outcome_view};

/// The events staff add by hand (an order is placed by the shop's backend).
const ADDABLE: [OrderEventKind; 8] = [
    OrderEventKind::Paid,
    OrderEventKind::Packed,
    OrderEventKind::Shipped,
    OrderEventKind::OutForDelivery,
    OrderEventKind::Delivered,
    OrderEventKind::Delayed,
    OrderEventKind::Cancelled,
    OrderEventKind::Returned,
];

#[component]
pub fn Orders(#[prop(into, optional)] query: String) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let typed = RwSignal::new(query.clone());
    let found = RwSignal::new(None::<Result<Vec<OrderView>, String>>);
    let search = move || {
        let query = typed.get_untracked().trim().to_owned();
        if query.is_empty() {
            found.set(Some(Err(text.find_needed.to_owned())));
            return;
        }
        leptos::task::spawn_local(async move {
            let answer = if query.contains('@') {
                api::orders_of(&query).await
            } else {
                match api::order(&query).await {
                    Ok(order) => Ok(vec![order]),
                    Err(api::Failure::Server { status: 404, .. }) => Ok(Vec::new()),
                    Err(failure) => Err(failure),
                }
            };
            found.set(Some(answer.map_err(|failure| failure_message(text, &failure))));
        });
    };
    if !query.is_empty() {
        search();
    }
    view! {
        <section class="console-section">
            <h1>{text.orders}</h1>
            <form class="console-search-form" role="search" on:submit=move |ev| { ev.prevent_default(); search(); }>
                <label for="console-order-query">{text.find_order}</label>
                <div class="console-row-buttons">
                    <input id="console-order-query" type="search" prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))/>
                    <button type="submit" class="console-button">{text.find}</button>
                </div>
            </form>
            {move || found.get().map(|answer| match answer {
                Err(message) => view! { <p class="console-error" role="alert">{message}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="console-empty" role="status">{text.no_orders}</p> }.into_any(),
                Ok(list) => list.into_iter().map(|order| view! { <EditableOrder order=order/> }).collect_view().into_any(),
            })}
        </section>
    }
}

/// An order with the form to add an event; the card shows the order as the server answers.
#[component]
fn EditableOrder(order: OrderView) -> impl IntoView {
    let current = RwSignal::new(order);
    view! {
        <article class="console-order-result">
            {move || view! { <OrderCard order=current.get()/> }}
            <AddEvent number=current.with_untracked(|o| o.number.to_string()) on_added=current/>
        </article>
    }
}

/// The order as its shopper sees it in the widget (a second-level heading: the page's h1 is above).
#[component]
pub fn OrderCard(order: OrderView) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let heading = view! { <h2>{format!("{} {}", text.order, order.number)}</h2> };
    // With a delay the notice says the new day.
    let expected =
        order.expected_delivery.filter(|_| order.delay.is_none()).map(|day| view! { <p>{text.expected}": "{day.to_string()}</p> });
    let delay = order.delay.clone().map(|delay| {
        view! {
            <p class="console-notice" data-delayed="true">
                {text.late_now_expected}": "{delay.now_expected.map(|d| d.to_string()).unwrap_or_else(|| text.no_figure.to_owned())}
                {delay.reason.map(|reason| view! { <br/>{reason} })}
            </p>
        }
    });
    let parcels = (!order.shipments.is_empty()).then(|| {
        view! {
            <h3>{text.parcels}</h3>
            <ul>
                {order.shipments.iter().map(|s| view! {
                    <li>
                        {format!("{} · {}", s.carrier, s.tracking_number)}
                        {s.tracking_url.clone().map(|url| view! { " · "<a href=url rel="noopener noreferrer" target="_blank">{text.track}</a> })}
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <div class="console-order-card" data-order=order.number.to_string()>
            {heading}
            <p class="console-meta">
                <span class="console-order__status" data-status=order.status.as_str()>{text.order_status(order.status)}</span>
                " · "{text.placed}" "{text.when(order.placed_at)}
            </p>
            {expected}
            {delay}
            <h3>{text.items}</h3>
            <ul>
                {order.items.iter().map(|item| view! { <li>{format!("{} × {}", item.quantity, item.name)}</li> }).collect_view()}
            </ul>
            {parcels}
            <h3>{text.timeline}</h3>
            <ul class="console-history console-order-timeline">
                {order.timeline.iter().rev().map(|entry| view! {
                    <li class="console-event" data-kind=entry.kind.as_str()>
                        <strong>{text.order_event(entry.kind)}</strong>" · "
                        <time datetime=String::from(entry.at)>{text.when(entry.at)}</time>
                        {entry.note.clone().map(|note| view! { <p class="console-event__text">{note}</p> })}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// `YYYY-MM-DDTHH:MM` of now in the browser's time zone (what `datetime-local` shows).
fn local_now() -> String {
    let now = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", now.get_full_year(), now.get_month() + 1, now.get_date(), now.get_hours(), now.get_minutes())
}

/// A local `datetime-local` value as RFC 3339 in UTC; `None` when it is not a moment.
fn to_utc(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(local));
    (!date.get_time().is_nan()).then(|| String::from(date.to_iso_string()))
}

#[component]
fn AddEvent(number: String, on_added: RwSignal<OrderView>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let kind = RwSignal::new(OrderEventKind::Shipped);
    let at = RwSignal::new(local_now());
    let note = RwSignal::new(String::new());
    let new_day = RwSignal::new(String::new());
    let carrier = RwSignal::new(String::new());
    let tracking_number = RwSignal::new(String::new());
    let tracking_url = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let id = |name: &str| format!("console-event-{name}-{}", number.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let (kind_id, at_id, note_id, day_id, carrier_id, tracking_id, url_id) =
        (id("kind"), id("at"), id("note"), id("day"), id("carrier"), id("tracking"), id("url"));
    let number = StoredValue::new(number);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(occurred_at) = to_utc(&at.get_untracked()) else {
            status.set(Some((false, text.when_needed.to_owned())));
            return;
        };
        let kind = kind.get_untracked();
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let event = OrderEventRequest {
            // New per press: a retry of the same press would send the same id (exactly once).
            id: format!("console-{}-{:08x}", js_sys::Date::now() as u64, (js_sys::Math::random() * f64::from(u32::MAX)) as u32),
            kind,
            occurred_at,
            note: optional(note.get_untracked()),
            expected_delivery: (kind == OrderEventKind::Delayed).then(|| optional(new_day.get_untracked())).flatten(),
            shipment: (kind == OrderEventKind::Shipped).then(|| Shipment {
                carrier: carrier.get_untracked(),
                tracking_number: tracking_number.get_untracked(),
                tracking_url: optional(tracking_url.get_untracked()),
            }),
        };
        let csrf = session.csrf();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::add_order_event(&number.get_value(), &event, &csrf).await {
                Ok(order) => {
                    on_added.set(order);
                    for field in [note, new_day, carrier, tracking_number, tracking_url] {
                        field.set(String::new());
                    }
                    status.set(Some((true, text.event_added.to_owned())));
                }
                Err(failure) => status.set(Some((false, failure_message(text, &failure)))),
            }
            busy.set(false);
        });
    };
    let input = move |id: String, label: &'static str, value: RwSignal<String>, kind_attr: &'static str| {
        view! {
            <label for=id.clone()>{label}</label>
            <input id=id type=kind_attr prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        }
    };
    view! {
        <form class="console-form console-add-event" on:submit=submit>
            <h3>{text.add_event}</h3>
            <label for=kind_id.clone()>{text.event_kind}</label>
            <select id=kind_id on:change=move |ev| {
                if let Some(chosen) = OrderEventKind::from_name(&event_target_value(&ev)) { kind.set(chosen) }
            }>
                {ADDABLE.map(|k| view! { <option value=k.as_str() selected=k == OrderEventKind::Shipped>{text.order_event(k)}</option> }).collect_view()}
            </select>
            {input(at_id, text.happened_at, at, "datetime-local")}
            <Show when=move || kind.get() == OrderEventKind::Shipped>
                {input(carrier_id.clone(), text.carrier, carrier, "text")}
                {input(tracking_id.clone(), text.tracking_number, tracking_number, "text")}
                {input(url_id.clone(), text.tracking_url, tracking_url, "url")}
            </Show>
            <Show when=move || kind.get() == OrderEventKind::Delayed>
                {input(day_id.clone(), text.new_expected, new_day, "date")}
            </Show>
            <label for=note_id.clone()>{move || if kind.get() == OrderEventKind::Delayed { text.delay_reason } else { text.event_note }}</label>
            <textarea id=note_id rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <button type="submit" class="console-button" aria-disabled=move || busy.get().to_string()>{text.add}</button>
            {outcome_view(status)}
        </form>
    }
}
