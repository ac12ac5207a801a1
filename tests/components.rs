//! Component tests in headless Chromium (`cargo xtask test` runs them through
//! wasm-bindgen-test-runner): each mounts the real components into a shadow root, as the
//! loader does, and asserts on the DOM a shopper would see.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use carebox_contract::{
    Actor, CalendarDate, ComplaintCategory, ComplaintEventKind, ComplaintStatus, ComplaintTimelineEntry, ComplaintView, ContactPreference,
    CsatScore, DelayNotice, DesiredResolution, EscalationLevel, Feature, Locale, LookupMode, OrderEventKind, OrderItem, OrderNumber,
    OrderStatus, OrderView, Priority, ResolutionKind, Shipment, Theme, TimelineEntry, Timestamp, WidgetConfig,
};
use carebox_widget::{
    App, MountConfig, PanelState, Session, WidgetSettings,
    components::{
        bonuses::BonusesCard,
        complaints::{ComplaintForm, TicketCard},
        csat::RatingScale,
        home::Home,
        order_lookup::OrderLookupForm,
        order_view::OrderCard,
        panel::Panel,
    },
    i18n::{FIRST_OPEN_KEYS, Strings, strings},
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
    WidgetSettings::try_from(&MountConfig {
        key: "pk_test_components".into(),
        api: api.into(),
        locale: Some(locale.as_str().into()),
        page_lang: None,
        shopper_token: None,
        frame: false,
        in_page: false,
        theme: None,
        strings: Default::default(),
        app_folder: String::new(),
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
        provide_context(Session::new(None));
        view().into_any()
    });
    Mounted { host, shadow, panel, _handle: handle }
}

fn config(greetings: BTreeMap<Locale, String>) -> WidgetConfig {
    WidgetConfig {
        merchant_name: "Northwind Goods".into(),
        greetings,
        features: Feature::ALL.to_vec(),
        theme: Theme::default(),
        lookup_by: LookupMode::Email,
    }
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
fn a_languages_first_open_texts_round_trip_and_leave_the_rest_english() {
    let keys = Strings::all_keys();
    for key in FIRST_OPEN_KEYS {
        assert!(keys.iter().any(|k| k == key), "{key} is not a text's key");
    }
    let russian = strings(Locale::Ru);
    let parsed = |json: String| -> Vec<String> {
        let list: js_sys::Array = js_sys::JSON::parse(&json).unwrap().into();
        list.iter().map(|text| text.as_string().unwrap()).collect()
    };
    let sent = parsed(russian.first_open_json());
    assert_eq!(sent.len(), FIRST_OPEN_KEYS.len());
    let table = Strings::from_first_open_texts(&sent).expect("the texts it wrote");
    for (at, key) in keys.iter().enumerate() {
        let expected = if FIRST_OPEN_KEYS.contains(&key.as_str()) { russian } else { strings(Locale::En) };
        assert_eq!(table.texts()[at], expected.texts()[at], "{key}");
    }
    assert_eq!((table.panel_title, table.complaint.title, table.complaint.send), ("Помощь", "Ваше обращение", "Send report"));
    assert!(Strings::from_first_open_texts(&sent[1..]).is_none(), "a file of another version is refused");
    let whole = parsed(russian.to_json());
    assert_eq!(Strings::from_texts(&whole).map(|t| t.complaint.send), Some("Отправить обращение"));
}

#[wasm_bindgen_test]
fn every_text_has_a_key_and_a_page_can_override_each_one() {
    let keys = Strings::all_keys();
    assert!(keys.len() > 150, "{}", keys.len());
    // Keys are indices into the table seen as an array of texts: it must be nothing else.
    assert_eq!(std::mem::size_of::<Strings>(), keys.len() * std::mem::size_of::<&str>());
    assert_eq!(strings(Locale::En).texts().len(), keys.len());
    let position = keys.iter().position(|k| k == "complaint.send").unwrap();
    assert_eq!(strings(Locale::En).texts()[position], "Send report", "a key names its own text");
    let unique: std::collections::BTreeSet<_> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "a key names one text");
    for key in [
        "track_order",
        "complaint.send",
        "complaint.levels.l2",
        "csat.labels.very_satisfied",
        "bonuses.points.few",
        "event_names.delivered",
    ] {
        assert!(keys.iter().any(|k| k == key), "{key}");
    }
    let every: Vec<(String, String)> = keys.iter().map(|key| (key.clone(), format!("<{key}>"))).collect();
    let (table, unknown) = strings(Locale::Ru).with_overrides(&every);
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(
        (table.complaint.send, table.csat.labels.neutral, table.bonuses.points.few),
        ("<complaint.send>", "<csat.labels.neutral>", "<bonuses.points.few>")
    );
    assert_eq!(strings(Locale::Ru).complaint.send, "Отправить обращение", "the built-in table is untouched");
}

#[wasm_bindgen_test]
fn overrides_from_init_apply_to_their_language_only() {
    let given = js_sys::Object::new();
    let strings = js_sys::JSON::parse(
        r#"{"ru":{"greeting":"Привет от <b>магазина</b>","complaint.sendd":"x"},"en":{"greeting":"Hello"},"de":{"greeting":"Hallo"}}"#,
    )
    .unwrap();
    for (name, value) in [
        ("key", JsValue::from_str("pk_demo_northwind")),
        ("api", "http://127.0.0.1:9".into()),
        ("locale", "ru".into()),
        ("strings", strings),
    ] {
        js_sys::Reflect::set(&given, &name.into(), &value).unwrap();
    }
    let settings = WidgetSettings::try_from(&MountConfig::read(&given)).unwrap();
    assert_eq!(settings.text.greeting, "Привет от <b>магазина</b>", "Russian takes the Russian override, not the English one");
    assert_eq!(settings.text.track_order, "Отследить заказ", "the rest stays built in");
}

#[wasm_bindgen_test]
fn the_loaders_configuration_is_read_field_by_field_and_a_missing_key_is_named() {
    let given = js_sys::Object::new();
    for (name, value) in [
        ("key", JsValue::from_str("pk_demo_northwind")),
        ("api", "http://127.0.0.1:9".into()),
        ("inPage", true.into()),
        ("pageLang", "ru".into()),
    ] {
        js_sys::Reflect::set(&given, &name.into(), &value).unwrap();
    }
    let read = MountConfig::read(&given);
    assert_eq!((read.key.as_str(), read.api.as_str(), read.page_lang.as_deref()), ("pk_demo_northwind", "http://127.0.0.1:9", Some("ru")));
    assert!(read.in_page && !read.frame && read.locale.is_none() && read.shopper_token.is_none());
    let settings = WidgetSettings::try_from(&read).unwrap();
    assert!(settings.in_page);

    let refused = WidgetSettings::try_from(&MountConfig::read(&js_sys::Object::new())).unwrap_err();
    assert!(refused.to_string().contains("data-key"), "{refused}");
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
    // Every capability is a button into its flow; nothing is "coming soon" any more.
    assert_eq!(mounted.count(".carebox-entry__badge"), 0);
    for feature in ["order_status", "complaints", "csat", "loyalty"] {
        assert!(mounted.query(&format!("[data-feature={feature}] button.carebox-entry__action")).is_some(), "{feature}");
    }
    assert!(mounted.query("[data-feature=loyalty] button.carebox-entry__action").is_some());
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
        view! { <App settings=panel_settings panel session=Session::new(None)/> }
    });
    mounted.panel.set_open(true);
    eventually("failure shown", || mounted.query(".carebox-failure").is_some()).await;
    assert_eq!(mounted.text(".carebox-failure__message"), "We can't reach the shop's help service. Check your connection and try again.");
    assert_eq!(mounted.text(".carebox-failure .carebox-button"), "Try again");
    assert!(mounted.query(".carebox-failure__details").is_none(), "no request id without a server answer");
    assert_eq!(mounted.text("#carebox-panel-title"), "Help");
    let root = mounted.query(".carebox-root").unwrap();
    assert_eq!((root.get_attribute("lang").as_deref(), root.get_attribute("dir").as_deref()), (Some("en"), Some("ltr")));
}

#[wasm_bindgen_test]
async fn mount_refuses_a_bad_snippet_naming_the_attribute() {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    let config = js_sys::JSON::parse(r#"{"key":"sk_live_oops","api":"http://127.0.0.1:9"}"#).unwrap();
    let Err(error) = carebox_widget::mount(container, config, None).await else { panic!("secret key accepted") };
    let message = JsValue::from(error).dyn_into::<js_sys::Error>().unwrap().message();
    assert!(String::from(message.clone()).contains("data-key"), "{message:?}");
}

const HOUR_MS: i64 = 3_600_000;
const PLACED_MS: i64 = 1_795_599_000_000; // 2026-11-25T09:30:00Z

fn date(raw: &str) -> CalendarDate {
    CalendarDate::parse(raw, "test").unwrap()
}

/// A realistic order whose timeline ends in `kinds.last()`.
fn order(kinds: &[OrderEventKind], status: OrderStatus) -> OrderView {
    OrderView {
        number: OrderNumber::parse("NW-1042").unwrap(),
        status,
        placed_at: Timestamp::from_unix_ms(PLACED_MS),
        timeline: kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| TimelineEntry { kind: *kind, at: Timestamp::from_unix_ms(PLACED_MS + i as i64 * HOUR_MS), note: None })
            .collect(),
        expected_delivery: Some(date("2026-11-27")),
        delay: None,
        shipments: vec![Shipment {
            carrier: "DHL".into(),
            tracking_number: "JD0146".into(),
            tracking_url: Some("https://tracking.example/JD0146".into()),
        }],
        items: vec![
            OrderItem {
                name: "Trail Flask".into(),
                quantity: 2,
                unit_price_minor: 3400,
                image_url: Some("https://cdn.example/flask.jpg".into()),
            },
            OrderItem { name: "<b>Beanie</b>".into(), quantity: 1, unit_price_minor: 2900, image_url: None },
        ],
        currency: "EUR".into(),
        total_minor: 9700,
        loyalty_points: Some(97),
    }
}

#[wasm_bindgen_test]
async fn the_order_view_renders_every_status_on_its_timeline() {
    use OrderEventKind as K;
    let cases: [(&[OrderEventKind], OrderStatus, &str, Option<&str>); 8] = [
        (&[K::Placed], OrderStatus::Placed, "Placed", Some("Placed")),
        (&[K::Placed, K::Paid], OrderStatus::Paid, "Paid", Some("Paid")),
        (&[K::Placed, K::Paid, K::Packed], OrderStatus::Packed, "Packed", Some("Packed")),
        (&[K::Placed, K::Paid, K::Packed, K::Shipped], OrderStatus::Shipped, "Shipped", Some("Shipped")),
        (&[K::Placed, K::Paid, K::Shipped, K::OutForDelivery], OrderStatus::OutForDelivery, "Out for delivery", Some("Out for delivery")),
        (&[K::Placed, K::Paid, K::Shipped, K::Delivered], OrderStatus::Delivered, "Delivered", Some("Delivered")),
        (&[K::Placed, K::Paid, K::Cancelled], OrderStatus::Cancelled, "Cancelled", None),
        (&[K::Placed, K::Shipped, K::Delivered, K::Returned], OrderStatus::Returned, "Returned", None),
    ];
    for (kinds, status, badge, current_step) in cases {
        let view_of_order = order(kinds, status);
        let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || view! { <OrderCard order=view_of_order/> });
        eventually("order rendered", || mounted.query(".carebox-order").is_some()).await;
        assert_eq!(mounted.text(".carebox-order__head .carebox-status"), badge);
        assert_eq!(mounted.query("[aria-current=step]").map(|e| e.text_content().unwrap()).as_deref(), current_step, "{badge}");
        assert_eq!(mounted.count(".carebox-timeline__entry"), kinds.len() as u32, "{badge}: one history line per event");
        let newest = mounted.shadow.query_selector(".carebox-timeline__entry").unwrap().unwrap();
        assert_eq!(newest.get_attribute("data-kind").as_deref(), Some(kinds.last().unwrap().as_str()), "newest first");
        let eta_shown = mounted.query(".carebox-order__eta").is_some();
        assert_eq!(eta_shown, !matches!(status, OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Returned), "{badge}");
    }
}

#[wasm_bindgen_test]
async fn the_order_view_shows_items_parcels_points_and_merchant_text_as_text() {
    let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || {
        view! { <OrderCard order=order(&[OrderEventKind::Placed, OrderEventKind::Shipped], OrderStatus::Shipped)/> }
    });
    eventually("order rendered", || mounted.query(".carebox-order").is_some()).await;
    assert_eq!(mounted.text("#carebox-order-title"), "Order NW-1042");
    assert_eq!(mounted.text(".carebox-order__total strong"), "€97.00");
    assert_eq!(mounted.text(".carebox-order__points"), "You earn 97 points with this order");
    assert_eq!(mounted.count(".carebox-item"), 2);
    assert_eq!(mounted.query(".carebox-item img").unwrap().get_attribute("src").as_deref(), Some("https://cdn.example/flask.jpg"));
    assert!(mounted.text(".carebox-order").contains("<b>Beanie</b>"), "merchant text is rendered as text");
    assert_eq!(mounted.count(".carebox-item b"), 0);
    let link = mounted.query(".carebox-parcel a").unwrap();
    assert_eq!(link.get_attribute("href").as_deref(), Some("https://tracking.example/JD0146"));
    assert_eq!(link.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    assert_eq!(mounted.text(".carebox-order__eta strong"), "Friday, November 27");
}

#[wasm_bindgen_test]
async fn the_delay_notice_apologises_with_both_dates_and_the_reason() {
    let mut late = order(&[OrderEventKind::Placed, OrderEventKind::Shipped, OrderEventKind::Delayed], OrderStatus::Shipped);
    late.delay = Some(DelayNotice {
        originally_expected: Some(date("2026-11-27")),
        now_expected: Some(date("2026-11-30")),
        reason: Some("Storm at the hub.".into()),
    });
    late.expected_delivery = Some(date("2026-11-30"));
    let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || view! { <OrderCard order=late/> });
    eventually("order rendered", || mounted.query(".carebox-delay").is_some()).await;
    let notice = mounted.text(".carebox-delay");
    assert!(notice.contains("Sorry, your order is running late"), "{notice}");
    assert!(notice.contains("It was due Friday, November 27; it should now arrive Monday, November 30."), "{notice}");
    assert!(notice.contains("Storm at the hub.") && notice.contains("We apologise for the wait."), "{notice}");
    assert_eq!(mounted.text(".carebox-timeline__entry .carebox-timeline__name"), "Delayed");
}

#[wasm_bindgen_test]
async fn russian_order_view_uses_russian_plurals_dates_and_money() {
    for (points, expected) in [(1, "1 балл"), (2, "2 балла"), (5, "5 баллов"), (21, "21 балл"), (97, "97 баллов")]
    {
        let mut ru = order(&[OrderEventKind::Placed], OrderStatus::Placed);
        ru.loyalty_points = Some(points);
        ru.currency = "RUB".into();
        let mounted = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || view! { <OrderCard order=ru/> });
        eventually("order rendered", || mounted.query(".carebox-order").is_some()).await;
        assert_eq!(mounted.text(".carebox-order__points"), format!("За этот заказ вы получите {expected}"));
        assert_eq!(mounted.text(".carebox-order__head .carebox-status"), "Оформлен");
        assert!(mounted.text(".carebox-order__total strong").contains("97,00"), "{}", mounted.text(".carebox-order__total strong"));
    }
}

#[wasm_bindgen_test]
async fn the_lookup_form_names_each_bad_field_in_the_shoppers_language_and_keeps_the_text() {
    let mounted = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || view! { <OrderLookupForm mode=LookupMode::Email/> });
    eventually("form rendered", || mounted.query("form.carebox-lookup").is_some()).await;
    let input = |selector: &str| mounted.query(selector).unwrap().dyn_into::<web_sys::HtmlInputElement>().unwrap();
    let type_into = |selector: &str, value: &str| {
        let field = input(selector);
        field.set_value(value);
        field.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    };
    type_into("#carebox-order-number", "NW 10;42");
    type_into("#carebox-lookup-proof", "anna@");
    mounted.query("form").unwrap().dyn_into::<web_sys::HtmlFormElement>().unwrap().request_submit().unwrap();
    eventually("errors shown", || mounted.query("#carebox-lookup-proof[aria-invalid=true]").is_some()).await;
    assert_eq!(mounted.text("#carebox-order-number-error"), "Номер заказа состоит из букв, цифр и символов - _ / . (до 40).");
    assert_eq!(mounted.text("#carebox-lookup-proof-error"), "Проверьте адрес почты: он выглядит как name@example.com.");
    assert_eq!((input("#carebox-order-number").value(), input("#carebox-lookup-proof").value()), ("NW 10;42".into(), "anna@".into()));
}

fn set_value(mounted: &Mounted, selector: &str, value: &str) {
    let input: web_sys::HtmlTextAreaElement = mounted.query(selector).unwrap().unchecked_into();
    input.set_value(value);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn click(mounted: &Mounted, selector: &str) {
    let element: web_sys::HtmlElement = mounted.query(selector).unwrap_or_else(|| panic!("no {selector}")).unchecked_into();
    element.click();
}

const DRAFT_KEY: &str = "carebox:pk_test_components:complaint-draft:NW-1042";

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
async fn the_complaint_form_names_each_missing_choice_in_russian_and_keeps_the_draft() {
    local_storage().remove_item(DRAFT_KEY).unwrap();
    let mounted = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || {
        view! { <ComplaintForm order=order(&[OrderEventKind::Placed], OrderStatus::Placed)/> }
    });
    eventually("form rendered", || mounted.query(".carebox-complaint").is_some()).await;
    assert_eq!(local_storage().get_item(DRAFT_KEY).unwrap(), None, "nothing stored before the shopper types");

    set_value(&mounted, "#carebox-complaint-description", "Фляга протекает");
    click(&mounted, ".carebox-complaint__send");
    eventually("errors shown", || !mounted.text("#carebox-complaint-category-error").is_empty()).await;
    assert_eq!(mounted.text("#carebox-complaint-category-error"), "Выберите, что случилось.");
    assert_eq!(mounted.text("#carebox-complaint-description-error"), "Напишите чуть подробнее: нужно ещё 5 символов.");
    assert_eq!(mounted.text("#carebox-complaint-desired_resolution-error"), "Выберите, что нам сделать.");
    assert_eq!(mounted.text("#carebox-complaint-contact_preference-error"), "Выберите, как с вами связаться.");
    assert_eq!(mounted.text("#carebox-complaint-description-count"), "15 / 2\u{a0}000");
    assert_eq!(mounted.count("[aria-invalid=true]"), 1, "the description is marked invalid");

    click(&mounted, "#carebox-complaint-category-4");
    click(&mounted, "#carebox-complaint-item-1");
    eventually("category message gone", || mounted.text("#carebox-complaint-category-error").is_empty()).await;
    let stored = local_storage().get_item(DRAFT_KEY).unwrap().expect("the draft is stored as the shopper types");
    assert!(
        stored.contains("\"category\":\"quality\"") && stored.contains("\"items\":[1]") && stored.contains("Фляга протекает"),
        "{stored}"
    );
    drop(mounted);

    // A new form for the same order (a reload, a reopened panel) starts from the draft.
    let again = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || {
        view! { <ComplaintForm order=order(&[OrderEventKind::Placed], OrderStatus::Placed)/> }
    });
    eventually("form rendered", || again.query(".carebox-complaint").is_some()).await;
    let description: web_sys::HtmlTextAreaElement = again.query("#carebox-complaint-description").unwrap().unchecked_into();
    eventually("the description restored", || description.value() == "Фляга протекает").await;
    let quality: web_sys::HtmlInputElement = again.query("#carebox-complaint-category-4").unwrap().unchecked_into();
    assert!(quality.checked());
    let beanie: web_sys::HtmlInputElement = again.query("#carebox-complaint-item-1").unwrap().unchecked_into();
    assert!(beanie.checked());
    local_storage().remove_item(DRAFT_KEY).unwrap();
}

fn ticket(status: ComplaintStatus, due_in_ms: Option<i64>, timeline: Vec<ComplaintTimelineEntry>) -> ComplaintView {
    let now = js_sys::Date::now() as i64;
    ComplaintView {
        ticket: "C-7K3Q9M2A".into(),
        order_number: OrderNumber::parse("NW-1042").unwrap(),
        status,
        level: EscalationLevel::L2,
        priority: Priority::Normal,
        category: ComplaintCategory::Damaged,
        description: "The flask arrived dented <b>badly</b>.".into(),
        desired_resolution: DesiredResolution::Replacement,
        contact_preference: ContactPreference::WidgetOnly,
        items: vec![0],
        created_at: Timestamp::from_unix_ms(now - 26 * HOUR_MS),
        response_due: due_in_ms.map(|ms| Timestamp::from_unix_ms(now + ms)),
        timeline,
        can_escalate: false,
    }
}

fn event(kind: ComplaintEventKind, actor: Actor) -> ComplaintTimelineEntry {
    ComplaintTimelineEntry {
        kind,
        actor,
        at: Timestamp::from_unix_ms(js_sys::Date::now() as i64 - HOUR_MS),
        from_level: None,
        to_level: None,
        reason: None,
        resolution: None,
        points: None,
        by: None,
    }
}

#[wasm_bindgen_test]
async fn a_broken_promise_is_owned_up_to_and_credits_are_worded_in_russian() {
    let timeline = vec![
        event(ComplaintEventKind::Created, Actor::Shopper),
        ComplaintTimelineEntry {
            from_level: Some(EscalationLevel::L1),
            to_level: Some(EscalationLevel::L2),
            reason: Some("no first response within 24h".into()),
            ..event(ComplaintEventKind::Escalated, Actor::System)
        },
        ComplaintTimelineEntry { points: Some(52), ..event(ComplaintEventKind::BonusCredited, Actor::System) },
    ];
    let overdue = ticket(ComplaintStatus::Open, Some(-2 * HOUR_MS), timeline);
    let mounted = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || view! { <TicketCard complaint=overdue/> });
    eventually("ticket rendered", || mounted.query(".carebox-ticket").is_some()).await;
    assert!(mounted.text(".carebox-ticket__promise").starts_with("Мы опаздываем с ответом"));
    assert_eq!(mounted.query(".carebox-ticket__promise").unwrap().get_attribute("data-overdue").as_deref(), Some("true"));
    assert_eq!(mounted.text(".carebox-ticket__level"), "Руководитель группы");
    let names: Vec<String> = (0..3)
        .map(|i| mounted.shadow.query_selector_all(".carebox-timeline__name").unwrap().item(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(names, ["Вам начислено 52 бонусных балла", "Ответ опоздал, обращение передано: Руководитель группы", "Обращение получено"]);
    assert_eq!(mounted.count(".carebox-timeline__note"), 0, "the SLA clock's English reason is not shown to the shopper");
    assert_eq!(mounted.text(".carebox-ticket__description"), "The flask arrived dented <b>badly</b>.", "text, never markup");
    assert!(mounted.query(".carebox-escalate__open").is_none(), "no Escalate when the server does not allow it");
}

#[wasm_bindgen_test]
async fn the_promise_counts_down_in_the_shoppers_words_and_a_resolution_is_named() {
    let open = ticket(ComplaintStatus::Open, Some(3 * HOUR_MS + 60_000), vec![event(ComplaintEventKind::Created, Actor::Shopper)]);
    let mounted =
        mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || view! { <TicketCard complaint=open just_filed=true/> });
    eventually("ticket rendered", || mounted.query(".carebox-ticket").is_some()).await;
    assert!(
        mounted.text(".carebox-ticket__promise").starts_with("We'll answer in 3 hours, by "),
        "{}",
        mounted.text(".carebox-ticket__promise")
    );
    assert_eq!(mounted.text(".carebox-ticket__received"), "Thank you! We've received your report.");
    drop(mounted);

    let resolved_entry = ComplaintTimelineEntry {
        resolution: Some(ResolutionKind::Refund),
        reason: Some("Refunded in full.".into()),
        by: Some("Alex <b>K.</b>".into()),
        ..event(ComplaintEventKind::Resolved, Actor::Merchant)
    };
    let resolved = ticket(ComplaintStatus::Resolved, None, vec![event(ComplaintEventKind::Created, Actor::Shopper), resolved_entry]);
    let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || view! { <TicketCard complaint=resolved/> });
    eventually("ticket rendered", || mounted.query(".carebox-ticket").is_some()).await;
    assert_eq!(mounted.text(".carebox-ticket__promise"), "This report is resolved.");
    assert_eq!(mounted.text(".carebox-timeline__name"), "Resolved: Refund");
    assert_eq!(mounted.text(".carebox-timeline__note"), "Refunded in full.");
    assert_eq!(mounted.text(".carebox-timeline__by"), "Alex <b>K.</b>", "signed by the member of staff, as text");
    assert_eq!(mounted.count(".carebox-timeline__by"), 1, "only where someone signed");
}

fn loyalty_summary(balance: i64, next: Option<(i64, u8)>) -> carebox_contract::LoyaltySummary {
    use carebox_contract::{ExpiringPoints, LoyaltyEntry, LoyaltyEntryKind, LoyaltySummary, NextTier, TierBadge};
    let at = |hours: i64| Timestamp::from_unix_ms(PLACED_MS - hours * HOUR_MS);
    LoyaltySummary {
        balance,
        earned: balance,
        tier: TierBadge { id: "silver".into(), name: "Silver".into() },
        next_tier: next.map(|(needed, _)| NextTier { id: "gold".into(), name: "Gold".into(), threshold: 1500, points_needed: needed }),
        progress_percent: next.map_or(100, |(_, percent)| percent),
        entries: vec![
            LoyaltyEntry {
                kind: LoyaltyEntryKind::Compensation,
                points: 50,
                at: at(1),
                order_number: None,
                ticket: Some("C-7K3Q9M2A".into()),
                reason: None,
                by: None,
            },
            LoyaltyEntry {
                kind: LoyaltyEntryKind::Adjustment,
                points: -20,
                at: at(2),
                order_number: None,
                ticket: None,
                reason: Some("<i>Returned</i> item".into()),
                by: None,
            },
            LoyaltyEntry {
                kind: LoyaltyEntryKind::Order,
                points: 92,
                at: at(3),
                order_number: Some(OrderNumber::parse("NW-1001").unwrap()),
                ticket: None,
                reason: None,
                by: None,
            },
        ],
        expiring: vec![ExpiringPoints { points: 21, on: Timestamp::from_unix_ms(PLACED_MS + 5 * 24 * HOUR_MS) }],
    }
}

#[wasm_bindgen_test]
async fn the_bonuses_card_shows_balance_tier_and_a_progress_bar_with_its_values() {
    let summary = loyalty_summary(1234, Some((266, 73)));
    let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || view! { <BonusesCard summary/> });
    eventually("card rendered", || mounted.query(".carebox-bonuses").is_some()).await;
    assert_eq!(mounted.text(".carebox-bonuses__balance"), "1,234 points");
    assert_eq!(mounted.text(".carebox-bonuses__badge"), "Silver");
    let bar = mounted.query("[role=progressbar]").unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("73"));
    assert_eq!(bar.get_attribute("aria-valuemax").as_deref(), Some("100"));
    assert_eq!(bar.get_attribute("aria-valuetext").as_deref(), Some("266 more points to Gold"));
    let fill: web_sys::HtmlElement = mounted.query(".carebox-bonuses__fill").unwrap().unchecked_into();
    assert_eq!(fill.style().get_property_value("inline-size").unwrap(), "73%");
    assert_eq!(mounted.text(".carebox-bonuses__expiring"), "21 points expire on Nov 30, 2026");
    let lines: Vec<String> = (0..3)
        .map(|i| {
            mounted
                .shadow
                .query_selector_all(".carebox-bonuses__what")
                .unwrap()
                .item(i)
                .unwrap()
                .first_child()
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, ["Compensation for report C-7K3Q9M2A", "<i>Returned</i> item", "Order NW-1001"], "the merchant's reason as text");
    assert_eq!(mounted.text(".carebox-bonuses__points"), "+50");
    drop(mounted);

    let top = loyalty_summary(6000, None);
    let mounted = mount_in_shadow(settings(Locale::En, "http://127.0.0.1:9"), move || view! { <BonusesCard summary=top/> });
    eventually("card rendered", || mounted.query(".carebox-bonuses").is_some()).await;
    assert!(mounted.query("[role=progressbar]").is_none(), "no bar at the top tier");
    assert_eq!(mounted.text(".carebox-bonuses__next"), "You are at the top tier. Thank you!");
}

#[wasm_bindgen_test]
async fn bonuses_speak_russian_plurals() {
    for (balance, needed, expected_balance, expected_next) in [
        (1, 1, "1 балл", "До уровня «Gold» остался 1 балл"),
        (2, 3, "2 балла", "До уровня «Gold» осталось 3 балла"),
        (5, 11, "5 баллов", "До уровня «Gold» осталось 11 баллов"),
        (21, 22, "21 балл", "До уровня «Gold» осталось 22 балла"),
    ] {
        let summary = loyalty_summary(balance, Some((needed, 10)));
        let mounted = mount_in_shadow(settings(Locale::Ru, "http://127.0.0.1:9"), move || view! { <BonusesCard summary/> });
        eventually("card rendered", || mounted.query(".carebox-bonuses").is_some()).await;
        assert_eq!(mounted.text(".carebox-bonuses__balance"), expected_balance);
        assert_eq!(mounted.text(".carebox-bonuses__next"), expected_next);
        assert_eq!(mounted.text(".carebox-bonuses__expiring"), "21 балл сгорит 30 нояб. 2026 г.");
    }
}

/// The rating as a keyboard user meets it: one Tab stop, arrows and Home/End moving focus
/// without answering, a click (what Enter and Space do on a button) answering at once.
fn mount_rating(locale: Locale, read_only: bool) -> (Mounted, RwSignal<Vec<u8>>) {
    let chosen = RwSignal::new(Vec::<u8>::new());
    let selected = RwSignal::new(None::<CsatScore>);
    let mounted = mount_in_shadow(settings(locale, "http://127.0.0.1:9"), move || {
        let on_choose = Callback::new(move |score: CsatScore| {
            chosen.update(|c| c.push(score.get()));
            selected.set(Some(score));
        });
        view! { <p id="q">"How was it?"</p><RatingScale labelled_by="q" selected read_only=read_only on_choose/> }
    });
    (mounted, chosen)
}

fn press(mounted: &Mounted, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    mounted.shadow.active_element().expect("something has focus").dispatch_event(&event).unwrap();
}

fn focused_score(mounted: &Mounted) -> Option<String> {
    mounted.shadow.active_element().and_then(|e| e.get_attribute("data-score"))
}

fn option(mounted: &Mounted, score: u8) -> web_sys::HtmlElement {
    mounted.query(&format!("[role=radio][data-score=\"{score}\"]")).unwrap().unchecked_into()
}

#[wasm_bindgen_test]
async fn the_rating_is_a_radio_group_whose_arrows_move_focus_and_whose_click_answers_at_once() {
    let (mounted, chosen) = mount_rating(Locale::En, false);
    eventually("rating drawn", || mounted.count("[role=radio]") == 5).await;
    assert_eq!(mounted.query("[role=radiogroup]").unwrap().get_attribute("aria-labelledby").as_deref(), Some("q"));
    let labels: Vec<String> = (1..=5).map(|s| option(&mounted, s).get_attribute("aria-label").unwrap()).collect();
    assert_eq!(labels, ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"]);
    assert_eq!(mounted.count("[role=radio][tabindex=\"0\"]"), 1, "one Tab stop");
    assert_eq!(mounted.count("[role=radio][aria-checked=true]"), 0);

    option(&mounted, 1).focus().unwrap();
    press(&mounted, "ArrowRight");
    assert_eq!(focused_score(&mounted).as_deref(), Some("2"));
    press(&mounted, "End");
    assert_eq!(focused_score(&mounted).as_deref(), Some("5"));
    press(&mounted, "ArrowDown");
    assert_eq!(focused_score(&mounted).as_deref(), Some("1"), "wraps around");
    press(&mounted, "ArrowLeft");
    press(&mounted, "ArrowUp");
    assert_eq!(focused_score(&mounted).as_deref(), Some("4"));
    press(&mounted, "Home");
    assert_eq!(focused_score(&mounted).as_deref(), Some("1"));
    assert_eq!(chosen.get_untracked(), Vec::<u8>::new(), "moving around answers nothing");

    option(&mounted, 4).click();
    assert_eq!(chosen.get_untracked(), [4], "the first click is the answer");
    eventually("4 checked", || option(&mounted, 4).get_attribute("aria-checked").as_deref() == Some("true")).await;
    assert_eq!(option(&mounted, 4).get_attribute("tabindex").as_deref(), Some("0"), "the Tab stop follows the answer");
    assert_eq!(option(&mounted, 1).get_attribute("tabindex").as_deref(), Some("-1"));
    option(&mounted, 2).click();
    assert_eq!(chosen.get_untracked(), [4, 2], "a second click changes it");
}

#[wasm_bindgen_test]
async fn in_arabic_the_scale_runs_right_to_left_and_a_closed_answer_is_read_only() {
    let (mounted, chosen) = mount_rating(Locale::Ar, false);
    eventually("rating drawn", || mounted.count("[role=radio]") == 5).await;
    assert_eq!(option(&mounted, 5).get_attribute("aria-label").as_deref(), Some("ممتاز"));
    option(&mounted, 2).focus().unwrap();
    press(&mounted, "ArrowLeft");
    assert_eq!(focused_score(&mounted).as_deref(), Some("3"), "ArrowLeft goes up the scale in RTL");
    press(&mounted, "ArrowRight");
    press(&mounted, "ArrowRight");
    assert_eq!(focused_score(&mounted).as_deref(), Some("1"));
    drop(mounted);
    assert!(chosen.get_untracked().is_empty());

    let (mounted, chosen) = mount_rating(Locale::En, true);
    eventually("rating drawn", || mounted.count("[role=radio]") == 5).await;
    assert_eq!(mounted.query("[role=radiogroup]").unwrap().get_attribute("aria-readonly").as_deref(), Some("true"));
    assert_eq!(option(&mounted, 3).get_attribute("aria-disabled").as_deref(), Some("true"));
    option(&mounted, 3).click();
    assert!(chosen.get_untracked().is_empty(), "read-only: a click changes nothing");
}

#[wasm_bindgen_test]
fn the_leptos_components_config_names_what_is_wrong() {
    use carebox_widget::CareboxConfig;
    let bad_url = CareboxConfig::new("ftp://care.example.com", "pk_demo_northwind").unwrap_err();
    assert_eq!(bad_url.field, "api");
    assert!(bad_url.message.contains("https://"), "{}", bad_url.message);
    let bad_key = CareboxConfig::new("https://care.example.com", "sk_live_secret").unwrap_err();
    assert_eq!(bad_key.field, "publishable_key", "the Rust name, not the snippet's data-key");
    assert!(CareboxConfig::new("https://care.example.com", "pk_demo_northwind").is_ok());
}

#[wasm_bindgen_test]
fn the_servers_list_of_text_keys_is_the_widgets() {
    // The server refuses a merchant's text whose key is not in this list.
    let listed: Vec<&str> = carebox_contract::texts::TEXT_KEYS.lines().collect();
    assert_eq!(
        listed,
        Strings::all_keys(),
        "contract/src/text_keys.txt is stale: run `cargo run -p carebox-widget --no-default-features --example export_strings -- --keys contract/src/text_keys.txt`"
    );
}

/// A configuration as the server writes it (`WidgetConfigBody`), through the browser's JSON.
fn config_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("valid JSON")
}

#[wasm_bindgen_test]
fn the_widget_reads_a_configuration_as_serde_does() {
    use carebox_widget::api::widget_config_from_json;
    let cases = [
        r##"{"merchant_name":"Northwind Goods","greetings":{"en":"Hi!","ru":"Привет!"},"features":["order_status","complaints","csat","loyalty"],
            "theme":{"accent":"#0f766e","radius":12,"color_scheme":"dark"},"lookup_by":"postcode","strings":{"ru":{"home.greeting":"Здравствуйте"}}}"##,
        // What serde takes as defaults: no greetings, no lookup mode.
        r##"{"merchant_name":"Shop","features":["csat"],"theme":{"accent":"#ABCDEF","radius":0,"color_scheme":"auto"}}"##,
    ];
    for case in cases {
        let json = config_json(case);
        let by_serde: WidgetConfig = serde_wasm_bindgen::from_value(json.clone()).expect("serde reads it");
        assert_eq!(widget_config_from_json(&json), Some(by_serde), "{case}");
    }
    let read = widget_config_from_json(&config_json(cases[0])).unwrap();
    assert_eq!(read.lookup_by, LookupMode::Postcode);
    assert_eq!(read.greeting(Locale::Ru), Some("Привет!"));
    assert_eq!(read.theme.accent.as_str(), "#0f766e");
}

#[wasm_bindgen_test]
fn a_configuration_that_does_not_parse_is_none_and_a_newer_servers_additions_are_left_out() {
    use carebox_widget::api::widget_config_from_json;
    let valid = r##"{"merchant_name":"Shop","features":["csat"],"theme":{"accent":"#abcdef","radius":8,"color_scheme":"light"}}"##;
    assert!(widget_config_from_json(&config_json(valid)).is_some());
    for broken in [
        valid.replace(r#""merchant_name":"Shop","#, ""),
        valid.replace("#abcdef", "red;}body{display:none"),
        valid.replace(r#""radius":8"#, r#""radius":25"#),
        valid.replace(r#""radius":8"#, r#""radius":8.5"#),
        valid.replace(r#""radius":8"#, r#""radius":"8""#),
        valid.replace(r#""light""#, r#""sepia""#),
        valid.replace(r#"["csat"]"#, r#""csat""#),
        valid.replace(r#""features""#, r#""lookup_by":"phone","features""#),
        valid.replace(r#""features""#, r#""greetings":null,"features""#),
        "null".to_owned(),
        "[]".to_owned(),
    ] {
        assert_eq!(widget_config_from_json(&config_json(&broken)), None, "{broken}");
    }
    let newer = valid
        .replace(r#"["csat"]"#, r#"["csat","video_calls"]"#)
        .replace(r#""features""#, r#""greetings":{"de":"Hallo","en":"Hello"},"features""#);
    let read = widget_config_from_json(&config_json(&newer)).unwrap();
    assert_eq!(read.features, vec![Feature::Csat]);
    assert_eq!(read.greetings, BTreeMap::from([(Locale::En, "Hello".to_owned())]));
}
