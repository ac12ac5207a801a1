//! Whether the panel is open, shared by the JS handle and the components.

use leptos::prelude::*;

/// Open/closed state of one widget instance, and the events the host page hears. Every change
/// is announced on the mount element as a `carebox:open` / `carebox:close` DOM event
/// (bubbling, crossing the shadow boundary), which the loader uses to manage the launcher
/// and focus.
#[derive(Clone)]
pub struct PanelState {
    open: ArcRwSignal<bool>,
    mount: web_sys::HtmlElement,
    /// Also told of every event as `relay(name, detail)`: in frame mode the frame's script,
    /// which passes them on to the shop's page (events do not cross documents).
    relay: Option<js_sys::Function>,
    /// In-page mode: part of the page, open for good.
    in_page: bool,
}

impl PanelState {
    pub fn new(mount: web_sys::HtmlElement) -> Self {
        Self { open: ArcRwSignal::new(false), mount, relay: None, in_page: false }
    }

    /// A panel drawn inside the page (`Carebox.init({ mount })`): open from the start, and
    /// closing it (Escape, `close()`) does nothing, as there is no launcher to bring it back.
    pub fn in_page(mount: web_sys::HtmlElement) -> Self {
        Self { open: ArcRwSignal::new(true), mount, relay: None, in_page: true }
    }

    pub fn is_in_page(&self) -> bool {
        self.in_page
    }

    /// The element the app is drawn in (inside the widget's shadow root, or the frame's page).
    pub fn mount(&self) -> &web_sys::HtmlElement {
        &self.mount
    }

    pub fn relaying_to(self, relay: Option<js_sys::Function>) -> Self {
        Self { relay, ..self }
    }

    /// The element that carries the theme for the whole instance: the shadow host when the
    /// widget lives in a shadow root (so the loader's launcher shares it), else the mount.
    pub fn theme_target(&self) -> web_sys::HtmlElement {
        use wasm_bindgen::JsCast;
        self.mount
            .get_root_node()
            .dyn_into::<web_sys::ShadowRoot>()
            .ok()
            .and_then(|shadow| shadow.host().dyn_into::<web_sys::HtmlElement>().ok())
            .unwrap_or_else(|| self.mount.clone())
    }

    pub fn is_open(&self) -> bool {
        self.open.get_untracked()
    }

    /// Tracked read, for views.
    pub fn open_signal(&self) -> Signal<bool> {
        let open = self.open.clone();
        Signal::derive(move || open.get())
    }

    pub fn set_open(&self, open: bool) {
        if self.open.get_untracked() == open || (self.in_page && !open) {
            return;
        }
        self.open.set(open);
        self.announce(if open { "open" } else { "close" }, &wasm_bindgen::JsValue::UNDEFINED);
    }

    /// Tells the host page that something happened: a `carebox:<name>` DOM event with
    /// `detail`, bubbling out of the shadow root (the loader's `on(name, fn)` listens to it).
    pub fn announce(&self, name: &str, detail: &wasm_bindgen::JsValue) {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(detail);
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(&format!("carebox:{name}"), &init) {
            let _ = self.mount.dispatch_event(&event);
        }
        if let Some(relay) = &self.relay {
            let _ = relay.call2(&wasm_bindgen::JsValue::NULL, &name.into(), detail);
        }
    }
}

impl std::fmt::Debug for PanelState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanelState").field("open", &self.is_open()).finish()
    }
}
