//! What operators watch, at `GET /metrics` in the Prometheus (OpenMetrics) text format:
//! requests by route and status with latency histograms, lookups refused by the limits,
//! complaints filed, escalations by cause, the webhook backlog and failed deliveries.
//!
//! Counters are per process (Prometheus sums a deployment's nodes); the webhook backlog is read
//! from the database at each scrape, so every node reports the deployment's whole backlog.

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/v1/orders/{number}`), never the path: paths carry e-mail
    /// addresses and order numbers, and a label per path would grow without bound.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CauseLabels {
    cause: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// Which attempt limit refused an order lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupLimit {
    /// Failed lookups from one client.
    PerClient,
    /// Failed lookups of one order number from one client.
    PerOrder,
}

/// Why a complaint moved up a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationCause {
    /// The promised response time passed (the SLA clock).
    Breach,
    /// The shopper asked.
    Shopper,
    /// Staff escalated it.
    Staff,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    lookups_refused: Family<LimitLabels, Counter>,
    complaints_filed: Counter,
    escalations: Family<CauseLabels, Counter>,
    webhook_backlog: Gauge,
    webhook_deliveries: Family<OutcomeLabels, Counter>,
}

pub type SharedMetrics = Arc<Metrics>;

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("carebox");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by method, route template and status", requests.clone());
        // 0.5 ms to ~16 s, doubling: a lookup answers in well under a millisecond, the slowest
        // calls are cut at 30 s.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| Histogram::new(exponential_buckets(0.0005, 2.0, 16)));
        registry.register("http_request_duration_seconds", "Time to answer a request, by route template", latency.clone());
        let lookups_refused = Family::<LimitLabels, Counter>::default();
        registry.register("lookups_refused", "Order lookups refused by an attempt limit (per_client, per_order)", lookups_refused.clone());
        let complaints_filed = Counter::default();
        registry.register(
            "complaints_filed",
            "Complaints filed (a retry with the same Idempotency-Key is not counted)",
            complaints_filed.clone(),
        );
        let escalations = Family::<CauseLabels, Counter>::default();
        registry.register("escalations", "Complaints moved up a level, by cause (breach, shopper, staff)", escalations.clone());
        let webhook_backlog = Gauge::default();
        registry.register("webhook_backlog", "Webhook deliveries waiting to be sent (the whole deployment's)", webhook_backlog.clone());
        let webhook_deliveries = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts sent by this process, by outcome (delivered, failed)",
            webhook_deliveries.clone(),
        );
        Self { registry, requests, latency, lookups_refused, complaints_filed, escalations, webhook_backlog, webhook_deliveries }
    }
}

impl Metrics {
    pub fn lookup_refused(&self, limit: LookupLimit) {
        let limit = match limit {
            LookupLimit::PerClient => "per_client",
            LookupLimit::PerOrder => "per_order",
        };
        self.lookups_refused.get_or_create(&LimitLabels { limit }).inc();
    }

    pub fn complaint_filed(&self) {
        self.complaints_filed.inc();
    }

    pub fn escalated(&self, cause: EscalationCause) {
        let cause = match cause {
            EscalationCause::Breach => "breach",
            EscalationCause::Shopper => "shopper",
            EscalationCause::Staff => "staff",
        };
        self.escalations.get_or_create(&CauseLabels { cause }).inc();
    }

    /// One webhook attempt's outcome.
    pub fn webhook_attempt(&self, delivered: bool) {
        let outcome = if delivered { "delivered" } else { "failed" };
        self.webhook_deliveries.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// The text Prometheus scrapes, with the backlog as just counted.
    pub fn render(&self, webhook_backlog: i64) -> String {
        self.webhook_backlog.set(webhook_backlog);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    /// One answered request (the edge middleware calls this for every request).
    pub(crate) fn answered(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.get_or_create(&RequestLabels { method: method.to_owned(), route: route.to_owned(), status }).inc();
        self.latency.get_or_create(&RouteLabels { route: route.to_owned() }).observe(seconds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_each_counter_with_its_labels() {
        let metrics = Metrics::default();
        metrics.answered("GET", "/v1/orders/{number}", 200, 0.002);
        metrics.answered("GET", "/v1/orders/{number}", 200, 0.004);
        metrics.lookup_refused(LookupLimit::PerOrder);
        metrics.complaint_filed();
        metrics.escalated(EscalationCause::Breach);
        metrics.webhook_attempt(false);
        let text = metrics.render(7);
        for line in [
            r#"carebox_http_requests_total{method="GET",route="/v1/orders/{number}",status="200"} 2"#,
            r#"carebox_http_request_duration_seconds_count{route="/v1/orders/{number}"} 2"#,
            r#"carebox_lookups_refused_total{limit="per_order"} 1"#,
            "carebox_complaints_filed_total 1",
            r#"carebox_escalations_total{cause="breach"} 1"#,
            "carebox_webhook_backlog 7",
            r#"carebox_webhook_deliveries_total{outcome="failed"} 1"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
        }
        assert!(text.trim_end().ends_with("# EOF"));
    }
}
