//! `cargo xtask dist`: the embeddable bundle.
//!
//! dist/carebox.js                 the loader (stable name, short cache)
//! dist/frame.html                 frame mode's page (the server sends it at /frame with its CSP)
//! dist/app/<hash>/carebox.js      the app: JS glue, main wasm, CSS, the split loader, and one
//! dist/app/<hash>/…               lazily fetched wasm module per capability screen (plus the
//!                                 chunks they share). The folder is named by a hash of all of
//!                                 it, so every file in it is cached for a year.
//! Each file also gets a `.gz` twin that the server sends to gzip-capable clients.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};

use crate::process::{cargo, run};
use crate::tools::{WASM_TARGET, ensure_node_modules, ensure_wasm_bindgen, ensure_wasm_split, ensure_wasm_target, terser, wasm_opt};
use crate::{Result, root};

// Shared with the widget crate's build script, which gives Rust shops the same stylesheet.
#[path = "../../build/stylesheet.rs"]
mod stylesheet;
pub use stylesheet::app_css;
#[cfg(test)]
use stylesheet::{collect_css, minify_css};

/// DESIGN.md §6 budgets, gzip bytes.
pub const LOADER_BUDGET: usize = 3 * 1024;
pub const APP_BUDGET: usize = 150 * 1024;
/// What frame mode fetches on top of the app (the frame's page and the two scripts that talk
/// across): budgeted alone, so that neither the app nor frame mode's parts grow unnoticed.
pub const FRAME_EXTRA_BUDGET: usize = 3 * 1024;
pub const APP_AIM: usize = 100 * 1024;

const LOADER_SOURCE: &str = "www/carebox.js";
const TYPES_SOURCE: &str = "www/carebox.d.ts";
const FRAME_SCRIPT_SOURCE: &str = "www/frame.js";
const FRAME_HOST_SOURCE: &str = "www/frame-host.js";
const FALLBACK_SOURCE: &str = "www/fallback.js";
const FRAME_PAGE_SOURCE: &str = "www/frame.html";
const WASM_OPT_FEATURES: [&str; 4] =
    ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-reference-types"];
/// What the first open fetches; everything else in the app folder loads on first use.
const FIRST_OPEN: [&str; 4] = ["carebox.js", "__wasm_split.js", "carebox_bg.wasm", "carebox.css"];
/// What frame mode fetches on top of [`FIRST_OPEN`] (and `frame.html`): the shop's page
/// imports `frame-host.js`, the frame's page `frame.js`.
const FRAME_FIRST_OPEN: [&str; 2] = ["frame.js", "frame-host.js"];

pub struct Bundle {
    pub loader_gzip: usize,
    pub app_gzip: usize,
    /// The first open in frame mode: the app, the frame's page and its script.
    pub frame_app_gzip: usize,
}

pub fn dist() -> Result<Bundle> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_split()?;
    ensure_node_modules()?;
    let root = root();
    let work = root.join("target/bundle");
    recreate(&work)?;

    let app = work.join("app");
    build_split("carebox-widget", "carebox_widget", "carebox", &work, &app)?;
    minify_js(&root.join(FRAME_SCRIPT_SOURCE), &app.join("frame.js"), JsKind::Module)?;
    minify_js(&root.join(FRAME_HOST_SOURCE), &app.join("frame-host.js"), JsKind::Module)?;
    minify_js(&root.join(FALLBACK_SOURCE), &app.join("fallback.js"), JsKind::Module)?;
    fs::write(app.join("carebox.css"), app_css(&root.join("src"))?).map_err(|e| e.to_string())?;
    // The languages the bundle does not carry, fetched by the shoppers who speak them.
    run(cargo().current_dir(&root).args(["run", "--quiet", "--package", "carebox-widget", "--example", "export_strings", "--"]).arg(&app))?;

    // One hash over the whole app folder names it.
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&app)
        .map_err(|e| e.to_string())?
        .map(|entry| {
            let path = entry.map_err(|e| e.to_string())?.path();
            Ok((path.file_name().unwrap().to_string_lossy().into_owned(), read(&path)?))
        })
        .collect::<Result<_>>()?;
    files.sort();
    let mut hasher = Sha256::new();
    for (name, content) in &files {
        hasher.update(name.as_bytes());
        hasher.update(content);
    }
    // Ten hex digits (40 bits) tell releases apart for caches; each digit more is a byte of the
    // loader, which names the folder and sits within a few bytes of its budget.
    let hash = &hex::encode(hasher.finalize())[..10];

    let dist = root.join("dist");
    recreate(&dist)?;
    let folder = dist.join("app").join(hash);
    fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let mut first_open = Vec::new();
    let mut lazy = Vec::new();
    for (name, content) in &files {
        let sizes = write_with_gzip(&folder.join(name), content)?;
        if FIRST_OPEN.contains(&name.as_str()) || FRAME_FIRST_OPEN.contains(&name.as_str()) {
            first_open.push((name, sizes))
        } else {
            lazy.push((name, sizes))
        }
    }
    let frame_page = read_string(&root.join(FRAME_PAGE_SOURCE))?
        .replace("__CAREBOX_APP_CSS__", &format!("app/{hash}/carebox.css"))
        .replace("__CAREBOX_APP_FRAME__", &format!("app/{hash}/frame.js"));
    let frame_page_sizes = write_with_gzip(&dist.join("frame.html"), frame_page.as_bytes())?;
    let minified_loader = work.join("loader.min.js");
    minify_js(&root.join(LOADER_SOURCE), &minified_loader, JsKind::Script)?;
    let loader = read_string(&minified_loader)?
        .replace("__CAREBOX_APP_JS__", &format!("app/{hash}/carebox.js"))
        .replace("__CAREBOX_APP_WASM__", &format!("app/{hash}/carebox_bg.wasm"))
        .replace("__CAREBOX_APP_CSS__", &format!("app/{hash}/carebox.css"))
        .replace("__CAREBOX_APP_FRAME_HOST__", &format!("app/{hash}/frame-host.js"))
        .replace("__CAREBOX_APP_FALLBACK__", &format!("app/{hash}/fallback.js"));
    let loader_sizes = write_with_gzip(&dist.join("carebox.js"), loader.as_bytes())?;
    // The JS API's TypeScript declarations, beside the loader (stable name, like it).
    write_with_gzip(&dist.join("carebox.d.ts"), &read(&root.join(TYPES_SOURCE))?)?;

    // A shopper in a language other than English also fetches its texts: the budget holds for
    // the heaviest one.
    let texts_gzip = lazy.iter().filter(|f| f.0.starts_with("strings-")).map(|f| f.1.1).max().unwrap_or(0);
    let inline_gzip: usize = first_open.iter().filter(|f| FIRST_OPEN.contains(&f.0.as_str())).map(|f| f.1.1).sum::<usize>() + texts_gzip;
    let bundle = Bundle {
        loader_gzip: loader_sizes.1,
        app_gzip: inline_gzip,
        frame_app_gzip: first_open.iter().map(|f| f.1.1).sum::<usize>() + texts_gzip + frame_page_sizes.1,
    };
    println!("\nBundle written to dist/ (app folder app/{hash}/):");
    println!("  {:<52} {:>9} {:>9}", "file", "raw B", "gzip B");
    println!("  {:<52} {:>9} {:>9}", "carebox.js (loader)", loader_sizes.0, loader_sizes.1);
    for (name, (raw, gzip)) in &first_open {
        let when = if FRAME_FIRST_OPEN.contains(&name.as_str()) { "first open, frame mode" } else { "first open" };
        println!("  {:<52} {raw:>9} {gzip:>9}", format!("{name} ({when})"));
    }
    println!("  {:<52} {:>9} {:>9}", "frame.html (first open, frame mode)", frame_page_sizes.0, frame_page_sizes.1);
    for (name, (raw, gzip)) in &lazy {
        let when = if name.starts_with("strings-") { "first open in that language" } else { "on first use" };
        println!("  {:<52} {raw:>9} {gzip:>9}", format!("{name} ({when})"));
    }
    let lazy_total: usize = lazy.iter().filter(|f| !f.0.starts_with("strings-")).map(|f| f.1.1).sum();
    println!(
        "  loader gzip: {} B (budget {} B)\n  first open (wasm + glue + split loader + CSS + the heaviest language's texts, {} B) gzip: {} B = {:.1} KiB (budget {} KiB, aim {} KiB)\n  first open in frame mode (the same + frame.html + frame.js + frame-host.js) gzip: {} B = {:.1} KiB (budget {} KiB + {} KiB)\n  screens loaded on first use, all together, gzip: {} B = {:.1} KiB",
        bundle.loader_gzip,
        LOADER_BUDGET,
        texts_gzip,
        bundle.app_gzip,
        bundle.app_gzip as f64 / 1024.0,
        APP_BUDGET / 1024,
        APP_AIM / 1024,
        bundle.frame_app_gzip,
        bundle.frame_app_gzip as f64 / 1024.0,
        APP_BUDGET / 1024,
        FRAME_EXTRA_BUDGET / 1024,
        lazy_total,
        lazy_total as f64 / 1024.0,
    );
    // The support console is built beside the widget; its size is its own.
    crate::console::build(&dist.join("console"))?;
    crate::api_reference::build(&dist)?;
    check_budgets(&bundle)?;
    Ok(bundle)
}

/// Builds `package` (a Leptos app whose `split` feature marks `#[lazy]` parts) for the browser
/// into `app`: the main module `<out_name>_bg.wasm` with its JS glue, the split loader
/// `__wasm_split.js`, and one optimised module per lazy part (fetched on first use).
pub(crate) fn build_split(package: &str, artifact: &str, out_name: &str, work: &Path, app: &Path) -> Result {
    let root = root();
    // `cargo rustc --crate-type cdylib` keeps LTO (a cdylib+rlib crate-type would drop it);
    // relocations let wasm-split move each `#[lazy]` part into its own module. The widget and
    // the console share these flags, so one build cache serves both.
    run(cargo()
        .current_dir(&root)
        .args([
            "rustc",
            "--package",
            package,
            "--lib",
            "--crate-type",
            "cdylib",
            "--features",
            "split",
            "--profile",
            "wasm-release",
            "--target",
            WASM_TARGET,
        ])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "-C link-args=--emit-relocs"))?;
    let built = root.join(format!("target/{WASM_TARGET}/wasm-release/{artifact}.wasm"));
    let split = work.join("split");
    run(Command::new("wasm-split-cli").arg(&built).arg(&split).args(["--target", "web", "--out-name", out_name]))?;
    // The split modules reach the main one through its function table: keep LLD's exports.
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--keep-lld-exports", "--out-name", out_name, "--out-dir"])
        .arg(app)
        .arg(split.join(format!("{out_name}.wasm"))))?;
    // Optimise every module; the split ones keep their names (the split loader fetches them).
    let main = app.join(format!("{out_name}_bg.wasm"));
    optimise(&main, &main)?;
    for entry in fs::read_dir(&split).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".wasm") && name != format!("{out_name}.wasm") {
            optimise(&path, &app.join(&name))?;
        } else if name.ends_with(".js") {
            minify_js(&path, &app.join(&name), JsKind::Module)?;
        }
    }
    let glue = app.join(format!("{out_name}.js"));
    minify_js(&glue, &glue, JsKind::Module)
}

#[derive(Clone, Copy)]
pub(crate) enum JsKind {
    /// An ES module: its exports keep their names.
    Module,
    /// A classic script (the loader): only its own locals are renamed.
    Script,
}

/// terser: compress and shorten local names; property names, exports and `/*!` notices stay.
pub(crate) fn minify_js(input: &Path, output: &Path, kind: JsKind) -> Result {
    let mut command = Command::new(terser());
    command.arg(input).args(["--compress", "passes=2", "--mangle", "--comments", "some", "--output"]).arg(output);
    if let JsKind::Module = kind {
        command.arg("--module");
    }
    run(&mut command)
}

pub(crate) fn optimise(input: &Path, output: &Path) -> Result {
    run(Command::new(wasm_opt()).arg("-Oz").args(WASM_OPT_FEATURES).arg(input).arg("-o").arg(output))
}

pub fn check_budgets(bundle: &Bundle) -> Result {
    let mut over = Vec::new();
    if bundle.loader_gzip > LOADER_BUDGET {
        over.push(format!("loader is {} B gzip, over its {} B budget", bundle.loader_gzip, LOADER_BUDGET));
    }
    if bundle.app_gzip > APP_BUDGET {
        over.push(format!("app is {} B gzip, over its {} B budget", bundle.app_gzip, APP_BUDGET));
    }
    if bundle.frame_app_gzip > APP_BUDGET + FRAME_EXTRA_BUDGET {
        over.push(format!("app in frame mode is {} B gzip, over its {} B budget", bundle.frame_app_gzip, APP_BUDGET + FRAME_EXTRA_BUDGET));
    }
    if over.is_empty() { Ok(()) } else { Err(over.join("; ")) }
}

/// Writes `content` and `<path>.gz`; returns (raw, gzip) sizes.
pub(crate) fn write_with_gzip(path: &Path, content: &[u8]) -> Result<(usize, usize)> {
    let gzip = gzip(content);
    fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    let gz_path = PathBuf::from(format!("{}.gz", path.display()));
    fs::write(&gz_path, &gzip).map_err(|e| format!("{}: {e}", gz_path.display()))?;
    Ok((content.len(), gzip.len()))
}

pub fn gzip(content: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(content).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn recreate(dir: &Path) -> Result {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_minifier_drops_comments_and_keeps_descendant_combinators() {
        let css = "/* note */\n.a :focus-visible {\n  color: red; /* why */\n}\n";
        assert_eq!(minify_css(css), ".a :focus-visible{color:red}");
        let css = ".a, .b > .c {\n  font: 12px \"Segoe UI\", sans-serif;\n  content: \"a: b , c\";\n}\n@media (max-width: 480px) { .d { margin: 0 auto; } }";
        assert_eq!(
            minify_css(css),
            ".a,.b > .c{font:12px \"Segoe UI\",sans-serif;content:\"a: b , c\"}@media (max-width:480px){.d{margin:0 auto}}"
        );
    }

    /// Browsers without `light-dark()` get every scheme-dependent colour from the fallback
    /// block in `app.css`, for light, dark and auto; so components may not call it themselves.
    #[test]
    fn every_light_dark_colour_has_a_fallback_for_each_scheme() {
        let css = minify_css(&read_string(&root().join("src/app.css")).unwrap());
        let (main, fallback) = css.split_once("@supports not (color:light-dark(#000,#fff))").expect("the fallback block");
        let tokens: Vec<&str> = main
            .split(';')
            .filter(|declaration| declaration.contains("light-dark("))
            .map(|declaration| declaration.trim_start_matches(|c| c != '-').split(':').next().unwrap())
            .collect();
        assert!(tokens.len() >= 8, "{tokens:?}");
        assert!(!fallback.contains("light-dark("));
        let light = fallback.split(".carebox-root[data-scheme=\"dark\"]").next().unwrap();
        let dark = fallback.split(".carebox-root[data-scheme=\"dark\"]").nth(1).unwrap().split("@media").next().unwrap();
        let auto = fallback.split("[data-scheme=\"auto\"]").nth(1).expect("auto follows the system setting");
        for token in &tokens {
            for (scheme, block) in [("light", light), ("dark", dark), ("auto", auto)] {
                assert!(block.contains(&format!("{token}:")), "{token} has no {scheme} fallback");
            }
        }
        let mut files = Vec::new();
        collect_css(&root().join("src/components"), &mut files).unwrap();
        for file in files {
            assert!(!read_string(&file).unwrap().contains("light-dark("), "{}: use a --cb-* colour from app.css", file.display());
        }
    }

    #[test]
    fn budgets_fail_when_exceeded() {
        assert!(
            check_budgets(&Bundle { loader_gzip: LOADER_BUDGET, app_gzip: APP_BUDGET, frame_app_gzip: APP_BUDGET + FRAME_EXTRA_BUDGET })
                .is_ok()
        );
        let err =
            check_budgets(&Bundle { loader_gzip: LOADER_BUDGET + 1, app_gzip: APP_BUDGET + 1, frame_app_gzip: APP_BUDGET }).unwrap_err();
        assert!(err.contains("loader") && err.contains("app"), "{err}");
        let err = check_budgets(&Bundle {
            loader_gzip: LOADER_BUDGET,
            app_gzip: APP_BUDGET,
            frame_app_gzip: APP_BUDGET + FRAME_EXTRA_BUDGET + 1,
        })
        .unwrap_err();
        assert!(err.contains("frame mode"), "{err}");
    }

    #[test]
    fn app_css_starts_with_the_root_variables() {
        let css = app_css(&root().join("src")).unwrap();
        assert!(css.starts_with(".carebox-root"), "{}", &css[..60.min(css.len())]);
        assert!(css.contains(".carebox-panel") && !css.contains("/*"));
    }

    #[test]
    fn frame_page_has_every_placeholder_dist_fills() {
        let page = read_string(&root().join(FRAME_PAGE_SOURCE)).unwrap();
        for placeholder in ["__CAREBOX_APP_CSS__", "__CAREBOX_APP_FRAME__"] {
            assert!(page.contains(placeholder), "{placeholder}");
        }
    }

    #[test]
    fn loader_source_has_every_placeholder_dist_fills() {
        let loader = read_string(&root().join(LOADER_SOURCE)).unwrap();
        for placeholder in
            ["__CAREBOX_APP_JS__", "__CAREBOX_APP_WASM__", "__CAREBOX_APP_CSS__", "__CAREBOX_APP_FRAME_HOST__", "__CAREBOX_APP_FALLBACK__"]
        {
            assert!(loader.contains(placeholder), "{placeholder}");
        }
    }
}
