//! Sending a complaint exactly once. The idempotency key is made when the shopper presses
//! Send and stored with the draft before the first request; every retry (after a timeout,
//! offline, a reload) sends the same key and body, so the server files one complaint however
//! many requests reach it. Success is shown only after the server's 201.

use std::cell::{Cell, RefCell};

use carebox_contract::OrderNumber;
use leptos::prelude::*;
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

thread_local! {
    /// Resolvers of the pauses in progress: "Try now" and the browser's `online` event end them.
    static WAITING: RefCell<Vec<js_sys::Function>> = const { RefCell::new(Vec::new()) };
    static LISTENING_FOR_ONLINE: Cell<bool> = const { Cell::new(false) };
}

/// Ends every pause now, so queued complaints are tried at once.
pub fn try_now() {
    for resolve in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

fn listen_for_online() {
    if LISTENING_FOR_ONLINE.with(|l| l.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_online = Closure::<dyn Fn()>::new(try_now);
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget(); // one listener for the page's lifetime
}

async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
        WAITING.with(|w| w.borrow_mut().push(resolve));
    });
    let _ = JsFuture::from(promise).await;
}

fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// Sends `sending` for `order` until the server answers, unless a send for it is already under
/// way. Runs outside any screen, so the shopper may leave the form or close the panel.
pub fn start(api: ApiClient, session: Session, panel: PanelState, order: OrderNumber, sending: Sending) {
    if session.complaint_send(&order).is_some_and(|s| matches!(s, ComplaintSend::Sending | ComplaintSend::Queued { .. })) {
        return;
    }
    listen_for_online();
    session.set_complaint_send(&order, Some(ComplaintSend::Sending));
    leptos::task::spawn_local(send_until_answered(api, session, panel, order, sending));
}

async fn send_until_answered(api: ApiClient, session: Session, panel: PanelState, order: OrderNumber, sending: Sending) {
    let drafts = Drafts::new(api.key());
    let mut attempt = 0;
    loop {
        if offline() {
            session.set_complaint_send(&order, Some(ComplaintSend::Queued { offline: true }));
            pause(30_000).await;
            continue;
        }
        let Some(token) = session.token_for(&order) else {
            session.set_complaint_send(&order, Some(ComplaintSend::NeedsLookup));
            return;
        };
        session.set_complaint_send(&order, Some(ComplaintSend::Sending));
        match api.file_complaint(&sending.request, &sending.key, &token, None).await {
            Ok(complaint) => {
                drafts.remove(&order);
                session.set_complaint_send(&order, None);
                panel.announce("complaint-submitted", &complaint_detail(&complaint));
                let ticket = complaint.ticket.clone();
                session.remember_complaint(complaint, true);
                if session.view.get_untracked() == View::ReportProblem(Some(order.clone())) {
                    session.show_filed_complaint(View::Complaint { order, ticket });
                }
                return;
            }
            Err(failure) if failure.is_transient() => {
                session.set_complaint_send(&order, Some(ComplaintSend::Queued { offline: offline() }));
                pause(backoff_ms(attempt)).await;
                attempt += 1;
            }
            Err(failure) if failure.needs_lookup() => {
                session.set_complaint_send(&order, Some(ComplaintSend::NeedsLookup));
                return;
            }
            Err(failure) => {
                // A corrected complaint is a different request: it gets a new key.
                let mut draft = drafts.load(&order);
                draft.sending = None;
                drafts.save(&order, &draft);
                session.set_complaint_send(&order, Some(ComplaintSend::Refused(failure)));
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
