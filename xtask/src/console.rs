//! The support console's bundle (`console/`): a size-first release build, bound for the
//! browser, split so each page beyond the inbox is its own chunk fetched on first use,
//! optimised, into `dist/console/`, which the server serves at `/console/` under a strict CSP
//! of its own. Printed: what a first visit downloads (sign-in and inbox), gzip, and the pages.

use std::fs;
use std::path::Path;

use crate::dist::{build_split, write_precompressed};
use crate::{Result, root};

/// What staff download on their first visit (the page, its script, stylesheet and wasm), gzip.
/// Not the widget's budget: staff open it once a day on a desk's connection; the pages beyond
/// the inbox come in chunks when first opened.
pub const CONSOLE_BUDGET: usize = 180 * 1024;

/// What a first visit loads; every other `.wasm` is a page's chunk, fetched when opened.
const FIRST_VISIT: [&str; 6] = ["index.html", "boot.js", "console.css", "favicon.svg", "carebox_console.js", "carebox_console_bg.wasm"];

/// Builds the console into `out`; answers the first visit's gzip size.
pub fn build(out: &Path) -> Result<usize> {
    let root = root();
    let work = root.join("target/console-bundle");
    if work.exists() {
        fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    let app = work.join("app");
    build_split("carebox-console", "carebox_console", "carebox_console", &work, &app)?;
    // The live preview's page (framed by the widget page; it loads the widget itself).
    for name in ["index.html", "boot.js", "console.css", "favicon.svg", "preview.html", "preview.js", "preview.css"] {
        fs::copy(root.join("console/www").join(name), app.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }

    if out.exists() {
        fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut names: Vec<String> = fs::read_dir(&app)
        .map_err(|e| e.to_string())?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()).map_err(|e| e.to_string()))
        .collect::<Result<_>>()?;
    names.sort_by_key(|name| (!FIRST_VISIT.contains(&name.as_str()), name.clone()));
    let (mut first_visit, mut pages) = (0, 0);
    println!("\n  support console (dist/console/)                              raw      gzip");
    for name in names {
        let content = fs::read(app.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        let sizes = write_precompressed(&out.join(&name), &content)?;
        let (raw, gz) = (sizes.raw, sizes.gzip);
        let first = FIRST_VISIT.contains(&name.as_str());
        println!(
            "  {:<52} {raw:>9} {gz:>9}",
            if first {
                format!("{name} (first visit)")
            } else if name.ends_with(".wasm") {
                format!("{name} (a page, on first use)")
            } else {
                format!("{name} (the widget preview)")
            }
        );
        if first {
            first_visit += gz;
        } else if name.ends_with(".wasm") {
            pages += gz;
        }
    }
    println!(
        "  console first visit (sign in and inbox) gzip: {first_visit} B = {:.1} KiB (budget {} KiB)",
        first_visit as f64 / 1024.0,
        CONSOLE_BUDGET / 1024
    );
    println!("  console pages loaded on first use, all together, gzip: {pages} B = {:.1} KiB", pages as f64 / 1024.0);
    if first_visit > CONSOLE_BUDGET {
        return Err(format!("the console's first visit is {first_visit} B gzip, over its {CONSOLE_BUDGET} B budget"));
    }
    Ok(first_visit)
}
