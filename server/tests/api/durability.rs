//! Issue 12: the server is killed with SIGKILL while shoppers file complaints; after a restart
//! every complaint it acknowledged (201) is there, exactly once, and a retry of any request
//! whose answer was lost (same Idempotency-Key) files nothing twice. The real binary, on
//! SQLite and PostgreSQL.

use crate::common;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::node::{Node, file_complaint};
use crate::common::{Engine, TestApp};

const SHOPPERS: usize = 8;
/// Acknowledged complaints before the kill: enough that some requests are in flight then.
const ACKNOWLEDGED_BEFORE_KILL: usize = 150;

/// A server process on `database_url` with the complaint limits out of the way.
async fn start_binary(database_url: &str) -> Node {
    Node::start(
        database_url,
        &[("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "1000000/3600"), ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "1000000/3600")],
    )
    .await
}

async fn complaints_durable_across_sigkill(engine: Engine) {
    // The test app makes and seeds the database; the binary under test serves it.
    let app = TestApp::spawn(engine).await;
    let mut server = start_binary(&app.database_url).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let token = server.anna_order_token(&client).await;

    // Key → ticket of every 201; every key sent (acknowledged or not).
    let acknowledged = Arc::new(Mutex::new(HashMap::<String, String>::new()));
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let file = {
        let (client, token) = (client.clone(), token.clone());
        move |base: String, key: String| {
            let (client, token) = (client.clone(), token.clone());
            async move { file_complaint(&client, &base, &token, &key).await.ok() }
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
    server.kill().await;
    for shopper in shoppers {
        shopper.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    let unanswered: Vec<&String> = sent.iter().filter(|key| !acknowledged.contains_key(*key)).collect();

    let mut restarted = start_binary(&app.database_url).await;
    let base = restarted.base.clone();
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
    restarted.kill().await;
}

on_both_engines!(complaints_durable_across_sigkill);
