//! HTTP surface: routes, middleware and the OpenAPI document generated from the handlers.

mod auth;
pub mod client_address;
mod complaints;
mod console;
mod cors;
mod csat;
mod csat_page;
mod edge;
mod extract;
mod frame;
mod health;
mod json;
mod loyalty;
mod merchant_complaints;
mod merchant_orders;
mod merchant_webhooks;
mod orders;
mod params;
pub mod rate_limit;
mod reports;
mod static_files;
mod widget_config;

pub use extract::Merchant;
pub use rate_limit::{Limit, RateLimiter};

use std::sync::Arc;
use std::time::Duration;

use axum::{
    Json, Router,
    extract::Path,
    http::{HeaderValue, Request, header},
    routing::get,
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::metrics::SharedMetrics;
use crate::{ApiError, Settings, Store, clock::SharedClock};

/// Everything a handler may use, behind one pointer: axum clones the state for every
/// extractor of every request, and one reference count is cheaper than a dozen (perf: cloning
/// and dropping the fields one by one took 4% of an order view's CPU). Nothing in it outlives
/// a restart except what lives in the database.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl From<SharedState> for AppState {
    fn from(shared: SharedState) -> Self {
        Self(Arc::new(shared))
    }
}

/// The fields of [`AppState`]: built (and adjusted) by the server's start-up, then shared.
pub struct SharedState {
    pub store: Store,
    pub clock: SharedClock,
    pub limiter: Arc<RateLimiter>,
    pub limits: Limits,
    /// Signs and verifies order tokens (shared by all processes through the database).
    pub order_token_key: Arc<[u8]>,
    /// `CAREBOX_PUBLIC_URL`: the base of links the server makes (e-mail CSAT links); without
    /// it, the host the request came to.
    pub public_url: Option<Arc<str>>,
    /// Proxies whose forwarding headers name the client (`CAREBOX_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<client_address::TrustedProxies>,
    /// Where merchants' webhooks may point (`CAREBOX_WEBHOOKS_TO_LOOPBACK`).
    pub webhook_reach: crate::domain::webhook_target::WebhookReach,
    /// This process's counters for `/metrics` (shared with its background workers).
    pub metrics: SharedMetrics,
    /// `CAREBOX_METRICS_TOKEN`: the bearer token `/metrics` asks for; without one it answers
    /// only to this machine (a loopback peer with no proxy in between).
    pub metrics_token: Option<Arc<str>>,
}

/// Attempt limits for the public lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub lookup_per_client: Limit,
    pub lookup_per_order: Limit,
    /// Complaints filed per order (or identified shopper) and per client: a real shopper files
    /// one or two; a script with one token filed thousands.
    pub complaints_per_shopper: Limit,
    pub complaints_per_client: Limit,
}

impl Limits {
    /// How long the in-process limiter must remember a key.
    pub fn longest_window(&self) -> Duration {
        [self.lookup_per_client, self.lookup_per_order, self.complaints_per_shopper, self.complaints_per_client]
            .iter()
            .map(|limit| limit.window)
            .max()
            .unwrap_or(Duration::from_secs(1))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            lookup_per_client: Limit { max: 30, window: Duration::from_secs(600) },
            lookup_per_order: Limit { max: 10, window: Duration::from_secs(600) },
            complaints_per_shopper: Limit { max: 5, window: Duration::from_secs(3600) },
            complaints_per_client: Limit { max: 20, window: Duration::from_secs(3600) },
        }
    }
}

impl SharedState {
    pub async fn new(store: Store, clock: SharedClock, limits: Limits) -> Result<Self, sqlx::Error> {
        let order_token_key = store.order_token_key().await?.into();
        Ok(Self {
            limiter: Arc::new(RateLimiter::for_store(&store, &limits)),
            store,
            clock,
            limits,
            order_token_key,
            public_url: None,
            webhook_reach: Default::default(),
            trusted_proxies: Default::default(),
            metrics: Default::default(),
            metrics_token: None,
        })
    }
}

struct BearerSchemes;

impl utoipa::Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut secret = Http::new(HttpAuthScheme::Bearer);
        secret.description = Some("The merchant's secret key, `sk_…` (server to server only).".into());
        components.add_security_scheme("secret_key", SecurityScheme::Http(secret));
        let mut shopper = Http::new(HttpAuthScheme::Bearer);
        shopper.bearer_format = Some("JWT".into());
        shopper.description = Some("An order token from `/v1/orders/lookup`, or a shopper token signed by the merchant (HS256).".into());
        components.add_security_scheme("shopper_token", SecurityScheme::Http(shopper));
        use utoipa::openapi::security::{ApiKey, ApiKeyValue};
        let session = ApiKeyValue::with_description(
            "carebox_console",
            "A console session from `POST /v1/console/session`; changes also send its `X-CSRF-Token`.",
        );
        components.add_security_scheme("console_session", SecurityScheme::ApiKey(ApiKey::Cookie(session)));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Carebox API", description = "Order status, complaints, CSAT and loyalty for a shop's customer-service widget. Errors are `{ \"error\": { \"code\", \"message\", \"field\"? } }`."),
    modifiers(&BearerSchemes),
    // Named only by parameters, which do not register what they name.
    components(schemas(
        carebox_contract::PublishableKey,
        carebox_contract::OrderNumber,
        carebox_contract::Email,
        carebox_contract::CsatSubject,
        carebox_contract::WebhookEventType,
        carebox_contract::CalendarDate,
        carebox_contract::Timestamp,
        carebox_contract::openapi::field::Ticket,
        carebox_contract::openapi::field::Idempotency,
    )),
    tags(
        (name = "widget", description = "Public calls made by the widget with the merchant's publishable key"),
        (name = "merchant", description = "Server-to-server calls with the merchant's secret key, or the console's with a staff session"),
        (name = "console", description = "The support console's session (staff sign in with e-mail and password)"),
        (name = "operations", description = "Health and service documents"),
    )
)]
struct ApiDoc;

/// The OpenAPI document of every route registered below (handlers carry `#[utoipa::path]`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut openapi = api_routes().split_for_parts().1;
    document_common_refusals(&mut openapi);
    openapi
}

/// Answers every operation may give for the same reasons, documented once here rather than
/// on each handler: 401 where credentials are required, 400 where a parameter or body is
/// parsed, 413 where a body is read. A handler's own description of the same status wins.
fn document_common_refusals(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let refusal = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
            .build()
    };
    use utoipa::openapi::security::SecurityRequirement;
    for item in openapi.paths.paths.values_mut() {
        let changes = [&mut item.put, &mut item.post, &mut item.patch, &mut item.delete];
        for operation in changes.into_iter().flatten() {
            let merchant = operation.security.iter().flatten().any(|s| s == &SecurityRequirement::new("secret_key", Vec::<String>::new()));
            if merchant {
                let refusal =
                    refusal("`not_allowed`: a console session's change without its `X-CSRF-Token`, or an agent's where only owners may");
                operation.responses.responses.entry("403".to_owned()).or_insert_with(|| refusal.into());
            }
        }
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.patch, &mut item.delete];
        for operation in operations.into_iter().flatten() {
            // The console calls the merchant API with a staff session instead of the secret key.
            if let Some(security) = &mut operation.security
                && security.contains(&SecurityRequirement::new("secret_key", Vec::<String>::new()))
            {
                security.push(SecurityRequirement::new("console_session", Vec::<String>::new()));
            }
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses.entry(status.to_owned()).or_insert_with(|| refusal(description).into());
            };
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add("401", "Credentials missing or not valid for this shop (`unauthorized`, `invalid_token`, `token_expired`)");
            }
            if operation.request_body.is_some() {
                add("400", "The body is not JSON of the documented shape (`invalid_json`, with the field's path)");
                add("413", "The body is larger than the endpoint reads (`too_large`)");
            }
            if operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add("400", "A parameter is missing (`missing`) or malformed (`invalid`); `field` names it");
            }
        }
    }
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(console::sign_in, console::current, console::sign_out))
        .routes(routes!(console::rotate_secret_key))
        .routes(routes!(widget_config::get_widget_config))
        .routes(routes!(widget_config::get_strings, widget_config::put_strings))
        .routes(routes!(widget_config::get_settings, widget_config::patch_settings))
        .routes(routes!(widget_config::get_origins, widget_config::put_origins))
        .routes(routes!(widget_config::make_preview))
        .routes(routes!(orders::lookup_order))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::shopper_orders))
        .routes(routes!(complaints::file_complaint))
        .routes(routes!(complaints::get_complaint))
        .routes(routes!(complaints::escalate_complaint))
        .routes(routes!(complaints::order_complaints))
        .routes(routes!(complaints::shopper_complaints))
        .routes(routes!(csat::get_answer, csat::put_answer))
        .routes(routes!(csat::get_settings, csat::put_settings))
        .routes(routes!(csat::make_links))
        .routes(routes!(csat::metrics))
        .routes(routes!(csat::answers))
        .routes(routes!(reports::support_report))
        .routes(routes!(loyalty::shopper_loyalty))
        .routes(routes!(loyalty::get_tiers, loyalty::put_tiers))
        .routes(routes!(loyalty::adjust_points))
        .routes(routes!(loyalty::get_compensation, loyalty::put_compensation))
        .routes(routes!(loyalty::shopper_ledger))
        .routes(routes!(merchant_complaints::list_complaints))
        .routes(routes!(merchant_complaints::complaint_counts))
        .routes(routes!(merchant_complaints::get_complaint))
        .routes(routes!(merchant_complaints::act_on_complaint))
        .routes(routes!(merchant_complaints::list_notes, merchant_complaints::add_note))
        .routes(routes!(merchant_webhooks::add_endpoint, merchant_webhooks::list_endpoints))
        .routes(routes!(merchant_webhooks::list_deliveries))
        .routes(routes!(merchant_webhooks::change_endpoint, merchant_webhooks::delete_endpoint))
        .routes(routes!(merchant_webhooks::rotate_secret))
        .routes(routes!(merchant_webhooks::retry_delivery))
        .routes(routes!(merchant_orders::upsert_order, merchant_orders::get_order))
        .routes(routes!(merchant_orders::append_event))
        .routes(routes!(merchant_orders::search_orders))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
}

async fn preview(
    state: AppState,
    api: Router,
    token: String,
    rest: String,
    request: Request<axum::body::Body>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use tower::ServiceExt;
    if request.method() == axum::http::Method::GET && rest == "v1/widget/config" {
        let key = request.uri().query().and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("key="))).map(str::to_owned);
        return widget_config::preview_config(&state, &token, key.as_deref()).await.into_response();
    }
    match state.store.preview(&token, state.clock.now()).await {
        Ok(Some(_)) => {}
        Ok(None) => return ApiError::NotFound.into_response(),
        Err(error) => return ApiError::from(error).into_response(),
    }
    let (mut parts, body) = request.into_parts();
    let target = match parts.uri.query() {
        Some(query) => format!("/{rest}?{query}"),
        None => format!("/{rest}"),
    };
    let Ok(uri) = target.parse() else { return ApiError::NotFound.into_response() };
    parts.uri = uri;
    match api.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// API answers carry orders, tokens and shoppers' details: no cache keeps them and no browser
/// reads them as anything but what they say (a handler's own `Cache-Control` wins). One
/// middleware, not a layer per header: axum clones every layer of a route for each request.
async fn never_cached_or_sniffed(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

pub fn router(state: AppState, settings: &Settings) -> Router {
    let (api, mut openapi) = api_routes().split_for_parts();
    document_common_refusals(&mut openapi);
    let cors = cors::CorsPolicy::new(state.store.clone(), cors::AllowedRequests::of(&openapi));
    let openapi = Arc::new(openapi);
    let api = api
        .route("/openapi.json", get(move || std::future::ready(Json(openapi.as_ref().clone()))))
        .layer(axum::middleware::from_fn_with_state(cors, cors::answer));

    // The page e-mail links open: a top-level navigation, not an API call (no CORS).
    // Its form is a score and a comment: a public body limit, like the widget's calls.
    let mut api = api.route(
        "/csat/r",
        get(csat_page::open_link).post(csat_page::post_form).layer(axum::extract::DefaultBodyLimit::max(json::PUBLIC_BODY_LIMIT)),
    );
    if let Some(frame) = frame::route(settings) {
        api = api.route("/frame", frame);
    }
    // Answers about orders, tokens and shoppers: never kept by a cache, never sniffed as HTML.
    let api = api.layer(axum::middleware::map_response(never_cached_or_sniffed));
    let state_metrics = state.metrics.clone();
    let mut app = api.with_state(state.clone());
    // The console's live preview: the real widget with `api` = `/preview/<token>` gets the
    // unsaved configuration; its other calls reach the API as they would without the prefix.
    let api_only = app.clone();
    app = app.route(
        "/preview/{token}/{*rest}",
        axum::routing::any(move |Path((token, rest)): Path<(String, String)>, request: Request<axum::body::Body>| {
            let (state, api_only) = (state.clone(), api_only.clone());
            async move { preview(state, api_only, token, rest, request).await }
        }),
    );
    if let Some(fallback) = static_files::service(settings) {
        app = app.fallback_service(fallback);
    }

    app.layer(axum::middleware::from_fn_with_state(state_metrics, edge::answer))
}
