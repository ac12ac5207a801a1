//! What shoppers see of the shop in the widget: its name, greetings, capabilities, accent colour
//! and the lookup proof; and the snippet to paste into the shop's pages. Owners change these;
//! agents see them (the server refuses their changes too).

use std::collections::BTreeMap;

use carebox_contract::{AccentColor, Feature, Locale, LookupMode, Theme, WidgetConfig, WidgetSettingsRequest};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::{Session, api, failure_message, i18n::Texts};

#[component]
pub fn WidgetSettings() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let loaded = RwSignal::new(None::<Result<WidgetConfig, api::Failure>>);
    leptos::task::spawn_local(async move { loaded.set(Some(api::widget_settings().await)) });
    view! {
        <section class="console-section">
            <h1>{text.widget}</h1>
            {move || match loaded.get() {
                None => view! { <p>{text.loading}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="console-error" role="alert">{failure_message(text, &failure)}</p> }.into_any(),
                Some(Ok(config)) => view! { <SettingsForm config=config/> }.into_any(),
            }}
            <Snippet/>
            <SecretKey/>
        </section>
    }
}

#[component]
fn SettingsForm(config: WidgetConfig) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let name = RwSignal::new(config.merchant_name.clone());
    let greeting_en = RwSignal::new(config.greeting(Locale::En).unwrap_or_default().to_owned());
    let greeting_ru = RwSignal::new(config.greeting(Locale::Ru).unwrap_or_default().to_owned());
    let features = RwSignal::new(config.features.clone());
    let accent = RwSignal::new(config.theme.accent.as_str().to_owned());
    let lookup = RwSignal::new(config.lookup_by);
    let status = RwSignal::new(None::<(bool, String)>);
    let kept = StoredValue::new(config);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = kept.get_value();
        // The languages edited here; the others' greetings stay as they are.
        let mut greetings: BTreeMap<Locale, String> = current.greetings.clone();
        for (locale, value) in [(Locale::En, greeting_en.get_untracked()), (Locale::Ru, greeting_ru.get_untracked())] {
            if value.trim().is_empty() {
                greetings.remove(&locale)
            } else {
                greetings.insert(locale, value)
            };
        }
        let Ok(accent) = AccentColor::parse(&accent.get_untracked()) else {
            status.set(Some((false, text.accent_invalid.to_owned())));
            return;
        };
        let change = WidgetSettingsRequest {
            merchant_name: Some(name.get_untracked()),
            greetings: Some(greetings),
            features: Some(features.get_untracked()),
            theme: Some(Theme { accent, ..current.theme.clone() }),
            lookup_by: Some(lookup.get_untracked()),
        };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_widget_settings(&change, &csrf).await {
                Ok(saved) => {
                    kept.set_value(saved);
                    status.set(Some((true, text.saved.to_owned())));
                }
                Err(failure) => status.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let feature_box = move |feature: Feature, label: &'static str| {
        view! {
            <label class="console-check">
                <input type="checkbox" disabled=!owner prop:checked=move || features.with(|f| f.contains(&feature))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        features.update(|f| {
                            f.retain(|x| *x != feature);
                            if on { f.push(feature) }
                        });
                    }/>
                {label}
            </label>
        }
    };
    view! {
        {(!owner).then(|| view! { <p class="console-notice">{text.owners_only}</p> })}
        <form class="console-form" on:submit=save>
            <label for="console-shop-name">{text.shop_name}</label>
            <input id="console-shop-name" type="text" disabled=!owner prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for="console-greeting-en">{text.greeting_en}</label>
            <textarea id="console-greeting-en" rows="2" disabled=!owner prop:value=move || greeting_en.get()
                on:input=move |ev| greeting_en.set(event_target_value(&ev))></textarea>
            <label for="console-greeting-ru">{text.greeting_ru}</label>
            <textarea id="console-greeting-ru" rows="2" disabled=!owner prop:value=move || greeting_ru.get()
                on:input=move |ev| greeting_ru.set(event_target_value(&ev))></textarea>
            <fieldset class="console-fieldset">
                <legend>{text.capabilities}</legend>
                {feature_box(Feature::OrderStatus, text.feature_orders)}
                {feature_box(Feature::Complaints, text.feature_complaints)}
                {feature_box(Feature::Csat, text.feature_csat)}
                {feature_box(Feature::Loyalty, text.feature_loyalty)}
            </fieldset>
            <label for="console-accent">{text.accent}</label>
            <input id="console-accent" type="color" disabled=!owner prop:value=move || accent.get() on:input=move |ev| accent.set(event_target_value(&ev))/>
            <label for="console-lookup">{text.lookup_proof}</label>
            <select id="console-lookup" disabled=!owner on:change=move |ev| {
                lookup.set(if event_target_value(&ev) == "postcode" { LookupMode::Postcode } else { LookupMode::Email })
            }>
                <option value="email" selected=move || lookup.get() == LookupMode::Email>{text.lookup_email}</option>
                <option value="postcode" selected=move || lookup.get() == LookupMode::Postcode>{text.lookup_postcode}</option>
            </select>
            <p class=move || if status.get().is_some_and(|(ok, _)| ok) { "console-saved" } else { "console-error" } role="status">
                {move || status.get().map(|(_, message)| message)}
            </p>
            {owner.then(|| view! { <button type="submit" class="console-button">{text.save}</button> })}
        </form>
    }
}

/// The `<script>` tag for the shop's pages, with a button that copies it.
#[component]
fn Snippet() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let origin = window().location().origin().unwrap_or_default();
    let key = session.0.with_untracked(|s| s.as_ref().map(|s| s.staff.publishable_key.clone())).unwrap_or_default();
    let snippet = format!(r#"<script src="{origin}/carebox.js" data-key="{key}" async></script>"#);
    let copied = RwSignal::new(None::<&'static str>);
    let to_copy = StoredValue::new(snippet.clone());
    let copy = move |_| {
        // navigator.clipboard.writeText, without an unstable web-sys feature; it may be refused
        // (no permission, an insecure page), and then the text is there to select by hand.
        let clipboard = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("clipboard")).ok();
        let write = clipboard.as_ref().and_then(|c| js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok());
        let promise = match (clipboard, write.and_then(|w| w.dyn_into::<js_sys::Function>().ok())) {
            (Some(clipboard), Some(write)) => write.call1(&clipboard, &JsValue::from_str(&to_copy.get_value())).ok(),
            _ => None,
        };
        leptos::task::spawn_local(async move {
            let done = match promise.and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) {
                Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
                None => false,
            };
            copied.set(Some(if done { text.copied } else { text.copy_failed }));
        });
    };
    view! {
        <h2>{text.snippet}</h2>
        <p class="console-meta">{text.snippet_help}</p>
        <pre class="console-snippet"><code>{snippet}</code></pre>
        <button type="button" class="console-button console-button--quiet" on:click=copy>{text.copy}</button>
        <span class="console-saved" role="status">{move || copied.get()}</span>
    }
}

/// The secret key for the shop's own servers: owners rotate it here; the new one is shown once.
#[component]
fn SecretKey() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let outcome = RwSignal::new(None::<Result<carebox_contract::RotatedSecretKey, String>>);
    let rotate = move |_| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            outcome.set(Some(api::rotate_secret_key(&csrf).await.map_err(|failure| failure_message(text, &failure))));
        });
    };
    owner.then(|| {
        view! {
            <h2>{text.secret_key}</h2>
            <p class="console-meta">{text.secret_key_help}</p>
            <button type="button" class="console-button console-button--quiet" on:click=rotate>{text.rotate_secret}</button>
            {move || outcome.get().map(|result| match result {
                Ok(rotated) => view! {
                    <div class="console-notice" role="status">
                        <p>{text.new_secret}</p>
                        <pre class="console-snippet"><code class="console-secret">{rotated.secret_key}</code></pre>
                        <p>{text.old_secret_until}" "{text.when(rotated.previous_valid_until)}</p>
                    </div>
                }.into_any(),
                Err(message) => view! { <p class="console-error" role="alert">{message}</p> }.into_any(),
            })}
        }
    })
}
