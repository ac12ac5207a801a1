//! The interactive API reference at `/docs/`: Redoc's standalone bundle drawing the server's
//! `/openapi.json`. Redoc comes from the npm registry as its published package (`npm pack`:
//! the tarball alone, none of its build dependencies); the bundle is pinned by its SHA-256, so a
//! changed file on the registry stops the build instead of reaching staff's browsers; the
//! logo it would load from Redocly's CDN is taken out, so the page fetches from its origin only.

use std::fs;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::process::run;
use crate::{Result, root};

const REDOC: &str = "redoc@2.5.4";
const REDOC_TARBALL: &str = "redoc-2.5.4.tgz";
const REDOC_BUNDLE_SHA256: &str = "dcaf76612bc4a3fbcc923a8966dee2f6146a5f32e5ce1b6f02dd60cbbf89500b";
const PAGE_SOURCE: &str = "docs/api-reference/index.html";

/// Writes `docs/index.html` and `docs/redoc.standalone.js` (with `.gz` twins) under `dist`.
pub fn build(dist: &Path) -> Result {
    let root = root();
    let cache = root.join("target/redoc");
    fs::create_dir_all(&cache).map_err(|e| e.to_string())?;
    if !cache.join(REDOC_TARBALL).is_file() {
        run(Command::new("npm").args(["pack", REDOC, "--silent", "--pack-destination"]).arg(&cache).current_dir(&cache))?;
    }
    run(Command::new("tar")
        .arg("-xzf")
        .arg(cache.join(REDOC_TARBALL))
        .args(["-C"])
        .arg(&cache)
        .arg("package/bundles/redoc.standalone.js"))?;
    let bundle = fs::read(cache.join("package/bundles/redoc.standalone.js")).map_err(|e| e.to_string())?;
    let digest = hex::encode(Sha256::digest(&bundle));
    if digest != REDOC_BUNDLE_SHA256 {
        return Err(format!("{REDOC}'s redoc.standalone.js has SHA-256 {digest}, not the pinned {REDOC_BUNDLE_SHA256}"));
    }
    // The one thing it would fetch from elsewhere: Redocly's logo beside its credit, from their
    // CDN (the page's CSP would block it, with an error in the console). An empty image instead
    // hides it (its `onError`); the credit's words and link stay.
    let bundle = String::from_utf8(bundle).map_err(|e| e.to_string())?;
    let foreign = "\"https://cdn.redoc.ly/redoc/logo-mini.svg\"";
    if bundle.matches(foreign).count() != 1 {
        return Err(format!("{REDOC}: expected its logo address once in the bundle"));
    }
    let bundle = bundle.replace(foreign, "\"data:,\"").into_bytes();
    let docs = dist.join("docs");
    fs::create_dir_all(&docs).map_err(|e| e.to_string())?;
    let script = crate::dist::write_precompressed(&docs.join("redoc.standalone.js"), &bundle)?;
    let page = fs::read(root.join(PAGE_SOURCE)).map_err(|e| format!("{PAGE_SOURCE}: {e}"))?;
    crate::dist::write_precompressed(&docs.join("index.html"), &page)?;
    println!(
        "  API reference at /docs/: Redoc {} B, gzip {} B, brotli {} B (loaded by that page only)",
        script.raw, script.gzip, script.brotli
    );
    Ok(())
}
