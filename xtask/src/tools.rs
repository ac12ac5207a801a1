//! Installs the toolchain pieces the build and tests need, only when missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{cargo, output, run};
use crate::{Result, root};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
        .map_err(|e| format!("{e}\nThe wasm target is needed to build the widget."))
}

/// The standard library's source: the browser bundles rebuild std with their size flags
/// (`dist::SIZE_RUSTFLAGS`).
pub fn ensure_rust_src() -> Result {
    let installed = output(Command::new("rustup").args(["component", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim().starts_with("rust-src")) {
        return Ok(());
    }
    run(Command::new("rustup").args(["component", "add", "rust-src"]))
        .map_err(|e| format!("{e}\nThe standard library's source is needed to build the browser bundles."))
}

/// The `wasm-bindgen` version Cargo.lock pins; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

pub fn ensure_wasm_bindgen() -> Result {
    let wanted = locked_wasm_bindgen_version()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if have.ends_with(&wanted) && runner.ends_with(&wanted) {
        return Ok(());
    }
    println!("Installing wasm-bindgen-cli {wanted} (matches Cargo.lock; under two minutes)…");
    // Not `--locked`: one of the CLI's locked dependencies is no longer on the registry.
    run(tool_install().args(["wasm-bindgen-cli", "--force", "--version", &wanted]))?;
    // Kept for the splitter when it is still to come (it reuses most of this build).
    if wasm_split_installed() {
        remove_tool_build();
    }
    Ok(())
}

/// `cargo install` for the build tools: one build folder for all of them (the splitter reuses
/// most of wasm-bindgen's dependencies), unoptimised. The tools run a few times per test run,
/// on modules they get through in seconds either way: wasm-bindgen-cli compiles in 73 s
/// instead of 206 s at opt-level 1, and takes 5.5 s instead of 1.3 s on the 34 MB component
/// test module (measured on a slow machine of this kind).
fn tool_install() -> Command {
    let mut install = cargo();
    install.args(["install", "--target-dir"]).arg(tool_build()).env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0");
    install
}

fn tool_build() -> PathBuf {
    std::env::temp_dir().join("carebox-tool-build")
}

/// The tools' build folder is only needed while installing them (half a gigabyte).
fn remove_tool_build() {
    let _ = std::fs::remove_dir_all(tool_build());
}

/// The splitter that turns each `#[lazy]` screen into its own chunk; the version must match
/// the `wasm_split_macros` that leptos uses (same naming scheme).
pub const WASM_SPLIT_VERSION: &str = "0.2.4";

/// Installed at this version, and its binary still there (cargo's list of installs outlives a
/// deleted binary).
fn wasm_split_installed() -> bool {
    let installed = output(cargo().args(["install", "--list"])).unwrap_or_default();
    installed.lines().any(|l| l.starts_with(&format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}")))
        && Command::new("wasm-split-cli").arg("--help").output().is_ok()
}

pub fn ensure_wasm_split() -> Result {
    if wasm_split_installed() {
        return Ok(());
    }
    println!("Installing wasm_split_cli_support {WASM_SPLIT_VERSION} (splits the bundle into lazily loaded chunks; about a minute)…");
    run(tool_install().args(["wasm_split_cli_support", "--force", "--version", WASM_SPLIT_VERSION, "--features", "build-binary"]))?;
    remove_tool_build();
    Ok(())
}

/// Node packages: wasm-opt (binaryen), terser, Playwright and axe-core, pinned by package-lock.json.
pub fn ensure_node_modules() -> Result {
    let root = root();
    let marker = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let fresh = match (modified(&marker), modified(&lock)) {
        (Some(installed), Some(locked)) => installed >= locked,
        _ => false,
    };
    if fresh && root.join("node_modules/.bin/wasm-opt").exists() && terser().exists() {
        return Ok(());
    }
    if output(Command::new("npm").arg("--version")).is_none() {
        return Err("npm is not installed; install Node.js 18+ with npm (e.g. `apt-get install nodejs npm`).".into());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root))
}

pub fn wasm_opt() -> PathBuf {
    root().join("node_modules/.bin/wasm-opt")
}

/// A wasm-opt run. npm's binaryen is wasm-opt compiled to WebAssembly, run by Node: V8's
/// baseline compiler alone (`--liftoff-only`) starts it in half the time and on one core,
/// where optimising compilation of binaryen itself cost more than the run (the output is the
/// same; only the speed of binaryen's own code changes).
pub fn wasm_opt_command() -> Command {
    let mut command = Command::new("node");
    command.arg("--liftoff-only").arg(wasm_opt());
    command
}

pub fn terser() -> PathBuf {
    root().join("node_modules/.bin/terser")
}

/// Debian's Chromium and its driver, for component and end-to-end tests.
/// Chromium and ChromeDriver for the browser layers, and wrk for the speed layer's load (one
/// `apt-get` for all on a fresh machine).
pub fn ensure_chromium() -> Result {
    let missing = missing_system_packages(false);
    if missing.is_empty() { Ok(()) } else { apt_install(&missing) }
}

/// The Debian packages the test layers use that this machine lacks: Chromium and its driver,
/// wrk, and (with `postgres`) PostgreSQL.
pub fn missing_system_packages(postgres: bool) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push("chromium");
    }
    if !Path::new(CHROMEDRIVER).exists() {
        missing.push("chromium-driver");
    }
    if Command::new("wrk").arg("-v").output().is_err() {
        missing.push("wrk");
    }
    if postgres && !Path::new("/usr/lib/postgresql").exists() {
        missing.push("postgresql");
    }
    missing
}

/// Everything `cargo xtask test` needs, installed where missing, each part in the background
/// with a log under `target/setup/`. The packages from Debian, npm and PyPI (mostly waiting on
/// the network) are ready when this returns; the wasm tools that `cargo install` compiles (one
/// to two minutes on a fresh machine) come from the returned job, so that their build shares
/// the cores with the native tests' build instead of going before it.
pub fn ensure_all_for_tests() -> Result<std::thread::JoinHandle<Result>> {
    let logs = root().join("target/setup");
    let packages = missing_system_packages(true);
    let system = crate::process::logged(logs.join("apt.log"), move || if packages.is_empty() { Ok(()) } else { apt_install(&packages) });
    let node = crate::process::logged(logs.join("npm.log"), ensure_node_modules);
    let python = crate::process::logged(logs.join("pip.log"), || crate::fuzz::ensure_schemathesis().map(drop));
    let cargo_tools = crate::process::logged(logs.join("cargo-tools.log"), || {
        ensure_wasm_target().and_then(|()| ensure_rust_src()).and_then(|()| ensure_wasm_bindgen()).and_then(|()| ensure_wasm_split())
    });
    let mut failures = Vec::new();
    for (name, handle) in [("Debian packages", system), ("npm packages", node), ("schemathesis", python)] {
        match handle.join() {
            Ok(Ok(())) => println!("{name}: ready"),
            Ok(Err(e)) => failures.push(format!("{name}: {e}")),
            Err(_) => failures.push(format!("{name}: the set-up thread panicked")),
        }
    }
    if failures.is_empty() { Ok(cargo_tools) } else { Err(failures.join("\n")) }
}

pub fn apt_install(packages: &[&str]) -> Result {
    let uid = output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid != "0" {
        return Err(format!("missing packages {packages:?}; as root, run: apt-get update && apt-get install -y {}", packages.join(" ")));
    }
    println!("Installing {packages:?} from Debian…");
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get").args(["install", "-y", "-qq"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
