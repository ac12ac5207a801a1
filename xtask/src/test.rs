//! `cargo xtask test`: every test layer, in order of speed, each reported; non-zero exit if
//! any fails. Layers after a failed one still run where they can, so one run shows all.

use std::fs;
use std::process::Command;
use std::time::Instant;

use crate::process::{cargo, run};
use crate::serve::RunningServer;
use crate::tools::{CHROMEDRIVER, WASM_TARGET, ensure_chromium, ensure_node_modules};
use crate::{Result, dist, root};

pub fn all() -> Result {
    let started = Instant::now();
    let setup = Instant::now();
    let wasm_tools = crate::tools::ensure_all_for_tests()?;
    println!("set-up done in {:.0?}; the wasm tools build in the background (target/setup/cargo-tools.log)", setup.elapsed());

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
    let mut wasm_tools = Some(wasm_tools);
    let mut tools_ready: Result = Ok(());
    layer("native unit tests and API tests on SQLite and PostgreSQL", &mut || {
        let built = native_build();
        // Some tests measure time: they run once nothing builds beside them.
        tools_ready = join(wasm_tools.take(), "the wasm tools' build");
        built.and_then(|()| native(&postgres.url))
    });
    drop(postgres);
    if let Err(e) = &tools_ready {
        return Err(format!("set-up failed: {e}"));
    }
    layer("component tests (wasm, headless Chromium)", &mut components);
    let mut bundled = false;
    layer("bundle build and size budgets", &mut || dist::dist().map(|_| bundled = true));
    layer("container image's files (release server + bundles, run as the Dockerfile runs them)", &mut || {
        if bundled { crate::image::assemble().and_then(|rootfs| crate::image::check(&rootfs)) } else { Err("skipped: no bundle".into()) }
    });
    layer("API fuzzing (schemathesis from the served OpenAPI document, every check)", &mut || crate::fuzz::fuzz(&[]));
    layer("end to end (Playwright, demo shop, real server)", &mut || {
        if bundled { end_to_end() } else { Err("skipped: no bundle to serve".into()) }
    });
    layer("speed budgets (launcher → panel, order lookup under load, complaints per second)", &mut || {
        if bundled { crate::bench::measure(crate::bench::Length::Short) } else { Err("skipped: no bundle to serve".into()) }
    });

    println!("\n=== summary ({:.0?} in all) ===", started.elapsed());
    for (name, outcome, took) in &results {
        println!("  {:<6} {name} ({took:.0?})", if outcome.is_ok() { "ok" } else { "FAILED" });
    }
    // Repeated at the end, where a CI log's tail shows them.
    for (name, outcome, _) in &results {
        if let Err(e) = outcome {
            println!("\n--- {name} FAILED:\n{e}");
        }
    }
    let failed = results.iter().filter(|r| r.1.is_err()).count();
    println!("layers: {} passed, {failed} failed", results.len() - failed);
    if failed == 0 { Ok(()) } else { Err(format!("{failed} test layer(s) failed")) }
}

/// A job started in the background, waited for; `None` when it was already joined.
fn join(job: Option<std::thread::JoinHandle<Result>>, what: &str) -> Result {
    let Some(job) = job else { return Ok(()) };
    let waited = Instant::now();
    let outcome = job.join().unwrap_or_else(|_| Err(format!("{what} panicked")));
    match &outcome {
        Ok(()) => println!("{what}: done (waited {:.0?} for it)", waited.elapsed()),
        Err(e) => eprintln!("{what} FAILED: {e}"),
    }
    outcome
}

const NATIVE_PACKAGES: [&str; 6] = ["--package", "carebox-contract", "--package", "carebox-server", "--package", "xtask"];

/// The native tests, and the native program the bundle layer runs: built while the wasm tools
/// build beside them (each branch took about as long as the other, measured).
fn native_build() -> Result {
    run(cargo().current_dir(root()).arg("test").args(NATIVE_PACKAGES).arg("--no-run"))?;
    run(cargo().current_dir(root()).arg("build").args(dist::EXPORT_STRINGS))
}

fn native(postgres_url: &str) -> Result {
    // The API tests mostly wait (on their servers, on PostgreSQL, on timers): eight at a time
    // take half as long as one per core (20 s instead of 42 s for the 176 of them, measured).
    run(cargo()
        .current_dir(root())
        .arg("test")
        .args(NATIVE_PACKAGES)
        .args(["--", "--test-threads=8"])
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
    // The Leptos example shop is served by the demo shop too (rust-shop.test.mjs drives it).
    crate::rust_shop::build()?;
    // The demo's overdue complaint is escalated (and compensated) within a second.
    // Every browser of the run is one client (127.0.0.1) filing on a handful of demo orders:
    // the complaint limits, which the API tests prove, would refuse the later specs' reports.
    let env = [
        ("CAREBOX_SLA_TICK_SECS", "1"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "1000/3600"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "1000/3600"),
        // The console's webhook spec registers a receiver it runs on 127.0.0.1: deliveries
        // stay on this machine (public addresses are never contacted by a test).
        ("CAREBOX_WEBHOOKS_TO_LOOPBACK", "1"),
    ];
    // The release server: the container layer has just built it, and the specs wait on its
    // answers (the fuzzing layer keeps the debug build, with its overflow checks).
    let server = RunningServer::start_demo(&out, true, &env)?;
    println!("end-to-end tests: the shop on {}, Carebox on {}", server.shop_url, server.url);
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
    // A second copy of the report goes to a file, so a failure's details (which assertion,
    // which wait timed out) can be repeated in the summary: CI shows only the tail of a run.
    let report = out.join("report.txt");
    let outcome = run(Command::new("node")
        .current_dir(&root)
        .args(["--test", "--test-concurrency=1"])
        .args(["--test-reporter=spec", "--test-reporter-destination=stdout"])
        .args(["--test-reporter=spec", &format!("--test-reporter-destination={}", report.display())])
        .args(&specs)
        .env("CAREBOX_E2E_URL", &server.url)
        .env("CAREBOX_E2E_SHOP_URL", &server.shop_url)
        // The set-up commands (`merchant create`…) an onboarding spec runs on the same database.
        .env("CAREBOX_E2E_SERVER_BIN", &server.binary)
        .env("CAREBOX_E2E_DATABASE_URL", &server.database_url)
        .env("CAREBOX_E2E_OUT", &out));
    outcome.map_err(|e| match fs::read_to_string(&report).ok().as_deref().and_then(failing_tests_section) {
        Some(details) => format!("{e}\n{details}"),
        None => e,
    })?;
    // After the whole suite only: every widget operation crossed origins for real (a filtered
    // run exercises only some).
    if names.is_empty() {
        println!("\nwidget operations called cross-origin by the specs (the server's /metrics):");
        run(Command::new("node").current_dir(&root).arg("tests/e2e/cross_origin_coverage.mjs").env("CAREBOX_E2E_URL", &server.url))?;
    }
    Ok(())
}

/// The "failing tests" part of a `node --test` spec report: each failed test with its error
/// and stack, without the passing ones.
fn failing_tests_section(report: &str) -> Option<String> {
    let start = report.rfind("✖ failing tests:")?;
    let section = report[start..].trim_end();
    // A very long report would push everything else out of a CI log's tail.
    const LIMIT: usize = 12_000;
    Some(if section.len() > LIMIT { format!("{}…", &section[..section.floor_char_boundary(LIMIT)]) } else { section.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::failing_tests_section;

    #[test]
    fn the_failing_tests_section_is_cut_from_a_spec_report() {
        let report = "✔ passes (2.5ms)\n✖ fails (7.5ms)\n  AssertionError: one is not two\n\nℹ tests 2\nℹ fail 1\n\n\
                      ✖ failing tests:\n\ntest at f.test.mjs:4:1\n✖ fails (7.5ms)\n  AssertionError: one is not two\n";
        let section = failing_tests_section(report).expect("a failure is reported");
        assert!(section.starts_with("✖ failing tests:"), "{section}");
        assert!(section.contains("AssertionError: one is not two"));
        assert!(!section.contains("✔ passes"), "passing tests are left out");
        assert_eq!(failing_tests_section("✔ passes (2.5ms)\nℹ fail 0\n"), None);
    }

    #[test]
    fn a_huge_failure_section_is_cut_on_a_character_boundary() {
        let report = format!("✖ failing tests:\n{}", "ж".repeat(20_000));
        let section = failing_tests_section(&report).expect("a failure is reported");
        assert!(section.len() <= 12_000 + "…".len() && section.ends_with('…'));
    }
}
