//! `cargo xtask <command>`: the project's build, demo and test driver.
//!
//! Every command installs what it is missing first (idempotently, quickly when done), so a
//! fresh machine needs only the Rust toolchain, Node.js with npm, and root for `apt-get`.

mod api_reference;
mod bench;
mod console;
mod dist;
mod fuzz;
mod glue;
mod image;
mod postgres;
mod process;
mod rust_shop;
mod serve;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  demo    build everything; the demo shop on http://localhost:8080, Carebox on http://127.0.0.1:8081
          (CAREBOX_DEMO_SHOP_ADDR, CAREBOX_ADDR)
  dist    write the embeddable bundle to dist/ and print its gzip sizes (fails over budget)
  test    run every test layer: native + API, components in Chromium, bundle budgets, end to end
  e2e     build the bundle and run the end-to-end specs only; names filter them (e2e complaints)
  bench   measure the speed budgets (launcher → panel, order lookup p99 at 1,000 req/s) and print them;
          `bench server` measures the server's alone (no bundle, no browser)
  fuzz    schemathesis (PyPI) against the real server from its OpenAPI document, every check;
          prints the counts (the report is in target/fuzz/). `--seed N --examples M` explore
          beyond the fixed run in `test` (seed 1, 20 examples per operation and phase)
  image   the container image's final stage (target/image/rootfs: release server + bundles), run and
          checked as the Dockerfile runs it (no container runtime needed)
  help    this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => serve::demo(),
        Some("dist") => dist::dist().map(|_| ()),
        Some("test") => test::all(),
        Some("e2e") => test::end_to_end_only(&args[1..]),
        Some("bench") if args.get(1).map(String::as_str) == Some("server") => bench::server_only(),
        Some("bench") => bench::all(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("image") => image::image(),
        Some("help") | Some("--help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (this crate lives in `<root>/xtask`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent folder").to_path_buf()
}

pub type Result<T = ()> = std::result::Result<T, String>;
