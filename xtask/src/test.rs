//! `cargo xtask test`: every test layer, in order of speed, each reported; non-zero exit if
//! any fails. Layers after a failed one still run where they can, so one run shows all.

use std::fs;
use std::process::Command;
use std::time::Instant;

use crate::process::{cargo, run};
use crate::serve::RunningServer;
use crate::tools::{CHROMEDRIVER, WASM_TARGET, ensure_chromium, ensure_node_modules, ensure_wasm_bindgen, ensure_wasm_target};
use crate::{Result, dist, root};

pub fn all() -> Result {
    let started = Instant::now();
    let setup = Instant::now();
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_node_modules()?;
    ensure_chromium()?;
    println!("set-up done in {:.0?}", setup.elapsed());

    let mut results: Vec<(&str, Result, std::time::Duration)> = Vec::new();
    let mut layer = |name: &'static str, body: &mut dyn FnMut() -> Result| {
        println!("\n=== {name} ===");
        let t = Instant::now();
        let outcome = body();
        if let Err(e) = &outcome {
            eprintln!("--- {name} FAILED: {e}");
        }
        results.push((name, outcome, t.elapsed()));
    };

    let postgres = crate::postgres::Postgres::start()?;
    layer("native unit tests and API tests on SQLite and PostgreSQL", &mut || native(&postgres.url));
    drop(postgres);
    layer("component tests (wasm, headless Chromium)", &mut components);
    let mut bundled = false;
    layer("bundle build and size budgets", &mut || dist::dist().map(|_| bundled = true));
    layer("end to end (Playwright, demo shop, real server)", &mut || {
        if bundled { end_to_end() } else { Err("skipped: no bundle to serve".into()) }
    });
    layer("speed budgets (launcher → panel, order lookup under load, complaints per second)", &mut || {
        if bundled { crate::bench::measure() } else { Err("skipped: no bundle to serve".into()) }
    });

    println!("\n=== summary ({:.0?} in all) ===", started.elapsed());
    for (name, outcome, took) in &results {
        println!("  {:<6} {name} ({took:.0?})", if outcome.is_ok() { "ok" } else { "FAILED" });
    }
    let failed = results.iter().filter(|r| r.1.is_err()).count();
    println!("layers: {} passed, {failed} failed", results.len() - failed);
    if failed == 0 { Ok(()) } else { Err(format!("{failed} test layer(s) failed")) }
}

fn native(postgres_url: &str) -> Result {
    run(cargo()
        .current_dir(root())
        .args(["test", "--package", "carebox-contract", "--package", "carebox-server", "--package", "xtask"])
        .env("CAREBOX_TEST_POSTGRES_URL", postgres_url))
}

fn components() -> Result {
    run(cargo()
        .current_dir(root())
        .args(["test", "--package", "carebox-widget", "--target", WASM_TARGET])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", CHROMEDRIVER))
}

/// `cargo xtask e2e [name…]`: the bundle and the end-to-end specs whose file names contain a
/// given name (all when none), for a quick loop while working on the widget.
pub fn end_to_end_only(names: &[String]) -> Result {
    ensure_node_modules()?;
    ensure_chromium()?;
    dist::dist()?;
    end_to_end_matching(names)
}

fn end_to_end() -> Result {
    end_to_end_matching(&[])
}

fn end_to_end_matching(names: &[String]) -> Result {
    let root = root();
    let out = root.join("target/e2e");
    // The demo's overdue complaint is escalated (and compensated) within a second.
    let server = RunningServer::start_demo(&out, false, &[("CAREBOX_SLA_TICK_SECS", "1")])?;
    println!("server for end-to-end tests: {}", server.url);
    let mut specs: Vec<String> = fs::read_dir(root.join("tests/e2e"))
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .filter(|path| {
            let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            names.is_empty() || names.iter().any(|name| file.contains(name.as_str()))
        })
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("no end-to-end specs (tests/e2e/*.test.mjs) matching {names:?}"));
    }
    run(Command::new("node")
        .current_dir(&root)
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(&specs)
        .env("CAREBOX_E2E_URL", &server.url)
        .env("CAREBOX_E2E_OUT", &out))
}
