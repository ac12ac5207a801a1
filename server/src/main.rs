use std::sync::Arc;

use carebox_server::cli::{Cli, Command, run_command};
use carebox_server::{Settings, clock::SystemClock, run, shutdown_signal};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(EnvFilter::try_from_env("CAREBOX_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();
    match Cli::parse().command {
        None | Some(Command::Serve) => serve().await,
        Some(command) => match run_command(command).await {
            Ok(done) => println!("{done}"),
            Err(failure) => {
                eprintln!("carebox-server: {}", failure.message);
                std::process::exit(failure.code);
            }
        },
    }
}

async fn serve() {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("carebox-server: {message}");
            std::process::exit(2);
        }
    };
    let result = run(
        settings,
        Arc::new(SystemClock),
        |bound| {
            // xtask and scripts read these exact lines to learn the ports when an address ends in :0.
            println!("Carebox listening on http://{}", bound.api);
            if let Some(shop) = bound.demo_shop {
                println!("Demo shop on http://localhost:{}", shop.port());
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
