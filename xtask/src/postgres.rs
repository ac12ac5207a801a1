//! A throwaway PostgreSQL server on loopback for the API tests (Debian's package; a private
//! cluster under /tmp, trust auth on 127.0.0.1 only). Stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::process::{output, run};
use crate::tools::apt_install;

/// Below Linux's ephemeral range (32768–60999): a port in it can be taken, for a moment, by
/// any outgoing connection of the machine, and the server then fails to start (seen once).
pub const PORT: u16 = 25432;
const DATA_DIR: &str = "/tmp/carebox-test-postgres";

pub struct Postgres {
    bin: PathBuf,
    as_postgres_user: bool,
    pub url: String,
}

fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql").ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    versions.sort();
    versions.into_iter().rev().map(|v| v.join("bin")).find(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
}

impl Postgres {
    pub fn start() -> Result<Self> {
        let bin = match binaries() {
            Some(bin) => bin,
            None => {
                apt_install(&["postgresql"])?;
                binaries().ok_or("postgresql installed but initdb/pg_ctl not found under /usr/lib/postgresql")?
            }
        };
        // PostgreSQL refuses to run as root: run it as the package's `postgres` user then.
        let as_postgres_user = output(Command::new("id").arg("-u")).as_deref() == Some("0");
        let server = Self { bin, as_postgres_user, url: format!("postgres://postgres@127.0.0.1:{PORT}/postgres") };
        let data = Path::new(DATA_DIR);
        if server.pg_ctl(&["status", "-D", DATA_DIR]).is_ok() {
            println!("PostgreSQL already running on 127.0.0.1:{PORT}");
            server.drop_old_databases()?;
            return Ok(server);
        }
        if !data.join("PG_VERSION").exists() {
            std::fs::create_dir_all(data).map_err(|e| format!("{DATA_DIR}: {e}"))?;
            if as_postgres_user {
                run(Command::new("chown").args(["-R", "postgres:postgres", DATA_DIR]))?;
            }
            server.as_owner(
                server.bin.join("initdb").to_str().unwrap(),
                &["-D", DATA_DIR, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"],
            )?;
        }
        let options = format!("-p {PORT} -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c max_connections=300");
        server.pg_ctl(&["start", "-w", "-t", "60", "-D", DATA_DIR, "-l", &format!("{DATA_DIR}/server.log"), "-o", &options])?;
        server.drop_old_databases()?;
        Ok(server)
    }

    /// Every API test makes a database of its own (and benches theirs): those of earlier runs
    /// go, or a machine that runs the tests often fills its disk (a few MB each, thousands).
    fn drop_old_databases(&self) -> Result {
        let psql = self.bin.join("psql");
        let psql = psql.to_str().unwrap();
        let port = PORT.to_string();
        let connection = ["-h", "127.0.0.1", "-p", port.as_str(), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"];
        let list = Command::new(psql)
            .args(connection)
            .args(["-Atc", r"SELECT datname FROM pg_database WHERE datname LIKE 'carebox\_test\_%' OR datname LIKE 'carebox\_bench\_%'"])
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        let names = String::from_utf8_lossy(&list.stdout).into_owned();
        let names: Vec<&str> = names.lines().filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).collect();
        for batch in names.chunks(200) {
            let mut command = Command::new(psql);
            command.args(connection).arg("-q");
            for name in batch {
                command.arg("-c").arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
            let dropped = command.output().map_err(|e| format!("psql: {e}"))?;
            if !dropped.status.success() {
                return Err(format!("dropping old test databases: {}", String::from_utf8_lossy(&dropped.stderr)));
            }
        }
        if !names.is_empty() {
            println!("dropped {} test databases of earlier runs", names.len());
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result {
        self.as_owner(self.bin.join("pg_ctl").to_str().unwrap(), args)
    }

    fn as_owner(&self, program: &str, args: &[&str]) -> Result {
        if self.as_postgres_user {
            run(Command::new("runuser").args(["-u", "postgres", "--", program]).args(args))
        } else {
            run(Command::new(program).args(args))
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["stop", "-m", "fast", "-D", DATA_DIR]);
    }
}
