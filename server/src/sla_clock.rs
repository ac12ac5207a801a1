//! The SLA clock: in every server process, a background task that escalates complaints whose
//! promised response time has passed. Deadlines live in the database, so a restart loses
//! nothing, and each escalation is claimed by one process only (see
//! `services::sla`), so any number of processes may run it.

use std::time::Duration;

use carebox_contract::Timestamp;

use crate::clock::SharedClock;
use crate::metrics::{EscalationCause, SharedMetrics};
use crate::{Stopping, Store};

/// Complaints handled per pass; the rest wait for the next tick.
const BATCH: i64 = 200;

/// How long a complaint's Idempotency-Key answers retries (then it is forgotten, on this clock).
pub const IDEMPOTENCY_KEY_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Runs passes every `every` until `stop` turns true; a pass under way when it does is finished
/// (each escalation is one transaction either way).
pub async fn run(store: Store, clock: SharedClock, every: Duration, metrics: SharedMetrics, mut stop: Stopping) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
        match crate::services::sla::escalate_breached(&store, clock.now(), BATCH).await {
            Ok(escalated) => {
                for step in escalated {
                    metrics.escalated(EscalationCause::Breach);
                    tracing::info!(merchant = %step.merchant_id, ticket = %step.ticket, from = step.from.as_str(), to = step.to.as_str(), "complaint escalated: response time passed");
                }
            }
            Err(error) => tracing::error!(%error, "SLA clock pass failed; retrying next tick"),
        }
        let before = Timestamp::from_unix_ms(clock.now().unix_ms() - IDEMPOTENCY_KEY_LIFETIME.as_millis() as i64);
        if let Err(error) = store.forget_idempotency_keys_before(before).await {
            tracing::error!(%error, "forgetting old idempotency keys failed; retrying next tick");
        }
        if let Err(error) = store.forget_closed_attempt_windows(clock.now()).await {
            tracing::error!(%error, "forgetting closed rate-limit windows failed; retrying next tick");
        }
    }
}
