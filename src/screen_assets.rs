//! What the screens need besides their chunks. The bundle (`--features split`) sends the first
//! open only what it draws:
//!
//! - the rules (`carebox.css`: the panel, home, failures, skeletons): the rules of the screens
//!   behind `#[lazy]` come as `screens.css` from the app's folder, fetched once per page
//!   alongside the first screen's chunk and adopted into the widget's root (its shadow root,
//!   or the frame's document) before that screen is drawn. Adopted, not linked, like the
//!   loader's sheet: no `style-src` is needed.
//! - the texts, in a language the bundle does not carry: the first open has those of
//!   [`FIRST_OPEN_KEYS`](crate::i18n::FIRST_OPEN_KEYS); the whole table
//!   (`strings-<locale>.json`) comes alongside the first screen's chunk too, and the screen is
//!   drawn with it.
//!
//! Without `split` (tests, the Rust components) one stylesheet has every rule, every table is
//! built in, and there is nothing to fetch.

/// The requests under way from [`fetch`] (stylesheet, texts; or nothing to wait for: fetched
/// before, or not a split build), and the widget they are for. Send-wrapped: the screens are
/// drawn in a `Suspend`, whose future must be `Send`; all of it runs on the page's thread.
pub struct Pending {
    #[cfg(feature = "split")]
    request: Option<send_wrapper::SendWrapper<js_sys::Promise>>,
    #[cfg(feature = "split")]
    texts: Option<send_wrapper::SendWrapper<js_sys::Promise>>,
    #[cfg(feature = "split")]
    inside: send_wrapper::SendWrapper<web_sys::Node>,
}

/// Starts fetching the screens' stylesheet and the rest of `locale`'s texts from `app_folder`
/// for the widget `inside` belongs to, unless this page has them: promises, so the requests
/// run alongside the screen's chunk.
pub fn fetch(app_folder: &str, inside: &web_sys::Node, locale: carebox_contract::Locale) -> Pending {
    #[cfg(feature = "split")]
    return Pending {
        request: fetched::request(app_folder).map(send_wrapper::SendWrapper::new),
        texts: crate::i18n::request_rest(locale, app_folder).map(send_wrapper::SendWrapper::new),
        inside: send_wrapper::SendWrapper::new(inside.clone()),
    };
    #[cfg(not(feature = "split"))]
    {
        let _ = (app_folder, inside, locale);
        Pending {}
    }
}

impl Pending {
    /// Waits for the stylesheet and adopts it into the widget's root (once per root), and for
    /// the texts, which the screen about to be drawn reads from then on (its context). Called
    /// by the lazy screens themselves, so that this code travels in their chunks.
    pub async fn adopt(self) {
        #[cfg(feature = "split")]
        {
            use leptos::prelude::{provide_context, use_context};
            // Read before waiting: a screen the shopper left meanwhile is drawn nowhere.
            let settings = use_context::<crate::WidgetSettings>();
            if let (Some(texts), Some(settings)) = (self.texts, &settings) {
                crate::i18n::install_rest(settings.locale, texts.take()).await;
            }
            fetched::adopt(self.request.map(send_wrapper::SendWrapper::take), self.inside.take()).await;
            if let Some(settings) = settings {
                let text = crate::i18n::made_whole(settings.text, settings.locale);
                if !std::ptr::eq(text, settings.text) {
                    provide_context(crate::WidgetSettings { text, ..settings });
                }
            }
        }
    }
}

#[cfg(feature = "split")]
mod fetched {
    use std::cell::RefCell;

    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    thread_local! {
        /// Fetched once per page, shared by every widget on it (a failed fetch is not kept).
        static SHEET: RefCell<Option<web_sys::CssStyleSheet>> = const { RefCell::new(None) };
    }

    pub fn request(app_folder: &str) -> Option<js_sys::Promise> {
        if SHEET.with_borrow(Option::is_some) {
            return None;
        }
        Some(web_sys::window()?.fetch_with_str(&format!("{app_folder}screens.css")))
    }

    /// Offline or refused: the screen is drawn with the first open's rules (still readable),
    /// and the next screen asks again.
    async fn sheet(response: js_sys::Promise) -> Result<web_sys::CssStyleSheet, JsValue> {
        let response: web_sys::Response = JsFuture::from(response).await?.dyn_into()?;
        if !response.ok() {
            return Err(JsValue::NULL);
        }
        let sheet = web_sys::CssStyleSheet::new()?;
        sheet.replace_sync(&JsFuture::from(response.text()?).await?.as_string().unwrap_or_default())?;
        Ok(sheet)
    }

    pub async fn adopt(response: Option<js_sys::Promise>, inside: web_sys::Node) {
        if let Some(response) = response
            && let Ok(sheet) = sheet(response).await
        {
            SHEET.with_borrow_mut(|slot| *slot = Some(sheet));
        }
        let Some(sheet) = SHEET.with_borrow(Clone::clone) else { return };
        let root = inside.get_root_node();
        let key = JsValue::from_str("adoptedStyleSheets");
        let Ok(adopted) = js_sys::Reflect::get(&root, &key).and_then(|list| list.dyn_into::<js_sys::Array>()) else { return };
        if !adopted.includes(&sheet, 0) {
            let _ = js_sys::Reflect::set(&root, &key, &adopted.concat(&js_sys::Array::of1(&sheet)));
        }
    }
}
