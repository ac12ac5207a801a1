//! The schema's migrations (`server/migrations/`), carried in the binary.
//!
//! Listed here rather than embedded by `sqlx::migrate!`: that macro has the compiler build
//! sqlx's macro crates, a second SQLite among them, for each profile (about 40 s of a fresh
//! machine's `cargo xtask test`). The migrations are made as the macro makes them (version and
//! description from the file name, the checksum of the SQL, `-- no-transaction` honoured), so
//! databases migrated by earlier builds validate unchanged; a test holds the list to the folder.

use std::borrow::Cow;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

macro_rules! embedded {
    ($($file:literal,)*) => { [$(($file, include_str!(concat!("../../migrations/", $file))),)*] };
}

/// Every migration file with its SQL, oldest first. A new migration is added here too.
const FILES: &[(&str, &str)] = &embedded![
    "0001_merchants.sql",
    "0002_orders.sql",
    "0003_complaints.sql",
    "0004_loyalty_ledger.sql",
    "0005_webhooks.sql",
    "0006_complaint_event_details.sql",
    "0007_loyalty_orders_and_expiry.sql",
    "0008_csat_answers.sql",
    "0009_rate_limit_windows.sql",
    "0010_webhook_leases_and_circuits.sql",
    "0011_staff_and_key_rotation.sql",
    "0012_staff_sessions.sql",
    "0013_complaint_event_authors.sql",
    "0014_complaint_notes.sql",
    "0015_loyalty_adjustment_authors.sql",
    "0016_webhook_endpoint_controls.sql",
    "0017_widget_previews.sql",
];

/// The migrations of this build, ready to apply (see [`FILES`]).
pub(crate) async fn migrator() -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded).await
}

/// The versions of this build's migrations, oldest first.
pub(crate) fn versions() -> impl Iterator<Item = i64> {
    FILES.iter().map(|(file, _)| name_parts(file).0)
}

#[derive(Debug)]
struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(std::future::ready(Ok(FILES.iter().map(|(file, sql)| migration(file, sql)).collect())))
    }
}

/// `0007_loyalty_orders_and_expiry.sql` is version 7, "loyalty orders and expiry".
fn migration(file: &str, sql: &'static str) -> Migration {
    let (version, description) = name_parts(file);
    Migration::new(
        version,
        Cow::Owned(description.replace('_', " ")),
        MigrationType::Simple,
        Cow::Borrowed(sql),
        sql.starts_with("-- no-transaction"),
    )
}

/// The version and the description's words of a migration's file name (without hashing its
/// SQL: `/readyz` asks for the versions).
fn name_parts(file: &str) -> (i64, &str) {
    let (version, description) = file.trim_end_matches(".sql").split_once('_').expect("a migration is named VERSION_DESCRIPTION.sql");
    (version.parse().expect("a migration's name starts with its version"), description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_folder_is_listed_in_order_and_read_as_sqlx_reads_it() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = FILES.iter().map(|(file, _)| *file).collect();
        assert_eq!(listed, on_disk, "server/migrations and storage::migrations::FILES list the same files");
        // sqlx's own reading of the folder (what `migrate!` embedded) gives the same migrations.
        let resolved = sqlx::migrate::resolve_blocking(&folder).unwrap();
        assert_eq!(resolved.len(), FILES.len());
        for ((theirs, _), (file, sql)) in resolved.iter().zip(FILES) {
            let ours = migration(file, sql);
            assert_eq!(
                (ours.version, &ours.description, &ours.checksum, ours.no_tx),
                (theirs.version, &theirs.description, &theirs.checksum, theirs.no_tx),
                "{file}"
            );
        }
        assert!(versions().is_sorted() && versions().count() == FILES.len());
    }
}
