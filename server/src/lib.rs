//! The Carebox server: a JSON API for the widget and for merchants' backends, the widget's
//! static origin, and (with `CAREBOX_DEMO_DIR`) the demo shop on an origin of its own.
//!
//! Stateless apart from its database, so several processes can run behind a load balancer.

pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod demo_shop;
pub mod domain;
pub mod error;
pub mod http;
pub mod metrics;
pub mod services;
pub mod sla_clock;
pub mod storage;
pub mod webhook_sender;

pub use config::Settings;
pub use error::ApiError;
pub use storage::Store;

use std::net::SocketAddr;

use tokio::net::TcpListener;

/// Turns `true` when the server begins to stop: background workers finish what they hold
/// (a pass, a leased webhook send) and return.
pub type Stopping = tokio::sync::watch::Receiver<bool>;

/// Where a started server listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The API and the widget's origin.
    pub api: SocketAddr,
    /// The demo shop's own origin, when `CAREBOX_DEMO_DIR` is set.
    pub demo_shop: Option<SocketAddr>,
}

/// Binds, prepares the database, and serves until `shutdown` resolves, then drains
/// in-flight requests. `on_bound` learns the real addresses (useful with port 0).
pub async fn run(
    settings: Settings,
    clock: clock::SharedClock,
    on_bound: impl FnOnce(Bound),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let listener = TcpListener::bind(&settings.addr).await?;
    let addr = listener.local_addr()?;
    let shop_listener = match &settings.demo_dir {
        Some(_) => Some(TcpListener::bind(&settings.demo_shop_addr).await?),
        None => None,
    };
    let shop_addr = shop_listener.as_ref().map(TcpListener::local_addr).transpose()?;
    let store = Store::connect(&settings.database_url).await?;
    if settings.seed_demo {
        // The demo merchant allows its shop's origin, never Carebox's own.
        let origins = shop_addr.map(demo::origins_for).unwrap_or_default();
        demo::seed(&store, &origins, clock.now()).await?;
    }
    let metrics: metrics::SharedMetrics = Default::default();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let sla = tokio::spawn(sla_clock::run(store.clone(), clock.clone(), settings.sla_tick, metrics.clone(), stopping.clone()));
    let sender = webhook_sender::SenderSettings {
        every: settings.webhook_tick,
        reach: settings.webhook_reach,
        timeout: settings.webhook_timeout,
        concurrency: settings.webhook_concurrency,
    };
    let webhooks = settings
        .send_webhooks
        .then(|| tokio::spawn(webhook_sender::run(store.clone(), clock.clone(), sender, metrics.clone(), stopping.clone())));
    let mut state = http::SharedState::new(store, clock.clone(), settings.limits).await?;
    state.metrics = metrics;
    state.metrics_token = settings.metrics_token.as_deref().map(Into::into);
    state.public_url = settings.public_url.as_deref().map(Into::into);
    state.webhook_reach = settings.webhook_reach;
    state.trusted_proxies = settings.trusted_proxies.clone().into();
    let app = http::router(state.into(), &settings);
    let (shop_stop, shop) = match (shop_listener, &settings.demo_dir) {
        (Some(listener), Some(site)) => {
            let shop = demo_shop::router(site.clone(), demo::carebox_origin(addr), clock.clone());
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let served = axum::serve(listener, shop).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            (Some(stop), Some(tokio::spawn(async move { served.await })))
        }
        _ => (None, None),
    };
    on_bound(Bound { api: addr, demo_shop: shop_addr });
    // Small responses go out at once: without TCP_NODELAY, Nagle's algorithm and delayed
    // ACKs add ~40 ms to a module fetched on a kept-alive connection.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    // Stopping: no new connections; requests in flight are answered, and meanwhile the workers
    // finish their pass and their leased sends.
    let shutdown = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await;
    let _ = sla.await;
    if let Some(webhooks) = webhooks {
        let _ = webhooks.await;
    }
    if let (Some(stop), Some(shop)) = (shop_stop, shop) {
        let _ = stop.send(());
        let _ = shop.await;
    }
    served?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, draining requests");
}
