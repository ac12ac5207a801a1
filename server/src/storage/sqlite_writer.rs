//! SQLite's hot write (filing a complaint) on one thread of its own, in group commits.
//!
//! SQLite writes one transaction at a time. Through the pool, a filing's transaction is eight
//! statements, each a hand-off to a connection thread and back to the request's task, and the
//! write lock is held across every one of those hand-offs while the task waits its turn on a
//! busy runtime; the other writers meanwhile sleep in SQLite's busy handler (`strace`: hundreds
//! of 3 ms sleeps a second, the CPU 80% idle). Here the whole transaction runs synchronously on
//! one connection, so the lock is held only while SQLite works, and nobody sleeps on it: the
//! filings that queued while one batch was written go into the next, each in a savepoint of
//! one transaction. Each filing is answered only after that transaction's commit returned,
//! so an acknowledged complaint is as durable as one written through the pool.

use std::path::Path;
use std::sync::mpsc;

use rusqlite::Connection;

use super::sqlite_reads::driver_error;

/// Filings written in one transaction at most: a burst is split so the first answers come soon.
const MOST_PER_COMMIT: usize = 64;

/// The sending end of the writer thread's queue. The thread ends (and closes its connection)
/// when the last store holding this is dropped.
pub(crate) struct SqliteWriter {
    queue: mpsc::Sender<Box<dyn QueuedWrite>>,
}

impl SqliteWriter {
    /// Starts the writer thread on the database file sqlx opened and migrated.
    pub(crate) fn start(file: &Path) -> Result<Self, sqlx::Error> {
        let connection = Connection::open(file).map_err(driver_error)?;
        // As the pool's connections (see `Store::connect`; the file is already in WAL mode),
        // except that this one never checkpoints (the checkpointer does, beside it) and cuts
        // the log's file back to 64 MiB when it starts over.
        connection
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0; \
                 PRAGMA journal_size_limit = 67108864;",
            )
            .map_err(driver_error)?;
        let checkpoints = Connection::open(file).map_err(driver_error)?;
        // A restart waits this long at most for the writer and the log's readers to pause.
        checkpoints.busy_timeout(std::time::Duration::from_millis(500)).map_err(driver_error)?;
        let (queue, writes) = mpsc::channel::<Box<dyn QueuedWrite>>();
        let (wrote, written) = mpsc::sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("carebox-sqlite-writer".into())
            .spawn(move || write_batches(&connection, &writes, &wrote))
            .map_err(sqlx::Error::Io)?;
        std::thread::Builder::new()
            .name("carebox-sqlite-checkpoints".into())
            .spawn(move || checkpoint_after_writes(&checkpoints, &written))
            .map_err(sqlx::Error::Io)?;
        Ok(Self { queue })
    }

    /// Runs `write` in the next group commit and answers its result once that has committed.
    /// An error from `write` undoes only its own changes; a failed commit fails the whole batch.
    pub(crate) async fn write<T, F>(&self, write: F) -> Result<T, sqlx::Error>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, sqlx::Error> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let queued = Box::new(Queued { write: Some(write), result: None, answer });
        self.queue.send(queued).map_err(|_| writer_gone())?;
        answered.await.map_err(|_| writer_gone())?
    }
}

/// The value of a future that is ready when first polled, as the writes on the writer thread
/// are (they are written as `async` to share their composition with the pool's path).
pub(crate) fn ready_at_once<T>(future: impl std::future::Future<Output = Result<T, sqlx::Error>>) -> Result<T, sqlx::Error> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(result) => result,
        std::task::Poll::Pending => Err(sqlx::Error::Protocol("a write on the writer thread waited for something".into())),
    }
}

fn writer_gone() -> sqlx::Error {
    sqlx::Error::WorkerCrashed
}

/// One write waiting in the queue, whatever it answers.
trait QueuedWrite: Send {
    /// Runs the write; `false` when it failed (its savepoint is then rolled back).
    fn run(&mut self, connection: &Connection) -> bool;
    /// Answers the caller once the batch is over: `Err` when the batch did not commit.
    fn answer(self: Box<Self>, committed: Result<(), String>);
}

struct Queued<T, F> {
    write: Option<F>,
    result: Option<Result<T, sqlx::Error>>,
    answer: tokio::sync::oneshot::Sender<Result<T, sqlx::Error>>,
}

impl<T, F> QueuedWrite for Queued<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, sqlx::Error> + Send + 'static,
{
    fn run(&mut self, connection: &Connection) -> bool {
        let Some(write) = self.write.take() else { return false };
        // A panic would end the thread, and with it every filing until a restart: it fails
        // this write alone instead.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write(connection)))
            .unwrap_or_else(|_| Err(sqlx::Error::Protocol("the write panicked".into())));
        let ran = result.is_ok();
        self.result = Some(result);
        ran
    }

    fn answer(self: Box<Self>, committed: Result<(), String>) {
        let answer = match (committed, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(sqlx::Error::Protocol("a queued write was answered without running".into())),
            (Err(why), Some(Err(error))) => Err(sqlx::Error::Protocol(format!("{error}; then the commit failed: {why}"))),
            (Err(why), _) => Err(sqlx::Error::Protocol(format!("the write was not committed: {why}"))),
        };
        // The caller may have gone (its request was cancelled): nobody to tell.
        let _ = self.answer.send(answer);
    }
}

/// The writer thread: takes what queued, writes it in one transaction, answers, repeats.
fn write_batches(connection: &Connection, writes: &mpsc::Receiver<Box<dyn QueuedWrite>>, wrote: &mpsc::SyncSender<()>) {
    while let Ok(first) = writes.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_COMMIT
            && let Ok(next) = writes.try_recv()
        {
            batch.push(next);
        }
        let committed = write_batch(connection, &mut batch);
        for write in batch {
            write.answer(committed.clone());
        }
        // Full means the checkpointer already knows there is something to do.
        let _ = wrote.try_send(());
    }
}

/// How long the checkpointer waits after one checkpoint before the next: the log grows by a
/// few hundred pages meanwhile under full load, and each checkpoint syncs the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Past this many pages (64 MiB) the log is started over, which waits for a moment without
/// writers and readers of the log: else, with readers always in it, it would only grow (it
/// passed 900 MB in 10 s of filing at full speed). Each restart holds the writer for tens of
/// milliseconds: at 4 MiB the filing bench lost a third of its rate, at 16 MiB a tenth.
const RESTART_LOG_AT_PAGES: i64 = 16_384;

/// Copies the write-ahead log into the database while the writer goes on. SQLite's automatic
/// checkpoint would run inside the commit that crosses 1,000 pages, holding every filing queued
/// behind it for tens of milliseconds (the filing bench's p90 was 33 ms with it, 11 ms without);
/// a passive checkpoint on another connection waits for nobody and nobody waits for it.
fn checkpoint_after_writes(connection: &Connection, written: &mpsc::Receiver<()>) {
    while written.recv().is_ok() {
        // Busy (another checkpoint running) or failing: the next write asks again.
        let log_pages = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get::<_, i64>(1)).unwrap_or(0);
        if log_pages >= RESTART_LOG_AT_PAGES {
            // Most of the log is in the database already: the writer waits only for the rest.
            let _ = connection.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
        }
        std::thread::sleep(CHECKPOINT_EVERY);
    }
}

fn write_batch(connection: &Connection, batch: &mut [Box<dyn QueuedWrite>]) -> Result<(), String> {
    // IMMEDIATE: the write lock is taken now (waiting for the pool's writers through the busy
    // timeout), so no statement inside finds the database busy halfway.
    connection.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
    let written = batch.iter_mut().try_for_each(|write| {
        connection.execute_batch("SAVEPOINT queued_write")?;
        if !write.run(connection) {
            connection.execute_batch("ROLLBACK TO queued_write")?;
        }
        connection.execute_batch("RELEASE queued_write")
    });
    match written.and_then(|()| connection.execute_batch("COMMIT")) {
        Ok(()) => Ok(()),
        Err(error) => {
            // Nothing of the batch stays; an error here means the transaction is already gone.
            let _ = connection.execute_batch("ROLLBACK");
            Err(error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (tempfile::TempDir, std::path::PathBuf) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("writes.db");
        Connection::open(&path).unwrap().execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (v INTEGER UNIQUE);").unwrap();
        (folder, path)
    }

    fn count(path: &Path) -> i64 {
        Connection::open(path).unwrap().query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_are_committed_and_a_failed_one_undoes_only_itself() {
        let (_folder, path) = database();
        let writer = std::sync::Arc::new(SqliteWriter::start(&path).unwrap());
        let mut writes = Vec::new();
        for v in 0..200i64 {
            let writer = writer.clone();
            writes.push(tokio::spawn(async move {
                writer
                    .write(move |c| {
                        c.execute("INSERT INTO t (v) VALUES (?1)", [v]).map_err(driver_error)?;
                        // Every tenth writes a second row, the next one's: of each such pair
                        // the one that runs second fails (after its first row, if it had two).
                        if v % 10 == 0 {
                            c.execute("INSERT INTO t (v) VALUES (?1)", [v + 1]).map_err(driver_error)?;
                            return Ok(2);
                        }
                        Ok(1)
                    })
                    .await
            }));
        }
        let (mut failed, mut rows_answered) = (0, 0);
        for write in writes {
            match write.await.unwrap() {
                Ok(rows) => rows_answered += rows,
                Err(_) => failed += 1,
            }
        }
        assert_eq!(failed, 20, "one write of each clashing pair failed");
        assert_eq!(count(&path), rows_answered, "every write answered Ok is in the file, and no failed one left a row");
    }

    #[tokio::test]
    async fn an_answer_comes_only_after_the_commit() {
        let (_folder, path) = database();
        let writer = SqliteWriter::start(&path).unwrap();
        writer.write(|c| c.execute("INSERT INTO t (v) VALUES (1)", []).map_err(driver_error)).await.unwrap();
        // Another connection sees it at once: the answer waited for the commit.
        assert_eq!(count(&path), 1);
    }

    #[tokio::test]
    async fn a_batch_that_cannot_commit_fails_every_write_in_it() {
        let (_folder, path) = database();
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE child (t_v INTEGER REFERENCES t (v) DEFERRABLE INITIALLY DEFERRED);")
            .unwrap();
        let writer = std::sync::Arc::new(SqliteWriter::start(&path).unwrap());
        // The first write holds the thread; the next two queue meanwhile, so they share a batch.
        let (running, started) = tokio::sync::oneshot::channel();
        let holding = tokio::spawn({
            let writer = writer.clone();
            async move {
                writer
                    .write(move |_| {
                        let _ = running.send(());
                        std::thread::sleep(std::time::Duration::from_millis(200));
                        Ok(())
                    })
                    .await
            }
        });
        started.await.unwrap();
        let good = writer.write(|c| c.execute("INSERT INTO t (v) VALUES (5)", []).map_err(driver_error));
        // A dangling reference checked only at commit: the commit fails, not the statement.
        let dangling = writer.write(|c| c.execute("INSERT INTO child (t_v) VALUES (404)", []).map_err(driver_error));
        let (good, dangling) = tokio::join!(good, dangling);
        holding.await.unwrap().unwrap();
        let good = good.expect_err("its batch did not commit");
        assert!(good.to_string().contains("FOREIGN KEY"), "the reason is passed on: {good}");
        dangling.expect_err("its batch did not commit");
        assert_eq!(count(&path), 0, "nothing of the failed batch stays");
        writer.write(|c| c.execute("INSERT INTO t (v) VALUES (6)", []).map_err(driver_error)).await.unwrap();
        assert_eq!(count(&path), 1, "the writer goes on after a failed batch");
    }

    #[tokio::test]
    async fn the_log_reaches_the_database_file_without_the_writer_checkpointing() {
        let (_folder, path) = database();
        let writer = SqliteWriter::start(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        let sql = "CREATE TABLE filler AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) \
                   SELECT zeroblob(4000) AS b FROM n";
        writer.write(move |c| c.execute(sql, []).map(drop).map_err(driver_error)).await.unwrap();
        // 200 rows of 4 KB are in the log; the database file grows only when they are copied in.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::fs::metadata(&path).unwrap().len() < before + 500_000 {
            assert!(std::time::Instant::now() < deadline, "no checkpoint copied the log into the database file");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    #[tokio::test]
    async fn a_write_that_panics_fails_alone_and_the_writer_goes_on() {
        let (_folder, path) = database();
        let writer = SqliteWriter::start(&path).unwrap();
        let panicked = writer
            .write(|c| {
                c.execute("INSERT INTO t (v) VALUES (1)", []).map_err(driver_error)?;
                panic!("a bug in a write");
                #[allow(unreachable_code)]
                Ok(())
            })
            .await;
        assert!(panicked.is_err());
        writer.write(|c| c.execute("INSERT INTO t (v) VALUES (2)", []).map(drop).map_err(driver_error)).await.unwrap();
        assert_eq!(count(&path), 1, "the panicking write's row was undone, the next one kept");
    }
}
