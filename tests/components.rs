//! Component tests in headless Chromium (`cargo xtask test` runs them through
//! wasm-bindgen-test-runner): each mounts the real components into a shadow root, as the
//! loader does, and asserts on the DOM a shopper would see.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use carebox_contract::{Feature, Locale, Theme, WidgetConfig};
use carebox_widget::{
    App, MountConfig, PanelState, WidgetSettings,
    components::{home::Home, panel::Panel},
};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

struct Mounted {
    host: web_sys::HtmlElement,
    shadow: web_sys::ShadowRoot,
    panel: PanelState,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

impl Mounted {
    fn query(&self, selector: &str) -> Option<web_sys::Element> {
        self.shadow.query_selector(selector).unwrap()
    }
    fn text(&self, selector: &str) -> String {
        self.query(selector).unwrap_or_else(|| panic!("no {selector}")).text_content().unwrap_or_default()
    }
    fn count(&self, selector: &str) -> u32 {
        self.shadow.query_selector_all(selector).unwrap().length()
    }
}

fn settings(locale: Locale, api: &str) -> WidgetSettings {
    WidgetSettings::try_from(MountConfig {
        key: "pk_test_components".into(),
        api: api.into(),
        locale: Some(locale.as_str().into()),
        page_lang: None,
    })
    .unwrap()
}

/// Mounts `view` into a fresh shadow root with the contexts the widget provides.
fn mount_in_shadow<V: IntoView + 'static>(settings: WidgetSettings, view: impl FnOnce() -> V + 'static) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let shadow = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)).unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    shadow.append_child(&container).unwrap();
    let panel = PanelState::new(container.clone());
    let context_panel = panel.clone();
    let handle = leptos::mount::mount_to(container, move || {
        provide_context(settings);
        provide_context(context_panel);
        view().into_any()
    });
    Mounted { host, shadow, panel, _handle: handle }
}

fn config(greetings: BTreeMap<Locale, String>) -> WidgetConfig {
    WidgetConfig { merchant_name: "Northwind Goods".into(), greetings, features: Feature::ALL.to_vec(), theme: Theme::default() }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Polls until `check` holds (the DOM updates asynchronously), failing after ~3 s.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..150 {
        if check() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for: {what}");
}

#[wasm_bindgen_test]
async fn home_greets_with_the_merchants_text_and_lists_the_four_entries_in_russian() {
    let greetings = BTreeMap::from([(Locale::Ru, "Здравствуйте, это Нортвинд!".to_owned())]);
    let config = config(greetings);
    let mounted = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || {
        view! { <Panel title="Northwind Goods".to_string()><Home config/></Panel> }
    });
    mounted.panel.set_open(true);
    eventually("panel shown", || mounted.query("[role=dialog]:not([hidden])").is_some()).await;

    assert_eq!(mounted.text("#carebox-panel-title"), "Northwind Goods");
    assert_eq!(mounted.text(".carebox-home__greeting"), "Здравствуйте, это Нортвинд!");
    assert_eq!(mounted.count(".carebox-entry"), 4);
    let titles: Vec<String> = (0..4)
        .map(|i| mounted.shadow.query_selector_all(".carebox-entry__title").unwrap().item(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(titles, ["Отследить заказ", "Сообщить о проблеме", "Оцените нас", "Мои бонусы"]);
    assert_eq!(mounted.count(".carebox-entry__badge"), 4);
    assert_eq!(mounted.text(".carebox-entry__badge"), "Скоро");
    let close = mounted.query(".carebox-panel__close").unwrap();
    assert_eq!(close.get_attribute("aria-label").as_deref(), Some("Закрыть"));
}

#[wasm_bindgen_test]
async fn built_in_greeting_when_the_merchant_has_none_for_the_language() {
    let mounted = mount_in_shadow(settings(Locale::Ar, "http://127.0.0.1:9"), move || {
        view! { <Panel title="Northwind Goods".to_string()><Home config=config(BTreeMap::new())/></Panel> }
    });
    mounted.panel.set_open(true);
    eventually("panel shown", || mounted.query("[role=dialog]:not([hidden])").is_some()).await;
    assert_eq!(mounted.text(".carebox-home__greeting"), "مرحبًا! كيف يمكننا مساعدتك؟");
}

#[wasm_bindgen_test]
async fn escape_closes_the_panel_and_announces_it_on_the_host() {
    let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || {
        view! { <Panel title="Shop".to_string()><p>"body"</p></Panel> }
    });
    let closes = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = closes.clone();
    let on_close = Closure::<dyn Fn()>::new(move || counter.set(counter.get() + 1));
    mounted.host.add_event_listener_with_callback("carebox:close", on_close.as_ref().unchecked_ref()).unwrap();

    mounted.panel.set_open(true);
    eventually("panel shown", || mounted.query("[role=dialog]:not([hidden])").is_some()).await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    mounted.query("[role=dialog]").unwrap().dispatch_event(&escape).unwrap();

    eventually("panel hidden", || mounted.query("[role=dialog][hidden]").is_some()).await;
    assert!(!mounted.panel.is_open());
    assert_eq!(closes.get(), 1, "one carebox:close event reaches the host");
    mounted.panel.set_open(false);
    assert_eq!(closes.get(), 1, "closing a closed panel announces nothing");
}

#[wasm_bindgen_test]
async fn an_unreachable_api_shows_a_human_message_and_a_retry() {
    // Port 9 on loopback: nothing listens, so the real request fails as it would offline.
    let settings = settings(Locale::En, "http://127.0.0.1:9");
    let panel_settings = settings.clone();
    let mounted = mount_in_shadow(settings, move || {
        let panel = expect_context::<PanelState>();
        view! { <App settings=panel_settings panel/> }
    });
    mounted.panel.set_open(true);
    eventually("failure shown", || mounted.query(".carebox-failure").is_some()).await;
    assert_eq!(
        mounted.text(".carebox-failure__message"),
        "We can't reach the shop's help service. Check your connection and try again."
    );
    assert_eq!(mounted.text(".carebox-failure .carebox-button"), "Try again");
    assert!(mounted.query(".carebox-failure__details").is_none(), "no request id without a server answer");
    assert_eq!(mounted.text("#carebox-panel-title"), "Help");
    let root = mounted.query(".carebox-root").unwrap();
    assert_eq!((root.get_attribute("lang").as_deref(), root.get_attribute("dir").as_deref()), (Some("en"), Some("ltr")));
}

#[wasm_bindgen_test]
fn mount_refuses_a_bad_snippet_naming_the_attribute() {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    let config = js_sys::JSON::parse(r#"{"key":"sk_live_oops","api":"http://127.0.0.1:9"}"#).unwrap();
    let Err(error) = carebox_widget::mount(container, config) else { panic!("secret key accepted") };
    let message = JsValue::from(error).dyn_into::<js_sys::Error>().unwrap().message();
    assert!(String::from(message.clone()).contains("data-key"), "{message:?}");
}
