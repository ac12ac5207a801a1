//! The root component and the settings it is mounted with.

use carebox_contract::{FieldError, Locale, PublishableKey, WidgetConfig};
use leptos::prelude::*;
use serde::Deserialize;

use crate::api::ApiClient;
use crate::components::{failure::Failure, home::Home, panel::Panel, skeleton::Skeleton};
use crate::i18n::strings;
use crate::panel_state::PanelState;

/// What the loader passes to `mount`, straight from the snippet's `data-*` attributes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountConfig {
    /// `data-key`: the merchant's publishable key.
    pub key: String,
    /// `data-api`, else the loader's origin.
    pub api: String,
    /// `data-locale`, if set.
    #[serde(default)]
    pub locale: Option<String>,
    /// The page's `<html lang>`, if set.
    #[serde(default)]
    pub page_lang: Option<String>,
}

/// Parsed, valid settings of one widget instance (provided as context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetSettings {
    pub api: ApiClient,
    pub locale: Locale,
}

impl TryFrom<MountConfig> for WidgetSettings {
    type Error = FieldError;

    fn try_from(config: MountConfig) -> Result<Self, Self::Error> {
        let key = PublishableKey::parse(&config.key)
            .map_err(|e| e.at("data-key"))?;
        let api = config.api.trim();
        if !(api.starts_with("https://") || api.starts_with("http://")) {
            return Err(FieldError::invalid("data-api", "data-api must be an http(s) URL."));
        }
        let browser_languages = browser_languages();
        let candidates = config
            .locale
            .iter()
            .chain(config.page_lang.iter())
            .chain(browser_languages.iter())
            .map(String::as_str);
        Ok(Self { api: ApiClient::new(api, key), locale: Locale::negotiate(candidates) })
    }
}

fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    window.navigator().language().into_iter().collect()
}

/// The whole widget: the panel with the merchant's greeting and the entries.
#[component]
pub fn App(settings: WidgetSettings, panel: PanelState) -> impl IntoView {
    let locale = settings.locale;
    let text = strings(locale);
    let api = settings.api.clone();
    provide_context(settings);
    provide_context(panel.clone());

    let config = LocalResource::new(move || {
        let api = api.clone();
        async move { api.widget_config().await }
    });
    let loaded = move || config.get().and_then(Result::ok);
    let title = Signal::derive(move || loaded().map(|c| c.merchant_name).unwrap_or_else(|| text.panel_title.to_owned()));
    let theme_target = panel.theme_target();
    Effect::new(move || {
        if let Some(config) = loaded() {
            apply_theme(&theme_target, &config);
        }
    });
    let scheme = move || loaded().map(|c| c.theme.color_scheme.as_str()).unwrap_or("auto");

    view! {
        <div class="carebox-root" lang=locale.as_str() dir=if locale.is_rtl() { "rtl" } else { "ltr" }
            data-scheme=scheme>
            <Panel title=title>
                <Transition fallback=move || view! { <Skeleton/> }>
                    <ErrorBoundary fallback=move |errors| view! {
                        <Failure errors=errors on_retry=Callback::new(move |()| config.refetch())/>
                    }>
                        {move || Suspend::new(async move {
                            config.await.map(|config| view! { <Home config=config/> })
                        })}
                    </ErrorBoundary>
                </Transition>
            </Panel>
        </div>
    }
}

/// The merchant's theme, as fallbacks: a developer's `--carebox-*` properties on the page win.
fn apply_theme(target: &web_sys::HtmlElement, config: &WidgetConfig) {
    let style = target.style();
    let _ = style.set_property("--carebox-theme-accent", config.theme.accent.as_str());
    let _ = style.set_property("--carebox-theme-radius", &format!("{}px", config.theme.radius.px()));
}
