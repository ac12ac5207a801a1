//! The support console's bundle (`console/`): a size-first release build, bound for the
//! browser, optimised, into `dist/console/`, which the server serves at `/console/` under a
//! strict CSP of its own. Printed: what a first visit downloads, gzip.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::dist::{optimise, write_with_gzip};
use crate::process::{cargo, run};
use crate::tools::WASM_TARGET;
use crate::{Result, root};

/// What staff download on their first visit (the page, its script, stylesheet and wasm), gzip.
/// Not the widget's budget: staff open it once a day on a desk's connection.
pub const CONSOLE_BUDGET: usize = 400 * 1024;

/// Builds the console into `out`; answers the first visit's gzip size.
pub fn build(out: &Path) -> Result<usize> {
    let root = root();
    // A cdylib-only crate: the size-first profile keeps LTO.
    run(cargo().current_dir(&root).args(["build", "--package", "carebox-console", "--profile", "wasm-release", "--target", WASM_TARGET]))?;
    let work = root.join("target/console-bundle");
    if work.exists() {
        fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&work)
        .arg(root.join(format!("target/{WASM_TARGET}/wasm-release/carebox_console.wasm"))))?;
    optimise(&work.join("carebox_console_bg.wasm"), &work.join("carebox_console_bg.wasm"))?;
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let files = [
        (work.join("carebox_console_bg.wasm"), "carebox_console_bg.wasm"),
        (work.join("carebox_console.js"), "carebox_console.js"),
        (root.join("console/www/index.html"), "index.html"),
        (root.join("console/www/boot.js"), "boot.js"),
        (root.join("console/www/console.css"), "console.css"),
        (root.join("console/www/favicon.svg"), "favicon.svg"),
    ];
    let mut total = 0;
    println!("\n  support console (dist/console/, first visit)                 raw      gzip");
    for (source, name) in files {
        let content = fs::read(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let (raw, gz) = write_with_gzip(&out.join(name), &content)?;
        println!("  {name:<52} {raw:>9} {gz:>9}");
        total += gz;
    }
    println!("  console first visit gzip: {total} B = {:.1} KiB (budget {} KiB)", total as f64 / 1024.0, CONSOLE_BUDGET / 1024);
    if total > CONSOLE_BUDGET {
        return Err(format!("the console's first visit is {total} B gzip, over its {CONSOLE_BUDGET} B budget"));
    }
    Ok(total)
}
