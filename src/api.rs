//! Calls to the Carebox API. Each takes the abort signal of the screen that asked, so
//! leaving the screen cancels it and a stale answer never lands.

use carebox_contract::{
    ComplaintView, CsatAnswer, CsatAnswerRequest, CsatStatus, CsatSubject, ErrorCode, LoyaltySummary, NewComplaintRequest,
    OrderLookupRequest, OrderLookupResponse, OrderNumber, OrderView, PublishableKey, REQUEST_ID_HEADER, ShopperEscalationRequest,
    ShopperOrders,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a call failed, with what support needs to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub kind: FailureKind,
    /// The server's `x-request-id`, when the server answered.
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer: offline, DNS, CORS refusal, server down, or aborted.
    Network,
    /// The server answered with an error envelope (or garbage, reported as `internal`).
    Server { status: u16, code: ErrorCode, field: Option<String> },
}

impl ApiFailure {
    pub fn code(&self) -> Option<ErrorCode> {
        match &self.kind {
            FailureKind::Server { code, .. } => Some(*code),
            FailureKind::Network => None,
        }
    }

    /// Whether the same request may succeed later unchanged: no answer, a server fault, or
    /// a rate limit. Anything else needs the shopper (or a new token) first.
    pub fn is_transient(&self) -> bool {
        match &self.kind {
            FailureKind::Network => true,
            FailureKind::Server { status, code, .. } => *status >= 500 || *code == ErrorCode::RateLimited,
        }
    }

    /// No token opens this order in this visit: the shopper has to look it up (again).
    pub fn token_expired() -> Self {
        Self { kind: FailureKind::Server { status: 401, code: ErrorCode::TokenExpired, field: None }, request_id: None }
    }

    /// The bearer token no longer opens the order: the shopper must look it up again.
    pub fn needs_lookup(&self) -> bool {
        matches!(self.code(), Some(ErrorCode::TokenExpired | ErrorCode::InvalidToken))
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            FailureKind::Network => f.write_str("network error"),
            FailureKind::Server { status, code, .. } => write!(f, "HTTP {status} {code}"),
        }
    }
}

impl std::error::Error for ApiFailure {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    base: String,
    key: PublishableKey,
}

type Abort<'a> = Option<&'a web_sys::AbortSignal>;

impl ApiClient {
    pub fn new(base: impl Into<String>, key: PublishableKey) -> Self {
        let base = base.into().trim_end_matches('/').to_owned();
        Self { base, key }
    }

    /// The merchant this client speaks for (scopes what the widget keeps in the browser).
    pub fn key(&self) -> &PublishableKey {
        &self.key
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}?key={}", self.base, self.key.as_str())
    }

    /// The merchant's configuration, and their own texts by language (`strings`, read by
    /// hand like a page's `init({ strings })`: see `WidgetConfigBody`).
    ///
    /// `first`: what the loader's request for it (sent while the app was still downloading)
    /// came to, if anything (see [`FirstConfig`]). Its answer is taken when it is a success;
    /// otherwise (no answer, a refusal, an API given with a trailing `/`) the request goes again.
    /// An answer already [`FirstConfig::Here`] is returned without waiting (no `.await` on that
    /// path), so the app's first draw has it.
    #[cfg(feature = "leptos")]
    pub async fn widget_config(&self, first: FirstConfig) -> Result<(carebox_contract::WidgetConfig, crate::app::Texts), ApiFailure> {
        let sent = match first {
            FirstConfig::Here(answer) => return answer,
            FirstConfig::Coming(sent) => JsFuture::from(sent).await.ok().filter(is_success),
            FirstConfig::Ask => None,
        };
        let response = match sent {
            Some(response) => response.unchecked_into(),
            None => {
                send("GET", &self.url("/v1/widget/config"), Call { bearer: None, idempotency_key: None, body: None, abort: None }).await?
            }
        };
        read_config(response).await
    }

    /// What the loader's request for the configuration (`sent`) comes to within `wait_ms`: read
    /// when it is a success; still [`FirstConfig::Coming`] when it takes longer (the app is drawn
    /// meanwhile, with a skeleton where the screens go).
    #[cfg(feature = "leptos")]
    pub async fn first_config(sent: js_sys::Promise, wait_ms: i32) -> FirstConfig {
        let timer = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, wait_ms);
            }
        });
        // The loader's promise settles as a `Response` or an `Error`, never as `undefined`.
        match JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&sent, &timer))).await {
            Ok(answer) if answer.is_undefined() => FirstConfig::Coming(sent),
            Ok(answer) if is_success(&answer) => FirstConfig::Here(read_config(answer.unchecked_into()).await),
            _ => FirstConfig::Ask,
        }
    }

    pub async fn lookup_order(&self, request: &OrderLookupRequest, abort: Abort<'_>) -> Result<OrderLookupResponse, ApiFailure> {
        let body = serde_wasm_bindgen::to_value(request).map_err(|_| network())?;
        fetch_json("POST", &self.url("/v1/orders/lookup"), None, Some(body), abort).await
    }

    pub async fn order(&self, number: &OrderNumber, token: &str, abort: Abort<'_>) -> Result<OrderView, ApiFailure> {
        let url = self.url(&format!("/v1/orders/{}", encode(number.as_str())));
        fetch_json("GET", &url, Some(token), None, abort).await
    }

    pub async fn shopper_orders(&self, token: &str, abort: Abort<'_>) -> Result<ShopperOrders, ApiFailure> {
        fetch_json("GET", &self.url("/v1/shopper/orders"), Some(token), None, abort).await
    }

    /// Files a complaint. `idempotency_key` was made when the shopper pressed Send and goes
    /// with every retry, so the server files it once however often this is called.
    pub async fn file_complaint(
        &self,
        request: &NewComplaintRequest,
        idempotency_key: &str,
        token: &str,
        abort: Abort<'_>,
    ) -> Result<ComplaintView, ApiFailure> {
        let body = serde_wasm_bindgen::to_value(request).map_err(|_| network())?;
        let call = Call { bearer: Some(token), idempotency_key: Some(idempotency_key), body: Some(body), abort };
        fetch_json_with("POST", &self.url("/v1/complaints"), call).await
    }

    pub async fn complaint(&self, ticket: &str, token: &str, abort: Abort<'_>) -> Result<ComplaintView, ApiFailure> {
        let url = self.url(&format!("/v1/complaints/{}", encode(ticket)));
        fetch_json("GET", &url, Some(token), None, abort).await
    }

    pub async fn escalate_complaint(&self, ticket: &str, reason: &str, token: &str, abort: Abort<'_>) -> Result<ComplaintView, ApiFailure> {
        let request = ShopperEscalationRequest { reason: reason.to_owned() };
        let body = serde_wasm_bindgen::to_value(&request).map_err(|_| network())?;
        let url = self.url(&format!("/v1/complaints/{}/escalate", encode(ticket)));
        fetch_json("POST", &url, Some(token), Some(body), abort).await
    }

    pub async fn order_complaints(&self, number: &OrderNumber, token: &str, abort: Abort<'_>) -> Result<Vec<ComplaintView>, ApiFailure> {
        let url = self.url(&format!("/v1/orders/{}/complaints", encode(number.as_str())));
        fetch_json("GET", &url, Some(token), None, abort).await
    }

    pub async fn loyalty(&self, token: &str, abort: Abort<'_>) -> Result<LoyaltySummary, ApiFailure> {
        fetch_json("GET", &self.url("/v1/shopper/loyalty"), Some(token), None, abort).await
    }

    /// The shopper's CSAT answer on a subject so far.
    pub async fn csat(&self, subject: &CsatSubject, token: &str, abort: Abort<'_>) -> Result<CsatStatus, ApiFailure> {
        let url = self.url(&format!("/v1/csat/{}", encode(&subject.to_string())));
        fetch_json("GET", &url, Some(token), None, abort).await
    }

    /// Gives or changes the answer (the server keeps one per subject).
    pub async fn answer_csat(
        &self,
        subject: &CsatSubject,
        request: &CsatAnswerRequest,
        token: &str,
        abort: Abort<'_>,
    ) -> Result<CsatAnswer, ApiFailure> {
        let body = serde_wasm_bindgen::to_value(request).map_err(|_| network())?;
        let url = self.url(&format!("/v1/csat/{}", encode(&subject.to_string())));
        fetch_json("PUT", &url, Some(token), Some(body), abort).await
    }

    pub async fn shopper_complaints(&self, token: &str, abort: Abort<'_>) -> Result<Vec<ComplaintView>, ApiFailure> {
        fetch_json("GET", &self.url("/v1/shopper/complaints"), Some(token), None, abort).await
    }
}

/// How the merchant's configuration reaches the app as it starts.
#[cfg(feature = "leptos")]
#[derive(Default)]
pub enum FirstConfig {
    /// The app asks for it (nothing was sent ahead: a Leptos app, a language switch).
    #[default]
    Ask,
    /// The loader's request, still on its way: awaited, not sent again.
    Coming(js_sys::Promise),
    /// The loader's request, answered and read before the app was drawn.
    Here(Result<(carebox_contract::WidgetConfig, crate::app::Texts), ApiFailure>),
}

/// A settled `fetch` that is a successful `Response`. A success is this merchant's: the loader's
/// URL differs from the app's only by the key's spaces (the server trims them too) or an API's
/// trailing `/` (which fails).
#[cfg(feature = "leptos")]
fn is_success(answer: &JsValue) -> bool {
    js_sys::Reflect::get(answer, &"ok".into()).is_ok_and(|ok| ok.is_truthy())
}

#[cfg(feature = "leptos")]
async fn read_config(response: web_sys::Response) -> Result<(carebox_contract::WidgetConfig, crate::app::Texts), ApiFailure> {
    read_answer(response).await?.decoded(|json| {
        let texts = crate::app::texts_by_language(&js_sys::Reflect::get(&json, &"strings".into()).unwrap_or(JsValue::UNDEFINED));
        Some((widget_config_from_json(&json)?, texts.into()))
    })
}

fn encode(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

fn network() -> ApiFailure {
    ApiFailure { kind: FailureKind::Network, request_id: None }
}

/// One JSON call through the browser's `fetch`; the browser's own `JSON.parse` reads the
/// body (no JSON parser in the bundle), serde-wasm-bindgen turns it into our types.
async fn fetch_json<T: DeserializeOwned>(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    body: Option<JsValue>,
    abort: Abort<'_>,
) -> Result<T, ApiFailure> {
    fetch_json_with(method, url, Call { bearer, idempotency_key: None, body, abort }).await
}

/// What goes with a request besides its method and URL.
struct Call<'a> {
    bearer: Option<&'a str>,
    idempotency_key: Option<&'a str>,
    body: Option<JsValue>,
    abort: Abort<'a>,
}

async fn fetch_json_with<T: DeserializeOwned>(method: &str, url: &str, call: Call<'_>) -> Result<T, ApiFailure> {
    fetch_decoded(method, url, call, |json| serde_wasm_bindgen::from_value(json).ok()).await
}

/// A successful answer's JSON as `decode` reads it (`None`: not what was asked for); a
/// refusal's `ErrorBody` as the error.
async fn fetch_decoded<T>(method: &str, url: &str, call: Call<'_>, decode: impl FnOnce(JsValue) -> Option<T>) -> Result<T, ApiFailure> {
    read_answer(send(method, url, call).await?).await?.decoded(decode)
}

/// A successful answer's JSON, with the failure to report if it is not what was asked for.
struct Answer {
    json: Option<JsValue>,
    unreadable: ApiFailure,
}

impl Answer {
    fn decoded<T>(self, decode: impl FnOnce(JsValue) -> Option<T>) -> Result<T, ApiFailure> {
        self.json.and_then(decode).ok_or(self.unreadable)
    }
}

/// The request, sent. Like [`read_answer`], not generic over what is decoded: one copy in the
/// bundle, not one per kind of answer.
async fn send(method: &str, url: &str, call: Call<'_>) -> Result<web_sys::Response, ApiFailure> {
    let Call { bearer, idempotency_key, body, abort } = call;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| network())?;
    let _ = headers.set("Accept", "application/json");
    if let Some(token) = bearer {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(key) = idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        let text = js_sys::JSON::stringify(&body).map_err(|_| network())?;
        init.set_body(&text);
    }
    init.set_headers(&headers);
    init.set_signal(abort);
    let window = web_sys::window().ok_or_else(network)?;
    Ok(JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(|_| network())?.unchecked_into())
}

/// A success's JSON, or the refusal's `ErrorBody` as the error.
async fn read_answer(response: web_sys::Response) -> Result<Answer, ApiFailure> {
    let request_id = response.headers().get(REQUEST_ID_HEADER).ok().flatten();
    let status = response.status();
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    let server = |code, field| ApiFailure { kind: FailureKind::Server { status, code, field }, request_id: request_id.clone() };
    if response.ok() {
        return Ok(Answer { json, unreadable: server(ErrorCode::Internal, None) });
    }
    // `{ "error": { "code", "message", "field"? } }` (`ErrorBody`), read by hand: see
    // [`widget_config_from_json`].
    let error = json.map(|body| field(&body, "error")).filter(JsValue::is_object);
    match error.as_ref().and_then(|error| field(error, "code").as_string()) {
        Some(code) => Err(server(ErrorCode::from_name(&code), error.and_then(|error| field(&error, "field").as_string()))),
        None => Err(server(ErrorCode::Internal, None)),
    }
}

/// `object[name]`; `undefined` when it has none (or is not an object).
fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `GET /v1/widget/config`'s answer (`WidgetConfigBody` without its `strings`), read by hand
/// rather than by serde: serde's deserializer brings its error messages, and with them Rust's
/// float formatting, into the first open (9.3 KiB of it, brotli). The same rules as the
/// contract's types: a field missing or of the wrong kind, an accent or a radius that does not
/// parse is no configuration at all; a greeting in a language or a feature this build does not
/// know is left out (a newer server's), as is anything unknown.
pub fn widget_config_from_json(json: &JsValue) -> Option<carebox_contract::WidgetConfig> {
    use carebox_contract::{AccentColor, ColorScheme, CornerRadius, Feature, Locale, LookupMode, Theme, WidgetConfig};
    let text = |object: &JsValue, name: &str| field(object, name).as_string();
    let theme = field(json, "theme");
    let radius = field(&theme, "radius").as_f64().filter(|px| px.fract() == 0.0 && (0.0..=255.0).contains(px))?;
    let features: js_sys::Array = field(json, "features").dyn_into().ok()?;
    let greetings = field(json, "greetings");
    let lookup_by = field(json, "lookup_by");
    Some(WidgetConfig {
        merchant_name: text(json, "merchant_name")?,
        greetings: if greetings.is_undefined() {
            Default::default()
        } else {
            let greetings: &js_sys::Object = greetings.dyn_ref()?;
            js_sys::Object::entries(greetings)
                .iter()
                .filter_map(|entry| {
                    let pair: js_sys::Array = entry.unchecked_into();
                    let tag = pair.get(0).as_string()?;
                    Some((Locale::from_name(&tag)?, pair.get(1).as_string()?))
                })
                .collect()
        },
        features: features.iter().filter_map(|name| Feature::from_name(&name.as_string()?)).collect(),
        theme: Theme {
            accent: AccentColor::parse(&text(&theme, "accent")?).ok()?,
            radius: CornerRadius::parse(radius as u8).ok()?,
            color_scheme: ColorScheme::from_name(&text(&theme, "color_scheme")?)?,
        },
        lookup_by: if lookup_by.is_undefined() { LookupMode::default() } else { LookupMode::from_name(&lookup_by.as_string()?)? },
    })
}
