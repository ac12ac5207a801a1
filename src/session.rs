//! What the widget remembers while the page lives (never in cookies or storage): where the
//! shopper is in the panel, the tokens that open their orders, and what they typed.
//! (Complaint drafts are the one exception, kept on purpose: see `components::complaints`.)

use std::cell::RefCell;
use std::rc::Rc;

use carebox_contract::{ComplaintView, OrderLookupRequest, OrderNumber, OrderView};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;

/// The panel's screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Home,
    /// Order number + e-mail/postcode form.
    TrackOrder,
    /// The identified shopper's orders.
    MyOrders,
    Order(OrderNumber),
    /// The complaint flow, with the order chosen when started from one.
    ReportProblem(Option<OrderNumber>),
    /// One complaint's ticket.
    Complaint {
        order: OrderNumber,
        ticket: String,
    },
    /// "My bonuses": points, tier and progress.
    Bonuses,
    /// "Rate us": the service, or an order.
    RateUs,
}

/// Where a complaint the shopper pressed Send on stands (it outlives the form's screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintSend {
    /// A request is on its way.
    Sending,
    /// No answer yet (offline, or the service is unreachable): kept, and tried again by itself.
    Queued { offline: bool },
    /// The order token expired before the server took it: look the order up again to resume.
    NeedsLookup,
    /// The server refused it (the shopper has to change something); the key is dropped.
    Refused(crate::api::ApiFailure),
}

impl ComplaintSend {
    /// Whether a send is still under way (the form stays locked meanwhile).
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Sending | Self::Queued { .. } | Self::NeedsLookup)
    }
}

/// Shared by the JS handle (`identify`) and the components; cheap to clone.
#[derive(Clone)]
pub struct Session {
    pub view: ArcRwSignal<View>,
    /// Where "Back" goes, most recent last.
    history: ArcRwSignal<Vec<View>>,
    /// A shopper token from the merchant's backend (`identify()`).
    pub shopper_token: ArcRwSignal<Option<String>>,
    /// Order tokens from lookups, by order number (a few per visit: a list is enough).
    order_tokens: ArcRwSignal<Vec<(OrderNumber, String)>>,
    /// The last fetched view of each order, so a lookup's answer is shown without refetching.
    orders: ArcRwSignal<Vec<OrderView>>,
    /// The lookup form's text, kept across screens and errors.
    pub lookup_form: ArcRwSignal<OrderLookupRequest>,
    /// Complaints being sent, by order (at most one each).
    pub complaint_sends: ArcRwSignal<Vec<(OrderNumber, ComplaintSend)>>,
    /// Server answers (a Send, an escalation) waiting for the ticket screen to show them.
    complaints: ArcRwSignal<Vec<ComplaintView>>,
    /// The ticket just accepted, thanked for once on its screen.
    just_filed: ArcRwSignal<Option<String>>,
    /// Set by `destroy()`: what this session started (complaints being sent) stops.
    closed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Run once on `destroy()`: registered by what started work (the complaint outbox), so the
    /// main bundle need not carry that code to stop it.
    on_close: std::sync::Arc<std::sync::Mutex<Vec<fn(&Session)>>>,
    /// The complaint outbox's pauses and `online` listener: this widget's own, so another
    /// widget's "Try now" or `destroy()` never touches its complaints.
    outbox: OutboxTimers,
}

/// The complaint outbox's waiting state (its code is in `components::complaints::sending`,
/// loaded with the complaint screens; only the data lives here).
#[derive(Clone)]
pub struct OutboxTimers(SendWrapper<Rc<RefCell<OutboxWaits>>>);

#[derive(Default)]
pub struct OutboxWaits {
    /// The pauses in progress: their timer and resolver.
    pub waiting: Vec<(i32, js_sys::Function)>,
    /// The `online` listener, there only while some complaint is being sent.
    pub on_online: Option<Closure<dyn Fn()>>,
    pub sends_under_way: u32,
}

impl OutboxTimers {
    fn new() -> Self {
        Self(SendWrapper::new(Rc::default()))
    }

    pub fn with<R>(&self, use_waits: impl FnOnce(&mut OutboxWaits) -> R) -> R {
        use_waits(&mut self.0.borrow_mut())
    }
}

impl Session {
    pub fn new(shopper_token: Option<String>) -> Self {
        Self {
            view: ArcRwSignal::new(View::Home),
            history: ArcRwSignal::new(Vec::new()),
            shopper_token: ArcRwSignal::new(shopper_token.filter(|t| !t.trim().is_empty())),
            order_tokens: ArcRwSignal::default(),
            orders: ArcRwSignal::default(),
            lookup_form: ArcRwSignal::default(),
            complaint_sends: ArcRwSignal::default(),
            complaints: ArcRwSignal::default(),
            just_filed: ArcRwSignal::default(),
            closed: Default::default(),
            on_close: Default::default(),
            outbox: OutboxTimers::new(),
        }
    }

    /// Stops what this session started: the flag first, so work woken by a closer sees it.
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::Relaxed);
        let closers = self.on_close.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default();
        for closer in closers {
            closer(self);
        }
    }

    /// Runs `closer` when the session is closed (once, however often it is registered).
    pub fn when_closed(&self, closer: fn(&Session)) {
        if let Ok(mut closers) = self.on_close.lock()
            && !closers.contains(&closer)
        {
            closers.push(closer);
        }
    }

    /// This widget's complaint outbox timers.
    pub fn outbox(&self) -> &OutboxTimers {
        &self.outbox
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Shows the ticket of a complaint just filed in place of its form: "Back" then skips
    /// the report flow's screens (form, order choice), which have done their job.
    pub fn show_filed_complaint(&self, to: View) {
        self.history.update(|h| {
            while matches!(h.last(), Some(View::ReportProblem(_))) {
                h.pop();
            }
        });
        self.view.set(to);
    }

    pub fn go(&self, to: View) {
        let from = self.view.get_untracked();
        if from != to {
            self.history.update(|h| h.push(from));
            self.view.set(to);
        }
    }

    pub fn back(&self) {
        let previous = self.history.try_update(Vec::pop).flatten().unwrap_or(View::Home);
        self.view.set(previous);
    }

    pub fn home(&self) {
        self.history.update(Vec::clear);
        self.view.set(View::Home);
    }

    pub fn identify(&self, token: Option<String>) {
        self.shopper_token.set(token.filter(|t| !t.trim().is_empty()));
        self.orders.update(Vec::clear);
    }

    /// The token that opens `number`: its lookup token, else the shopper's.
    pub fn token_for(&self, number: &OrderNumber) -> Option<String> {
        let own = self.order_tokens.with_untracked(|t| t.iter().find(|(n, _)| n == number).map(|(_, t)| t.clone()));
        own.or_else(|| self.shopper_token.get_untracked())
    }

    /// The token that names the shopper: theirs (after `identify()`), else the most recent
    /// lookup's (the shopper of that order). Tracked: a view re-renders when either changes.
    pub fn shopper_or_order_token(&self) -> Option<String> {
        self.shopper_token.get().or_else(|| self.order_tokens.with(|t| t.last().map(|(_, t)| t.clone())))
    }

    /// The most recent lookup's order and token. Tracked.
    pub fn last_looked_up(&self) -> Option<(OrderNumber, String)> {
        self.order_tokens.with(|t| t.last().cloned())
    }

    pub fn cached_order(&self, number: &OrderNumber) -> Option<OrderView> {
        self.orders.with_untracked(|o| o.iter().find(|v| v.number == *number).cloned())
    }

    pub fn forget_order(&self, number: &OrderNumber) {
        self.orders.update(|o| o.retain(|v| v.number != *number));
    }

    pub fn complaint_send(&self, order: &OrderNumber) -> Option<ComplaintSend> {
        self.complaint_sends.with(|s| s.iter().find(|(o, _)| o == order).map(|(_, s)| s.clone()))
    }

    /// Records how a send stands; `None` when it is over (accepted or refused).
    pub fn set_complaint_send(&self, order: &OrderNumber, state: Option<ComplaintSend>) {
        self.complaint_sends.update(|sends| {
            sends.retain(|(o, _)| o != order);
            if let Some(state) = state {
                sends.push((order.clone(), state));
            }
        });
    }

    /// The complaint as the server just answered it, once.
    pub fn take_cached_complaint(&self, ticket: &str) -> Option<ComplaintView> {
        self.complaints.try_update(|c| c.iter().position(|v| v.ticket == ticket).map(|i| c.remove(i))).flatten()
    }

    pub fn remember_complaint(&self, view: ComplaintView, just_filed: bool) {
        if just_filed {
            self.just_filed.set(Some(view.ticket.clone()));
        }
        self.complaints.update(|c| {
            c.retain(|v| v.ticket != view.ticket);
            c.push(view);
        });
    }

    /// Whether `ticket` was just accepted (true once).
    pub fn take_just_filed(&self, ticket: &str) -> bool {
        let matches = self.just_filed.with_untracked(|t| t.as_deref() == Some(ticket));
        if matches {
            self.just_filed.set(None);
        }
        matches
    }

    pub fn remember_order(&self, view: OrderView, token: Option<String>) {
        if let Some(token) = token {
            self.order_tokens.update(|t| {
                t.retain(|(n, _)| *n != view.number);
                t.push((view.number.clone(), token));
            });
        }
        self.orders.update(|o| {
            o.retain(|v| v.number != view.number);
            o.push(view);
        });
    }
}

/// One request at a time for a component: starting one aborts the one before, and leaving
/// the screen (cleanup) aborts whatever is still in flight. Create it inside the component.
#[derive(Clone, Copy)]
pub struct InFlight(StoredValue<Option<web_sys::AbortController>, LocalStorage>);

impl Default for InFlight {
    fn default() -> Self {
        Self::new()
    }
}

impl InFlight {
    pub fn new() -> Self {
        let current = StoredValue::new_local(None::<web_sys::AbortController>);
        on_cleanup(move || {
            current.try_with_value(|c| c.as_ref().map(web_sys::AbortController::abort));
        });
        Self(current)
    }

    pub fn start(&self) -> Option<web_sys::AbortSignal> {
        self.0.with_value(|c| c.as_ref().map(web_sys::AbortController::abort));
        let controller = web_sys::AbortController::new().ok();
        let signal = controller.as_ref().map(web_sys::AbortController::signal);
        self.0.set_value(controller);
        signal
    }
}
