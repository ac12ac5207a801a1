//! Signing in with e-mail and password. A refusal says what to do; what was typed stays.

use leptos::prelude::*;

use crate::{Session, api, failure_message, i18n::Texts};

#[component]
pub fn SignIn() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let (email, set_email) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (email, password) = (email.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match api::sign_in(email, password).await {
                Ok(signed_in) => session.0.set(Some(signed_in)),
                Err(api::Failure::Server { status: 401 | 422, .. }) => error.set(Some(text.wrong_credentials.to_owned())),
                Err(failure) => error.set(Some(failure_message(text, &failure))),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="console-sign-in">
            <h1>{text.title}</h1>
            <form on:submit=submit novalidate>
                <label for="console-email">{text.email}</label>
                <input id="console-email" type="email" autocomplete="username" required
                    prop:value=email on:input=move |ev| set_email.set(event_target_value(&ev))/>
                <label for="console-password">{text.password}</label>
                <input id="console-password" type="password" autocomplete="current-password" required
                    prop:value=password on:input=move |ev| set_password.set(event_target_value(&ev))/>
                <p class="console-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="console-button" aria-disabled=move || busy.get().to_string()>{text.sign_in}</button>
            </form>
        </main>
    }
}
