//! The server binary's command line, as an operator uses it: migrate, create a shop, rotate its
//! secret key, add staff; then the real server on the same database serves that shop. On SQLite
//! and PostgreSQL.

use crate::common;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common::*;
use carebox_server::clock::ManualClock;
use carebox_server::domain::staff::password_matches;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};

/// Runs the binary with `args` on `database`, feeding `stdin`.
fn carebox(database: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carebox-server"))
        .args(args)
        .env("CAREBOX_DATABASE_URL", database)
        .env_remove("CAREBOX_PUBLIC_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The word after `label` on its line of `text`.
fn value_after(text: &str, label: &str) -> String {
    let line = text.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("no {label:?} in {text}"));
    line.trim_start()[label.len()..].trim().to_owned()
}

async fn onboarding_from_the_command_line(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(engine, &dir).await;
    assert!(stdout(&carebox(&database, &["migrate"], "")).contains("up to date"));

    let created = stdout(&carebox(&database, &["merchant", "create", "--name", "Corner Shop", "--origin", "https://Corner.example/"], ""));
    let id = created.split_whitespace().nth(1).unwrap().trim_end_matches(',').to_owned();
    assert!(id.starts_with("m_"), "{created}");
    let key = value_after(&created, "publishable key");
    let secret = value_after(&created, "secret key");
    assert!(key.starts_with("pk_") && secret.starts_with("sk_") && value_after(&created, "shopper-token secret").starts_with("sts_"));
    assert!(created.contains(&format!("data-key=\"{key}\"")), "the snippet to paste: {created}");

    // The real server on that database serves the new shop to its origin, and only there.
    let clock = ManualClock::new(carebox_server::clock::Clock::now(&carebox_server::clock::SystemClock));
    let (addr, _stop) = start_server(&database, &clock, |_| {}).await;
    let client = reqwest::Client::new();
    let config =
        client.get(format!("http://{addr}/v1/widget/config?key={key}")).header(ORIGIN, "https://corner.example").send().await.unwrap();
    assert_eq!(config.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).map(|v| v.to_str().unwrap()), Some("https://corner.example"));
    assert_eq!(config.json::<serde_json::Value>().await.unwrap()["merchant_name"], "Corner Shop");
    let elsewhere =
        client.get(format!("http://{addr}/v1/widget/config?key={key}")).header(ORIGIN, "https://other.example").send().await.unwrap();
    assert!(elsewhere.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let with = |secret: String| {
        let request = client.get(format!("http://{addr}/v1/merchant/widget/settings")).bearer_auth(secret);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(with(secret.clone()).await, 200);

    // Rotation: the old key works through its grace period; a second rotation ends it at once.
    let rotated = stdout(&carebox(&database, &["merchant", "rotate-keys", "--merchant", &id], ""));
    let second = value_after(&rotated, "secret key");
    assert_eq!((with(secret.clone()).await, with(second.clone()).await), (200, 200), "both during the grace period");
    let rotated = stdout(&carebox(&database, &["merchant", "rotate-keys", "--merchant", &id, "--grace", "0s"], ""));
    let third = value_after(&rotated, "secret key");
    // The server's clock passes the moment the command ran (the test's clock started before it).
    clock.advance(std::time::Duration::from_secs(60));
    assert_eq!([with(secret).await, with(second).await, with(third).await], [401, 401, 200]);

    // Staff: a generated password, stored only as an argon2id hash.
    let added = stdout(&carebox(&database, &["staff", "add", "--merchant", &id, "--email", "Ida@Corner.example", "--role", "agent"], ""));
    let password = added.lines().last().unwrap().trim().to_owned();
    let store = carebox_server::Store::connect(&database).await.unwrap();
    let ida = store.staff_by_email(&carebox_contract::Email::parse("ida@corner.example").unwrap()).await.unwrap().expect("stored");
    assert_eq!((ida.display_name.as_str(), ida.role.as_str(), ida.merchant_id.as_str()), ("Ida", "agent", id.as_str()));
    assert!(ida.password_hash.starts_with("$argon2id$") && !ida.password_hash.contains(&password));
    assert!(password_matches(&ida.password_hash, &password));
    let owner =
        ["staff", "add", "--merchant", &id, "--email", "olga@corner.example", "--role", "owner", "--name", "Olga K.", "--password-stdin"];
    assert!(stdout(&carebox(&database, &owner, "a long enough passphrase\n")).contains("as owner"));
    let olga = store.staff_by_email(&carebox_contract::Email::parse("olga@corner.example").unwrap()).await.unwrap().unwrap();
    assert!(password_matches(&olga.password_hash, "a long enough passphrase"), "the line, without its newline");
}

/// What an operator gets wrong is refused with the reason, and nothing is written.
async fn mistakes_are_named_and_change_nothing(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(engine, &dir).await;
    let created = stdout(&carebox(&database, &["merchant", "create", "--name", "Corner Shop", "--origin", "https://corner.example"], ""));
    let id = created.split_whitespace().nth(1).unwrap().trim_end_matches(',').to_owned();
    let refused = |args: &[&str], stdin: &str, code: i32, says: &str| {
        let output = carebox(&database, args, stdin);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?} should say {says:?}: {stderr}");
    };
    refused(&["merchant", "create", "--name", "X", "--origin", "https://x.example/shop"], "", 2, "is not an origin");
    refused(&["merchant", "create", "--name", " ", "--origin", "https://x.example"], "", 2, "--name");
    refused(&["merchant", "create", "--name", "X"], "", 2, "--origin");
    refused(&["merchant", "rotate-keys", "--merchant", "m_nobody"], "", 1, "no merchant has the id");
    refused(&["merchant", "rotate-keys", "--merchant", &id, "--grace", "1w"], "", 2, "0s, 30m, 24h or 7d");
    let add = |email: &'static str, role: &'static str| ["staff", "add", "--merchant", id.as_str(), "--email", email, "--role", role];
    refused(&add("ida@corner.example", "admin"), "", 2, "owner");
    refused(&add("not-an-address", "agent"), "", 2, "--email");
    refused(&[&add("ida@corner.example", "agent")[..], &["--password-stdin"]].concat(), "short\n", 2, "at least 12 characters");
    assert!(stdout(&carebox(&database, &add("ida@corner.example", "agent"), "")).contains("as agent"));
    refused(&add("IDA@corner.example", "owner"), "", 1, "already has an account");
    refused(&["staff", "add", "--merchant", "m_nobody", "--email", "eve@x.example", "--role", "agent"], "", 1, "no merchant has the id");
    let store = carebox_server::Store::connect(&database).await.unwrap();
    assert!(store.staff_by_email(&carebox_contract::Email::parse("eve@x.example").unwrap()).await.unwrap().is_none());
    for help in [
        &["--help"][..],
        &["merchant", "create", "--help"],
        &["merchant", "rotate-keys", "--help"],
        &["staff", "add", "--help"],
        &["migrate", "--help"],
    ] {
        let text = stdout(&carebox(&database, help, ""));
        assert!(text.contains("Usage: carebox-server"), "{help:?}: {text}");
    }
}

on_both_engines!(onboarding_from_the_command_line, mistakes_are_named_and_change_nothing);
