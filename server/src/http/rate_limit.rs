//! Fixed-window attempt counters, per process. Good enough to stop guessing order numbers
//! and e-mail addresses; with N server processes the effective limit is at most N times it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use carebox_contract::Timestamp;

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

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

const PRUNE_ABOVE: usize = 50_000;

impl RateLimiter {
    /// `Err(wait)` when `limit` is spent for `key` in the current window; counts nothing (a
    /// lookup counts only its failures, with [`Self::hit`]).
    pub fn check(&self, key: &str, limit: Limit, now: Timestamp) -> Result<(), Duration> {
        let window_ms = i64::try_from(limit.window.as_millis()).unwrap_or(i64::MAX);
        let now_ms = now.unix_ms();
        let windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match windows.get(key) {
            Some(&(start, count)) if now_ms - start < window_ms && count >= limit.max => Err(wait(start + window_ms - now_ms)),
            _ => Ok(()),
        }
    }

    /// Counts an attempt for `key`; `Err(wait)` once `limit` is spent in the current window.
    pub fn hit(&self, key: &str, limit: Limit, now: Timestamp) -> Result<(), Duration> {
        let window_ms = i64::try_from(limit.window.as_millis()).unwrap_or(i64::MAX);
        let now_ms = now.unix_ms();
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, (start, _)| now_ms - *start < window_ms);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now_ms, 0));
        if now_ms - entry.0 >= window_ms {
            *entry = (now_ms, 0);
        }
        if entry.1 >= limit.max {
            return Err(wait(entry.0 + window_ms - now_ms));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// `Retry-After`: whole seconds, at least one.
fn wait(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms.max(1)).unwrap_or(1)).max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_up_to_the_limit_then_refuses_until_the_window_passes() {
        let limiter = RateLimiter::default();
        let limit = Limit { max: 2, window: Duration::from_secs(60) };
        let t0 = Timestamp::from_unix_ms(1_000_000);
        assert!(limiter.hit("ip", limit, t0).is_ok());
        assert!(limiter.hit("ip", limit, t0).is_ok());
        let wait = limiter.hit("ip", limit, Timestamp::from_unix_ms(1_000_000 + 20_000)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(40));
        assert!(limiter.hit("other", limit, t0).is_ok(), "keys are counted apart");
        assert!(limiter.hit("ip", limit, Timestamp::from_unix_ms(1_000_000 + 60_000)).is_ok(), "recovered");
    }

    #[test]
    fn check_counts_nothing() {
        let limiter = RateLimiter::default();
        let limit = Limit { max: 1, window: Duration::from_secs(60) };
        let t0 = Timestamp::from_unix_ms(1_000_000);
        for _ in 0..5 {
            assert!(limiter.check("ip", limit, t0).is_ok());
        }
        assert!(limiter.hit("ip", limit, t0).is_ok());
        assert!(limiter.check("ip", limit, t0).is_err(), "spent by the one counted attempt");
    }

    #[test]
    fn parses_count_per_seconds() {
        assert_eq!(Limit::parse("30/600"), Ok(Limit { max: 30, window: Duration::from_secs(600) }));
        assert!(Limit::parse("30").is_err() && Limit::parse("x/1").is_err() && Limit::parse("1/0").is_err());
    }
}
