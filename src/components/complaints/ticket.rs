//! One complaint's ticket: where it stands, who handles it, when the answer is due (a live
//! countdown), what happened so far, and "Escalate" when the rules allow it.

use carebox_contract::{
    Actor, ComplaintEventKind, ComplaintStatus, ComplaintTimelineEntry, ComplaintView, CsatSubject, ErrorCode, EscalationReason, Locale,
    OrderNumber, Timestamp,
};
use leptos::{ev::SubmitEvent, prelude::*};

use super::sending::complaint_detail;
use crate::{
    PanelState, WidgetSettings,
    api::ApiFailure,
    components::{
        csat::CsatPrompt,
        failure::{Failure, LookUpAgain, RequestIdDetails, needs_lookup},
        skeleton::Skeleton,
    },
    format,
    i18n::{ComplaintStrings, Strings, fill, texts},
    loading::loaded,
    session::{InFlight, Session},
};

#[component]
pub fn ComplaintTicket(order: OrderNumber, ticket: String) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let in_flight = InFlight::new();
    let just_filed = session.outbox.take_just_filed(&ticket);
    let complaint = {
        let (session, order, ticket) = (session.clone(), order.clone(), ticket.clone());
        LocalResource::new(move || {
            // Only the answer to a Send or an escalation is fresh enough to skip the request:
            // opening a ticket otherwise fetches it, replies may have arrived meanwhile.
            let cached = session.outbox.take_answer(&ticket);
            let token = session.credentials.token_for(&order);
            let (api, ticket) = (settings.api.clone(), ticket.clone());
            let abort = in_flight.start();
            async move {
                if let Some(view) = cached {
                    return Ok(view);
                }
                let Some(token) = token else { return Err(ApiFailure::token_expired()) };
                api.complaint(&ticket, &token, abort.as_ref()).await
            }
        })
    };
    view! {
        <Transition fallback=move || view! { <Skeleton rows=4/> }>
            <ErrorBoundary fallback=move |errors| {
                if needs_lookup(&errors) {
                    view! { <LookUpAgain/> }.into_any()
                } else {
                    view! { <Failure errors on_retry=Callback::new(move |()| complaint.refetch())/> }.into_any()
                }
            }>
                {move || Suspend::new(async move {
                    loaded(complaint).await.map(|view| view! { <TicketCard complaint=view just_filed on_changed=Callback::new(move |()| complaint.refetch())/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// A ticket as the shopper sees it. `on_changed` reloads it after an escalation.
#[component]
pub fn TicketCard(
    complaint: ComplaintView,
    /// Thank the shopper: this complaint was accepted a moment ago.
    #[prop(optional)]
    just_filed: bool,
    #[prop(into, optional)] on_changed: Option<Callback<()>>,
) -> impl IntoView {
    let locale = expect_context::<WidgetSettings>().locale;
    let text = texts();
    let words = &text.complaint;
    let now = ticking_clock();

    let promise = {
        let (due, status) = (complaint.response_due, complaint.status);
        move || promise_line(words, locale, status, due, now.get())
    };
    let order_items: Vec<u32> = complaint.items.clone();
    let history = complaint.timeline.iter().rev().map(|entry| timeline_entry(text, locale, entry)).collect_view();
    // Once resolved, the shopper is asked how it was handled.
    let rating = (complaint.status == ComplaintStatus::Resolved)
        .then(|| use_context::<Session>().and_then(|s| s.credentials.token_for(&complaint.order_number)))
        .flatten()
        .map(|token| view! { <CsatPrompt subject=CsatSubject::Complaint(complaint.ticket.clone()) token/> });
    let escalate = (complaint.can_escalate && complaint.level.next().is_some()).then(|| {
        view! { <EscalateForm complaint=complaint.clone() on_changed/> }
    });
    view! {
        <article class="carebox-ticket" aria-labelledby="carebox-ticket-title" data-status=complaint.status.as_str() data-level=complaint.level.as_str()>
            {just_filed.then(|| view! { <p class="carebox-ticket__received" role="status">{words.received}</p> })}
            <div class="carebox-order__head">
                <h3 id="carebox-ticket-title" tabindex="-1" data-autofocus="">{fill(words.ticket, &[("ticket", &complaint.ticket)])}</h3>
                <span class="carebox-status" data-status=complaint.status.as_str()>{words.status(complaint.status)}</span>
            </div>
            <p class="carebox-order__placed">{fill(text.order_title, &[("number", complaint.order_number.as_str())])}
                " · " {format::date_time(complaint.created_at, locale)}</p>
            <dl class="carebox-ticket__facts">
                <div><dt>{words.level_label}</dt><dd class="carebox-ticket__level">{words.level(complaint.level)}</dd></div>
            </dl>
            <p class="carebox-ticket__promise" data-overdue=move || promise().1.to_string()>{move || promise().0}</p>
            {escalate}
            {rating}
            <section class="carebox-order__section">
                <h4>{words.your_report}</h4>
                <p class="carebox-ticket__category"><strong>{words.category(complaint.category)}</strong>
                    {(!order_items.is_empty()).then(|| format!(" · {}", text.item_count.format(order_items.len() as i64, locale)))}</p>
                <p class="carebox-ticket__description">{complaint.description.clone()}</p>
                <p class="carebox-order__placed">{words.you_asked_for}": " {words.resolution(complaint.desired_resolution)}</p>
            </section>
            <section class="carebox-order__section">
                <h4>{text.history}</h4>
                <ol class="carebox-timeline">{history}</ol>
            </section>
        </article>
    }
}

/// The answer's promise, relative and as a local date/time, and whether it is broken.
fn promise_line(words: &ComplaintStrings, locale: Locale, status: ComplaintStatus, due: Option<Timestamp>, now_ms: i64) -> (String, bool) {
    match (status, due) {
        (ComplaintStatus::Resolved, _) => (words.resolved.to_owned(), false),
        (_, Some(due)) if due.unix_ms() > now_ms => {
            let relative = format::relative(due.unix_ms() - now_ms, locale);
            (fill(words.promise, &[("in", &relative), ("date", &format::date_time(due, locale))]), false)
        }
        (_, Some(due)) => (fill(words.overdue, &[("date", &format::date_time(due, locale))]), true),
        (_, None) => (words.answered.to_owned(), false),
    }
}

/// Now, in milliseconds, updated every 20 seconds while the ticket is on screen.
fn ticking_clock() -> RwSignal<i64> {
    let now = RwSignal::new(js_sys::Date::now() as i64);
    if let Ok(handle) = set_interval_with_handle(move || now.set(js_sys::Date::now() as i64), std::time::Duration::from_secs(20)) {
        on_cleanup(move || handle.clear());
    }
    now
}

fn timeline_entry(text: &'static Strings, locale: Locale, entry: &ComplaintTimelineEntry) -> impl IntoView + use<> {
    let words = &text.complaint;
    let level = entry.to_level.map(|l| words.level(l)).unwrap_or_default();
    let name = match (entry.kind, entry.actor) {
        (ComplaintEventKind::Created, _) => words.event_created.to_owned(),
        (ComplaintEventKind::Replied, _) => words.event_replied.to_owned(),
        (ComplaintEventKind::Escalated, Actor::Shopper) => fill(words.event_escalated_by_you, &[("level", level)]),
        (ComplaintEventKind::Escalated, Actor::System) => fill(words.event_escalated_late, &[("level", level)]),
        (ComplaintEventKind::Escalated, Actor::Merchant) => fill(words.event_escalated, &[("level", level)]),
        (ComplaintEventKind::DeEscalated, _) => fill(words.event_de_escalated, &[("level", level)]),
        (ComplaintEventKind::Resolved, _) => match entry.resolution {
            Some(kind) => format!("{}: {}", words.event_resolved, words.resolution_kind(kind)),
            None => words.event_resolved.to_owned(),
        },
        (ComplaintEventKind::Reopened, _) => words.event_reopened.to_owned(),
        (ComplaintEventKind::BonusCredited, _) => words.event_bonus.format(entry.points.unwrap_or(0), locale),
    };
    // The system's own reasons are English sentences for the merchant's team; the shopper
    // gets the event's name in their language instead.
    let note = entry.reason.clone().filter(|_| entry.actor != Actor::System);
    let is_reply = entry.kind == ComplaintEventKind::Replied;
    view! {
        <li class="carebox-timeline__entry" data-kind=event_kind_name(entry.kind) data-actor=actor_name(entry.actor)>
            <span class="carebox-timeline__name">{name}</span>
            // The member of staff who acted signs it, under the event (no sentence to translate).
            {entry.by.clone().map(|by| view! { <bdi class="carebox-timeline__by">{by}</bdi> })}
            <time datetime=entry.at.to_rfc3339()>{format::date_time(entry.at, locale)}</time>
            {note.map(|note| view! {
                <span class=if is_reply { "carebox-timeline__note carebox-ticket__reply" } else { "carebox-timeline__note" }>{note}</span>
            })}
        </li>
    }
}

fn event_kind_name(kind: ComplaintEventKind) -> &'static str {
    match kind {
        ComplaintEventKind::Created => "created",
        ComplaintEventKind::Replied => "replied",
        ComplaintEventKind::Escalated => "escalated",
        ComplaintEventKind::DeEscalated => "de_escalated",
        ComplaintEventKind::Resolved => "resolved",
        ComplaintEventKind::Reopened => "reopened",
        ComplaintEventKind::BonusCredited => "bonus_credited",
    }
}

fn actor_name(actor: Actor) -> &'static str {
    match actor {
        Actor::Shopper => "shopper",
        Actor::Merchant => "merchant",
        Actor::System => "system",
    }
}

/// "Escalate": a button that opens a reason box; sent to the next level on submit.
#[component]
fn EscalateForm(complaint: ComplaintView, on_changed: Option<Callback<()>>) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let panel = expect_context::<PanelState>();
    let text = settings.text;
    let words = &text.complaint;
    let next = complaint.level.next().map(|l| words.level(l)).unwrap_or_default();
    let in_flight = InFlight::new();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let pending = RwSignal::new(false);
    let reason_ref = NodeRef::<leptos::html::Textarea>::new();
    let (ticket, order) = (complaint.ticket.clone(), complaint.order_number.clone());

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let raw = reason.get_untracked();
        if let Err(e) = EscalationReason::parse(&raw) {
            error.set(Some(if e.code == ErrorCode::Missing { words.escalate_reason_missing } else { words.escalate_reason_invalid }));
            if let Some(input) = reason_ref.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        error.set(None);
        failure.set(None);
        let Some(token) = session.credentials.token_for(&order) else {
            failure.set(Some(ApiFailure::token_expired()));
            return;
        };
        pending.set(true);
        let (api, session, panel, ticket) = (settings.api.clone(), session.clone(), panel.clone(), ticket.clone());
        let abort = in_flight.start();
        leptos::task::spawn_local(async move {
            let result = api.escalate_complaint(&ticket, raw.trim(), &token, abort.as_ref()).await;
            if abort.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                return;
            }
            pending.set(false);
            match result {
                Ok(view) => {
                    panel.announce("complaint-escalated", &complaint_detail(&view));
                    session.outbox.remember_answer(view, false);
                    if let Some(changed) = on_changed {
                        changed.run(());
                    }
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let failure_message = move || {
        failure.get().map(|f| match f.code() {
            Some(ErrorCode::NotAllowed) => words.escalate_not_allowed,
            _ => text.failure_message(&f),
        })
    };
    let request_id = Signal::derive(move || failure.get().and_then(|f| f.request_id));
    let show = move |_| {
        open.set(true);
        request_animation_frame(move || {
            // `try_`: the ticket may be gone by the next frame.
            if let Some(input) = reason_ref.try_get_untracked().flatten() {
                let _ = input.focus();
            }
        });
    };

    view! {
        <div class="carebox-escalate">
            <Show when=move || open.get() fallback=move || view! {
                <button type="button" part="button secondary-button" class="carebox-button carebox-button--secondary carebox-escalate__open" on:click=show>{words.escalate}</button>
            }>
                <form class="carebox-escalate__form" novalidate on:submit=submit.clone()>
                    <p class="carebox-field__hint">{fill(words.escalate_intro, &[("level", next)])}</p>
                    <div class="carebox-field">
                        <label for="carebox-escalate-reason">{words.escalate_reason}</label>
                        <textarea part="input" id="carebox-escalate-reason" name="reason" rows="3" maxlength="500" node_ref=reason_ref
                            aria-describedby="carebox-escalate-reason-error"
                            aria-invalid=move || error.get().is_some().to_string()
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        <p id="carebox-escalate-reason-error" class="carebox-field__error" aria-live="polite">{move || error.get()}</p>
                    </div>
                    <div role="alert">
                        {move || failure_message().map(|m| view! { <p class="carebox-send carebox-send--refused">{m}</p> })}
                        <RequestIdDetails request_id/>
                    </div>
                    <div class="carebox-escalate__actions">
                        <button type="submit" part="button" class="carebox-button" aria-disabled=move || pending.get().to_string()>{fill(words.escalate_send, &[("level", next)])}</button>
                        <button type="button" part="button secondary-button" class="carebox-button carebox-button--secondary" on:click=move |_| open.set(false)>{words.cancel}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
