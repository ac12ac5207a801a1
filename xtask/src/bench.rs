//! `cargo xtask bench`: the speed budgets of DESIGN.md §6, measured on this machine and
//! printed; non-zero exit when one is missed.

use std::process::Command;

use crate::process::{cargo, run};
use crate::serve::{DEMO_KEY, DEMO_SECRET, RunningServer};
use crate::tools::{ensure_chromium, ensure_node_modules};
use crate::{Result, dist, root};

pub fn all() -> Result {
    ensure_node_modules()?;
    ensure_chromium()?;
    dist::dist()?;
    measure(Length::Full)
}

/// How long the saturation runs last: `cargo xtask bench` measures, `cargo xtask test` checks
/// that the benches run and prints shorter figures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Full,
    Short,
}

/// The measurements alone, against the bundle already in `dist/`.
pub fn measure(length: Length) -> Result {
    let (root, server) = start_server()?;
    server_figures(&root, &server, length)?;
    println!("\n=== click on launcher → interactive panel, in the page and in frame mode (Chromium, local server) ===");
    run(Command::new("node")
        .current_dir(&root)
        .arg("tests/e2e/bench/open_panel.mjs")
        .env("CAREBOX_E2E_URL", &server.url)
        .env("CAREBOX_E2E_SHOP_URL", &server.shop_url))?;
    println!("\n=== support console: the inbox with at least 10,000 open complaints (Chromium, local server) ===");
    run(Command::new("node")
        .current_dir(&root)
        .arg("tests/e2e/bench/console_inbox.mjs")
        .env("CAREBOX_E2E_URL", &server.url)
        .env("CAREBOX_E2E_SHOP_URL", &server.shop_url))
}

/// The server's budgets alone: what to run while working on the API.
pub fn server_only() -> Result {
    let (root, server) = start_server()?;
    server_figures(&root, &server, Length::Full)
}

fn start_server() -> Result<(std::path::PathBuf, RunningServer)> {
    let root = root();
    // The load comes from one address at 1,000/s: lift the anti-guessing limits.
    let env = [
        ("CAREBOX_LOOKUP_LIMIT_PER_CLIENT", "100000000/1"),
        ("CAREBOX_LOOKUP_LIMIT_PER_ORDER", "100000000/1"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "100000000/1"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "100000000/1"),
        ("CAREBOX_LOG", "warn"),
    ];
    let server = RunningServer::start_demo(&root.join("target/bench"), true, &env)?;
    println!("benchmark server (release, SQLite): {}, its demo shop on {}", server.url, server.shop_url);
    Ok((root, server))
}

/// Every bench of the server, each a binary of its own.
const SERVER_BENCHES: [&str; 5] = ["order_lookup", "complaint_filing", "limiter_memory", "ceiling", "node_scaling"];

fn server_figures(root: &std::path::Path, server: &RunningServer, length: Length) -> Result {
    // All bench binaries in one build: one at a time, before each run, cargo linked them on
    // one core while the other idled (7–14 s apiece, about a minute for the five).
    let mut build = cargo();
    build.current_dir(root).args(["bench", "--no-run", "--package", "carebox-server"]);
    for bench in SERVER_BENCHES {
        build.args(["--bench", bench]);
    }
    run(&mut build)?;
    // The server's figures first: on 2 cores, a browser still winding down its 30 contexts
    // would be measured too.
    println!("\n=== order lookup latency under load ===");
    server_bench(root, "order_lookup", &server.url, length)?;
    println!("\n=== complaints accepted per second ===");
    server_bench(root, "complaint_filing", &server.url, length)?;
    println!("\n=== rate limiter memory under a spray of distinct keys ===");
    server_bench(root, "limiter_memory", &server.url, length)?;
    let postgres = crate::postgres::Postgres::start()?;
    let seconds = if length == Length::Full { "8" } else { "2" };
    println!("\n=== against the ceiling: a bare axum handler and Carebox's endpoints under wrk, SQLite and PostgreSQL ===");
    ensure_chromium()?; // and wrk, Debian's load generator
    run(cargo()
        .current_dir(root)
        .args(["bench", "--package", "carebox-server", "--bench", "ceiling"])
        .env("CAREBOX_BENCH_BIN", root.join("target/release/carebox-server"))
        .env("CAREBOX_BENCH_POSTGRES_URL", &postgres.url)
        .env("CAREBOX_BENCH_SECONDS", seconds))?;
    println!("\n=== order lookups at saturation: one, two and three processes on one PostgreSQL, one on SQLite ===");
    run(cargo()
        .current_dir(root)
        .args(["bench", "--package", "carebox-server", "--bench", "node_scaling"])
        .env("CAREBOX_BENCH_BIN", root.join("target/release/carebox-server"))
        .env("CAREBOX_BENCH_POSTGRES_URL", &postgres.url)
        .env("CAREBOX_BENCH_SECONDS", if length == Length::Full { "5" } else { "2" }))
}

/// One bench against the running server; the test layer's runs are half as long (5 s of load
/// for lookups and complaints instead of 10).
fn server_bench(root: &std::path::Path, name: &str, url: &str, length: Length) -> Result {
    run(cargo()
        .current_dir(root)
        .args(["bench", "--package", "carebox-server", "--bench", name])
        .env("CAREBOX_BENCH_SECONDS", if length == Length::Full { "10" } else { "5" })
        .env("CAREBOX_BENCH_URL", url)
        .env("CAREBOX_BENCH_KEY", DEMO_KEY)
        .env("CAREBOX_BENCH_SECRET", DEMO_SECRET))
}
