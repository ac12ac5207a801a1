use std::sync::Arc;

use carebox_server::cli::{Cli, Command, run_command};
use carebox_server::config::LogFormat;
use carebox_server::{Settings, clock::SystemClock, run, shutdown_signal};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Requests allocate and free small objects across both runtime threads: mimalloc's per-thread
/// heaps cost less there than glibc's arenas (see the ceiling bench in the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    match cli.command {
        None | Some(Command::Serve) => serve(cli.config.as_deref()).await,
        Some(command) => {
            start_logging("info,sqlx=warn", LogFormat::Text);
            match run_command(command, cli.config.as_deref()).await {
                Ok(done) => println!("{done}"),
                Err(failure) => {
                    eprintln!("carebox-server: {}", failure.message);
                    std::process::exit(failure.code);
                }
            }
        }
    }
}

/// Log lines on standard output: for people (text, coloured on a terminal) or for a log
/// pipeline (one JSON object per line, with the request's span and so its request id).
fn start_logging(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    match format {
        LogFormat::Text => {
            tracing_subscriber::fmt().with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout())).with_env_filter(filter).init()
        }
        LogFormat::Json => tracing_subscriber::fmt().json().with_current_span(true).with_span_list(false).with_env_filter(filter).init(),
    }
}

async fn serve(config: Option<&std::path::Path>) {
    let settings = match Settings::load(config) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("carebox-server: {message}");
            std::process::exit(2);
        }
    };
    start_logging(&settings.log, settings.log_format);
    let format = settings.log_format;
    let result = run(
        settings,
        Arc::new(SystemClock),
        move |bound| {
            let shop = bound.demo_shop.map(|shop| format!("http://localhost:{}", shop.port()));
            match format {
                // xtask and scripts read these exact lines to learn the ports when an address ends in :0.
                LogFormat::Text => {
                    println!("Carebox listening on http://{}", bound.api);
                    if let Some(shop) = shop {
                        println!("Demo shop on {shop}");
                    }
                }
                // Every line of standard output is a JSON object: the addresses are fields.
                LogFormat::Json => tracing::info!(url = %format!("http://{}", bound.api), demo_shop = shop, "Carebox listening"),
            }
        },
        shutdown_signal(),
    )
    .await;
    if let Err(error) = result {
        eprintln!("carebox-server: {error}");
        std::process::exit(1);
    }
}
