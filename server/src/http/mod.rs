//! HTTP surface: routes, middleware and the OpenAPI document generated from the handlers.

mod cors;
mod extract;
mod health;
mod static_files;
mod widget_config;

pub use extract::Merchant;

use std::sync::Arc;
use std::time::Duration;

use axum::{Json, Router, http::Request, routing::get};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{Settings, Store};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Carebox API", description = "Order status, complaints, CSAT and loyalty for a shop's customer-service widget. Errors are `{ \"error\": { \"code\", \"message\", \"field\"? } }`."),
    tags(
        (name = "widget", description = "Public calls made by the widget with the merchant's publishable key"),
        (name = "operations", description = "Health and service documents"),
    )
)]
struct ApiDoc;

/// The OpenAPI document of every route registered below (handlers carry `#[utoipa::path]`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(widget_config::get_widget_config))
        .routes(routes!(health::healthz))
}

pub fn router(state: AppState, settings: &Settings) -> Router {
    let (api, openapi) = api_routes().split_for_parts();
    let openapi = Arc::new(openapi);
    let api = api
        .route("/openapi.json", get(move || std::future::ready(Json(openapi.as_ref().clone()))))
        .layer(cors::layer(state.store.clone()));

    let mut app = api.with_state(state);
    if let Some(fallback) = static_files::service(settings) {
        app = app.fallback_service(fallback);
    }

    app.layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let request_id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
            })
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
}
