//! Reads the widget's calls repeat, remembered for a moment per process (an order, a shopper's
//! ledger). One policy for each: this process's committed changes drop an entry at once, and a
//! read that raced such a change stores nothing (it may have read the old rows); another
//! process's changes show within [`REMEMBERED_FOR`], as merchants' settings do.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long another process's change may go unseen here.
pub const REMEMBERED_FOR: Duration = Duration::from_secs(2);

/// Entries by (merchant id, the merchant's key for it).
pub(crate) struct Remembered<V> {
    entries: moka::sync::Cache<(String, String), Arc<V>>,
    /// Bumped by every change committed here; a read keeps its result only if none came between.
    changes: AtomicU64,
}

/// Taken before a read; [`Remembered::keep`] compares it to the changes after.
#[derive(Clone, Copy)]
pub(crate) struct Snapshot(u64);

impl<V: Send + Sync + 'static> Default for Remembered<V> {
    fn default() -> Self {
        Self { entries: moka::sync::Cache::builder().max_capacity(10_000).time_to_live(REMEMBERED_FOR).build(), changes: AtomicU64::new(0) }
    }
}

impl<V: Send + Sync + 'static> Remembered<V> {
    pub fn get(&self, key: &(String, String)) -> Option<Arc<V>> {
        self.entries.get(key)
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.changes.load(Ordering::Acquire))
    }

    /// Remembers what a read that began at `before` found, unless a change came in between.
    pub fn keep(&self, key: (String, String), value: Arc<V>, before: Snapshot) {
        if self.changes.load(Ordering::Acquire) == before.0 {
            self.entries.insert(key, value);
        }
    }

    /// After the commit of a change to `key`.
    pub fn forget(&self, key: &(String, String)) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate(key);
    }
}
