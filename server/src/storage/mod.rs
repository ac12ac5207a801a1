//! Storage behind one interface. One SQL dialect subset serves both engines through sqlx's
//! `Any` driver: `$n` placeholders, TEXT ids, BIGINT milliseconds, JSON as TEXT.
//! SQLite is the embedded default; PostgreSQL takes over when one machine is not enough.

mod complaints;
mod csat;
mod loyalty;
mod merchants;
mod migrations;
mod orders;
mod rate_limits;
mod remembered;
mod reports;
mod sqlite_reads;
mod sqlite_writer;
mod staff;
mod webhooks;

pub use complaints::{BreachedComplaint, ComplaintFilter, ComplaintOrder, ComplaintWrites, NewComplaint, StoredComplaint};
pub(crate) use complaints::{OnSqliteWriter, OwnedNewComplaint};
pub use csat::{Answered, NewCsatAnswer, StoredCsatAnswer};
pub use loyalty::NewLedgerLine;
pub use merchants::{CompensationSettings, MERCHANT_CACHE_TTL, MerchantRecord, MerchantSettings, NewMerchant};
pub use orders::{LookupCandidate, OrderWriteError, StoredOrder, WriteOutcome};
pub use remembered::REMEMBERED_FOR;
pub(crate) use sqlite_writer::{SqliteWriter, ready_at_once};
pub use staff::{NewStaff, StaffRecord, StaffSessionRecord, StaffWriteError};
pub use webhooks::{DueDelivery, RetryOutcome};

use std::str::FromStr;
use std::time::Duration;

use serde::{Serialize, de::DeserializeOwned};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    merchants: std::sync::Arc<merchants::MerchantCache>,
    orders: std::sync::Arc<orders::OrderCache>,
    ledgers: std::sync::Arc<loyalty::LedgerCache>,
    /// SQLite file databases: the hottest reads skip sqlx's connection threads.
    sqlite_reads: Option<std::sync::Arc<sqlite_reads::SqliteReads>>,
    /// SQLite file databases: the hottest write (filing) goes through one thread in group commits.
    sqlite_writer: Option<std::sync::Arc<SqliteWriter>>,
}

/// PostgreSQL-compatible databases without advisory locks (CockroachDB, by its `version()`).
fn lacks_advisory_locks(version: &str) -> bool {
    version.contains("CockroachDB")
}

/// The newest migration this build carries (`/readyz` wants the database at least there).
pub fn newest_known_migration() -> i64 {
    migrations::versions().max().unwrap_or(0)
}

/// One database transaction: each table's module adds the primitives it offers inside one
/// (`complaints`, `loyalty`, `webhooks`); domain services (`crate::services`) decide what to
/// do with them. Dropped without [`StoreTx::commit`], nothing of it stays.
pub struct StoreTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    ledgers: std::sync::Arc<loyalty::LedgerCache>,
    /// The shoppers whose ledgers this transaction changed: remembered copies go at commit.
    changed_ledgers: Vec<(String, String)>,
}

impl StoreTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        // After the commit: a read that began before it stores nothing (see `Remembered`).
        for key in &self.changed_ledgers {
            self.ledgers.forget(key);
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Store {
    /// Opens (creating an SQLite file and its folder if needed) and migrates the database.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else {
            return Err(sqlx::Error::Configuration(
                format!("CAREBOX_DATABASE_URL must start with sqlite: or postgres:, got {url:?}").into(),
            ));
        };
        let url = match engine {
            Engine::Sqlite => prepare_sqlite_url(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // Each SQLite connection is a thread of its own and SQLite writes one at a time:
                // more connections than cores only add thread switches (with 8 on 2 cores, the
                // lookup bench's p99 was 3–6× higher than with 3).
                Engine::Sqlite => std::thread::available_parallelism().map_or(4, |cores| cores.get() as u32 + 1).clamp(2, 8),
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers proceed during a write; the busy timeout queues writers
                        // instead of failing them.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // A rolling upgrade: a newer node may have applied migrations this build does not
        // know. They only add (see `migrations/README.md`), so this node goes on serving.
        let mut migrator = migrations::migrator().await?;
        migrator.set_ignore_missing(true);
        if engine == Engine::Postgres {
            let version: String = sqlx::query("SELECT version() AS v").fetch_one(&pool).await?.try_get("v")?;
            if lacks_advisory_locks(&version) {
                // CockroachDB has no pg_advisory_lock, which sqlx takes to let one node migrate
                // at a time: there, run `carebox-server migrate` once before starting the nodes.
                tracing::info!("{version}: migrating without an advisory lock (run `carebox-server migrate` before starting nodes)");
                migrator.set_locking(false);
            }
        }
        migrator.run(&pool).await?;
        let (sqlite_reads, sqlite_writer) = match engine {
            Engine::Sqlite => {
                let file: String =
                    sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(&pool).await?.try_get("file")?;
                let reads = sqlite_reads::SqliteReads::for_file(&file).map(std::sync::Arc::new);
                // No file, no writer: an in-memory database is seen only by sqlx's connections.
                let writer = if file.is_empty() { None } else { Some(std::sync::Arc::new(SqliteWriter::start(file.as_ref())?)) };
                (reads, writer)
            }
            Engine::Postgres => (None, None),
        };
        Ok(Self {
            pool,
            engine,
            merchants: Default::default(),
            orders: Default::default(),
            ledgers: Default::default(),
            sqlite_reads,
            sqlite_writer,
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that reads before it writes. On SQLite it is a writer from its start
    /// (`BEGIN IMMEDIATE`, waiting its turn): a deferred one that read first fails at its first
    /// write with `SQLITE_BUSY` when another connection wrote in between (the webhook sender, say),
    /// and no busy timeout helps it. Transactions that write first need none of this.
    pub(crate) async fn read_then_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// A transaction for a domain service to compose the primitives of several tables in.
    pub async fn begin(&self) -> Result<StoreTx, sqlx::Error> {
        Ok(StoreTx { tx: self.pool.begin().await?, ledgers: self.ledgers.clone(), changed_ledgers: Vec::new() })
    }

    /// SQLite's writer thread, for the writes that go through it (`services::complaint_filing`).
    pub(crate) fn sqlite_writer(&self) -> Option<&SqliteWriter> {
        self.sqlite_writer.as_deref()
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The deployment-wide key for order tokens: made once by whichever process starts
    /// first, then shared by all through the database.
    pub async fn order_token_key(&self) -> Result<Vec<u8>, sqlx::Error> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(|e| sqlx::Error::Protocol(format!("no randomness: {e}")))?;
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind("order_token_key")
            .bind(hex::encode(fresh))
            .execute(&self.pool)
            .await?;
        let stored: String = sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
            .bind("order_token_key")
            .fetch_one(&self.pool)
            .await?
            .try_get("value")?;
        hex::decode(stored).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// A consistent copy of an SQLite database into a new file while it serves (`VACUUM INTO`
    /// reads one snapshot; writers go on). PostgreSQL has its own tools.
    pub async fn backup_into(&self, target: &std::path::Path) -> Result<(), String> {
        if self.engine != Engine::Sqlite {
            return Err("a PostgreSQL database is backed up with pg_dump or the provider's snapshots (see the README); \
                        backup copies SQLite databases"
                .into());
        }
        if target.exists() {
            return Err(format!("{} already exists: name a new file (a backup never overwrites)", target.display()));
        }
        if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(format!("the folder {} does not exist", folder.display()));
        }
        let target = target.to_str().ok_or_else(|| format!("{} is not a UTF-8 path", target.display()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await.map_err(|e| format!("backing up into {target}: {e}"))?;
        Ok(())
    }

    /// The database answers and has applied every migration this build knows (it may hold newer
    /// ones, from a newer node), none failed.
    pub async fn schema_ready(&self) -> Result<bool, sqlx::Error> {
        let rows = sqlx::query("SELECT version, CASE WHEN success THEN 1 ELSE 0 END AS applied FROM _sqlx_migrations")
            .fetch_all(&self.pool)
            .await?;
        let mut applied = std::collections::HashSet::new();
        for row in rows {
            if row.try_get::<i64, _>("applied")? != 1 {
                return Ok(false);
            }
            applied.insert(row.try_get::<i64, _>("version")?);
        }
        Ok(migrations::versions().all(|version| applied.contains(&version)))
    }
}

/// Makes sure the SQLite file can be created: its folder exists and `mode=rwc` is set.
fn prepare_sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    let mode = if query.contains("mode=") { String::new() } else { "mode=rwc".into() };
    let query = [query, &mode].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("&");
    Ok(format!("sqlite://{path}?{query}"))
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

pub(crate) fn json_column<T: DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, sqlx::Error> {
    json_text(&row.try_get::<String, _>(column)?)
}

pub(crate) fn json_text<T: DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cockroachdb_migrates_without_advisory_locks_and_postgres_and_yugabyte_with() {
        assert!(lacks_advisory_locks("CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu, built 2024/05/15, go1.22.2)"));
        assert!(!lacks_advisory_locks("PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu"));
        assert!(!lacks_advisory_locks("PostgreSQL 11.2-YB-2.20.1.0-b0 on x86_64-pc-linux-gnu"));
    }

    /// A node of the previous release keeps serving while a new one migrates (and after): a
    /// migration only adds tables, columns (nullable or with a default) and indexes.
    #[test]
    fn migrations_only_add_so_an_older_node_keeps_working() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut checked = 0;
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "sql") {
                continue;
            }
            let sql = std::fs::read_to_string(&path).unwrap();
            let code: String = sql.lines().map(|l| l.split("--").next().unwrap_or("")).collect::<Vec<_>>().join(" ").to_uppercase();
            for statement in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                let statement = statement.split_whitespace().collect::<Vec<_>>().join(" ");
                let breaking = ["DROP TABLE", "DROP COLUMN", "DROP INDEX", "DROP CONSTRAINT", "RENAME ", "ALTER COLUMN"]
                    .iter()
                    .find(|w| statement.contains(**w))
                    .or(["DROP", "TRUNCATE", "DELETE", "UPDATE"].iter().find(|w| statement.starts_with(**w)));
                assert!(breaking.is_none(), "{}: `{statement}` could break a node of the previous release", path.display());
                if statement.contains("ADD COLUMN") && statement.contains("NOT NULL") {
                    assert!(statement.contains("DEFAULT"), "{}: `{statement}`: a new NOT NULL column needs a DEFAULT", path.display());
                }
                assert!(
                    statement.starts_with("CREATE TABLE")
                        || statement.starts_with("CREATE INDEX")
                        || statement.starts_with("CREATE UNIQUE INDEX")
                        || statement.starts_with("ALTER TABLE") && statement.contains(" ADD COLUMN ")
                        || statement.starts_with("INSERT "),
                    "{}: `{statement}` is not one of the additive statements",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 17, "the migrations were found ({checked})");
    }

    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode_and_keep_their_options() {
        assert_eq!(prepare_sqlite_url("sqlite://x.db").unwrap(), "sqlite://x.db?mode=rwc");
        assert_eq!(prepare_sqlite_url("sqlite:x.db?cache=shared").unwrap(), "sqlite://x.db?cache=shared&mode=rwc");
        assert_eq!(prepare_sqlite_url("sqlite://x.db?mode=ro").unwrap(), "sqlite://x.db?mode=ro");
    }

    /// The read connections and the writer open the file sqlx opened, however the URL spelled it.
    #[tokio::test]
    async fn sqlite_reads_and_writes_open_the_database_sqlx_opened() {
        let folder = tempfile::tempdir().unwrap();
        let odd = folder.path().join("a b");
        std::fs::create_dir(&odd).unwrap();
        let store = Store::connect(&format!("sqlite://{}/my%20shop.db", odd.display())).await.unwrap();
        assert!(odd.join("my shop.db").exists(), "sqlx decoded the name");
        let reads = store.sqlite_reads.as_ref().expect("a file database gets direct reads");
        let migrations: Option<i64> = reads
            .read(|c| c.query_row("SELECT count(*) FROM _sqlx_migrations", [], |r| r.get(0)).map_err(sqlite_reads::driver_error))
            .unwrap();
        assert!(migrations.unwrap() >= 17, "the migrated database, not a new file");
        // Filings go through the writer thread, on the same file.
        let writer = store.sqlite_writer().expect("a file database gets the writer thread");
        let written: i64 = writer
            .write(|c| c.query_row("SELECT count(*) FROM _sqlx_migrations", [], |r| r.get(0)).map_err(sqlite_reads::driver_error))
            .await
            .unwrap();
        assert_eq!(Some(written), migrations);
    }

    /// A transaction that read, then writes after another connection wrote, is not refused:
    /// the other write waits for it instead (with a deferred `BEGIN`, this UPDATE failed).
    #[tokio::test]
    async fn a_read_then_write_transaction_is_not_refused_by_a_write_in_between() {
        let folder = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/shop.db", folder.path().display());
        let store = Store::connect(&url).await.unwrap();
        let other = Store::connect(&url).await.unwrap();
        let mut tx = store.read_then_write().await.unwrap();
        let before: i64 = sqlx::query("SELECT count(*) AS n FROM server_secrets").fetch_one(&mut *tx).await.unwrap().try_get("n").unwrap();
        let in_between = tokio::spawn(async move {
            sqlx::query("INSERT INTO server_secrets (name, value) VALUES ('in_between', 'x')").execute(other.pool()).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ('mine', $1)")
            .bind(before.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        in_between.await.unwrap().expect("the other write waited, then went through");
    }

    #[tokio::test]
    async fn refuses_unknown_engines_by_name() {
        let Err(error) = Store::connect("mysql://localhost/db").await else { panic!("mysql accepted") };
        assert!(error.to_string().contains("sqlite: or postgres:"), "{error}");
    }
}
