//! Sends webhook deliveries from the outbox: signed, retried with backoff. Runs in every
//! server process. No delivery is sent twice at once: each is claimed by one process, under a
//! lease six times the longest a send may take (a send is cut off at its timeout), and a
//! delivery is claimed only when a slot is free to send it at once. At most `concurrency`
//! sends are in flight per process and one per endpoint, so a slow endpoint holds one slot
//! while every other merchant's deliveries go on; an endpoint failing again and again is
//! paused (its circuit opens, see `domain::webhook::circuit_pause`).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::task::JoinSet;

use crate::clock::SharedClock;
use crate::domain::webhook;
use crate::domain::webhook_target::{self, WebhookReach, WebhookUrl};
use crate::metrics::SharedMetrics;
use crate::storage::DueDelivery;
use crate::{Stopping, Store};

/// How the sender runs (`Settings`' `webhook_*`).
#[derive(Debug, Clone, Copy)]
pub struct SenderSettings {
    /// How often to look for due deliveries when nothing is in flight.
    pub every: Duration,
    pub reach: WebhookReach,
    /// The most one send may take, connecting included.
    pub timeout: Duration,
    /// Sends in flight at once in this process.
    pub concurrency: usize,
}

impl SenderSettings {
    /// A claim outlives its send (cut at `timeout`) and the recording after it many times over.
    pub fn lease(&self) -> Duration {
        self.timeout * 6
    }
}

/// Sends until `stop` turns true; then claims nothing more and returns once the sends in flight
/// have finished and been recorded (each is cut at the timeout), so no lease is left to expire.
pub async fn run(store: Store, clock: SharedClock, settings: SenderSettings, metrics: SharedMetrics, mut stop: Stopping) {
    let client = match webhook_target::client(settings.reach, settings.timeout) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhooks disabled: no HTTP client");
            return;
        }
    };
    let mut ticker = tokio::time::interval(settings.every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sending = JoinSet::new();
    // Endpoint of each send in flight, by task: a finished (or failed) task frees its endpoint.
    let mut endpoint_of = HashMap::new();
    loop {
        // Stopping, or whoever would say so is gone.
        if *stop.borrow() || stop.has_changed().is_err() {
            if !sending.is_empty() {
                tracing::info!(in_flight = sending.len(), "finishing webhook sends before stopping");
            }
            while sending.join_next().await.is_some() {}
            return;
        }
        let busy: HashSet<String> = endpoint_of.values().cloned().collect();
        let free = settings.concurrency.saturating_sub(sending.len());
        match store.claim_due_deliveries(clock.now(), settings.lease(), free, &busy).await {
            Ok(due) => {
                for delivery in due {
                    let endpoint = delivery.endpoint_id.clone();
                    let task = sending.spawn(deliver(store.clone(), clock.clone(), client.clone(), settings, metrics.clone(), delivery));
                    endpoint_of.insert(task.id(), endpoint);
                }
            }
            Err(error) => tracing::error!(%error, "webhook pass failed; retrying next tick"),
        }
        // Look again when a send finishes (its slot is free) or at the next tick.
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.changed() => {}
            Some(finished) = sending.join_next_with_id() => {
                let id = match finished {
                    Ok((id, ())) => id,
                    Err(error) => {
                        tracing::error!(%error, "a webhook send failed to finish");
                        error.id()
                    }
                };
                endpoint_of.remove(&id);
            }
        }
    }
}

async fn deliver(
    store: Store,
    clock: SharedClock,
    client: reqwest::Client,
    settings: SenderSettings,
    metrics: SharedMetrics,
    delivery: DueDelivery,
) {
    let (status, error) = match allowed(&delivery.url, settings.reach) {
        // The client's own timeout covers the request; this one also covers name resolution.
        Ok(()) => tokio::time::timeout(settings.timeout, send(&client, &delivery, clock.now().unix_ms() / 1000))
            .await
            .unwrap_or_else(|_| (None, Some(format!("timed out after {} s", settings.timeout.as_secs_f32())))),
        Err(refused) => (None, Some(refused)),
    };
    metrics.webhook_attempt(error.is_none());
    match store.record_delivery(&delivery, status, error.as_deref(), clock.now()).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(delivery = %delivery.id, "webhook claim lost before its outcome was recorded"),
        Err(e) => tracing::error!(error = %e, delivery = %delivery.id, "could not record a webhook attempt"),
    }
}

/// Checked again before connecting: the rules may have tightened since it was registered, and
/// an address in the URL itself never reaches the resolver's check.
fn allowed(url: &str, reach: WebhookReach) -> Result<(), String> {
    let url = WebhookUrl::parse(url, reach).map_err(|e| format!("refused: {}", e.message))?;
    match url.ip_literal() {
        Some(ip) if !reach.allows(ip) => Err("refused: not a public address".into()),
        _ => Ok(()),
    }
}

/// What the log keeps of a failure: short, one line, no control characters (an endpoint's
/// words are not the merchant's to trust).
fn excerpt(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match clean.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &clean[..at]),
        None => clean,
    }
}

async fn send(client: &reqwest::Client, delivery: &DueDelivery, unix_seconds: i64) -> (Option<u16>, Option<String>) {
    let response = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("Carebox-Event", &delivery.event_type)
        .header("Carebox-Delivery", &delivery.id)
        .header("Carebox-Signature", webhook::signature(&delivery.secret, unix_seconds, &delivery.payload))
        .body(delivery.payload.clone())
        .send()
        .await;
    match response {
        Ok(response) if response.status().is_success() => (Some(response.status().as_u16()), None),
        Ok(response) => {
            tracing::warn!(delivery = %delivery.id, status = response.status().as_u16(), attempt = delivery.attempts, "webhook refused");
            (Some(response.status().as_u16()), Some(format!("HTTP {}", response.status())))
        }
        Err(error) => {
            tracing::warn!(delivery = %delivery.id, %error, attempt = delivery.attempts, "webhook endpoint unreachable");
            (None, Some(excerpt(&error.to_string())))
        }
    }
}
