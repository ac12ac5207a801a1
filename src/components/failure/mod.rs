//! A failed request, told in the shopper's language: what happened, a retry, and the
//! request id for support behind a "Details" disclosure.

use leptos::prelude::*;

use crate::{
    api::ApiFailure,
    i18n::texts,
    session::{Session, View},
};

#[component]
pub fn Failure(
    /// The errors caught by the surrounding `ErrorBoundary`.
    errors: ArcRwSignal<Errors>,
    /// Runs the failed request again.
    #[prop(into)]
    on_retry: Callback<()>,
) -> impl IntoView {
    let text = texts();
    let failure = move || errors.get().into_iter().find_map(|(_, error)| error.downcast_ref::<ApiFailure>().cloned());
    let message = {
        let failure = failure.clone();
        move || failure().map_or(text.error_generic, |f| text.failure_message(&f))
    };
    let request_id = Signal::derive(move || failure().and_then(|f| f.request_id));
    view! {
        <div class="carebox-failure" role="alert">
            <p class="carebox-failure__message">{message}</p>
            <button type="button" part="button" class="carebox-button" on:click=move |_| on_retry.run(())>{text.retry}</button>
            <RequestIdDetails request_id/>
        </div>
    }
}

/// The order token has expired (or this visit never had one): say so, and offer the lookup.
#[component]
pub fn LookUpAgain() -> impl IntoView {
    let text = texts();
    let session = expect_context::<Session>();
    view! {
        <div class="carebox-failure" role="alert">
            <p class="carebox-failure__message">{text.token_expired}</p>
            <button type="button" part="button" class="carebox-button" on:click=move |_| session.navigation.go(View::TrackOrder)>{text.find_order}</button>
        </div>
    }
}

/// Whether the caught errors say the shopper must look the order up again (expired token).
pub fn needs_lookup(errors: &ArcRwSignal<Errors>) -> bool {
    errors.with(|e| e.iter().any(|(_, e)| e.downcast_ref::<ApiFailure>().is_some_and(ApiFailure::needs_lookup)))
}

/// The "Details" disclosure with the request id support asks for; nothing without one.
#[component]
pub fn RequestIdDetails(#[prop(into)] request_id: Signal<Option<String>>) -> impl IntoView {
    let text = texts();
    move || {
        request_id.get().map(|id| {
            view! {
                <details class="carebox-failure__details">
                    <summary>{text.details}</summary>
                    <p>{text.request_id}": " <code>{id}</code></p>
                </details>
            }
        })
    }
}
