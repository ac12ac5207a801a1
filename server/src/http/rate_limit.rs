//! Fixed-window attempt counters: enough to stop guessing order numbers and e-mail
//! addresses and to stop farming complaints. Bounded in memory, and shared by all processes
//! where several serve one database.

use std::time::Duration;

use carebox_contract::Timestamp;

use super::Limits;
use crate::storage::{Engine, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    /// `"30/600"`: 30 attempts per 600 seconds.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (max, secs) = raw.split_once('/').ok_or_else(|| format!("a limit is COUNT/SECONDS, not {raw:?}"))?;
        let max = max.trim().parse().map_err(|_| format!("bad count in {raw:?}"))?;
        let secs: u64 = secs.trim().parse().map_err(|_| format!("bad seconds in {raw:?}"))?;
        if secs == 0 {
            return Err(format!("the window in {raw:?} must be at least 1 second"));
        }
        Ok(Self { max, window: Duration::from_secs(secs) })
    }
}

/// Where attempts are counted.
pub enum RateLimiter {
    /// One process (SQLite deployments): a bounded cache. Its TinyLFU admission keeps keys
    /// that are hit often (an attacker's) over a spray of one-off keys, and its size never
    /// passes the capacity, whatever the number of keys sprayed.
    InProcess(moka::sync::Cache<String, Window>),
    /// Several processes (PostgreSQL): windows in the shared database, so a limit holds in
    /// total however many processes serve; the SLA clock deletes closed windows.
    Shared(Store),
}

/// Why an attempt is refused: the longest wait of the spent counters, and the first of them
/// (its index among the counters asked about).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub wait: Duration,
    pub first_spent: usize,
}

/// A key's fixed window: `hits` attempts until `expires_at_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    expires_at_ms: i64,
    hits: u32,
}

/// Keys tracked in one process: ~22 MB when full (the `limiter_memory` bench measures
/// ~450 B a key), far above the clients that fail within the longest window on one machine
/// (every key needs a failed attempt to exist).
pub const IN_PROCESS_CAPACITY: u64 = 50_000;

impl RateLimiter {
    /// The limiter a deployment on `store` needs: shared on PostgreSQL, in-process on SQLite.
    pub fn for_store(store: &Store, limits: &Limits) -> Self {
        match store.engine() {
            Engine::Postgres => Self::Shared(store.clone()),
            Engine::Sqlite => Self::in_process(IN_PROCESS_CAPACITY, limits.longest_window()),
        }
    }

    /// A bounded in-process limiter; a key untouched for `longest_window` is dropped.
    pub fn in_process(capacity: u64, longest_window: Duration) -> Self {
        Self::InProcess(moka::sync::Cache::builder().max_capacity(capacity).time_to_live(longest_window).build())
    }

    /// `Some(wait)` when any of `counters` is spent in its current window; counts nothing (a
    /// lookup counts only its failures, with [`Self::count`]).
    pub async fn retry_after(&self, counters: &[(&str, Limit)], now: Timestamp) -> Result<Option<Duration>, sqlx::Error> {
        Ok(self.refusal(counters, now).await?.map(|refusal| refusal.wait))
    }

    /// Like [`Self::retry_after`], also naming the first of `counters` that is spent. Shared
    /// windows are read in one query for all of them.
    pub async fn refusal(&self, counters: &[(&str, Limit)], now: Timestamp) -> Result<Option<Refusal>, sqlx::Error> {
        let windows: Vec<Option<Window>> = match self {
            Self::InProcess(cache) => counters.iter().map(|(key, _)| cache.get(*key)).collect(),
            Self::Shared(store) => {
                let keys: Vec<&str> = counters.iter().map(|(key, _)| *key).collect();
                let stored = store.attempt_windows(&keys).await?;
                keys.iter()
                    .map(|key| {
                        stored
                            .iter()
                            .find(|(stored_key, _)| stored_key == key)
                            .map(|(_, w)| Window { expires_at_ms: w.expires_at_ms, hits: u32::try_from(w.hits).unwrap_or(u32::MAX) })
                    })
                    .collect()
            }
        };
        let mut refusal: Option<Refusal> = None;
        for (counter, (window, (_, limit))) in windows.into_iter().zip(counters).enumerate() {
            if let Some(window) = window.filter(|w| w.expires_at_ms > now.unix_ms() && w.hits >= limit.max) {
                let wait = wait(window.expires_at_ms - now.unix_ms());
                refusal = Some(match refusal {
                    Some(earlier) => Refusal { wait: earlier.wait.max(wait), ..earlier },
                    None => Refusal { wait, first_spent: counter },
                });
            }
        }
        Ok(refusal)
    }

    /// Counts one attempt against each of `counters`.
    pub async fn count(&self, counters: &[(&str, Limit)], now: Timestamp) -> Result<(), sqlx::Error> {
        for &(key, limit) in counters {
            match self {
                Self::InProcess(cache) => {
                    let now_ms = now.unix_ms();
                    let fresh = Window { expires_at_ms: now_ms.saturating_add(millis(limit.window)), hits: 1 };
                    // Atomic per key: concurrent attempts on one key are all counted.
                    cache.entry_by_ref(key).and_compute_with(|current| {
                        moka::ops::compute::Op::Put(match current.map(|entry| entry.into_value()) {
                            Some(open) if open.expires_at_ms > now_ms => Window { hits: open.hits.saturating_add(1), ..open },
                            _ => fresh,
                        })
                    });
                }
                Self::Shared(store) => store.count_attempt(key, limit.window, now).await?,
            }
        }
        Ok(())
    }

    /// How many keys the in-process cache holds after its pending upkeep (`None` when shared).
    pub fn tracked_keys(&self) -> Option<u64> {
        match self {
            Self::InProcess(cache) => {
                cache.run_pending_tasks();
                Some(cache.entry_count())
            }
            Self::Shared(_) => None,
        }
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// `Retry-After`: whole seconds, at least one.
fn wait(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms.max(1)).unwrap_or(1)).max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_ms(T0 + ms)
    }

    fn in_process() -> RateLimiter {
        RateLimiter::in_process(1_000, Duration::from_secs(3600))
    }

    #[tokio::test]
    async fn refuses_once_spent_then_recovers_when_the_window_passes() {
        let limiter = in_process();
        let limit = Limit { max: 2, window: Duration::from_secs(60) };
        limiter.count(&[("ip", limit)], at(0)).await.unwrap();
        assert_eq!(limiter.retry_after(&[("ip", limit)], at(0)).await.unwrap(), None, "one of two spent");
        limiter.count(&[("ip", limit)], at(0)).await.unwrap();
        assert_eq!(limiter.retry_after(&[("ip", limit)], at(20_000)).await.unwrap(), Some(Duration::from_secs(40)));
        assert_eq!(limiter.retry_after(&[("other", limit)], at(0)).await.unwrap(), None, "keys are counted apart");
        assert_eq!(limiter.retry_after(&[("ip", limit)], at(60_000)).await.unwrap(), None, "recovered");
        limiter.count(&[("ip", limit)], at(60_000)).await.unwrap();
        assert_eq!(limiter.retry_after(&[("ip", limit)], at(60_000)).await.unwrap(), None, "a new window counts from one");
    }

    #[tokio::test]
    async fn checking_counts_nothing_and_names_the_longest_wait() {
        let limiter = in_process();
        let short = Limit { max: 1, window: Duration::from_secs(10) };
        let long = Limit { max: 1, window: Duration::from_secs(90) };
        for _ in 0..5 {
            assert_eq!(limiter.retry_after(&[("a", short), ("b", long)], at(0)).await.unwrap(), None);
        }
        limiter.count(&[("a", short), ("b", long)], at(0)).await.unwrap();
        assert_eq!(limiter.retry_after(&[("a", short), ("b", long)], at(0)).await.unwrap(), Some(Duration::from_secs(90)));
    }

    #[tokio::test]
    async fn a_refusal_names_the_first_spent_counter_and_the_longest_wait_in_both_kinds() {
        let folder = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/limits.db", folder.path().display())).await.unwrap();
        let short = Limit { max: 1, window: Duration::from_secs(10) };
        let long = Limit { max: 1, window: Duration::from_secs(90) };
        let counters = [("client", short), ("order", long)];
        for limiter in [in_process(), RateLimiter::Shared(store)] {
            assert_eq!(limiter.refusal(&counters, at(0)).await.unwrap(), None);
            limiter.count(&[("order", long)], at(0)).await.unwrap();
            let refusal = |wait, first_spent| Some(Refusal { wait: Duration::from_secs(wait), first_spent });
            assert_eq!(limiter.refusal(&counters, at(0)).await.unwrap(), refusal(90, 1));
            limiter.count(&[("client", short)], at(0)).await.unwrap();
            assert_eq!(limiter.refusal(&counters, at(0)).await.unwrap(), refusal(90, 0));
            assert_eq!(limiter.refusal(&counters, at(20_000)).await.unwrap(), refusal(70, 1), "the client's window closed");
            assert_eq!(limiter.refusal(&[], at(0)).await.unwrap(), None);
        }
    }

    #[tokio::test]
    async fn concurrent_attempts_on_one_key_are_all_counted() {
        let limiter = std::sync::Arc::new(in_process());
        let limit = Limit { max: 400, window: Duration::from_secs(60) };
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let limiter = limiter.clone();
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
                    for _ in 0..100 {
                        runtime.block_on(limiter.count(&[("hot", limit)], at(0))).unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert!(limiter.retry_after(&[("hot", limit)], at(0)).await.unwrap().is_some(), "all 400 counted");
        let one_more = Limit { max: 401, ..limit };
        assert_eq!(limiter.retry_after(&[("hot", one_more)], at(0)).await.unwrap(), None, "and not more");
    }

    #[test]
    fn parses_count_per_seconds() {
        assert_eq!(Limit::parse("30/600"), Ok(Limit { max: 30, window: Duration::from_secs(600) }));
        assert!(Limit::parse("30").is_err() && Limit::parse("x/1").is_err() && Limit::parse("1/0").is_err());
    }
}
