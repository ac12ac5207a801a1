//! What orchestrators and monitoring ask: is the process alive (`/healthz`), may it take
//! traffic (`/readyz`), and what has it done (`/metrics`).

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use carebox_contract::ErrorBody;
use serde_json::{Value, json};

use super::AppState;
use crate::ApiError;

/// The process is alive and answering. It asks the database nothing: a database outage must
/// not make an orchestrator restart every node (that is what `/readyz` reports).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is serving"))
)]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready for traffic: the database answers and has every migration this build knows.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers and its schema is this build's or newer"),
        (status = 503, description = "`database_unavailable` or `migrations_pending`: take this node out of the load balancer"),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.store.schema_ready().await {
        Ok(true) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "migrations_pending" }))),
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database_unavailable" })))
        }
    }
}

/// Counters and latency histograms in the Prometheus text format. With
/// `CAREBOX_METRICS_TOKEN` set, only for `Authorization: Bearer <token>`; without it, only for
/// this machine (a loopback peer, no forwarding headers).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text"),
        (status = 403, description = "`not_allowed`: not from this machine, or not with the metrics token", body = ErrorBody),
    )
)]
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !may_read_metrics(state.metrics_token.as_deref(), peer, &headers) {
        return Err(ApiError::Forbidden("The metrics are for this machine, or for the bearer of CAREBOX_METRICS_TOKEN.".into()));
    }
    // A database that does not answer still leaves every other figure worth reading.
    let backlog = state.store.webhook_backlog().await.unwrap_or_else(|error| {
        tracing::warn!(%error, "metrics: the webhook backlog could not be counted");
        -1
    });
    Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], state.metrics.render(backlog)).into_response())
}

fn may_read_metrics(token: Option<&str>, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match token {
        Some(token) => {
            let offered = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
            offered.is_some_and(|offered| crate::domain::token::constant_time_eq(offered, token))
        }
        // A proxy on this machine would make every stranger look local: its headers give it away.
        None => peer.ip().is_loopback() && !headers.contains_key("x-forwarded-for") && !headers.contains_key(header::FORWARDED),
    }
}
