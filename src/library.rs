//! Carebox in your own Leptos app: the widget's capabilities as components you place where
//! your pages want them, instead of the loader's launcher. Client-side rendered (Leptos's
//! `csr`), like the widget.
//!
//! ```no_run
//! use carebox_widget::{CareboxConfig, CareboxProvider, LoyaltyCard, OrderStatus};
//! use leptos::prelude::*;
//!
//! let config = CareboxConfig::new("https://care.example.com", "pk_live_northwind").expect("a valid key and URL");
//! leptos::mount::mount_to_body(move || {
//!     view! {
//!         <CareboxProvider config>
//!             <OrderStatus/>
//!             <LoyaltyCard/>
//!         </CareboxProvider>
//!     }
//! });
//! ```
//!
//! - Each component is a panel in the page, drawn in a shadow root of its own with the
//!   widget's stylesheet: the page's CSS does not reach in, while the `--carebox-*` tokens and
//!   the `::part()` names of `docs/embedding.md` do, as with the loader.
//! - Each keeps its own screens (a "Back" button never leaves its capability). The components
//!   under one provider share the shopper: an order looked up in [`OrderStatus`] is open in
//!   [`ComplaintForm`] too, and a complaint on its way keeps going while its form is gone.
//! - The Carebox server must list your page's origin among the merchant's allowed origins,
//!   as for the snippet.
//!
//! Depend on the crate without its default `js-api` feature (the loader's JavaScript entry
//! points, which your app does not need):
//! `carebox-widget = { …, default-features = false }`.

use carebox_contract::{ColorScheme, FieldError, Locale, OrderNumber};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::app::{App, MountConfig, WidgetSettings};
use crate::panel_state::PanelState;
use crate::session::{Navigation, Session, View};

/// The widget's stylesheet, the one the loader fetches (bundled by `build.rs`).
pub const STYLESHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/carebox.css"));

/// The host element's own rules (what the loader's are for a panel in the page): nothing of
/// the page's styles is inherited, and no page rule hides or moves the host.
const HOST_RULES: &str = ":host{all:initial!important;display:block!important;position:static!important;direction:ltr!important}";

/// Which Carebox server and merchant, in which language: parsed once, so a
/// [`CareboxProvider`] always starts.
#[derive(Debug, Clone)]
pub struct CareboxConfig {
    config: MountConfig,
}

impl CareboxConfig {
    /// `api`: the Carebox server's URL (`https://…`); `publishable_key`: the merchant's `pk_…`.
    /// A bad one is refused naming it (`field` is `api` or `publishable_key`).
    pub fn new(api: &str, publishable_key: &str) -> Result<Self, FieldError> {
        let config = MountConfig { key: publishable_key.to_owned(), api: api.to_owned(), in_page: true, ..MountConfig::default() };
        WidgetSettings::try_from(&config).map_err(|error| match error.field.as_ref() {
            "data-key" => error.at("publishable_key"),
            _ => FieldError::invalid("api", "The Carebox server's URL must start with https:// or http://."),
        })?;
        Ok(Self { config })
    }

    /// The shopper's language; without it, the browser's (English when it is none of ours).
    pub fn locale(mut self, locale: Locale) -> Self {
        self.config.locale = Some(locale.as_str().to_owned());
        self
    }

    /// Light or dark whatever the merchant chose (`Auto` follows the shopper's system).
    pub fn color_scheme(mut self, scheme: ColorScheme) -> Self {
        self.config.theme = Some(scheme.as_str().to_owned());
        self
    }

    /// Your own texts for `locale`, by key (the keys are in `docs/embedding.md`): an unknown
    /// key or an empty text is named in the console and left out.
    pub fn strings<'a>(mut self, locale: Locale, texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let texts = texts.into_iter().map(|(key, text)| (key.to_owned(), text.to_owned())).collect();
        let mut strings = self.config.strings.to_vec();
        strings.push((locale.as_str().to_owned(), texts));
        self.config.strings = strings.into();
        self
    }

    fn settings(&self) -> WidgetSettings {
        WidgetSettings::try_from(&self.config).expect("checked by CareboxConfig::new, and the setters keep it valid")
    }
}

/// What the components under one provider share.
#[derive(Clone)]
struct Provided {
    settings: WidgetSettings,
    session: Session,
}

/// Puts Carebox around the components below it: one shopper, one server, one language.
#[component]
pub fn CareboxProvider(
    config: CareboxConfig,
    /// A token your backend signed for the signed-in shopper (see `docs/embedding.md`,
    /// "Tokens"); follow sign-in and sign-out by changing the signal.
    #[prop(into, optional)]
    shopper_token: Option<Signal<Option<String>>>,
    children: Children,
) -> impl IntoView {
    let session = Session::new(shopper_token.and_then(|token| token.get_untracked()));
    if let Some(token) = shopper_token {
        let session = session.clone();
        Effect::new(move |previous: Option<Option<String>>| {
            let token = token.get();
            if previous.is_some_and(|previous| previous != token) {
                session.identify(token.clone());
            }
            token
        });
    }
    provide_context(Provided { settings: config.settings(), session: session.clone() });
    // Complaints still being sent stop with the provider, as with `destroy()`.
    on_cleanup(move || session.close());
    children()
}

/// Order status: the lookup form (order number and e-mail or postcode), the identified
/// shopper's orders, or `order` itself when this shopper may open it. The timeline, its
/// ETA and carrier link, and "Report a problem" follow from there.
#[component]
pub fn OrderStatus(
    /// An order to show straight away (its number is filled in when it must be looked up):
    /// an `OrderNumber` or an `Option` of one.
    #[prop(into, optional_no_strip)]
    order: Option<OrderNumber>,
) -> impl IntoView {
    placed(move |session| session.order_screen(order))
}

/// The complaint form: the order (chosen, or looked up first), what is wrong, and what the
/// shopper wants; drafts kept, sent exactly once, then the ticket with its promised answer.
#[component]
pub fn ComplaintForm(
    /// The order the complaint is about, when the page knows it (or an `Option` of one).
    #[prop(into, optional_no_strip)]
    order: Option<OrderNumber>,
) -> impl IntoView {
    placed(move |_| View::ReportProblem(order))
}

/// One-click satisfaction: the click is the answer, a comment optional after.
#[component]
pub fn Satisfaction() -> impl IntoView {
    placed(|_| View::RateUs)
}

/// The shopper's loyalty card: balance, tier, progress to the next and what each order and
/// compensation earned (an order looked up first when the shopper is not identified).
#[component]
pub fn LoyaltyCard() -> impl IntoView {
    placed(|_| View::Bonuses)
}

/// A panel in the page starting on `first_screen`, in a shadow root of its own.
fn placed(first_screen: impl FnOnce(&Session) -> View) -> impl IntoView {
    let Some(Provided { settings, session }) = use_context::<Provided>() else {
        web_sys::console::error_1(&"Carebox: place its components inside a <CareboxProvider>".into());
        return None;
    };
    let session = session.with_navigation(Navigation::rooted_at(first_screen(&session)));
    let host = NodeRef::<leptos::html::Div>::new();
    // Drawn once the host is in the document, as a portal is (`App` provides its own context).
    Effect::new(move || {
        let Some(host) = host.get() else { return };
        if host.shadow_root().is_some() {
            return;
        }
        let Ok(container) = shadow_container(&host) else {
            web_sys::console::error_1(&"Carebox: this browser cannot draw into a shadow root".into());
            return;
        };
        let (settings, session) = (settings.clone(), session.clone());
        let panel = PanelState::in_page(container.clone());
        let drawn = SendWrapper::new(leptos::mount::mount_to(container, move || view! { <App settings panel session/> }));
        on_cleanup(move || drop(drawn.take()));
    });
    Some(view! { <div node_ref=host data-carebox="" data-in-page=""></div> })
}

/// The host's shadow root with the stylesheets adopted (no `style-src` needed) and the
/// element the app is drawn in.
fn shadow_container(host: &web_sys::HtmlDivElement) -> Result<web_sys::HtmlElement, wasm_bindgen::JsValue> {
    let shadow = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?;
    let sheets = js_sys::Array::new();
    for css in [HOST_RULES, STYLESHEET] {
        let sheet = web_sys::CssStyleSheet::new()?;
        sheet.replace_sync(css)?;
        sheets.push(&sheet);
    }
    js_sys::Reflect::set(&shadow, &"adoptedStyleSheets".into(), &sheets)?;
    let container: web_sys::HtmlElement = leptos::prelude::document().create_element("div")?.unchecked_into();
    container.set_class_name("app");
    shadow.append_child(&container)?;
    Ok(container)
}
