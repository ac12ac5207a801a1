//! The example Leptos shop (`examples/rust-shop`) that uses the widget's components as a
//! library: built to wasm and bound for the browser, for the demo shop to serve at
//! `/rust-shop/` (see [`crate::serve::build_demo_site`]).

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::process::{cargo, run};
use crate::tools::{WASM_TARGET, ensure_wasm_bindgen, ensure_wasm_target};
use crate::{Result, root};

/// Where the built example waits for the demo site to pick it up.
pub fn output_dir() -> PathBuf {
    root().join("target/rust-shop-example")
}

/// Builds the example (a debug build: it is for tests and the demo, and compiles in seconds
/// after the component tests' build) into [`output_dir`].
pub fn build() -> Result {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    let root = root();
    run(cargo().current_dir(&root).args(["build", "--package", "carebox-rust-shop", "--target", WASM_TARGET]))?;
    let out = output_dir();
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    run(Command::new("wasm-bindgen")
        .arg(root.join(format!("target/{WASM_TARGET}/debug/carebox_rust_shop.wasm")))
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out))?;
    let page = root.join("examples/rust-shop/index.html");
    fs::copy(&page, out.join("index.html")).map_err(|e| format!("{}: {e}", page.display()))?;
    Ok(())
}
