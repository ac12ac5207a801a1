//! What the widget remembers while the page lives (never in cookies or storage): where the
//! shopper is in the panel, the tokens that open their orders, and what they typed.
//! (Complaint drafts are the one exception, kept on purpose: see `components::complaints`.)

use std::cell::RefCell;
use std::rc::Rc;

use carebox_contract::{ComplaintView, OrderLookupRequest, OrderNumber, OrderView};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;

/// What runs once when a widget is destroyed.
type Closers = std::sync::Arc<std::sync::Mutex<Vec<fn(&Session)>>>;

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

/// One widget's state, in parts with private fields, each owning one concern: where the
/// shopper is ([`Navigation`]), who they are to the API ([`Credentials`]), what was fetched
/// ([`OrderCache`]), what they typed in the lookup form ([`LookupForm`]), the complaints on
/// their way ([`ComplaintOutbox`]) and whether the widget is still alive. One set per widget:
/// two widgets on a page share nothing. Cheap to clone (handles).
#[derive(Clone)]
pub struct Session {
    pub navigation: Navigation,
    pub credentials: Credentials,
    pub orders: OrderCache,
    pub lookup: LookupForm,
    pub outbox: ComplaintOutbox,
    /// Set by `destroy()`: what this widget started (complaints being sent) stops.
    closed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Run once on `destroy()`: registered by what started work (the complaint outbox), so the
    /// main bundle need not carry that code to stop it.
    on_close: Closers,
}

impl Session {
    pub fn new(shopper_token: Option<String>) -> Self {
        Self {
            navigation: Navigation::rooted_at(View::Home),
            credentials: Credentials {
                shopper_token: ArcRwSignal::new(shopper_token.filter(|t| !t.trim().is_empty())),
                order_tokens: ArcRwSignal::default(),
            },
            orders: OrderCache(ArcRwSignal::default()),
            lookup: LookupForm(ArcRwSignal::default()),
            outbox: ComplaintOutbox {
                sends: ArcRwSignal::default(),
                answers: ArcRwSignal::default(),
                just_filed: ArcRwSignal::default(),
                timers: OutboxTimers(SendWrapper::new(Rc::default())),
            },
            closed: Default::default(),
            on_close: Default::default(),
        }
    }

    /// The same shopper (credentials, fetched orders, what they typed, complaints on their
    /// way) seen through screens of its own: one per component a Leptos app placed.
    pub fn with_navigation(&self, navigation: Navigation) -> Self {
        Self { navigation, ..self.clone() }
    }

    /// Where "show me my order" leads: the order when it can be opened, else the lookup form
    /// with its number filled in; without a number, an identified shopper's orders.
    pub fn order_screen(&self, order: Option<OrderNumber>) -> View {
        match order {
            Some(number) if self.credentials.token_for(&number).is_some() => View::Order(number),
            Some(number) => {
                self.lookup.prefill(&number);
                View::TrackOrder
            }
            None if self.credentials.is_identified() => View::MyOrders,
            None => View::TrackOrder,
        }
    }

    /// Names the shopper (`None` forgets them); what was fetched for the one before goes.
    pub fn identify(&self, token: Option<String>) {
        self.credentials.shopper_token.set(token.filter(|t| !t.trim().is_empty()));
        self.orders.0.update(Vec::clear);
    }

    /// Stops what this widget started: the flag first, so work woken by a closer sees it.
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::Relaxed);
        let closers = self.on_close.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default();
        for closer in closers {
            closer(self);
        }
    }

    /// Runs `closer` when the widget is destroyed (once, however often it is registered).
    pub fn when_closed(&self, closer: fn(&Session)) {
        if let Ok(mut closers) = self.on_close.lock()
            && !closers.contains(&closer)
        {
            closers.push(closer);
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A lookup's answer: its token opens the order from now on, and its view is shown
    /// without fetching it again.
    pub fn remember_order(&self, view: OrderView, token: Option<String>) {
        if let Some(token) = token {
            self.credentials.remember(&view.number, token);
        }
        self.orders.remember(view);
    }
}

/// The screen the shopper is on and where "Back" goes.
#[derive(Clone)]
pub struct Navigation {
    view: ArcRwSignal<View>,
    /// Most recent last.
    history: ArcRwSignal<Vec<View>>,
    /// Where it starts and "Back" ends: Home in the widget, a capability's first screen in a
    /// component a Leptos app placed (see [`crate::library`]).
    root: View,
}

impl Navigation {
    /// Starting at (and never going back past) `root`.
    pub fn rooted_at(root: View) -> Self {
        Self { view: ArcRwSignal::new(root.clone()), history: ArcRwSignal::new(Vec::new()), root }
    }

    pub fn is_at_root(&self) -> bool {
        self.view.with(|view| *view == self.root)
    }

    /// The current screen, as a signal (the app draws from it).
    pub fn signal(&self) -> ArcRwSignal<View> {
        self.view.clone()
    }

    pub fn current(&self) -> View {
        self.view.get_untracked()
    }

    pub fn go(&self, to: View) {
        let from = self.view.get_untracked();
        if from != to {
            self.history.update(|h| h.push(from));
            self.view.set(to);
        }
    }

    pub fn back(&self) {
        let previous = self.history.try_update(Vec::pop).flatten().unwrap_or_else(|| self.root.clone());
        self.view.set(previous);
    }

    /// Back to the start, forgetting the way here.
    pub fn home(&self) {
        self.history.update(Vec::clear);
        self.view.set(self.root.clone());
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
}

/// Who the shopper is to the API: the token the merchant's backend signed (`identify()`), and
/// the tokens of the orders they looked up (a few per visit: a list is enough).
#[derive(Clone)]
pub struct Credentials {
    shopper_token: ArcRwSignal<Option<String>>,
    order_tokens: ArcRwSignal<Vec<(OrderNumber, String)>>,
}

impl Credentials {
    /// The shopper's own token. Tracked.
    pub fn shopper_token(&self) -> Option<String> {
        self.shopper_token.get()
    }

    pub fn shopper_token_untracked(&self) -> Option<String> {
        self.shopper_token.get_untracked()
    }

    pub fn is_identified(&self) -> bool {
        self.shopper_token.with_untracked(Option::is_some)
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

    fn remember(&self, number: &OrderNumber, token: String) {
        self.order_tokens.update(|t| {
            t.retain(|(n, _)| n != number);
            t.push((number.clone(), token));
        });
    }
}

/// The last fetched view of each order.
#[derive(Clone)]
pub struct OrderCache(ArcRwSignal<Vec<OrderView>>);

impl OrderCache {
    pub fn get(&self, number: &OrderNumber) -> Option<OrderView> {
        self.0.with_untracked(|o| o.iter().find(|v| v.number == *number).cloned())
    }

    pub fn forget(&self, number: &OrderNumber) {
        self.0.update(|o| o.retain(|v| v.number != *number));
    }

    fn remember(&self, view: OrderView) {
        self.0.update(|o| {
            o.retain(|v| v.number != view.number);
            o.push(view);
        });
    }
}

/// The lookup form's text, kept across screens and errors.
#[derive(Clone)]
pub struct LookupForm(ArcRwSignal<OrderLookupRequest>);

impl LookupForm {
    pub fn signal(&self) -> ArcRwSignal<OrderLookupRequest> {
        self.0.clone()
    }

    /// Fills in the order number (a deep link, "look it up again").
    pub fn prefill(&self, number: &OrderNumber) {
        self.0.update(|form| form.order_number = number.as_str().to_owned());
    }
}

/// The complaints on their way and the server's answers about them. Its sending code is in
/// `components::complaints::sending` (loaded with the complaint screens); only the state
/// lives here, in the first-open bundle.
#[derive(Clone)]
pub struct ComplaintOutbox {
    /// Complaints being sent, by order (at most one each).
    sends: ArcRwSignal<Vec<(OrderNumber, ComplaintSend)>>,
    /// Server answers (a Send, an escalation) waiting for the ticket screen to show them.
    answers: ArcRwSignal<Vec<ComplaintView>>,
    /// The ticket just accepted, thanked for once on its screen.
    just_filed: ArcRwSignal<Option<String>>,
    /// Its pauses and `online` listener.
    timers: OutboxTimers,
}

impl ComplaintOutbox {
    /// How the send for `order` stands. Tracked.
    pub fn send_state(&self, order: &OrderNumber) -> Option<ComplaintSend> {
        self.sends.with(|s| s.iter().find(|(o, _)| o == order).map(|(_, s)| s.clone()))
    }

    /// Records how a send stands; `None` when it is over (accepted or refused).
    pub fn set_send_state(&self, order: &OrderNumber, state: Option<ComplaintSend>) {
        self.sends.update(|sends| {
            sends.retain(|(o, _)| o != order);
            if let Some(state) = state {
                sends.push((order.clone(), state));
            }
        });
    }

    /// The complaint as the server just answered it, once.
    pub fn take_answer(&self, ticket: &str) -> Option<ComplaintView> {
        self.answers.try_update(|c| c.iter().position(|v| v.ticket == ticket).map(|i| c.remove(i))).flatten()
    }

    pub fn remember_answer(&self, view: ComplaintView, just_filed: bool) {
        if just_filed {
            self.just_filed.set(Some(view.ticket.clone()));
        }
        self.answers.update(|c| {
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

    pub fn timers(&self) -> &OutboxTimers {
        &self.timers
    }
}

/// The complaint outbox's waiting state: this widget's own, so another widget's "Try now" or
/// `destroy()` never touches its complaints.
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
    pub fn with<R>(&self, use_waits: impl FnOnce(&mut OutboxWaits) -> R) -> R {
        use_waits(&mut self.0.borrow_mut())
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
