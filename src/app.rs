//! The root component and the settings it is mounted with.

use carebox_contract::{ColorScheme, Locale, PublishableKey, WidgetConfig};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::api::{ApiClient, FirstConfig};
use crate::components::{
    failure::Failure,
    home::Home,
    panel::{Panel, active_element},
    skeleton::Skeleton,
};
use crate::i18n::{Strings, strings};
use crate::loading;
use crate::panel_state::PanelState;
use crate::screen_assets;
use crate::screens;
use crate::session::{Session, View};

/// What the loader passes to `mount`, straight from the snippet's `data-*` attributes.
#[derive(Debug, Clone, Default)]
pub struct MountConfig {
    /// `data-key`: the merchant's publishable key.
    pub key: String,
    /// `data-api`, else the loader's origin.
    pub api: String,
    /// `data-locale`, if set.
    pub locale: Option<String>,
    /// The page's `<html lang>`, if set.
    pub page_lang: Option<String>,
    /// `data-shopper-token` or `identify(token)` before the app loaded.
    pub shopper_token: Option<String>,
    /// Frame mode: the app is the whole page of an iframe the loader sizes (the shop's CSP
    /// forbids WebAssembly on its own page).
    pub frame: bool,
    /// In-page mode (`Carebox.init({ mount })`): the panel is part of the merchant's page, always
    /// shown, with no launcher and nothing modal about it.
    pub in_page: bool,
    /// `data-theme`: `light`, `dark` or `auto`; the page's choice wins over the merchant's.
    pub theme: Option<String>,
    /// `init({ strings: { ru: { "complaint.send": "…" } } })`: texts by language tag, then by key.
    pub strings: Texts,
    /// The app's folder (`…/app/<hash>/`), where the bundle fetches other languages' texts and
    /// the screens' stylesheet.
    pub app_folder: String,
}

impl MountConfig {
    /// The language the widget speaks: `data-locale`, the page's, then the browser's.
    pub fn locale_wanted(&self) -> Locale {
        let browser_languages = browser_languages();
        let candidates = self.locale.iter().chain(self.page_lang.iter()).chain(browser_languages.iter()).map(String::as_str);
        Locale::negotiate(candidates)
    }

    /// Reads the loader's `{ key, api, locale?, pageLang?, shopperToken?, frame?, inPage?,
    /// theme?, strings?, app? }`.
    /// By hand, not by a serde derive, which costs the first open hundreds of bytes. A missing
    /// or non-text key or API reads as empty, which [`WidgetSettings::try_from`] then refuses
    /// naming the `data-*` attribute.
    pub fn read(config: &JsValue) -> Self {
        let field = |name: &str| js_sys::Reflect::get(config, &name.into()).unwrap_or(JsValue::UNDEFINED);
        let text = |name: &str| field(name).as_string();
        Self {
            key: text("key").unwrap_or_default(),
            api: text("api").unwrap_or_default(),
            locale: text("locale"),
            page_lang: text("pageLang"),
            shopper_token: text("shopperToken"),
            frame: field("frame").is_truthy(),
            in_page: field("inPage").is_truthy(),
            theme: text("theme"),
            // Any file of the folder will do: the loader passes its stylesheet's URL.
            app_folder: text("app").map(|url| url[..url.rfind('/').map_or(0, |slash| slash + 1)].to_owned()).unwrap_or_default(),
            strings: texts_by_language(&field("strings")).into(),
        }
    }
}

/// Texts by language tag, then by key: `init({ strings })`, or a merchant's own in their config.
/// Shared, not copied, by the settings and configurations that hold it.
pub type Texts = std::sync::Arc<[(String, Vec<(String, String)>)]>;

/// `{ ru: { "complaint.send": "…" } }` read by hand (a non-text value reads as empty, which
/// [`texts_for`] names).
pub fn texts_by_language(value: &JsValue) -> Vec<(String, Vec<(String, String)>)> {
    entries(value)
        .into_iter()
        .map(|(tag, texts)| (tag, entries(&texts).into_iter().map(|(key, value)| (key, value.as_string().unwrap_or_default())).collect()))
        .collect()
}

/// `[key, value]` of an object's own properties; none for anything else.
fn entries(object: &JsValue) -> Vec<(String, JsValue)> {
    if !object.is_object() {
        return Vec::new();
    }
    let object: &js_sys::Object = wasm_bindgen::JsCast::unchecked_ref(object);
    js_sys::Object::entries(object)
        .iter()
        .filter_map(|entry| {
            let pair: js_sys::Array = wasm_bindgen::JsCast::unchecked_into(entry);
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect()
}

/// Parsed, valid settings of one widget instance (provided as context).
#[derive(Clone)]
pub struct WidgetSettings {
    pub api: ApiClient,
    pub locale: Locale,
    /// Running in frame mode (see [`MountConfig::frame`]).
    pub frame: bool,
    /// Drawn inside the merchant's page (see [`MountConfig::in_page`]).
    pub in_page: bool,
    /// The colour scheme the page asked for (`data-theme`), if any.
    pub theme: Option<ColorScheme>,
    /// Every text in [`Self::locale`], with the page's overrides in (and, below the panel's
    /// header, the merchant's own: see `Screens`).
    pub text: &'static Strings,
    /// The page's overrides, which win over the merchant's.
    pub page_texts: Texts,
    /// See [`MountConfig::app_folder`].
    pub app_folder: String,
}

impl std::fmt::Debug for WidgetSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WidgetSettings").field("api", &self.api).field("locale", &self.locale).finish_non_exhaustive()
    }
}

impl TryFrom<&MountConfig> for WidgetSettings {
    type Error = carebox_contract::FieldError;

    fn try_from(config: &MountConfig) -> Result<Self, Self::Error> {
        let key = PublishableKey::parse(&config.key).map_err(|e| e.at("data-key"))?;
        let api = config.api.trim();
        if !(api.starts_with("https://") || api.starts_with("http://")) {
            return Err(carebox_contract::FieldError::invalid("data-api", "data-api must be an http(s) URL."));
        }
        let theme = match config.theme.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("light") => Some(ColorScheme::Light),
            Some("dark") => Some(ColorScheme::Dark),
            Some("auto") => Some(ColorScheme::Auto),
            Some(_) => return Err(carebox_contract::FieldError::invalid("data-theme", "data-theme must be light, dark or auto.")),
        };
        let locale = config.locale_wanted();
        Ok(Self {
            api: ApiClient::new(api, key),
            locale,
            frame: config.frame,
            in_page: config.in_page,
            theme,
            text: texts_for(locale, &[], &config.strings),
            page_texts: config.strings.clone(),
            app_folder: config.app_folder.clone(),
        })
    }
}

/// The built-in texts of `locale` with the merchant's and then the page's overrides for it. A language or key that does
/// not exist, or a text that is not a string, is named in the console (the page's developer
/// made a typo) and left out; the widget still starts.
fn texts_for(locale: Locale, merchant: &[(String, Vec<(String, String)>)], page: &[(String, Vec<(String, String)>)]) -> &'static Strings {
    let warn = |message: String| web_sys::console::warn_1(&format!("Carebox: {message}").into());
    let mut mine = Vec::new();
    // The page's come last: a later text for a key replaces an earlier one.
    for (tag, texts) in merchant.iter().chain(page) {
        match Locale::from_tag(tag) {
            Some(language) if language == locale => mine.extend(texts.iter().cloned()),
            Some(_) => {}
            None => warn(format!("strings.{tag}: no such language (use en, ru or ar)")),
        }
    }
    mine.retain(|(key, value)| {
        let text = !value.is_empty();
        if !text {
            warn(format!("strings.{}.{key} must be a non-empty string", locale.as_str()));
        }
        text
    });
    let (table, unknown) = strings(locale).with_overrides(&mine);
    for key in unknown {
        warn(format!("strings.{}: no text \"{key}\" (the keys are in docs/embedding.md)", locale.as_str()));
    }
    table
}

fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    window.navigator().language().into_iter().collect()
}

/// The merchant's configuration with the texts in effect (theirs in, the page's still winning).
type LoadedConfig = Result<(WidgetConfig, &'static Strings), crate::api::ApiFailure>;

/// The whole widget: the panel, its screens, and the merchant's configuration.
#[component]
pub fn App(
    settings: WidgetSettings,
    panel: PanelState,
    session: Session,
    /// What the loader's request for the configuration came to (see
    /// [`crate::api::ApiClient::widget_config`]); used for the first load only.
    #[prop(optional)]
    first_config: FirstConfig,
) -> impl IntoView {
    let locale = settings.locale;
    let frame = settings.frame;
    let in_page = settings.in_page;
    let page_theme = settings.theme;
    let text = settings.text;
    let api = settings.api.clone();
    let page_texts = settings.page_texts.clone();
    provide_context(settings);
    provide_context(panel.clone());
    provide_context(session.clone());

    // The configuration, and the texts with the merchant's own in (the page's still win).
    // Not a `LocalResource`, which waits a tick before even a ready answer: one already here is
    // in the first draw, with no skeleton drawn and replaced before the shopper sees the panel.
    let first_config = std::cell::Cell::new(first_config);
    let retry = Trigger::new();
    let config: AsyncDerived<LoadedConfig, LocalStorage> = AsyncDerived::new_unsync(move || {
        retry.track();
        let (api, page_texts, first) = (api.clone(), page_texts.clone(), first_config.take());
        async move {
            let (config, merchant) = api.widget_config(first).await?;
            Ok::<_, crate::api::ApiFailure>((config, if merchant.is_empty() { text } else { texts_for(locale, &merchant, &page_texts) }))
        }
    });
    let loaded_now = move || config.with(|loaded| loaded.as_ref().and_then(|answer| answer.as_ref().ok()).cloned());
    let config_now = move || loaded_now().map(|(config, _)| config);
    let theme_target = panel.theme_target();
    Effect::new(move || {
        if let Some(config) = config_now() {
            apply_theme(&theme_target, &config);
        }
    });
    let scheme = move || page_theme.or_else(|| config_now().map(|c| c.theme.color_scheme)).unwrap_or_default().as_str();

    let view = session.navigation.signal();
    let title = {
        let view = view.clone();
        Signal::derive(move || {
            let (config, text) = loaded_now().map_or((None, text), |(config, text)| (Some(config), text));
            match view.get() {
                View::Home => config.map(|c| c.merchant_name).unwrap_or_else(|| text.panel_title.to_owned()),
                View::TrackOrder | View::Order(_) => text.track_order.to_owned(),
                View::MyOrders => text.my_orders.to_owned(),
                View::ReportProblem(_) => text.report_problem.to_owned(),
                View::Complaint { .. } => text.complaint.title.to_owned(),
                View::Bonuses => text.my_bonuses.to_owned(),
                View::RateUs => text.rate_us.to_owned(),
            }
        })
    };
    let can_go_back = {
        let navigation = session.navigation.clone();
        Signal::derive(move || !navigation.is_at_root())
    };
    let on_back = {
        let session = session.clone();
        Callback::new(move |()| session.navigation.back())
    };
    let root = NodeRef::<leptos::html::Div>::new();

    view! {
        <div class="carebox-root" lang=locale.as_str() dir=if locale.is_rtl() { "rtl" } else { "ltr" }
            data-scheme=scheme data-frame=frame.then_some("") data-in-page=in_page.then_some("") node_ref=root>
            <Panel title=title can_go_back on_back>
                <Transition fallback=move || view! { <Skeleton/> }>
                    <ErrorBoundary fallback=move |errors| view! {
                        <Failure errors=errors on_retry=Callback::new(move |()| retry.notify())/>
                    }>
                        {
                            let view = view.clone();
                            move || {
                                let view = view.clone();
                                Suspend::new(async move {
                                    loading::derived(config).await.map(|(config, text)| view! { <Screens config text view root/> })
                                })
                            }
                        }
                    </ErrorBoundary>
                </Transition>
            </Panel>
        </div>
    }
}

/// The screen the shopper is on. Home is part of the first load; the others arrive on first
/// use (the surrounding `Transition` keeps the current screen up meanwhile).
#[component]
fn Screens(
    config: WidgetConfig,
    /// The texts with the merchant's own in.
    text: &'static Strings,
    view: ArcRwSignal<View>,
    root: NodeRef<leptos::html::Div>,
) -> impl IntoView {
    let lookup_by = config.lookup_by;
    provide_context(WidgetSettings { text, ..expect_context::<WidgetSettings>() });
    // The screens' parts that depend on what the merchant enabled read it from here.
    provide_context(config.clone());
    let first_screen = StoredValue::new(true);
    // In the page, a screen the page itself asked for (`show()`) leaves the shopper's focus alone.
    let panel = expect_context::<PanelState>();
    let in_page = panel.is_in_page();
    // The screens' stylesheet goes to the root the app is drawn in (its shadow root, or the
    // frame's page): known from the start, unlike `root`, which is set once drawn.
    let mount: web_sys::Node = panel.mount().clone().into();
    let WidgetSettings { app_folder, locale, .. } = expect_context::<WidgetSettings>();
    move || {
        let (view, config) = (view.get(), config.clone());
        // Whatever had focus when the shopper asked for this screen (see below).
        let focused_before = root.get_untracked().and_then(|root| active_element(&root));
        let focus_was_in_widget = root.get_untracked().is_some_and(|root| focused_before.as_ref().is_some_and(|f| root.contains(Some(f))));
        // The screens' stylesheet and whole texts are requested now, alongside the screen's
        // chunk, and in place before the screen is drawn (home needs neither).
        let assets = || screen_assets::fetch(&app_folder, &mount, locale);
        let screen = screens::load(view, lookup_by, assets);
        Suspend::new(async move {
            let screen = match screen {
                Some(screen) => screen.await,
                None => view! { <Home config/> }.into_any(),
            };
            // A new screen replaces the control that had focus: once it is drawn, move focus to
            // its starting point so keyboard and screen-reader users are not dropped to <body>.
            // (The first screen is reached by opening the panel, which focuses the panel.)
            // A shopper quick enough to have focused something on the new screen keeps it.
            let page_asked = in_page && !focus_was_in_widget;
            if !first_screen.try_update_value(|first| std::mem::replace(first, false)).unwrap_or(true) && !page_asked {
                request_animation_frame(move || {
                    if let Some(root) = root.get_untracked()
                        && !focus_moved_into_screen(&root, focused_before.as_ref())
                    {
                        focus_screen(&root);
                    }
                });
            }
            screen
        })
    }
}

/// Whether focus is on the screen's body now, somewhere other than where it was when the
/// screen was asked for: the shopper (or their assistive technology) put it there.
fn focus_moved_into_screen(root: &web_sys::HtmlDivElement, focused_before: Option<&web_sys::Element>) -> bool {
    active_element(root).is_some_and(|now| Some(&now) != focused_before && now.closest(".carebox-panel__body").ok().flatten().is_some())
}

fn focus_screen(root: &web_sys::HtmlDivElement) {
    let target = root
        .query_selector(".carebox-panel__body [data-autofocus], .carebox-panel__body input, .carebox-panel__body button")
        .ok()
        .flatten()
        .or_else(|| root.query_selector("[role=dialog]").ok().flatten());
    if let Some(element) = target.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
        let _ = element.focus();
    }
}

/// The merchant's theme, as fallbacks: a developer's `--carebox-*` properties on the page win.
fn apply_theme(target: &web_sys::HtmlElement, config: &WidgetConfig) {
    let style = target.style();
    let _ = style.set_property("--carebox-theme-accent", config.theme.accent.as_str());
    let _ = style.set_property("--carebox-theme-radius", &format!("{}px", config.theme.radius.px()));
}
