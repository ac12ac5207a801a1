//! Sends webhook deliveries from the outbox: signed, with a 10 s timeout, retried with
//! backoff. Runs in every server process; each delivery is claimed by one process at a time.

use std::time::Duration;

use crate::Store;
use crate::clock::SharedClock;
use crate::domain::webhook;
use crate::domain::webhook_target::{self, WebhookReach, WebhookUrl};
use crate::storage::DueDelivery;

const BATCH: i64 = 50;
/// Longer than a send can take, so a crashed process's claim expires and another retries.
const LEASE: Duration = Duration::from_secs(60);
const TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run(store: Store, clock: SharedClock, every: Duration, reach: WebhookReach) {
    let client = match webhook_target::client(reach, TIMEOUT) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhooks disabled: no HTTP client");
            return;
        }
    };
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let due = match store.claim_due_deliveries(clock.now(), LEASE, BATCH).await {
            Ok(due) => due,
            Err(error) => {
                tracing::error!(%error, "webhook pass failed; retrying next tick");
                continue;
            }
        };
        for delivery in due {
            let (status, error) = match allowed(&delivery.url, reach) {
                Ok(()) => send(&client, &delivery, clock.now().unix_ms() / 1000).await,
                Err(refused) => (None, Some(refused)),
            };
            if let Err(e) = store.record_delivery(&delivery, status, error.as_deref(), clock.now()).await {
                tracing::error!(error = %e, delivery = %delivery.id, "could not record a webhook attempt");
            }
        }
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
