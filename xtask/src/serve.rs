//! Running the real server: in the foreground for the demo, in the background for tests.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::dist;
use crate::process::{cargo, run};
use crate::{Result, root};

pub const DEMO_KEY: &str = "pk_demo_northwind";
pub const DEMO_SECRET: &str = "sk_demo_northwind_local_only";

/// `cargo xtask demo`: builds the bundle and the demo site, then serves the shop on its own
/// origin and Carebox (API and widget) on another, as every merchant runs it.
pub fn demo() -> Result {
    dist::dist()?;
    crate::rust_shop::build()?;
    let site = build_demo_site()?;
    let root = root();
    let shop = std::env::var("CAREBOX_DEMO_SHOP_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let addr = std::env::var("CAREBOX_ADDR").unwrap_or_else(|_| "127.0.0.1:8081".into());
    let shop_port = shop.rsplit(':').next().unwrap_or("8080");
    println!("\nStarting the demo (Ctrl-C stops it):");
    println!("  the shop:  http://localhost:{shop_port}  ← open this");
    println!("  Carebox:   http://{addr}  (API, widget origin, /openapi.json)");
    println!("  demo merchant: publishable key {DEMO_KEY}, secret key {DEMO_SECRET}");
    println!("  support console: http://{addr}/console/  owner@northwind.example / northwind-owner-local-only,");
    println!("                   agent@northwind.example / northwind-agent-local-only");
    println!("  database: data/carebox.db (SQLite); set CAREBOX_DATABASE_URL for another\n");
    run(cargo()
        .current_dir(&root)
        .args(["run", "--release", "--package", "carebox-server"])
        .env("CAREBOX_ADDR", &addr)
        .env("CAREBOX_DEMO_SHOP_ADDR", &shop)
        .env("CAREBOX_WIDGET_DIR", root.join("dist"))
        .env("CAREBOX_DEMO_DIR", &site)
        .env("CAREBOX_SEED_DEMO", "1"))
}

/// The demo storefront: `index.html` and `www/` (without the widget's own unbuilt sources),
/// and the Leptos example shop at `rust-shop/` once built ([`crate::rust_shop::build`]).
pub fn build_demo_site() -> Result<PathBuf> {
    let root = root();
    let site = root.join("target/demo-site");
    if site.exists() {
        fs::remove_dir_all(&site).map_err(|e| e.to_string())?;
    }
    fs::create_dir_all(site.join("www")).map_err(|e| e.to_string())?;
    fs::copy(root.join("index.html"), site.join("index.html")).map_err(|e| format!("index.html: {e}"))?;
    for entry in fs::read_dir(root.join("www")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file()
            && path.file_name().is_some_and(|n| {
                !["carebox.js", "carebox.d.ts", "frame.js", "frame-host.js", "fallback.js", "frame.html"]
                    .contains(&n.to_string_lossy().as_ref())
            })
        {
            fs::copy(&path, site.join("www").join(path.file_name().unwrap())).map_err(|e| e.to_string())?;
        }
    }
    let rust_shop = crate::rust_shop::output_dir();
    if rust_shop.exists() {
        fs::create_dir_all(site.join("rust-shop")).map_err(|e| e.to_string())?;
        for entry in fs::read_dir(&rust_shop).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            fs::copy(&path, site.join("rust-shop").join(path.file_name().unwrap())).map_err(|e| e.to_string())?;
        }
    }
    Ok(site)
}

/// A fresh SQLite database URL under `folder` (the file and its WAL removed first).
fn fresh_sqlite(folder: &Path, name: &str) -> Result<String> {
    fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let database = folder.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", database.display()));
    }
    Ok(format!("sqlite://{}", database.display()))
}

/// A server process started for tests; stopped (SIGTERM, then kill) when dropped.
pub struct RunningServer {
    child: Child,
    /// Carebox: the API and the widget's origin.
    pub url: String,
    /// The demo shop, on another origin.
    pub shop_url: String,
    /// Its database, for the binary's set-up commands run beside it.
    pub database_url: String,
    /// The binary it runs.
    pub binary: std::path::PathBuf,
}

/// How to run a server for tests or benchmarks.
struct ServerOptions<'a> {
    pub database_url: &'a str,
    pub demo_site: &'a Path,
    pub log: &'a Path,
    /// Build and run the optimised binary (benchmarks) instead of the debug one (tests).
    pub release: bool,
    /// Extra environment, e.g. looser rate limits for a load test.
    pub env: &'a [(&'a str, &'a str)],
}

impl RunningServer {
    /// The demo shop's server for a test or benchmark run, with a fresh SQLite database and
    /// its log in `out`.
    pub fn start_demo(out: &Path, release: bool, env: &[(&str, &str)]) -> Result<Self> {
        let database_url = fresh_sqlite(out, "carebox.db")?;
        let site = build_demo_site()?;
        let log = out.join("server.log");
        Self::start(ServerOptions { database_url: &database_url, demo_site: &site, log: &log, release, env })
    }

    /// Starts the server binary on a free loopback port with the given database.
    fn start(options: ServerOptions<'_>) -> Result<Self> {
        let root = root();
        let (database_url, demo_site, log) = (options.database_url, options.demo_site, options.log);
        let mut build = cargo();
        build.current_dir(&root).args(["build", "--package", "carebox-server"]);
        if options.release {
            build.arg("--release");
        }
        run(&mut build)?;
        let binary = root.join(if options.release { "target/release/carebox-server" } else { "target/debug/carebox-server" });
        let mut child = Command::new(&binary)
            .envs(options.env.iter().copied())
            .env("CAREBOX_ADDR", "127.0.0.1:0")
            .env("CAREBOX_DEMO_SHOP_ADDR", "127.0.0.1:0")
            .env("CAREBOX_DATABASE_URL", database_url)
            .env("CAREBOX_WIDGET_DIR", root.join("dist"))
            .env("CAREBOX_DEMO_DIR", demo_site)
            .env("CAREBOX_SEED_DEMO", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;

        // Drain both streams into the log for the server's whole life, reporting the
        // "listening" lines as soon as they appear.
        let (tx, rx) = mpsc::channel::<(bool, String)>();
        let log_file = fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        for stream in [Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>, Box::new(child.stderr.take().unwrap())] {
            let tx = tx.clone();
            let mut log_file = log_file.try_clone().map_err(|e| e.to_string())?;
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(std::result::Result::ok) {
                    let _ = writeln!(log_file, "{line}");
                    if let Some(url) = line.strip_prefix("Carebox listening on ") {
                        let _ = tx.send((false, url.trim().to_owned()));
                    } else if let Some(url) = line.strip_prefix("Demo shop on ") {
                        let _ = tx.send((true, url.trim().to_owned()));
                    }
                }
            });
        }
        let (mut url, mut shop_url) = (None, None);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while url.is_none() || shop_url.is_none() {
            match rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
                Ok((true, shop)) => shop_url = Some(shop),
                Ok((false, api)) => url = Some(api),
                Err(_) => {
                    let _ = child.kill();
                    return Err(format!("the server and its demo shop did not start within 60 s; see {}", log.display()));
                }
            }
        }
        Ok(Self { child, url: url.unwrap(), shop_url: shop_url.unwrap(), database_url: database_url.to_owned(), binary })
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
