//! A Rust shop's "Help" page: Carebox's four capabilities placed by a Leptos app, with the
//! shop's own sign-in feeding the shopper token. The page (`index.html`) names the Carebox
//! server in `<meta name="carebox-api">`.

use carebox_contract::{Locale, OrderNumber};
use carebox_widget::{CareboxConfig, CareboxProvider, ComplaintForm, LoyaltyCard, OrderStatus, Satisfaction};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::*};

const PUBLISHABLE_KEY: &str = "pk_demo_northwind";

#[wasm_bindgen(start)]
pub fn start() {
    let api = meta("carebox-api").unwrap_or_default();
    // `?lang=ru` shows the same page in Russian (the shop decides; the browser's otherwise).
    let russian = web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|q| q.contains("lang=ru"));
    let config = match CareboxConfig::new(&api, PUBLISHABLE_KEY) {
        Ok(config) if russian => config.locale(Locale::Ru),
        Ok(config) => config,
        Err(error) => {
            web_sys::console::error_1(&format!("Carebox is misconfigured: {}: {}", error.field, error.message).into());
            return;
        }
    };
    // The shop's own wording for one text: what `strings` is for.
    let config = config.strings(Locale::En, [("find_order", "Show my order")]);
    leptos::mount::mount_to_body(move || view! { <HelpPage config/> });
}

#[component]
fn HelpPage(config: CareboxConfig) -> impl IntoView {
    let (shopper_token, set_shopper_token) = signal(None::<String>);
    let sign_in = move |_| {
        leptos::task::spawn_local(async move {
            match demo_shopper_token().await {
                Ok(token) => set_shopper_token.set(Some(token)),
                Err(error) => web_sys::console::error_1(&error),
            }
        })
    };
    let sign_out = move |_| set_shopper_token.set(None);
    // The order page of a real shop knows its order; this one opens NW-1003 when asked.
    let order = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|query| query.split(['?', '&']).find_map(|pair| pair.strip_prefix("order=").map(str::to_owned)))
        .and_then(|number| OrderNumber::parse(&number).ok());
    view! {
        <header>
            <h1>"Northwind Outfitters — help"</h1>
            <Show when=move || shopper_token.with(Option::is_some)
                fallback=move || view! { <button on:click=sign_in>"Sign in as Anna (demo)"</button> }>
                <button on:click=sign_out>"Sign out"</button>
            </Show>
        </header>
        <CareboxProvider config shopper_token>
            <main>
                <section id="order-status"><h2>"Where is my order?"</h2><OrderStatus order/></section>
                <section id="complaint"><h2>"Report a problem"</h2><ComplaintForm/></section>
                <section id="loyalty"><h2>"Your bonuses"</h2><LoyaltyCard/></section>
                <section id="satisfaction"><h2>"How did we do?"</h2><Satisfaction/></section>
            </main>
        </CareboxProvider>
    }
}

fn meta(name: &str) -> Option<String> {
    let element = web_sys::window()?.document()?.query_selector(&format!("meta[name={name}]")).ok()??;
    Some(element.unchecked_into::<web_sys::HtmlMetaElement>().content())
}

/// The shop's backend signs a token for its signed-in customer (the demo shop plays it).
async fn demo_shopper_token() -> Result<String, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str("/demo/shopper-token")).await?.unchecked_into();
    if !response.ok() {
        return Err(format!("the shop's backend answered {}", response.status()).into());
    }
    let body = wasm_bindgen_futures::JsFuture::from(response.json()?).await?;
    js_sys::Reflect::get(&body, &"token".into())?.as_string().ok_or_else(|| "no token in the answer".into())
}
