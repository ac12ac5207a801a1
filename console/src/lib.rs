//! The support console: staff sign in, see the complaints that need them first (ordered by
//! when their promise runs out, with live countdowns), open one beside its order, and reply,
//! resolve or move it between levels. Served at `/console`; it calls the same merchant API as
//! a shop's backend, with the staff session instead of the secret key.

mod api;
mod charts;
mod components;
mod i18n;
mod pages;

use carebox_contract::StaffSession;
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

use components::{inbox::Inbox, sign_in::SignIn};
use i18n::Texts;

/// What the console shows, from the address's `#…` (a reload or a shared link lands there).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Inbox,
    Ticket(String),
    Widget,
    Reports,
    Orders(String),
    Loyalty,
    Webhooks,
}

fn route_of_hash() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    match hash.as_str() {
        "#/widget" => return Route::Widget,
        "#/reports" => return Route::Reports,
        "#/loyalty" => return Route::Loyalty,
        "#/webhooks" => return Route::Webhooks,
        _ => {}
    }
    if let Some(query) = hash.strip_prefix("#/orders") {
        let query = query.strip_prefix('/').unwrap_or_default();
        return Route::Orders(js_sys::decode_uri_component(query).map(String::from).unwrap_or_default());
    }
    match hash.strip_prefix("#/ticket/") {
        Some(ticket) if !ticket.is_empty() => Route::Ticket(ticket.to_owned()),
        _ => Route::Inbox,
    }
}

/// The signed-in session, shared by every screen (its CSRF token goes with each change).
#[derive(Clone, Copy)]
pub struct Session(RwSignal<Option<StaffSession>>);

impl Session {
    /// The token every change carries (the session cookie alone is not enough).
    pub fn csrf(&self) -> String {
        self.0.with_untracked(|s| s.as_ref().map(|s| s.csrf_token.clone())).unwrap_or_default()
    }

    /// Owners change settings; agents see them (the server refuses their changes too).
    pub fn is_owner(&self) -> bool {
        self.0.with_untracked(|s| s.as_ref().is_some_and(|s| s.staff.role.may_change_settings()))
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    // A panic stops the console at once (the bundle is built with `panic=immediate-abort`,
    // see xtask's `SIZE_RUSTFLAGS`): the browser reports `RuntimeError: unreachable`, and the
    // end-to-end tests fail on it. The debug build (`cargo test`) keeps Rust's messages.
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let text: &'static Texts = i18n::pick();
    provide_context(text);
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", text.lang);
    }
    document().set_title(text.title);
    let session = Session(RwSignal::new(None));
    provide_context(session);
    let checked = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        session.0.set(api::current_session().await.ok());
        checked.set(true);
    });
    let route = RwSignal::new(route_of_hash());
    let _ = window_event_listener(leptos::ev::hashchange, move |_| route.set(route_of_hash()));
    view! {
        <Show when=move || checked.get() fallback=move || view! { <p class="console-loading">{text.loading}</p> }>
            <Show when=move || session.0.with(Option::is_some) fallback=|| view! { <SignIn/> }>
                <Header/>
                <main class="console-main">
                    <Suspense fallback=move || view! { <p class="console-loading">{text.loading}</p> }>
                        {move || {
                            let route = route.get();
                            Suspend::new(async move {
                                match route {
                                    Route::Inbox => view! { <Inbox/> }.into_any(),
                                    Route::Ticket(ticket) => pages::ticket(ticket).await,
                                    Route::Orders(query) => pages::orders(query).await,
                                    Route::Loyalty => pages::loyalty().await,
                                    Route::Reports => pages::reports().await,
                                    Route::Widget => pages::widget().await,
                                    Route::Webhooks => pages::webhooks().await,
                                }
                            })
                        }}
                    </Suspense>
                </main>
            </Show>
        </Show>
    }
}

#[component]
fn Header() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let who = move || {
        session.0.with(|s| {
            s.as_ref().map(|s| {
                let role = if s.staff.role.may_change_settings() { text.owner } else { text.agent };
                (s.staff.merchant_name.clone(), format!("{} ({role})", s.staff.display_name))
            })
        })
    };
    let sign_out = move |_| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            let _ = api::sign_out(&csrf).await;
            session.0.set(None);
        });
    };
    view! {
        <header class="console-header">
            <a class="console-brand" href="#/">{move || who().map(|(shop, _)| shop)}" · "{text.title}</a>
            <nav class="console-nav">
                <a href="#/">{text.inbox}</a>
                <a href="#/orders">{text.orders}</a>
                <a href="#/loyalty">{text.loyalty}</a>
                <a href="#/reports">{text.reports}</a>
                <a href="#/widget">{text.widget}</a>
                <a href="#/webhooks">{text.webhooks}</a>
            </nav>
            <span class="console-who">{move || who().map(|(_, name)| name)}</span>
            <button type="button" class="console-button console-button--quiet" on:click=sign_out>{text.sign_out}</button>
        </header>
    }
}

/// What a save or an action answered: a confirmation, or a refusal in words.
pub(crate) type Outcome = RwSignal<Option<(bool, String)>>;

/// An outcome as announced: a confirmation is a `status`, a refusal an `alert`. Read with
/// `try_get`: a row rebuilt by a reload (its signals disposed) may still see this run once,
/// and `get` would then panic and stop the console.
pub(crate) fn outcome_view(outcome: Outcome) -> impl IntoView {
    move || {
        outcome.try_get().flatten().map(|(ok, message)| {
            if ok {
                view! { <p class="console-saved" role="status">{message}</p> }.into_any()
            } else {
                view! { <p class="console-error" role="alert">{message}</p> }.into_any()
            }
        })
    }
}

/// A refusal in the staff member's language, with what to do next: the field's own words where
/// the console has them, else the server's specific (English) message.
pub(crate) fn failure_message(text: &'static Texts, failure: &api::Failure) -> String {
    use carebox_contract::ErrorCode;
    match failure {
        api::Failure::Network => text.offline.to_owned(),
        api::Failure::Server { code: ErrorCode::RateLimited, .. } => text.too_many_attempts.to_owned(),
        api::Failure::Server { field: Some(field), code, .. } if text.field_problem(field, *code).is_some() => {
            format!("{}: {}", text.failed, text.field_problem(field, *code).unwrap_or_default())
        }
        api::Failure::Server { message, .. } if !message.is_empty() => format!("{}: {message}", text.failed),
        api::Failure::Server { status, .. } => format!("{} ({status})", text.failed),
    }
}
