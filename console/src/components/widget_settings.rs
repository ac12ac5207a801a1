//! What shoppers see of the shop in the widget: its name, greetings, capabilities, theme, lookup
//! proof and own wording, with a live preview that is the real widget; the sites it works on;
//! and the snippet to paste into the shop's pages. Owners change these;
//! agents see them (the server refuses their changes too).

use carebox_contract::{
    AccentColor, ColorScheme, CornerRadius, Feature, Locale, LookupMode, ShopOrigins, TextOverrides, Theme, WidgetConfig,
    WidgetSettingsRequest,
};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::{Session, api, failure_message, i18n::Texts, outcome_view};

#[component]
pub fn WidgetSettings() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let loaded = RwSignal::new(None::<Result<WidgetConfig, api::Failure>>);
    leptos::task::spawn_local(async move { loaded.set(Some(api::widget_settings().await)) });
    // Not a server setting: where the page's snippet puts the launcher.
    let position = RwSignal::new("right");
    view! {
        <section class="console-section">
            <h1>{text.widget}</h1>
            {move || match loaded.get() {
                None => view! { <p>{text.loading}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="console-error" role="alert">{failure_message(text, &failure)}</p> }.into_any(),
                Some(Ok(config)) => view! { <SettingsForm config=config position=position/> }.into_any(),
            }}
            <Snippet position=position/>
            <Origins/>
            <OwnTexts/>
            <SecretKey/>
        </section>
    }
}

/// A language by its own name, as its speakers look for it.
fn endonym(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "English",
        Locale::Ru => "Русский",
        Locale::Ar => "العربية",
    }
}

/// The settings as being edited (not saved yet): what Save stores and the preview shows.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    greetings: [(Locale, RwSignal<String>); 3],
    features: RwSignal<Vec<Feature>>,
    accent: RwSignal<String>,
    radius: RwSignal<String>,
    scheme: RwSignal<ColorScheme>,
    lookup: RwSignal<LookupMode>,
}

impl Draft {
    fn of(config: &WidgetConfig) -> Self {
        Self {
            name: RwSignal::new(config.merchant_name.clone()),
            greetings: Locale::ALL.map(|locale| (locale, RwSignal::new(config.greeting(locale).unwrap_or_default().to_owned()))),
            features: RwSignal::new(config.features.clone()),
            accent: RwSignal::new(config.theme.accent.as_str().to_owned()),
            radius: RwSignal::new(config.theme.radius.px().to_string()),
            scheme: RwSignal::new(config.theme.color_scheme),
            lookup: RwSignal::new(config.lookup_by),
        }
    }

    /// The change to send (tracked: the preview follows every edit), or what to fix first.
    fn request(&self, text: &'static Texts) -> Result<WidgetSettingsRequest, &'static str> {
        let accent = AccentColor::parse(&self.accent.get()).map_err(|_| text.accent_invalid)?;
        let radius = self.radius.get().trim().parse::<u8>().ok().and_then(|px| CornerRadius::parse(px).ok()).ok_or(text.radius_invalid)?;
        // An empty greeting is the widget's own one.
        let greetings =
            self.greetings.iter().map(|(locale, value)| (*locale, value.get())).filter(|(_, value)| !value.trim().is_empty()).collect();
        Ok(WidgetSettingsRequest {
            merchant_name: Some(self.name.get()),
            greetings: Some(greetings),
            features: Some(self.features.get()),
            theme: Some(Theme { accent, radius, color_scheme: self.scheme.get() }),
            lookup_by: Some(self.lookup.get()),
        })
    }
}

#[component]
fn SettingsForm(config: WidgetConfig, position: RwSignal<&'static str>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let draft = Draft::of(&config);
    let status = RwSignal::new(None::<(bool, String)>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = match draft.request(text) {
            Ok(change) => change,
            Err(problem) => return status.set(Some((false, problem.to_owned()))),
        };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_widget_settings(&change, &csrf).await {
                Ok(_) => status.set(Some((true, text.saved.to_owned()))),
                Err(failure) => status.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let features = draft.features;
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
    let greeting = move |(locale, value): (Locale, RwSignal<String>)| {
        let (label, dir) = match locale {
            Locale::En => (text.greeting_en, "ltr"),
            Locale::Ru => (text.greeting_ru, "ltr"),
            Locale::Ar => (text.greeting_ar, "rtl"),
        };
        let id = format!("console-greeting-{}", locale.as_str());
        view! {
            <label for=id.clone()>{label}</label>
            <textarea id=id rows="2" dir=dir disabled=!owner prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
    };
    let (name, accent, radius, scheme, lookup) = (draft.name, draft.accent, draft.radius, draft.scheme, draft.lookup);
    view! {
        {(!owner).then(|| view! { <p class="console-notice">{text.owners_only}</p> })}
        <div class="console-widget-grid">
            <form class="console-form" on:submit=save>
                <label for="console-shop-name">{text.shop_name}</label>
                <input id="console-shop-name" type="text" disabled=!owner prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                {draft.greetings.map(greeting).collect_view()}
                <fieldset class="console-fieldset">
                    <legend>{text.capabilities}</legend>
                    {feature_box(Feature::OrderStatus, text.feature_orders)}
                    {feature_box(Feature::Complaints, text.feature_complaints)}
                    {feature_box(Feature::Csat, text.feature_csat)}
                    {feature_box(Feature::Loyalty, text.feature_loyalty)}
                </fieldset>
                <label for="console-accent">{text.accent}</label>
                <input id="console-accent" type="color" disabled=!owner prop:value=move || accent.get() on:input=move |ev| accent.set(event_target_value(&ev))/>
                <label for="console-radius">{text.radius}</label>
                <input id="console-radius" type="number" min="0" max="24" disabled=!owner prop:value=move || radius.get()
                    on:input=move |ev| radius.set(event_target_value(&ev))/>
                <label for="console-scheme">{text.scheme}</label>
                <select id="console-scheme" disabled=!owner on:change=move |ev| {
                    scheme.set(match event_target_value(&ev).as_str() { "light" => ColorScheme::Light, "dark" => ColorScheme::Dark, _ => ColorScheme::Auto })
                }>
                    {[(ColorScheme::Auto, text.scheme_auto), (ColorScheme::Light, text.scheme_light), (ColorScheme::Dark, text.scheme_dark)]
                        .map(|(value, label)| view! { <option value=value.as_str() selected=move || scheme.get() == value>{label}</option> })
                        .collect_view()}
                </select>
                <label for="console-lookup">{text.lookup_proof}</label>
                <select id="console-lookup" disabled=!owner on:change=move |ev| {
                    lookup.set(if event_target_value(&ev) == "postcode" { LookupMode::Postcode } else { LookupMode::Email })
                }>
                    <option value="email" selected=move || lookup.get() == LookupMode::Email>{text.lookup_email}</option>
                    <option value="postcode" selected=move || lookup.get() == LookupMode::Postcode>{text.lookup_postcode}</option>
                </select>
                <fieldset class="console-fieldset">
                    <legend>{text.position}</legend>
                    {[("right", text.position_right), ("left", text.position_left)].map(|(value, label)| view! {
                        <label class="console-check">
                            <input type="radio" name="console-position" value=value prop:checked=move || position.get() == value
                                on:change=move |_| position.set(value)/>
                            {label}
                        </label>
                    }).collect_view()}
                </fieldset>
                <p class=move || if status.get().is_some_and(|(ok, _)| ok) { "console-saved" } else { "console-error" } role="status">
                    {move || status.get().map(|(_, message)| message)}
                </p>
                {owner.then(|| view! { <button type="submit" class="console-button">{text.save}</button> })}
            </form>
            <Preview draft=draft/>
        </div>
    }
}

/// The real widget with the draft: each edit (after a pause in typing) is kept on the server
/// under a preview token, and the framed preview page loads the widget with it.
#[component]
fn Preview(draft: Draft) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let key = session.0.with_untracked(|s| s.as_ref().map(|s| s.staff.publishable_key.clone())).unwrap_or_default();
    let locale = RwSignal::new(Locale::En);
    let source = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let change = draft.request(text);
        let language = locale.get();
        let this = generation.try_update_value(|g| {
            *g += 1;
            *g
        });
        let key = key.clone();
        set_timeout(
            move || {
                // Only the last edit of a burst is shown.
                if generation.try_get_value() != this {
                    return;
                }
                let change = match change {
                    Ok(change) => change,
                    Err(why) => return problem.set(Some(why.to_owned())),
                };
                let csrf = session.csrf();
                leptos::task::spawn_local(async move {
                    match api::preview(&change, &csrf).await {
                        Ok(preview) => {
                            problem.set(None);
                            let query = format!("key={}&token={}&locale={}", key, preview.token, language.as_str());
                            source.set(Some(format!("/console/preview.html?{query}")));
                        }
                        Err(failure) => problem.set(Some(failure_message(text, &failure))),
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    });
    view! {
        <aside class="console-preview" aria-labelledby="console-preview-title">
            <h2 id="console-preview-title">{text.preview}</h2>
            <p class="console-meta">{text.preview_help}</p>
            <label for="console-preview-language">{text.preview_language}</label>
            <select id="console-preview-language" on:change=move |ev| {
                if let Some(chosen) = Locale::ALL.into_iter().find(|l| l.as_str() == event_target_value(&ev)) { locale.set(chosen) }
            }>
                {Locale::ALL.map(|l| view! { <option value=l.as_str()>{endonym(l)}</option> }).collect_view()}
            </select>
            {move || problem.get().map(|message| view! { <p class="console-error" role="alert">{message}</p> })}
            {move || source.get().map(|src| view! { <iframe class="console-preview__frame" title=text.preview src=src></iframe> })}
        </aside>
    }
}

/// The sites whose pages may use the publishable key, one per line.
#[component]
fn Origins() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let typed = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    leptos::task::spawn_local(async move {
        match api::origins().await {
            Ok(list) => typed.set(list.origins.join("\n")),
            Err(failure) => status.set(Some((false, failure_message(text, &failure)))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let origins =
            ShopOrigins { origins: typed.get_untracked().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect() };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_origins(&origins, &csrf).await {
                Ok(saved) => {
                    typed.set(saved.origins.join("\n"));
                    status.set(Some((true, text.saved.to_owned())));
                }
                Err(failure) => status.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    view! {
        <form class="console-form console-origins" on:submit=save>
            <h2>{text.origins}</h2>
            <label for="console-origins">{text.origins_help}</label>
            <textarea id="console-origins" rows="4" disabled=!owner prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))></textarea>
            {owner.then(|| view! { <button type="submit" class="console-button">{text.save_origins}</button> })}
            {outcome_view(status)}
        </form>
    }
}

/// The merchant's own wording for any text of the widget, per language.
#[component]
fn OwnTexts() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let current = RwSignal::new(TextOverrides::default());
    let language = RwSignal::new(Locale::En);
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    leptos::task::spawn_local(async move {
        if let Ok(texts) = api::texts().await {
            current.set(texts);
        }
    });
    let store = move |texts: TextOverrides| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_texts(&texts, &csrf).await {
                Ok(saved) => {
                    current.set(saved);
                    key.set(String::new());
                    value.set(String::new());
                    status.set(Some((true, text.saved.to_owned())));
                }
                Err(failure) => status.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut texts = current.get_untracked();
        texts.0.entry(language.get_untracked()).or_default().insert(key.get_untracked().trim().to_owned(), value.get_untracked());
        store(texts);
    };
    view! {
        <form class="console-form console-own-texts" on:submit=add>
            <h2>{text.own_texts}</h2>
            <p class="console-meta">{text.own_texts_help}</p>
            <datalist id="console-text-keys">
                {carebox_contract::texts::TEXT_KEYS.lines().filter(|k| !k.is_empty()).map(|k| view! { <option value=k.to_owned()></option> }).collect_view()}
            </datalist>
            <label for="console-text-language">{text.text_language}</label>
            <select id="console-text-language" disabled=!owner on:change=move |ev| {
                if let Some(chosen) = Locale::ALL.into_iter().find(|l| l.as_str() == event_target_value(&ev)) { language.set(chosen) }
            }>
                {Locale::ALL.map(|l| view! { <option value=l.as_str()>{endonym(l)}</option> }).collect_view()}
            </select>
            <label for="console-text-key">{text.text_key}</label>
            <input id="console-text-key" type="text" list="console-text-keys" disabled=!owner prop:value=move || key.get()
                on:input=move |ev| key.set(event_target_value(&ev))/>
            <label for="console-text-value">{text.text_value}</label>
            <input id="console-text-value" type="text" disabled=!owner prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            {owner.then(|| view! { <button type="submit" class="console-button">{text.add_text}</button> })}
            {outcome_view(status)}
            {move || {
                let texts = current.get();
                if texts.is_empty() {
                    return view! { <p class="console-empty">{text.no_texts}</p> }.into_any();
                }
                view! {
                    <ul class="console-own-texts__list">
                        {texts.0.iter().flat_map(|(locale, keys)| keys.iter().map(move |(k, v)| (*locale, k.clone(), v.clone()))).map(|(locale, k, v)| {
                            let (remove_key, label) = (k.clone(), format!("{} {} ({})", text.remove, k, locale.as_str()));
                            view! {
                                <li data-text=format!("{}.{k}", locale.as_str())>
                                    <code>{format!("{}.{k}", locale.as_str())}</code>" — "<span>{v}</span>" "
                                    {owner.then(|| view! {
                                        <button type="button" class="console-button console-button--quiet" aria-label=label on:click=move |_| {
                                            let mut texts = current.get_untracked();
                                            if let Some(keys) = texts.0.get_mut(&locale) {
                                                keys.remove(&remove_key);
                                                if keys.is_empty() { texts.0.remove(&locale); }
                                            }
                                            store(texts);
                                        }>{text.remove}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </form>
    }
}

/// The `<script>` tag for the shop's pages, with a button that copies it.
#[component]
fn Snippet(position: RwSignal<&'static str>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let origin = window().location().origin().unwrap_or_default();
    let key = session.0.with_untracked(|s| s.as_ref().map(|s| s.staff.publishable_key.clone())).unwrap_or_default();
    let snippet = Signal::derive(move || {
        let place = if position.get() == "left" { r#" data-position="left""# } else { "" };
        format!(r#"<script src="{origin}/carebox.js" data-key="{key}"{place} async></script>"#)
    });
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        // navigator.clipboard.writeText, without an unstable web-sys feature; it may be refused
        // (no permission, an insecure page), and then the text is there to select by hand.
        let clipboard = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("clipboard")).ok();
        let write = clipboard.as_ref().and_then(|c| js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok());
        let promise = match (clipboard, write.and_then(|w| w.dyn_into::<js_sys::Function>().ok())) {
            (Some(clipboard), Some(write)) => write.call1(&clipboard, &JsValue::from_str(&snippet.get_untracked())).ok(),
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
    let publishable = session.0.with_untracked(|s| s.as_ref().map(|s| s.staff.publishable_key.clone())).unwrap_or_default();
    let rotation = owner.then(|| {
        view! {
            <h3>{text.secret_key}</h3>
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
    });
    view! {
        <h2>{text.keys}</h2>
        <p>{text.publishable_key}": "<code class="console-publishable-key">{publishable}</code></p>
        {rotation}
    }
}
