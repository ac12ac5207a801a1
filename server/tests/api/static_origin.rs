//! The server as the widget's static origin: cache policy, precompressed files, CORS for
//! module scripts, the demo shop on an origin of its own, and a clean stop.

use std::path::Path;
use std::time::Duration;

use carebox_server::Settings;
use tokio::sync::oneshot;

struct Origin {
    base: String,
    shop: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    _dirs: tempfile::TempDir,
}

fn write(path: &Path, content: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

async fn spawn_with_files() -> Origin {
    let dirs = tempfile::tempdir().unwrap();
    let widget = dirs.path().join("dist");
    let demo = dirs.path().join("demo");
    write(&widget.join("carebox.js"), b"/* loader */");
    write(&widget.join("app/carebox-0123456789ab.wasm"), b"\0asm\x01\0\0\0");
    let gzip_twin = b"\x1f\x8b pretend-gzip";
    write(&widget.join("app/carebox-0123456789ab.js"), b"export default 1;");
    write(&widget.join("app/carebox-0123456789ab.js.gz"), gzip_twin);
    write(&widget.join("app/carebox-0123456789ab.js.br"), b"pretend-brotli");
    write(&widget.join("console/index.html"), b"<!doctype html><title>console</title>");
    write(&demo.join("index.html"), b"<!doctype html><title>demo shop</title><script src=\"__CAREBOX_ORIGIN__/carebox.js\"></script>");
    write(&demo.join("www/account.html"), b"<!doctype html><script data-shopper-token=\"__SHOPPER_TOKEN__\"></script>");

    let mut settings = Settings::for_database(format!("sqlite://{}", dirs.path().join("db.sqlite").display()));
    settings.widget_dir = Some(widget);
    settings.demo_dir = Some(demo);
    let (bound_tx, bound_rx) = oneshot::channel::<carebox_server::Bound>();
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        carebox_server::run(
            settings,
            std::sync::Arc::new(carebox_server::clock::SystemClock),
            move |bound| {
                let _ = bound_tx.send(bound);
            },
            async {
                let _ = shutdown_rx.await;
            },
        )
        .await
        .expect("server stops cleanly");
    });
    let bound = bound_rx.await.unwrap();
    let shop = bound.demo_shop.expect("a demo dir gives a demo shop");
    Origin {
        base: format!("http://{}", bound.api),
        shop: format!("http://localhost:{}", shop.port()),
        shutdown: Some(shutdown_tx),
        server,
        _dirs: dirs,
    }
}

#[tokio::test]
async fn hashed_app_files_are_immutable_and_the_loader_is_short_lived() {
    let origin = spawn_with_files().await;
    let client = reqwest::Client::new();
    let app = client.get(format!("{}/app/carebox-0123456789ab.wasm", origin.base)).send().await.unwrap();
    assert_eq!(app.status(), 200);
    assert_eq!(app.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(app.headers()["content-type"], "application/wasm");
    assert_eq!(app.headers()["access-control-allow-origin"], "*", "module scripts and wasm load cross-origin");

    let loader = client.get(format!("{}/carebox.js", origin.base)).send().await.unwrap();
    assert_eq!(loader.status(), 200);
    assert_eq!(loader.headers()["cache-control"], "public, max-age=300");
    assert!(loader.headers()["content-type"].to_str().unwrap().contains("javascript"));
}

/// The support console is this origin's own page: a strict policy, never framed, never shared
/// with other sites (no CORS), asked for again each visit.
#[tokio::test]
async fn the_console_page_is_locked_to_its_own_files() {
    let origin = spawn_with_files().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{}/console/", origin.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    for directive in ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "frame-ancestors 'none'"] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert_eq!(page.headers()["cache-control"], "no-cache");
    assert!(page.headers().get("access-control-allow-origin").is_none(), "no other site reads it");
    let bare = client.get(format!("{}/console", origin.base)).send().await.unwrap();
    assert!(bare.status().is_redirection(), "{}", bare.status());
}

#[tokio::test]
async fn brotli_or_gzip_twins_go_to_clients_that_accept_them_and_caches_keep_them_apart() {
    let origin = spawn_with_files().await;
    let client = reqwest::Client::new();
    let url = format!("{}/app/carebox-0123456789ab.js", origin.base);
    // Chromium's header: brotli wins among equals.
    let brotli = client.get(&url).header("accept-encoding", "gzip, deflate, br, zstd").send().await.unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["vary"], "accept-encoding");
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"pretend-brotli");
    let gzipped = client.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["vary"], "accept-encoding");
    assert!(gzipped.bytes().await.unwrap().starts_with(b"\x1f\x8b"));
    let disliked = client.get(&url).header("accept-encoding", "br;q=0, gzip").send().await.unwrap();
    assert_eq!(disliked.headers()["content-encoding"], "gzip", "q=0 refuses brotli");
    let plain = client.get(&url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    assert_eq!(plain.text().await.unwrap(), "export default 1;");
    let console = client.get(format!("{}/console/", origin.base)).send().await.unwrap();
    assert_eq!(console.headers()["vary"], "accept-encoding");
}

#[tokio::test]
async fn the_demo_shop_has_its_own_origin_and_loads_carebox_from_the_api_origin() {
    let origin = spawn_with_files().await;
    assert_ne!(origin.shop, origin.base);
    let on_api = reqwest::get(format!("{}/", origin.base)).await.unwrap();
    assert_eq!(on_api.status(), 404, "the shop is never on Carebox's origin");
    let page = reqwest::get(format!("{}/", origin.shop)).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("content-security-policy").is_none(), "no policy unless asked for");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("<script src=\"{}/carebox.js\">", origin.base)), "{html}");

    let missing = reqwest::get(format!("{}/app/carebox-ffffffffffff.wasm", origin.base)).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get("cache-control").is_none(), "a 404 must not be cached for a year");
}

#[tokio::test]
async fn the_demo_shop_sends_the_policy_asked_for_and_signs_shopper_tokens() {
    let origin = spawn_with_files().await;
    let strict = reqwest::get(format!("{}/?csp=strict", origin.shop)).await.unwrap();
    let policy = strict.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains(&format!("frame-src {}", origin.base)) && !policy.contains("wasm-unsafe-eval"), "{policy}");
    let inline = reqwest::get(format!("{}/?csp=inline", origin.shop)).await.unwrap();
    assert!(inline.headers()["content-security-policy"].to_str().unwrap().contains("'wasm-unsafe-eval'"));
    assert_eq!(reqwest::get(format!("{}/?csp=bogus", origin.shop)).await.unwrap().status(), 400);

    let token: serde_json::Value = reqwest::get(format!("{}/demo/shopper-token", origin.shop)).await.unwrap().json().await.unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    let account = reqwest::get(format!("{}/account", origin.shop)).await.unwrap().text().await.unwrap();
    assert!(!account.contains("__SHOPPER_TOKEN__") && account.contains("data-shopper-token=\"ey"), "{account}");
}

#[tokio::test]
async fn shutdown_stops_accepting_and_returns() {
    let mut origin = spawn_with_files().await;
    assert_eq!(reqwest::get(format!("{}/healthz", origin.base)).await.unwrap().status(), 200);
    origin.shutdown.take().unwrap().send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), &mut origin.server)
        .await
        .expect("server stopped within 5 s")
        .expect("server task ended without panicking");
    assert!(reqwest::get(format!("{}/healthz", origin.base)).await.is_err(), "still accepting after shutdown");
}
