//! Sending a complaint exactly once. The idempotency key is made when the shopper presses
//! Send and stored with the draft before the first request; every retry (after a timeout,
//! offline, a reload) sends the same key and body, so the server files one complaint however
//! many requests reach it. Success is shown only after the server's 201.

use carebox_contract::OrderNumber;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

use super::drafts::{Drafts, Sending};
use crate::{
    PanelState,
    api::ApiClient,
    session::{ComplaintSend, Session, View},
};

/// Backoff between tries: 1 s doubling to 30 s, with ±20% jitter so many shoppers coming
/// back online at once do not arrive together.
fn backoff_ms(attempt: u32) -> i32 {
    let base = 1000f64 * 2f64.powi(attempt.min(5) as i32);
    let jitter = 0.8 + js_sys::Math::random() * 0.4;
    (base.min(30_000.0) * jitter) as i32
}

/// Ends every pause of this widget's outbox now ("Try now", the browser's `online` event,
/// `destroy()`), so its queued complaints are tried at once.
pub fn try_now(session: &Session) {
    let waiting = session.outbox.timers().with(|o| std::mem::take(&mut o.waiting));
    for (timer, resolve) in waiting {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(timer);
        }
        let _ = resolve.call0(&JsValue::NULL);
    }
}

fn send_started(session: &Session) {
    let already = session.outbox.timers().with(|o| {
        o.sends_under_way += 1;
        o.sends_under_way > 1
    });
    if already {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let woken = session.clone();
    let on_online = Closure::<dyn Fn()>::new(move || try_now(&woken));
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    session.outbox.timers().with(|o| o.on_online = Some(on_online));
}

fn send_ended(session: &Session) {
    let on_online = session.outbox.timers().with(|o| {
        o.sends_under_way = o.sends_under_way.saturating_sub(1);
        if o.sends_under_way == 0 { o.on_online.take() } else { None }
    });
    if let (Some(window), Some(on_online)) = (web_sys::window(), on_online) {
        let _ = window.remove_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    }
}

async fn pause(session: &Session, ms: i32) {
    let mut timer = 0;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap_or(0);
        }
        session.outbox.timers().with(|o| o.waiting.push((timer, resolve)));
    });
    let _ = JsFuture::from(promise).await;
    session.outbox.timers().with(|o| o.waiting.retain(|(t, _)| *t != timer));
}

fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// Sends `sending` for `order` until the server answers, unless a send for it is already under
/// way. Runs outside any screen, so the shopper may leave the form or close the panel.
pub fn start(api: ApiClient, session: Session, panel: PanelState, order: OrderNumber, sending: Sending) {
    if session.outbox.send_state(&order).is_some_and(|s| matches!(s, ComplaintSend::Sending | ComplaintSend::Queued { .. })) {
        return;
    }
    session.outbox.set_send_state(&order, Some(ComplaintSend::Sending));
    // On `destroy()`, pauses end at once and the loops see the closed session.
    session.when_closed(try_now);
    send_started(&session);
    leptos::task::spawn_local(async move {
        send_until_answered(api, session.clone(), panel, order, sending).await;
        send_ended(&session);
    });
}

async fn send_until_answered(api: ApiClient, session: Session, panel: PanelState, order: OrderNumber, sending: Sending) {
    let drafts = Drafts::new(api.key());
    let mut attempt = 0;
    loop {
        if session.is_closed() {
            return;
        }
        if offline() {
            session.outbox.set_send_state(&order, Some(ComplaintSend::Queued { offline: true }));
            pause(&session, 30_000).await;
            continue;
        }
        let Some(token) = session.credentials.token_for(&order) else {
            session.outbox.set_send_state(&order, Some(ComplaintSend::NeedsLookup));
            return;
        };
        session.outbox.set_send_state(&order, Some(ComplaintSend::Sending));
        let answer = api.file_complaint(&sending.request, &sending.key, &token, None).await;
        if session.is_closed() {
            return;
        }
        match answer {
            Ok(complaint) => {
                drafts.remove(&order);
                session.outbox.set_send_state(&order, None);
                panel.announce("complaint-submitted", &complaint_detail(&complaint));
                let ticket = complaint.ticket.clone();
                session.outbox.remember_answer(complaint, true);
                if session.navigation.current() == View::ReportProblem(Some(order.clone())) {
                    session.navigation.show_filed_complaint(View::Complaint { order, ticket });
                }
                return;
            }
            Err(failure) if failure.is_transient() => {
                session.outbox.set_send_state(&order, Some(ComplaintSend::Queued { offline: offline() }));
                pause(&session, backoff_ms(attempt)).await;
                attempt += 1;
            }
            Err(failure) if failure.needs_lookup() => {
                session.outbox.set_send_state(&order, Some(ComplaintSend::NeedsLookup));
                return;
            }
            Err(failure) => {
                // A corrected complaint is a different request: it gets a new key.
                let mut draft = drafts.load(&order);
                draft.sending = None;
                drafts.save(&order, &draft);
                session.outbox.set_send_state(&order, Some(ComplaintSend::Refused(failure)));
                return;
            }
        }
    }
}

/// What the host page learns about a complaint in an event: never the shopper's text.
pub fn complaint_detail(complaint: &carebox_contract::ComplaintView) -> JsValue {
    let detail = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("ticket", &complaint.ticket);
    set("orderNumber", complaint.order_number.as_str());
    set("level", complaint.level.as_str());
    detail.into()
}
