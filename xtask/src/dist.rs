//! `cargo xtask dist`: the embeddable bundle.
//!
//! dist/carebox.js             the loader (stable name, short cache)
//! dist/app/carebox-<hash>.*   the app: wasm, JS glue, CSS (content-hashed, cached for a year)
//! Each file also gets a `.gz` twin that the server sends to gzip-capable clients.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};

use crate::process::{cargo, run};
use crate::tools::{WASM_TARGET, ensure_node_modules, ensure_wasm_bindgen, ensure_wasm_target, wasm_opt};
use crate::{Result, root};

/// DESIGN.md §6 budgets, gzip bytes.
pub const LOADER_BUDGET: usize = 3 * 1024;
pub const APP_BUDGET: usize = 150 * 1024;
pub const APP_AIM: usize = 100 * 1024;

const LOADER_SOURCE: &str = "www/carebox.js";
const WASM_OPT_FEATURES: [&str; 4] =
    ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-reference-types"];

pub struct Bundle {
    pub loader_gzip: usize,
    pub app_gzip: usize,
}

pub fn dist() -> Result<Bundle> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_node_modules()?;
    let root = root();
    let work = root.join("target/bundle");
    recreate(&work)?;

    // `cargo rustc --crate-type cdylib` keeps LTO; a cdylib+rlib crate-type would drop it.
    run(cargo().current_dir(&root).args([
        "rustc", "--package", "carebox-widget", "--lib", "--crate-type", "cdylib",
        "--profile", "wasm-release", "--target", WASM_TARGET,
    ]))?;
    let built = root.join(format!("target/{WASM_TARGET}/wasm-release/carebox_widget.wasm"));
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "carebox", "--out-dir"])
        .arg(&work)
        .arg(&built))?;
    let optimised = work.join("carebox_opt.wasm");
    run(Command::new(wasm_opt())
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .arg(work.join("carebox_bg.wasm"))
        .arg("-o")
        .arg(&optimised))?;

    let wasm = read(&optimised)?;
    let glue = read(&work.join("carebox.js"))?;
    let css = app_css(&root.join("src"))?;

    let dist = root.join("dist");
    recreate(&dist)?;
    fs::create_dir_all(dist.join("app")).map_err(|e| e.to_string())?;
    let wasm_name = hashed("carebox", &wasm, "wasm");
    let js_name = hashed("carebox", &glue, "js");
    let css_name = hashed("carebox", css.as_bytes(), "css");
    let loader = read_string(&root.join(LOADER_SOURCE))?
        .replace("__CAREBOX_APP_JS__", &format!("app/{js_name}"))
        .replace("__CAREBOX_APP_WASM__", &format!("app/{wasm_name}"))
        .replace("__CAREBOX_APP_CSS__", &format!("app/{css_name}"));

    let sizes = [
        ("loader", "carebox.js".to_owned(), write_with_gzip(&dist.join("carebox.js"), loader.as_bytes())?),
        ("app", format!("app/{wasm_name}"), write_with_gzip(&dist.join("app").join(&wasm_name), &wasm)?),
        ("app", format!("app/{js_name}"), write_with_gzip(&dist.join("app").join(&js_name), &glue)?),
        ("app", format!("app/{css_name}"), write_with_gzip(&dist.join("app").join(&css_name), css.as_bytes())?),
    ];
    let bundle = Bundle {
        loader_gzip: sizes.iter().filter(|s| s.0 == "loader").map(|s| s.2.1).sum(),
        app_gzip: sizes.iter().filter(|s| s.0 == "app").map(|s| s.2.1).sum(),
    };

    println!("\nBundle written to dist/:");
    println!("  {:<34} {:>10} {:>10}", "file", "raw B", "gzip B");
    for (_, name, (raw, gzip)) in &sizes {
        println!("  {name:<34} {raw:>10} {gzip:>10}");
    }
    println!(
        "  loader gzip: {} B (budget {} B)\n  app on first open (wasm + glue + CSS) gzip: {} B = {:.1} KiB (budget {} KiB, aim {} KiB)",
        bundle.loader_gzip,
        LOADER_BUDGET,
        bundle.app_gzip,
        bundle.app_gzip as f64 / 1024.0,
        APP_BUDGET / 1024,
        APP_AIM / 1024
    );
    check_budgets(&bundle)?;
    Ok(bundle)
}

pub fn check_budgets(bundle: &Bundle) -> Result {
    let mut over = Vec::new();
    if bundle.loader_gzip > LOADER_BUDGET {
        over.push(format!("loader is {} B gzip, over its {} B budget", bundle.loader_gzip, LOADER_BUDGET));
    }
    if bundle.app_gzip > APP_BUDGET {
        over.push(format!("app is {} B gzip, over its {} B budget", bundle.app_gzip, APP_BUDGET));
    }
    if over.is_empty() { Ok(()) } else { Err(over.join("; ")) }
}

/// Every `*.css` under `src/`, in path order (`app.css` first, then each component's),
/// with comments stripped and whitespace collapsed.
pub fn app_css(src: &Path) -> Result<String> {
    let mut files = Vec::new();
    collect_css(src, &mut files)?;
    files.sort();
    let mut css = String::new();
    for file in files {
        css.push_str(&minify_css(&read_string(&file)?));
        css.push('\n');
    }
    Ok(css)
}

fn collect_css(dir: &Path, into: &mut Vec<PathBuf>) -> Result {
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_css(&path, into)?;
        } else if path.extension().is_some_and(|ext| ext == "css") {
            into.push(path);
        }
    }
    Ok(())
}

/// Safe, small savings only: comments out, runs of whitespace to one space. (Spaces around
/// `:` can be descendant combinators, so they stay.)
pub fn minify_css(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start + 2..].split_once("*/").map_or("", |(_, after)| after);
    }
    without_comments.push_str(rest);
    without_comments.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hashed(stem: &str, content: &[u8], ext: &str) -> String {
    let digest = hex::encode(Sha256::digest(content));
    format!("{stem}-{}.{ext}", &digest[..12])
}

/// Writes `content` and `<path>.gz`; returns (raw, gzip) sizes.
fn write_with_gzip(path: &Path, content: &[u8]) -> Result<(usize, usize)> {
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
        assert_eq!(minify_css(css), ".a :focus-visible { color: red; }");
    }

    #[test]
    fn budgets_fail_when_exceeded() {
        assert!(check_budgets(&Bundle { loader_gzip: LOADER_BUDGET, app_gzip: APP_BUDGET }).is_ok());
        let err = check_budgets(&Bundle { loader_gzip: LOADER_BUDGET + 1, app_gzip: APP_BUDGET + 1 }).unwrap_err();
        assert!(err.contains("loader") && err.contains("app"), "{err}");
    }

    #[test]
    fn hashed_names_change_with_content() {
        assert_ne!(hashed("carebox", b"a", "wasm"), hashed("carebox", b"b", "wasm"));
        assert!(hashed("carebox", b"a", "wasm").starts_with("carebox-") && hashed("carebox", b"a", "wasm").ends_with(".wasm"));
    }

    #[test]
    fn app_css_starts_with_the_root_variables() {
        let css = app_css(&root().join("src")).unwrap();
        assert!(css.starts_with(".carebox-root"), "{}", &css[..60.min(css.len())]);
        assert!(css.contains(".carebox-panel") && !css.contains("/*"));
    }

    #[test]
    fn loader_source_has_every_placeholder_dist_fills() {
        let loader = read_string(&root().join(LOADER_SOURCE)).unwrap();
        for placeholder in ["__CAREBOX_APP_JS__", "__CAREBOX_APP_WASM__", "__CAREBOX_APP_CSS__"] {
            assert!(loader.contains(placeholder), "{placeholder}");
        }
    }
}
