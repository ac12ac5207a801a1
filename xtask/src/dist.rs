//! `cargo xtask dist`: the embeddable bundle.
//!
//! dist/carebox.js                 the loader (stable name, short cache)
//! dist/frame.html                 frame mode's page (the server sends it at /frame with its CSP)
//! dist/app/<hash>/carebox.js      the app: JS glue (with the split loader), main wasm, CSS, and one
//! dist/app/<hash>/…               lazily fetched wasm module per capability screen (plus the
//!                                 chunks they share). The folder is named by a hash of all of
//!                                 it, so every file in it is cached for a year.
//! Each file also gets `.br` and `.gz` twins; the server sends one by the request's
//! `Accept-Encoding` (brotli to current browsers).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::glue;
use crate::process::{cargo, run, run_all};
use crate::tools::{
    WASM_TARGET, ensure_node_modules, ensure_rust_src, ensure_wasm_bindgen, ensure_wasm_split, ensure_wasm_target, terser, wasm_opt_command,
};
use crate::{Result, root};

// Shared with the widget crate's build script, which gives Rust shops the same stylesheet in
// one piece (`app_css`); the bundle sends it in two (`split_css`).
#[path = "../../build/stylesheet.rs"]
#[cfg_attr(not(test), allow(dead_code))]
mod stylesheet;
use stylesheet::split_css;
#[cfg(test)]
use stylesheet::{SCREEN_COMPONENTS, app_css, collect_css, minify_css};

/// DESIGN.md §6 budgets: gzip bytes (what older clients are sent) and, for the first open,
/// brotli bytes (what current browsers transfer: issue 15's 100 KiB, in every language).
pub const LOADER_BUDGET: usize = 3 * 1024;
pub const APP_BUDGET: usize = 150 * 1024;
pub const APP_BROTLI_BUDGET: usize = 100 * 1024;
/// What frame mode fetches on top of the app (the frame's page and the two scripts that talk
/// across): budgeted alone, so that neither the app nor frame mode's parts grow unnoticed.
pub const FRAME_EXTRA_BUDGET: usize = 3 * 1024;

const LOADER_SOURCE: &str = "www/carebox.js";
const TYPES_SOURCE: &str = "www/carebox.d.ts";
const FRAME_SCRIPT_SOURCE: &str = "www/frame.js";
const FRAME_HOST_SOURCE: &str = "www/frame-host.js";
const FALLBACK_SOURCE: &str = "www/fallback.js";
const FRAME_PAGE_SOURCE: &str = "www/frame.html";
const WASM_OPT_FEATURES: [&str; 4] =
    ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-reference-types"];
/// The toolchain's notes in every module (`producers`: compiler versions; `target_features`:
/// for linkers), which browsers ignore: about 200 B raw in each of the dozens of modules.
const WASM_OPT_STRIP: [&str; 2] = ["--strip-producers", "--strip-target-features"];
/// How the browser bundles are compiled (issue 15 measured each on the widget's main module,
/// 335.6 KB, 136.6 KB gzip, before):
/// - std is rebuilt with the bundle (`-Zbuild-std`) so that the flags below reach it too;
/// - a panic aborts at once (`panic=immediate-abort`): no panic message formatting, which no
///   one could read anyway (the widget sets no panic hook; the console's cannot run now):
///   −14.7 KB raw, −7.4 KB gzip;
/// - `{:?}` prints nothing and panics carry no file and line (`fmt-debug=none`,
///   `location-detail=none`): Debug impls and source paths leave the bundle (−33.8 KB raw,
///   −13.2 KB gzip). Nothing in the bundles may rely on `Debug` output.
/// - relocations let wasm-split move each `#[lazy]` part into its own module.
///
/// std is also built with its `optimize_for_size` feature (smaller implementations): −0.5 KB
/// brotli.
const SIZE_RUSTFLAGS: [&str; 5] =
    ["-C link-args=--emit-relocs", "-Zunstable-options", "-Cpanic=immediate-abort", "-Zlocation-detail=none", "-Zfmt-debug=none"];
/// What the first open fetches; everything else in the app folder loads on first use.
const FIRST_OPEN: [&str; 3] = ["carebox.js", "carebox_bg.wasm", "carebox.css"];
/// What frame mode fetches on top of [`FIRST_OPEN`] (and `frame.html`): the shop's page
/// imports `frame-host.js`, the frame's page `frame.js`.
const FRAME_FIRST_OPEN: [&str; 2] = ["frame.js", "frame-host.js"];

pub struct Bundle {
    pub loader_gzip: usize,
    pub app_gzip: usize,
    /// The first open in frame mode: the app, the frame's page and its script.
    pub frame_app_gzip: usize,
    /// The same as brotli sends them: what current browsers transfer.
    pub loader_brotli: usize,
    pub app_brotli: usize,
    pub frame_app_brotli: usize,
}

/// The native program that writes the fetched languages' texts (`examples/export_strings.rs`);
/// `cargo xtask test` builds it early, beside the wasm tools' build. Without the widget's
/// `leptos` feature: the texts alone, and Leptos is not compiled for this machine (79 s of a
/// fresh test run on a slow machine).
pub const EXPORT_STRINGS: [&str; 5] = ["--package", "carebox-widget", "--no-default-features", "--example", "export_strings"];

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
    // The first open's rules; the screens' come with the first screen (see `SCREEN_COMPONENTS`).
    let (first_open_css, screens_css) = split_css(&root.join("src"))?;
    fs::write(app.join("carebox.css"), first_open_css).map_err(|e| e.to_string())?;
    fs::write(app.join("screens.css"), screens_css).map_err(|e| e.to_string())?;
    // The languages the bundle does not carry, fetched by the shoppers who speak them.
    run(cargo().current_dir(&root).args(["run", "--quiet"]).args(EXPORT_STRINGS).arg("--").arg(&app))?;

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
        let sizes = write_precompressed(&folder.join(name), content)?;
        if FIRST_OPEN.contains(&name.as_str()) || FRAME_FIRST_OPEN.contains(&name.as_str()) {
            first_open.push((name, sizes))
        } else {
            lazy.push((name, sizes))
        }
    }
    // The frame's page preloads the app's module and wasm beside frame.js (which imports the
    // module, which then fetches the wasm): round trips fewer on a
    // real network; the server puts the merchant's key in for the configuration's preload. Its
    // source carries no comments: they would be sent with every frame-mode open.
    let frame_page = read_string(&root.join(FRAME_PAGE_SOURCE))?
        .replace("__CAREBOX_APP_CSS__", &format!("app/{hash}/carebox.css"))
        .replace("__CAREBOX_APP_JS__", &format!("app/{hash}/carebox.js"))
        .replace("__CAREBOX_APP_WASM__", &format!("app/{hash}/carebox_bg.wasm"))
        .replace("__CAREBOX_APP_FRAME__", &format!("app/{hash}/frame.js"));
    let frame_page_sizes = write_precompressed(&dist.join("frame.html"), frame_page.as_bytes())?;
    let minified_loader = work.join("loader.min.js");
    minify_js(&root.join(LOADER_SOURCE), &minified_loader, JsKind::Script)?;
    let loader = read_string(&minified_loader)?
        .replace("__CAREBOX_APP_JS__", &format!("app/{hash}/carebox.js"))
        .replace("__CAREBOX_APP_WASM__", &format!("app/{hash}/carebox_bg.wasm"))
        .replace("__CAREBOX_APP_CSS__", &format!("app/{hash}/carebox.css"))
        .replace("__CAREBOX_APP_FRAME_HOST__", &format!("app/{hash}/frame-host.js"))
        .replace("__CAREBOX_APP_FALLBACK__", &format!("app/{hash}/fallback.js"));
    let loader_sizes = write_precompressed(&dist.join("carebox.js"), loader.as_bytes())?;
    // The JS API's TypeScript declarations, beside the loader (stable name, like it).
    write_precompressed(&dist.join("carebox.d.ts"), &read(&root.join(TYPES_SOURCE))?)?;

    // A shopper in a language other than English also fetches the texts the first open draws
    // (`strings-<locale>.first.json`; the whole table comes with the first screen): the budget
    // holds for the heaviest language.
    let heaviest_texts =
        |size: fn(&Sizes) -> usize| lazy.iter().filter(|f| is_first_open_texts(f.0)).map(|f| size(&f.1)).max().unwrap_or(0);
    let first_open_of = |size: fn(&Sizes) -> usize, frame: bool| -> usize {
        first_open.iter().filter(|f| frame || FIRST_OPEN.contains(&f.0.as_str())).map(|f| size(&f.1)).sum::<usize>()
            + heaviest_texts(size)
            + if frame { size(&frame_page_sizes) } else { 0 }
    };
    let bundle = Bundle {
        loader_gzip: loader_sizes.gzip,
        app_gzip: first_open_of(|s| s.gzip, false),
        frame_app_gzip: first_open_of(|s| s.gzip, true),
        loader_brotli: loader_sizes.brotli,
        app_brotli: first_open_of(|s| s.brotli, false),
        frame_app_brotli: first_open_of(|s| s.brotli, true),
    };
    println!("\nBundle written to dist/ (app folder app/{hash}/):");
    println!("  {:<52} {:>9} {:>9} {:>9}", "file", "raw B", "gzip B", "brotli B");
    let row = |name: &str, sizes: &Sizes| println!("  {name:<52} {:>9} {:>9} {:>9}", sizes.raw, sizes.gzip, sizes.brotli);
    row("carebox.js (loader)", &loader_sizes);
    for (name, sizes) in &first_open {
        let when = if FRAME_FIRST_OPEN.contains(&name.as_str()) { "first open, frame mode" } else { "first open" };
        row(&format!("{name} ({when})"), sizes);
    }
    row("frame.html (first open, frame mode)", &frame_page_sizes);
    for (name, sizes) in &lazy {
        let when = match name {
            name if is_first_open_texts(name) => "first open in that language",
            name if name.starts_with("strings-") => "first screen in that language",
            _ => "on first use",
        };
        row(&format!("{name} ({when})"), sizes);
    }
    let lazy_total = |size: fn(&Sizes) -> usize| lazy.iter().filter(|f| !f.0.starts_with("strings-")).map(|f| size(&f.1)).sum::<usize>();
    let kib = |bytes: usize| bytes as f64 / 1024.0;
    println!(
        "  loader: {} B brotli, {} B gzip (budget {} B each)\n  \
         first open (wasm + glue + CSS + the heaviest language's first texts): {} B = {:.1} KiB brotli \
         (what browsers are sent; budget {} KiB), {} B = {:.1} KiB gzip (older clients; budget {} KiB)\n  \
         first open in frame mode (the same + frame.html + frame.js + frame-host.js): {:.1} KiB brotli, {:.1} KiB gzip \
         (budgets + {} KiB)\n  screens loaded on first use, all together: {:.1} KiB brotli, {:.1} KiB gzip",
        bundle.loader_brotli,
        bundle.loader_gzip,
        LOADER_BUDGET,
        bundle.app_brotli,
        kib(bundle.app_brotli),
        APP_BROTLI_BUDGET / 1024,
        bundle.app_gzip,
        kib(bundle.app_gzip),
        APP_BUDGET / 1024,
        kib(bundle.frame_app_brotli),
        kib(bundle.frame_app_gzip),
        FRAME_EXTRA_BUDGET / 1024,
        kib(lazy_total(|s| s.brotli)),
        kib(lazy_total(|s| s.gzip)),
    );
    // The support console is built beside the widget; its size is its own.
    crate::console::build(&dist.join("console"))?;
    crate::api_reference::build(&dist)?;
    check_budgets(&bundle)?;
    Ok(bundle)
}

/// A language's texts that the first open fetches (the rest come with the first screen).
fn is_first_open_texts(name: &str) -> bool {
    name.starts_with("strings-") && name.ends_with(".first.json")
}

/// Builds `package` (a Leptos app whose `split` feature marks `#[lazy]` parts) for the browser
/// into `app`: the main module `<out_name>_bg.wasm` with its JS glue (the split loader inside:
/// see `glue::merge_split_loader`), and one optimised module per lazy part (fetched on first use).
pub(crate) fn build_split(package: &str, artifact: &str, out_name: &str, work: &Path, app: &Path) -> Result {
    let root = root();
    ensure_rust_src()?;
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
            "-Zbuild-std=std,panic_abort",
            "-Zbuild-std-features=optimize_for_size",
        ])
        // The size flags below are unstable: this compiler (stable) accepts them for this build only.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", SIZE_RUSTFLAGS.join(" ")))?;
    let built = root.join(format!("target/{WASM_TARGET}/wasm-release/{artifact}.wasm"));
    let split = work.join("split");
    run(Command::new("wasm-split-cli").arg(&built).arg(&split).args(["--target", "web", "--out-name", out_name]))?;
    // The split modules reach the main one through its function table: keep LLD's exports.
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--keep-lld-exports", "--out-name", out_name, "--out-dir"])
        .arg(app)
        .arg(split.join(format!("{out_name}.wasm"))))?;
    // Optimise every module; the split ones keep their names (the split loader fetches them).
    // The main module first loses the exports nothing uses, then both it and its glue are
    // trimmed (see `glue`).
    let main = app.join(format!("{out_name}_bg.wasm"));
    run(wasm_opt_command()
        .arg(&main)
        .args(glue::remove_unused_exports_args())
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .args(WASM_OPT_STRIP)
        .arg("-o")
        .arg(&main))?;
    let glue_path = app.join(format!("{out_name}.js"));
    let (glue, wasm) = glue::trim(&read_string(&glue_path)?, &read(&main)?, &format!("./{out_name}_bg.js"))?;
    let glue = glue::merge_split_loader(&glue, &read_string(&split.join(glue::SPLIT_LOADER))?, &format!("{out_name}.js"))?;
    fs::write(&glue_path, glue).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    fs::write(&main, wasm).map_err(|e| format!("{}: {e}", main.display()))?;
    let mut jobs = vec![minify_js_command(&glue_path, &glue_path, JsKind::Module)];
    for entry in fs::read_dir(&split).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".wasm") && name != format!("{out_name}.wasm") {
            jobs.push(optimise_command(&path, &app.join(&name)));
        } else if name.ends_with(".js") && name != glue::SPLIT_LOADER {
            jobs.push(minify_js_command(&path, &app.join(&name), JsKind::Module));
        }
    }
    // Dozens of small modules: on two cores, two at a time halves the build's longest step.
    run_all(jobs)
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
    run(&mut minify_js_command(input, output, kind))
}

fn minify_js_command(input: &Path, output: &Path, kind: JsKind) -> Command {
    let mut command = Command::new(terser());
    command.arg(input).args(["--compress", "passes=2", "--mangle", "--comments", "some", "--output"]).arg(output);
    if let JsKind::Module = kind {
        command.arg("--module");
    }
    command
}

fn optimise_command(input: &Path, output: &Path) -> Command {
    let mut command = wasm_opt_command();
    command.arg("-Oz").args(WASM_OPT_FEATURES).args(WASM_OPT_STRIP).arg(input).arg("-o").arg(output);
    command
}

pub fn check_budgets(bundle: &Bundle) -> Result {
    let mut over = Vec::new();
    if bundle.app_brotli > APP_BROTLI_BUDGET {
        over.push(format!("app is {} B brotli, over its {} B budget", bundle.app_brotli, APP_BROTLI_BUDGET));
    }
    if bundle.frame_app_brotli > APP_BROTLI_BUDGET + FRAME_EXTRA_BUDGET {
        over.push(format!(
            "app in frame mode is {} B brotli, over its {} B budget",
            bundle.frame_app_brotli,
            APP_BROTLI_BUDGET + FRAME_EXTRA_BUDGET
        ));
    }
    if bundle.loader_brotli > LOADER_BUDGET {
        over.push(format!("loader is {} B brotli, over its {} B budget", bundle.loader_brotli, LOADER_BUDGET));
    }
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

/// A file's size as stored and as sent: gzip to older clients, brotli to current browsers.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// Writes `content` with its `<path>.gz` and `<path>.br` twins (the server picks one by the
/// request's `Accept-Encoding`).
pub(crate) fn write_precompressed(path: &Path, content: &[u8]) -> Result<Sizes> {
    let gzip = gzip(content);
    let brotli = brotli(content);
    fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    for (twin, bytes) in [("gz", &gzip), ("br", &brotli)] {
        let twin = PathBuf::from(format!("{}.{twin}", path.display()));
        fs::write(&twin, bytes).map_err(|e| format!("{}: {e}", twin.display()))?;
    }
    Ok(Sizes { raw: content.len(), gzip: gzip.len(), brotli: brotli.len() })
}

/// Brotli at its best (quality 11, a 4 MiB window: no file here is bigger).
pub fn brotli(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        encoder.write_all(content).expect("writing to memory");
    }
    out
}

/// Gzip by libdeflate at its best level: any gzip reader takes it, and it is ~4 % smaller than
/// zlib's best (the loader: 3,069 → 3,031 B; the app's wasm: 112,732 → 107,724 B).
pub fn gzip(content: &[u8]) -> Vec<u8> {
    let mut compressor = libdeflater::Compressor::new(libdeflater::CompressionLvl::best());
    let mut out = vec![0; compressor.gzip_compress_bound(content.len())];
    let written = compressor.gzip_compress(content, &mut out).expect("the bound fits");
    out.truncate(written);
    out
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

    /// The gzip twin is what any gzip reader takes: checked with another implementation
    /// (Debian's `gzip`) on the loader's source.
    #[test]
    fn gzip_twins_are_standard_gzip() {
        let loader = read(&root().join("www/carebox.js")).unwrap();
        let twin = gzip(&loader);
        let mut gunzip =
            Command::new("gzip").arg("-dc").stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
        gunzip.stdin.take().unwrap().write_all(&twin).unwrap();
        let output = gunzip.wait_with_output().unwrap();
        assert!(output.status.success());
        assert!(output.stdout == loader, "the twin does not decompress to the file");
        assert!(twin.len() < loader.len() / 2, "{} B of {} B", twin.len(), loader.len());
    }

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
        let at_budget = || Bundle {
            loader_gzip: LOADER_BUDGET,
            app_gzip: APP_BUDGET,
            frame_app_gzip: APP_BUDGET + FRAME_EXTRA_BUDGET,
            loader_brotli: LOADER_BUDGET,
            app_brotli: APP_BROTLI_BUDGET,
            frame_app_brotli: APP_BROTLI_BUDGET + FRAME_EXTRA_BUDGET,
        };
        assert!(check_budgets(&at_budget()).is_ok());
        let err = check_budgets(&Bundle { loader_gzip: LOADER_BUDGET + 1, app_gzip: APP_BUDGET + 1, ..at_budget() }).unwrap_err();
        assert!(err.contains("loader") && err.contains("app is"), "{err}");
        let err = check_budgets(&Bundle { frame_app_gzip: APP_BUDGET + FRAME_EXTRA_BUDGET + 1, ..at_budget() }).unwrap_err();
        assert!(err.contains("frame mode"), "{err}");
        let err = check_budgets(&Bundle { app_brotli: APP_BROTLI_BUDGET + 1, ..at_budget() }).unwrap_err();
        assert!(err.contains("brotli"), "the transferred size has its own budget: {err}");
    }

    /// The screens' stylesheet arrives with the first screen: a component the first open draws
    /// must not have its rules in it.
    #[test]
    fn only_the_lazy_screens_reach_the_components_whose_rules_come_later() {
        let src = root().join("src");
        let mut files = Vec::new();
        collect_rust(&src, &mut files);
        for file in files {
            let relative = file.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            let own = SCREEN_COMPONENTS.iter().any(|c| relative.starts_with(&format!("components/{c}/")));
            if own || relative == "screens.rs" {
                continue;
            }
            let code = read_string(&file).unwrap();
            for component in SCREEN_COMPONENTS {
                let used = code.lines().filter(|l| !l.trim_start().starts_with("//")).any(|l| l.contains(&format!("{component}::")));
                assert!(!used, "{relative} uses components::{component}, whose CSS is in screens.css (loaded with the first screen)");
            }
        }
        let screens = read_string(&src.join("screens.rs")).unwrap();
        for component in SCREEN_COMPONENTS {
            assert!(screens.contains(&format!("{component}::")), "screens.rs draws no {component}: is it still a lazy screen's?");
        }
        let (first_open, later) = split_css(&src).unwrap();
        assert!(later.contains(".carebox-bonuses") && !first_open.contains(".carebox-bonuses"));
        assert!(first_open.contains(".carebox-panel") && !later.contains(".carebox-panel"));
    }

    fn collect_rust(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_rust(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
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
        for placeholder in ["__CAREBOX_APP_CSS__", "__CAREBOX_APP_JS__", "__CAREBOX_APP_WASM__", "__CAREBOX_APP_FRAME__"] {
            assert!(page.contains(placeholder), "{placeholder}");
        }
        assert!(!page.contains("<!--"), "the frame's page is sent as written: comments belong in dist.rs");
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
