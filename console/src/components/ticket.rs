//! One complaint beside its order: what the shopper wrote, its history (who did what), and the
//! desk's actions: reply, resolve, escalate or hand back. A refused action says why and keeps
//! what was typed.

use carebox_contract::{Actor, ComplaintStatus, ComplaintView, MerchantAction, OrderView, Resolution};
use leptos::prelude::*;

use super::orders::OrderCard;
use crate::{Session, api, failure_message, i18n::Texts};

#[component]
pub fn Ticket(ticket: String) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let complaint = RwSignal::new(None::<Result<ComplaintView, api::Failure>>);
    let order = RwSignal::new(None::<OrderView>);
    let load = ticket.clone();
    leptos::task::spawn_local(async move {
        let loaded = api::complaint(&load).await;
        if let Ok(found) = &loaded {
            order.set(api::order(found.order_number.as_str()).await.ok());
        }
        complaint.set(Some(loaded));
    });
    view! {
        <section class="console-section console-ticket">
            <a href="#/" class="console-back">{text.back}</a>
            {move || match complaint.get() {
                None => view! { <p>{text.loading}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="console-error" role="alert">{failure_message(text, &failure)}</p> }.into_any(),
                Some(Ok(current)) => view! { <Opened complaint=current on_change=complaint order=order/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Opened(
    complaint: ComplaintView,
    on_change: RwSignal<Option<Result<ComplaintView, api::Failure>>>,
    order: RwSignal<Option<OrderView>>,
) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let history = complaint.timeline.iter().rev().map(|entry| {
        let who = match (entry.actor, &entry.by) {
            (_, Some(name)) => name.clone(),
            (Actor::Shopper, None) => text.shopper.to_owned(),
            (Actor::Merchant, None) => text.shop.to_owned(),
            (Actor::System, None) => text.system.to_owned(),
        };
        let what = match entry.resolution {
            Some(kind) => format!("{}: {}", text.event(entry.kind), text.resolution(kind)),
            None => text.event(entry.kind).to_owned(),
        };
        view! {
            <li class="console-event">
                <strong>{what}</strong>" · "<span class="console-event__who">{who}</span>" · "
                <time datetime=String::from(entry.at)>{text.when(entry.at)}</time>
                {entry.reason.clone().map(|reason| view! { <p class="console-event__text">{reason}</p> })}
            </li>
        }
    });
    let order_view = move || {
        order.get().map(|order| {
            let href = format!("#/orders/{}", js_sys::encode_uri_component(order.number.as_str()));
            view! {
                <aside class="console-order" aria-label=text.order>
                    <OrderCard order=order/>
                    <a href=href>{text.add_event}</a>
                </aside>
            }
        })
    };
    let resolved = complaint.status == ComplaintStatus::Resolved;
    let items = complaint.items.clone();
    view! {
        <h1>{complaint.ticket.clone()}" · "{text.category(complaint.category)}</h1>
        <p class="console-meta">{text.status(complaint.status)}" · "{text.level(complaint.level)}</p>
        <div class="console-ticket__grid">
            <div>
                <h2>{text.shopper_wrote}</h2>
                <p class="console-description">{complaint.description.clone()}</p>
                <p class="console-meta">
                    {text.wants}": "{text.desired(complaint.desired_resolution)}" · "{text.contact}": "{text.contact_by(complaint.contact_preference)}
                </p>
                {move || {
                    // The items the shopper chose, by name once the order is here.
                    let names: Vec<String> = order.with(|order| {
                        order.as_ref().map_or_else(Vec::new, |order| {
                            items.iter().filter_map(|i| order.items.get(*i as usize).map(|item| item.name.clone())).collect()
                        })
                    });
                    (!names.is_empty()).then(|| view! { <p class="console-meta">{text.about_items}": "{names.join(", ")}</p> })
                }}
                {(!resolved).then(|| view! { <Actions ticket=complaint.ticket.clone() on_change=on_change/> })}
                <Notes ticket=complaint.ticket.clone()/>
                <h2>{text.history}</h2>
                <ol class="console-history">{history.collect_view()}</ol>
            </div>
            {order_view}
        </div>
    }
}

/// Notes the team leaves each other on this complaint; shoppers never see them.
#[component]
fn Notes(ticket: String) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let notes = RwSignal::new(Vec::<carebox_contract::ComplaintNote>::new());
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let ticket = StoredValue::new(ticket);
    leptos::task::spawn_local(async move {
        match api::notes(&ticket.get_value()).await {
            Ok(loaded) => notes.set(loaded),
            Err(failure) => error.set(Some(failure_message(text, &failure))),
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let csrf = session.csrf();
        let written = draft.get_untracked();
        leptos::task::spawn_local(async move {
            match api::add_note(&ticket.get_value(), written, &csrf).await {
                Ok(note) => {
                    notes.update(|all| all.push(note));
                    draft.set(String::new());
                    error.set(None);
                }
                Err(failure) => error.set(Some(failure_message(text, &failure))),
            }
        });
    };
    view! {
        <h2>{text.notes}</h2>
        <ul class="console-notes">
            {move || notes.get().into_iter().map(|note| view! {
                <li class="console-note">
                    <span class="console-event__who">{note.by.unwrap_or_else(|| text.shop.to_owned())}</span>" · "
                    <time datetime=String::from(note.at)>{text.when(note.at)}</time>
                    <p class="console-event__text">{note.text}</p>
                </li>
            }).collect_view()}
        </ul>
        <form class="console-form" on:submit=add>
            <label for="console-note-draft">{text.add_note}</label>
            <textarea id="console-note-draft" rows="2" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
            <p class="console-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="console-button console-button--quiet">{text.save_note}</button>
        </form>
    }
}

#[component]
fn Actions(ticket: String, on_change: RwSignal<Option<Result<ComplaintView, api::Failure>>>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let reply = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let resolution = RwSignal::new("refund".to_owned());
    let points = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ticket = StoredValue::new(ticket);
    // Sends an action; on success the screen shows the complaint as it is now and the typed
    // text is cleared, on failure the message says why and the text stays.
    let perform = move |action: MerchantAction, clear: RwSignal<String>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let csrf = session.csrf();
        let ticket = ticket.get_value();
        leptos::task::spawn_local(async move {
            match api::act(&ticket, &action, &csrf).await {
                Ok(changed) => {
                    clear.set(String::new());
                    error.set(None);
                    on_change.set(Some(Ok(changed)));
                }
                Err(failure @ api::Failure::Server { status: 409, .. }) => {
                    error.set(Some(format!("{}. {}", text.not_now, failure_message(text, &failure))))
                }
                Err(failure) => error.set(Some(failure_message(text, &failure))),
            }
            busy.set(false);
        });
    };
    let send_reply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        perform(MerchantAction::Reply { text: reply.get_untracked() }, reply);
    };
    let resolve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = match resolution.get_untracked().as_str() {
            "replacement" => Resolution::Replacement,
            "repair" => Resolution::Repair,
            "rejected" => Resolution::Rejected { reason: reason.get_untracked() },
            "compensation" => match points.get_untracked().trim().parse::<i64>() {
                Ok(points) => Resolution::Compensation { points },
                Err(_) => {
                    error.set(Some(text.points.to_owned()));
                    return;
                }
            },
            _ => Resolution::Refund,
        };
        let note_text = note.get_untracked();
        perform(MerchantAction::Resolve { resolution: chosen, note: (!note_text.trim().is_empty()).then_some(note_text) }, note);
    };
    let move_level = move |up: bool| {
        let why = reason.get_untracked();
        if !(5..=500).contains(&why.trim().chars().count()) {
            error.set(Some(text.reason_needed.to_owned()));
            return;
        }
        let action = if up { MerchantAction::Escalate { reason: why } } else { MerchantAction::DeEscalate { reason: why } };
        perform(action, reason);
    };
    let bound = |signal: RwSignal<String>| (move || signal.get(), move |ev| signal.set(event_target_value(&ev)));
    let (reply_value, reply_input) = bound(reply);
    let (reason_value, reason_input) = bound(reason);
    let (note_value, note_input) = bound(note);
    view! {
        <p class="console-error" role="alert">{move || error.get()}</p>
        <form class="console-form" on:submit=send_reply>
            <label for="console-reply">{text.reply}</label>
            <textarea id="console-reply" rows="4" placeholder=text.reply_placeholder prop:value=reply_value on:input=reply_input></textarea>
            <button type="submit" class="console-button" aria-disabled=move || busy.get().to_string()>{text.send_reply}</button>
        </form>
        <form class="console-form" on:submit=resolve>
            <label for="console-resolution">{text.resolution}</label>
            <select id="console-resolution" on:change=move |ev| resolution.set(event_target_value(&ev))>
                <option value="refund">{text.resolution(carebox_contract::ResolutionKind::Refund)}</option>
                <option value="replacement">{text.resolution(carebox_contract::ResolutionKind::Replacement)}</option>
                <option value="repair">{text.resolution(carebox_contract::ResolutionKind::Repair)}</option>
                <option value="compensation">{text.resolution(carebox_contract::ResolutionKind::Compensation)}</option>
                <option value="rejected">{text.resolution(carebox_contract::ResolutionKind::Rejected)}</option>
            </select>
            <Show when=move || resolution.get() == "compensation">
                <label for="console-points">{text.points}</label>
                <input id="console-points" type="number" min="1" max="100000" inputmode="numeric"
                    prop:value=move || points.get() on:input=move |ev| points.set(event_target_value(&ev))/>
            </Show>
            <label for="console-note">{text.note}</label>
            <input id="console-note" type="text" prop:value=note_value on:input=note_input/>
            <button type="submit" class="console-button" aria-disabled=move || busy.get().to_string()>{text.resolve}</button>
        </form>
        <div class="console-form">
            <label for="console-reason">{text.reason}</label>
            <input id="console-reason" type="text" prop:value=reason_value on:input=reason_input/>
            <div class="console-row-buttons">
                <button type="button" class="console-button console-button--quiet" on:click=move |_| move_level(true)>{text.escalate}</button>
                <button type="button" class="console-button console-button--quiet" on:click=move |_| move_level(false)>{text.hand_back}</button>
            </div>
        </div>
    }
}
