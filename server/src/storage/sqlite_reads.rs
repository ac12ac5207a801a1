//! SQLite point reads on the request's own thread.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every command and every
//! row across channels. For an indexed read that SQLite answers in microseconds the hand-offs
//! cost more than the read: `perf` on an order lookup found about half of the server's CPU in
//! futex wake-ups and waits, SQLite itself under 1%. The hottest read (an order by number,
//! behind every lookup) therefore goes through connections of its own, used synchronously.
//!
//! Blocking the async thread is bounded here: the read is one indexed query returning at most
//! one order's rows, in WAL mode (set by the pool's `after_connect`) a reader does not wait
//! for the writer, and these connections never wait at all: in the rare moments a reader
//! would (a checkpoint resetting the log, recovery after a crash) the read reports busy and
//! the caller goes through the pool, which waits without holding a runtime thread.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

/// Idle connections kept for the next reads; more are opened under load and closed after.
pub(crate) struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    keep: usize,
}

impl SqliteReads {
    /// Reads for the database file sqlx opened, as SQLite names it (`pragma_database_list`,
    /// so no URL is parsed twice); `None` for an in-memory database (no file), which only
    /// sqlx's own connections can see.
    pub(crate) fn for_file(file: &str) -> Option<Self> {
        if file.is_empty() {
            return None;
        }
        let keep = std::thread::available_parallelism().map_or(4, |cores| cores.get() + 1);
        Some(Self { path: PathBuf::from(file), idle: Mutex::new(Vec::new()), keep })
    }

    /// Runs `read` on an idle connection (or a new one), then keeps the connection for the next.
    /// `Ok(None)`: the database was busy; read through the pool instead.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&Connection) -> Result<T, sqlx::Error>) -> Result<Option<T>, sqlx::Error> {
        let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.open().map_err(driver_error)?,
        };
        let result = read(&connection);
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < self.keep {
            idle.push(connection);
        }
        match result {
            Err(error) if is_busy(&error) => Ok(None),
            other => other.map(Some),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // Not created here: sqlx created and migrated the file. `query_only` rather than a
        // read-only open, which in WAL mode would need the shared-memory file's folder writable.
        let connection = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        connection.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 0;")?;
        Ok(connection)
    }
}

pub(crate) fn driver_error(error: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::AnyDriverError(Box::new(error))
}

fn is_busy(error: &sqlx::Error) -> bool {
    let sqlx::Error::AnyDriverError(error) = error else { return false };
    let code = error.downcast_ref::<rusqlite::Error>().and_then(rusqlite::Error::sqlite_error_code);
    matches!(code, Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// The columns of a stored row by position, read the same way from either driver's rows (by
/// position: finding a column by name compares it with each name in turn, 8% of a lookup).
pub(crate) trait StoredColumns {
    fn text(&self, column: usize) -> Result<String, sqlx::Error>;
    fn optional_text(&self, column: usize) -> Result<Option<String>, sqlx::Error>;
    fn integer(&self, column: usize) -> Result<i64, sqlx::Error>;
    fn optional_integer(&self, column: usize) -> Result<Option<i64>, sqlx::Error>;
}

impl StoredColumns for sqlx::any::AnyRow {
    fn text(&self, column: usize) -> Result<String, sqlx::Error> {
        sqlx::Row::try_get(self, column)
    }
    fn optional_text(&self, column: usize) -> Result<Option<String>, sqlx::Error> {
        sqlx::Row::try_get(self, column)
    }
    fn integer(&self, column: usize) -> Result<i64, sqlx::Error> {
        sqlx::Row::try_get(self, column)
    }
    fn optional_integer(&self, column: usize) -> Result<Option<i64>, sqlx::Error> {
        sqlx::Row::try_get(self, column)
    }
}

impl StoredColumns for rusqlite::Row<'_> {
    fn text(&self, column: usize) -> Result<String, sqlx::Error> {
        self.get(column).map_err(driver_error)
    }
    fn optional_text(&self, column: usize) -> Result<Option<String>, sqlx::Error> {
        self.get(column).map_err(driver_error)
    }
    fn integer(&self, column: usize) -> Result<i64, sqlx::Error> {
        self.get(column).map_err(driver_error)
    }
    fn optional_integer(&self, column: usize) -> Result<Option<i64>, sqlx::Error> {
        self.get(column).map_err(driver_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_without_a_file_gets_no_reads() {
        assert!(SqliteReads::for_file("").is_none());
    }

    #[test]
    fn a_connection_is_reused_and_never_writes() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("reads.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (7);").unwrap();
        let reads = SqliteReads::for_file(path.to_str().unwrap()).unwrap();
        let value = |reads: &SqliteReads| reads.read(|c| c.query_row("SELECT v FROM t", [], |r| r.get::<_, i64>(0)).map_err(driver_error));
        assert_eq!(value(&reads).unwrap(), Some(7));
        assert_eq!(value(&reads).unwrap(), Some(7));
        assert_eq!(reads.idle.lock().unwrap().len(), 1, "one connection served both reads");
        let write = reads.read(|c| c.execute("INSERT INTO t VALUES (8)", []).map_err(driver_error));
        assert!(write.is_err(), "a read connection refused a write");
    }

    #[test]
    fn a_busy_database_sends_the_read_elsewhere_at_once() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("busy.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (7);").unwrap();
        // Rollback journal and an exclusive lock: a reader has to wait for this one.
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;").unwrap();
        let reads = SqliteReads::for_file(path.to_str().unwrap()).unwrap();
        let started = std::time::Instant::now();
        let value = reads.read(|c| c.query_row("SELECT v FROM t", [], |r| r.get::<_, i64>(0)).map_err(driver_error));
        assert!(matches!(value, Ok(None)), "busy is reported as busy: {value:?}");
        assert!(started.elapsed() < std::time::Duration::from_millis(500), "without waiting: {:?}", started.elapsed());
        holder.execute_batch("COMMIT;").unwrap();
        drop(holder);
        let value = reads.read(|c| c.query_row("SELECT v FROM t", [], |r| r.get::<_, i64>(0)).map_err(driver_error));
        assert_eq!(value.unwrap(), Some(7));
    }
}
