//! The Carebox widget: a Leptos client-side app that the loader (`www/carebox.js`) mounts
//! into a shadow root on the merchant's page once the shopper shows intent.
//!
//! JS entry point: [`mount`] returns a [`Widget`] handle with `open()`, `close()`,
//! `toggle()` and `destroy()`. Rust users can render [`App`] or the components directly.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
pub mod loading;
pub mod panel_state;
pub mod screens;
pub mod session;

pub use app::{App, MountConfig, WidgetSettings};
pub use panel_state::PanelState;
pub use session::Session;

use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use wasm_bindgen::prelude::*;

/// A mounted widget, as seen from JavaScript.
#[wasm_bindgen]
pub struct Widget {
    panel: PanelState,
    session: Session,
    mounted: Option<leptos::mount::UnmountHandle<AnyViewState>>,
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
    /// Names the shopper with a token the merchant's backend signed (`None` forgets them).
    pub fn identify(&self, token: Option<String>) {
        self.session.identify(token);
    }
    /// Removes the app from the page; the handle is spent.
    pub fn destroy(&mut self) {
        self.mounted.take();
    }
}

/// Mounts the widget into `container` (an element inside the loader's shadow root).
///
/// `config` is `{ key, api, locale?, pageLang?, shopperToken? }`; an invalid one is refused with an
/// error that names the bad `data-*` attribute, for the merchant's console.
#[wasm_bindgen]
pub fn mount(container: web_sys::HtmlElement, config: JsValue) -> Result<Widget, JsError> {
    let config: MountConfig =
        serde_wasm_bindgen::from_value(config).map_err(|e| JsError::new(&format!("Carebox: unreadable configuration: {e}")))?;
    let settings = WidgetSettings::try_from(&config).map_err(|e| JsError::new(&format!("Carebox: {e}")))?;
    let panel = PanelState::new(container.clone());
    let session = Session::new(config.shopper_token);
    let (app_panel, app_session) = (panel.clone(), session.clone());
    let mounted = leptos::mount::mount_to(container, move || view! { <App settings panel=app_panel session=app_session/> }.into_any());
    Ok(Widget { panel, session, mounted: Some(mounted) })
}
