//! Issue 12: the server is killed with SIGKILL while shoppers file complaints; after a restart
//! every complaint it acknowledged (201) is there, exactly once, and a retry of any request
//! whose answer was lost (same Idempotency-Key) files nothing twice. The real binary, on
//! SQLite and PostgreSQL.

mod common;

use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const SHOPPERS: usize = 8;
/// Acknowledged complaints before the kill: enough that some requests are in flight then.
const ACKNOWLEDGED_BEFORE_KILL: usize = 150;

/// Starts `carebox-server` on `database_url`, returns it and its base URL.
async fn start_binary(database_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carebox-server"))
        .env("CAREBOX_ADDR", "127.0.0.1:0")
        .env("CAREBOX_DATABASE_URL", database_url)
        .env("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "1000000/3600")
        .env("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "1000000/3600")
        .env("CAREBOX_LOG", "error")
        .env_remove("CAREBOX_WIDGET_DIR")
        .env_remove("CAREBOX_DEMO_DIR")
        .env_remove("CAREBOX_SEED_DEMO")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("server output") {
            if let Some(url) = line.strip_prefix("Carebox listening on ") {
                return url.trim().to_owned();
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .expect("the server listens within 30 s");
    (child, base)
}

async fn complaints_durable_across_sigkill(engine: Engine) {
    // The test app makes and seeds the database; the binary under test serves it.
    let app = TestApp::spawn(engine).await;
    let (mut server, base) = start_binary(&app.database_url).await;
    let client = reqwest::Client::new();
    let order = client
        .put(format!("{base}/v1/merchant/orders/NW-1042"))
        .bearer_auth(SHOP_SECRET)
        .json(&order_body("anna@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(order.status(), 201);
    let lookup: Value = client
        .post(format!("{base}/v1/orders/lookup?key={SHOP_KEY}"))
        .json(&json!({"order_number": "NW-1042", "email": "anna@example.com"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = lookup["token"].as_str().expect("a token").to_owned();

    // Key → ticket of every 201; every key sent (acknowledged or not).
    let acknowledged = Arc::new(Mutex::new(HashMap::<String, String>::new()));
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let file = {
        let (client, token) = (client.clone(), token.clone());
        move |base: String, key: String| {
            let (client, token) = (client.clone(), token.clone());
            async move {
                let body = json!({"order_number": "NW-1042", "items": [0], "category": "service", "description": format!("Nobody answered my e-mails ({key})."),
                              "desired_resolution": "just_let_you_know", "contact_preference": "widget_only"});
                let response = client
                    .post(format!("{base}/v1/complaints?key={SHOP_KEY}"))
                    .bearer_auth(token)
                    .header("Idempotency-Key", &key)
                    .timeout(Duration::from_secs(10))
                    .json(&body)
                    .send()
                    .await
                    .ok()?;
                if response.status() != 201 {
                    return None;
                }
                let view: Value = response.json().await.ok()?;
                Some(view["ticket"].as_str()?.to_owned())
            }
        }
    };
    let shoppers: Vec<_> = (0..SHOPPERS)
        .map(|shopper| {
            let (acknowledged, sent, base) = (acknowledged.clone(), sent.clone(), base.clone());
            let file = file.clone();
            tokio::spawn(async move {
                for n in 0.. {
                    let key = format!("durable-{shopper}-{n:06}");
                    sent.lock().unwrap().push(key.clone());
                    match file(base.clone(), key.clone()).await {
                        Some(ticket) => {
                            acknowledged.lock().unwrap().insert(key, ticket);
                        }
                        None => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < ACKNOWLEDGED_BEFORE_KILL {
        assert!(started.elapsed() < Duration::from_secs(60), "complaints are being filed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.start_kill().expect("SIGKILL");
    server.wait().await.expect("killed");
    for shopper in shoppers {
        shopper.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    let unanswered: Vec<&String> = sent.iter().filter(|key| !acknowledged.contains_key(*key)).collect();

    let (mut restarted, base) = start_binary(&app.database_url).await;
    let tickets_of = |rows: Vec<sqlx::any::AnyRow>| rows.iter().map(|r| sqlx::Row::get::<String, _>(r, "ticket")).collect::<Vec<_>>();
    let database = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let stored = tickets_of(sqlx::query("SELECT ticket FROM complaints").fetch_all(&database).await.unwrap());
    let stored_set: HashSet<&String> = stored.iter().collect();
    let found = acknowledged.values().filter(|ticket| stored_set.contains(ticket)).count();
    assert_eq!(found, acknowledged.len(), "every acknowledged complaint survived the kill");
    assert_eq!(stored_set.len(), stored.len(), "no ticket twice");
    assert!(stored.len() <= sent.len(), "nothing beyond what was sent");

    // The shoppers' widgets retry what got no answer, with the same keys.
    for key in &unanswered {
        assert!(file(base.clone(), (*key).clone()).await.is_some(), "the retry of {key} is answered");
    }
    for (key, ticket) in &acknowledged {
        assert_eq!(file(base.clone(), key.clone()).await.as_deref(), Some(ticket.as_str()), "a replay answers the same ticket");
    }
    let after_retries = tickets_of(sqlx::query("SELECT ticket FROM complaints").fetch_all(&database).await.unwrap());
    assert_eq!(after_retries.len(), sent.len(), "exactly one complaint per Idempotency-Key");
    println!(
        "{engine:?}: {} complaints acknowledged before SIGKILL, {found} found after restart; {} in flight at the kill, {} of them had been stored; \
         after retries {} complaints for {} keys",
        acknowledged.len(),
        unanswered.len(),
        stored.len() - acknowledged.len(),
        after_retries.len(),
        sent.len()
    );
    restarted.start_kill().unwrap();
}

on_both_engines!(complaints_durable_across_sigkill);
