//! The widget as JavaScript sees it: what the loader (`www/carebox.js`) calls. Behind the
//! `js-api` feature (on by default) so that a Leptos app using the components exports
//! nothing of it.

use std::cell::RefCell;
use std::rc::Rc;

use carebox_contract::OrderNumber;
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use wasm_bindgen::{JsCast, prelude::*};

use crate::api::{ApiClient, FirstConfig};
use crate::app::{App, MountConfig, WidgetSettings};
use crate::i18n;
use crate::panel_state::PanelState;
use crate::session::{Session, View};

/// How long the first draw waits for the loader's configuration request: a slower answer
/// finds the panel drawn, with a skeleton where the screens go until it arrives.
const CONFIG_WAIT_MS: i32 = 200;

/// A mounted widget, as seen from JavaScript.
#[wasm_bindgen]
pub struct Widget {
    panel: PanelState,
    session: Session,
    container: web_sys::HtmlElement,
    /// Shared with a language switch in flight (it fetches the texts first).
    drawn: Rc<RefCell<Drawn>>,
}

/// What is on the page now, and with which configuration.
struct Drawn {
    config: MountConfig,
    /// `None` once destroyed: a language switch that lands later draws nothing.
    view: Option<leptos::mount::UnmountHandle<AnyViewState>>,
}

#[wasm_bindgen]
impl Widget {
    pub fn open(&self) {
        self.panel.set_open(true);
    }
    pub fn close(&self) {
        self.panel.set_open(false);
    }
    pub fn toggle(&self) {
        self.panel.set_open(!self.panel.is_open());
    }
    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.panel.is_open()
    }
    /// Opens the panel on a screen: `{ view: "home" | "track" | "order" | "report" | "bonuses" |
    /// "rate", order?: "NW-1003" }` (a deep link). An order the shopper has no token for
    /// opens the lookup form with its number filled in.
    pub fn show(&self, target: JsValue) -> Result<(), JsError> {
        // Read by hand: a serde derive here costs the first open kilobytes.
        let field = |name: &str| js_sys::Reflect::get(&target, &name.into()).ok().and_then(|value| value.as_string());
        let target = OpenTarget { view: field("view").unwrap_or_default(), order: field("order") };
        let view = target.into_view(&self.session).map_err(|message| JsError::new(&format!("Carebox.open: {message}")))?;
        self.session.navigation.home();
        self.session.navigation.go(view);
        self.panel.set_open(true);
        Ok(())
    }
    /// Names the shopper with a token the merchant's backend signed (`None` forgets them).
    pub fn identify(&self, token: Option<String>) {
        self.session.identify(token);
    }
    /// Speaks another language from now on (once its texts are here): the app is drawn again
    /// with the same state (the screen, what was typed, tokens, complaints on their way).
    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&self, locale: String) -> js_sys::Promise {
        let (drawn, container, panel, session) = (self.drawn.clone(), self.container.clone(), self.panel.clone(), self.session.clone());
        wasm_bindgen_futures::future_to_promise(async move {
            let refused = |e: String| JsValue::from(JsError::new(&format!("Carebox.setLocale: {e}")));
            let mut config = drawn.borrow().config.clone();
            config.locale = Some(locale);
            i18n::ensure_loaded(config.locale_wanted(), &config.app_folder).await.map_err(refused)?;
            let settings = WidgetSettings::try_from(&config).map_err(|e| refused(e.to_string()))?;
            let mut drawn = drawn.borrow_mut();
            if drawn.view.take().is_some() {
                drawn.view = Some(draw(&container, settings, &panel, &session, FirstConfig::Ask));
                drawn.config = config;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
    /// Removes the app and everything it started: its DOM, timers, listeners and complaints
    /// still being sent. (The loader then removes the drafts kept in this browser: a sweep
    /// here would pull the drafts code into the first-open bundle.) The handle is spent.
    pub fn destroy(&self) {
        self.drawn.borrow_mut().view.take();
        self.session.close();
    }
}

/// Where `open({ view, order })` goes.
struct OpenTarget {
    view: String,
    order: Option<String>,
}

impl OpenTarget {
    fn into_view(self, session: &Session) -> Result<View, String> {
        let order = match self.order.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(raw) => Some(OrderNumber::parse(raw).map_err(|_| format!("\"{raw}\" is not an order number"))?),
            None => None,
        };
        Ok(match self.view.as_str() {
            "home" => View::Home,
            // "order" without a number is an order-tracking page: the same as "track".
            "track" | "order" => session.order_screen(order),
            "report" => View::ReportProblem(order),
            "bonuses" => View::Bonuses,
            "rate" => View::RateUs,
            other => return Err(format!("unknown view \"{other}\": use home, track, order, report, bonuses or rate")),
        })
    }
}

fn draw(
    container: &web_sys::HtmlElement,
    settings: WidgetSettings,
    panel: &PanelState,
    session: &Session,
    first_config: FirstConfig,
) -> leptos::mount::UnmountHandle<AnyViewState> {
    let (panel, session) = (panel.clone(), session.clone());
    leptos::mount::mount_to(container.clone(), move || view! { <App settings panel session first_config/> }.into_any())
}

/// Mounts the widget into `container` (an element inside the loader's shadow root).
///
/// `config` is `{ key, api, locale?, pageLang?, shopperToken?, frame?, inPage?, theme?,
/// strings?, app?, onEvent? }` (resolves once the shopper's language's texts are here); an invalid
/// one is refused with an error that names the bad `data-*` attribute, for the merchant's
/// console. `onEvent(name, detail)` hears every event the widget announces. `sentConfig`: the
/// loader's `fetch` of the merchant's configuration, started beside the app's download; the
/// first draw waits [`CONFIG_WAIT_MS`] at most for it.
#[wasm_bindgen]
pub async fn mount(container: web_sys::HtmlElement, config: JsValue, sent_config: Option<js_sys::Promise>) -> Result<Widget, JsError> {
    let relay = js_sys::Reflect::get(&config, &"onEvent".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let config = MountConfig::read(&config);
    i18n::ensure_loaded(config.locale_wanted(), &config.app_folder).await.map_err(|e| JsError::new(&format!("Carebox: {e}")))?;
    let settings = WidgetSettings::try_from(&config).map_err(|e| JsError::new(&format!("Carebox: {e}")))?;
    let panel = if config.in_page { PanelState::in_page(container.clone()) } else { PanelState::new(container.clone()) };
    let panel = panel.relaying_to(relay);
    let session = Session::new(config.shopper_token.clone());
    // Usually answered by now (it raced the app's download): then the first draw has the
    // merchant's screens, with no skeleton drawn first and replaced.
    let first_config = match sent_config {
        Some(sent) => ApiClient::first_config(sent, CONFIG_WAIT_MS).await,
        None => FirstConfig::Ask,
    };
    let mounted = draw(&container, settings, &panel, &session, first_config);
    Ok(Widget { panel, session, container, drawn: Rc::new(RefCell::new(Drawn { config, view: Some(mounted) })) })
}
