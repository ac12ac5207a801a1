//! The SLA clock: in every server process, a background task that escalates complaints whose
//! promised response time has passed. Deadlines live in the database, so a restart loses
//! nothing, and each escalation is claimed by one process only (see
//! `Store::escalate_breached`), so any number of processes may run it.

use std::time::Duration;

use crate::Store;
use crate::clock::SharedClock;

/// Complaints handled per pass; the rest wait for the next tick.
const BATCH: i64 = 200;

pub async fn run(store: Store, clock: SharedClock, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match store.escalate_breached(clock.now(), BATCH).await {
            Ok(escalated) => {
                for step in escalated {
                    tracing::info!(merchant = %step.merchant_id, ticket = %step.ticket, from = step.from.as_str(), to = step.to.as_str(), "complaint escalated: response time passed");
                }
            }
            Err(error) => tracing::error!(%error, "SLA clock pass failed; retrying next tick"),
        }
    }
}
