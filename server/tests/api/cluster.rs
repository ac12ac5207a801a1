//! Issue 14: two and three `carebox-server` processes on one PostgreSQL database are one
//! service. Traffic is spread across them by the test: the attempt limits hold in total, an
//! Idempotency-Key files once whichever node it reaches, a console session works on every
//! node, the SLA clocks escalate each broken promise once, each webhook event is delivered
//! once, `/metrics` adds up to the workload, the JSON logs parse; a node killed mid-work leaves
//! the others serving and nothing acknowledged is lost. The real binary, real sockets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::node::{Node, file_complaint, total};
use crate::common::*;
use carebox_contract::Email;
use carebox_server::domain::staff::{DisplayName, Password, Role};
use carebox_server::storage::NewStaff;
use serde_json::{Value, json};

const STAFF_PASSWORD: &str = "a long enough passphrase";

/// What a webhook receiver on this machine was sent: (delivery id, event type) per request.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A webhook endpoint on loopback that answers 200 after `delay`.
async fn receiver(delay: Duration) -> (SocketAddr, Received) {
    let received: Received = Default::default();
    let kept = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let kept = kept.clone();
            async move {
                tokio::time::sleep(delay).await;
                let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                kept.lock().unwrap().push((header("carebox-delivery"), header("carebox-event")));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, received)
}

/// A PostgreSQL database with both test shops, order NW-1042 of Anna's and an owner, Ida.
async fn seeded_postgres() -> (String, carebox_server::Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(Engine::Postgres, &dir).await;
    let store = carebox_server::Store::connect(&url).await.expect("migrated");
    seed_merchants(&store).await;
    let email = Email::parse("ida@shop.example").unwrap();
    let name = DisplayName::parse("Ida").unwrap();
    let hash = Password::parse(STAFF_PASSWORD).unwrap().hash();
    let staff = NewStaff { merchant_id: "m_one", email: &email, display_name: &name, role: Role::Owner, password_hash: &hash };
    store.add_staff(staff, carebox_server::clock::Clock::now(&carebox_server::clock::SystemClock)).await.unwrap();
    (url, store, dir)
}

async fn start_nodes(count: usize, url: &str, env: &[(&str, &str)]) -> Vec<Node> {
    let mut nodes = Vec::new();
    for _ in 0..count {
        nodes.push(Node::start(url, env).await);
    }
    nodes
}

async fn count(database_url: &str, sql: &str) -> i64 {
    use sqlx::Row;
    let pool = sqlx::AnyPool::connect(database_url).await.unwrap();
    let row = sqlx::query(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    row.try_get::<i64, _>(0).unwrap()
}

async fn wait_until(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_on_one_postgres_act_as_one_service() {
    let (url, _store, _dir) = seeded_postgres().await;
    let env = [
        ("CAREBOX_SLA_TICK_SECS", "1"),
        ("CAREBOX_LOOKUP_LIMIT_PER_CLIENT", "10/600"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "1000/3600"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "1000/3600"),
        ("CAREBOX_WEBHOOKS_TO_LOOPBACK", "1"),
    ];
    let nodes = start_nodes(3, &url, &env).await;
    let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();
    let client = reqwest::Client::new();
    let (hook, received) = receiver(Duration::ZERO).await;
    let endpoint = client
        .post(nodes[1].url("/v1/merchant/webhooks"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"url": format!("http://{hook}/hook")}))
        .send()
        .await
        .unwrap();
    assert_eq!(endpoint.status(), 201);
    let token = nodes[0].anna_order_token(&client).await;

    // Complaints spread over the nodes, and one Idempotency-Key sent to all three at once.
    const FILED: usize = 12;
    let mut tickets = Vec::new();
    for n in 0..FILED {
        tickets.push(file_complaint(&client, &bases[n % 3], &token, &format!("spread-{n}")).await.expect("filed"));
    }
    let same_key = futures::future::join_all(bases.iter().map(|base| file_complaint(&client, base, &token, "one-key-three-nodes"))).await;
    let same_key: Vec<String> = same_key.into_iter().map(|t| t.expect("each node answers the key")).collect();
    assert!(same_key.iter().all(|t| t == &same_key[0]), "one complaint for one key: {same_key:?}");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM complaints").await, FILED as i64 + 1);

    // A console session made on one node works on the others and ends everywhere.
    let signed_in = client
        .post(nodes[0].url("/v1/console/session"))
        .json(&json!({"email": "ida@shop.example", "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 201);
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = signed_in.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    for node in &nodes[1..] {
        let me = client.get(node.url("/v1/console/session")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(me.status(), 200, "the session is known on {}", node.base);
    }
    let out =
        client.delete(nodes[2].url("/v1/console/session")).header("cookie", &cookie).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let after = client.get(nodes[0].url("/v1/merchant/complaints")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(after.status(), 401, "signed out on one node is signed out on all");

    // Every promise broken at once: three SLA clocks, one escalation each.
    let past = carebox_server::clock::Clock::now(&carebox_server::clock::SystemClock).unix_ms() - 1000;
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("UPDATE complaints SET due_at_ms = $1").bind(past).execute(&pool).await.unwrap();
    wait_until("every breach escalated", Duration::from_secs(20), async || {
        count(&url, "SELECT COUNT(*) FROM complaint_events WHERE kind = 'escalated'").await > FILED as i64
    })
    .await;
    // Further ticks (each node runs one a second) must not escalate again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let per_complaint = count(
        &url,
        "SELECT COUNT(*) FROM (SELECT complaint_id FROM complaint_events WHERE kind = 'escalated' GROUP BY complaint_id HAVING COUNT(*) = 1) once",
    )
    .await;
    assert_eq!(per_complaint, FILED as i64 + 1, "each complaint escalated exactly once");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM complaint_events WHERE kind = 'escalated'").await, FILED as i64 + 1);

    // Each event (created and escalated, per complaint) delivered once, by whichever node.
    let events = 2 * (FILED + 1);
    wait_until("every webhook delivered", Duration::from_secs(30), async || received.lock().unwrap().len() >= events).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = received.lock().unwrap().clone();
    let mut by_delivery: HashMap<&str, usize> = HashMap::new();
    for (delivery, _) in &received {
        *by_delivery.entry(delivery.as_str()).or_default() += 1;
    }
    assert_eq!(received.len(), events, "no event sent twice: {by_delivery:?}");
    assert_eq!(by_delivery.len(), events);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at_ms IS NULL").await, 0);

    // The lookup limit holds for the deployment: 10 failures from one client, wherever they land.
    let mut statuses = Vec::new();
    for n in 0..15 {
        let wrong = client
            .post(format!("{}/v1/orders/lookup?key={SHOP_KEY}", bases[n % 3]))
            .json(&json!({"order_number": "NW-1042", "email": "not-anna@example.com"}))
            .send()
            .await
            .unwrap();
        statuses.push(wrong.status().as_u16());
    }
    assert_eq!(statuses, [[404; 10].as_slice(), [429; 5].as_slice()].concat(), "10 failures in total, then refused on every node");

    // The nodes' figures add up to that workload.
    let mut samples = Vec::new();
    for node in &nodes {
        samples.push(node.metrics(&client).await);
    }
    assert_eq!(total(&samples, "carebox_complaints_filed_total"), (FILED + 1) as f64, "a replayed key is not a new complaint");
    assert_eq!(
        total(&samples, r#"carebox_http_requests_total{method="POST",route="/v1/complaints",status="201"}"#),
        (FILED + 3) as f64,
        "every acknowledged request (replays too)"
    );
    assert_eq!(total(&samples, r#"carebox_escalations_total{cause="breach"}"#), (FILED + 1) as f64);
    assert_eq!(total(&samples, r#"carebox_lookups_refused_total{limit="per_client"}"#), 5.0);
    assert_eq!(total(&samples, r#"carebox_webhook_deliveries_total{outcome="delivered"}"#), events as f64);
    assert_eq!(total(&samples, r#"carebox_webhook_deliveries_total{outcome="failed"}"#), 0.0);
    for node in &samples {
        assert_eq!(total(std::slice::from_ref(node), "carebox_webhook_backlog"), 0.0, "each node reports the deployment's backlog");
    }
    let lookups = total(&samples, r#"carebox_http_request_duration_seconds_count{route="/v1/orders/lookup"}"#);
    assert_eq!(lookups, 16.0, "one lookup for the token, 15 refused ones");

    // Every line every node logged is a JSON object; request lines carry their request id.
    let mut requests_logged = 0;
    for node in &nodes {
        for line in node.log.lock().unwrap().iter() {
            let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(event["timestamp"].is_string() && event["level"].is_string(), "{line}");
            if event["span"]["name"] == "request" {
                assert!(event["span"]["request_id"].as_str().is_some_and(|id| id.len() == 36), "{line}");
                requests_logged += 1;
            }
        }
    }
    assert!(requests_logged >= FILED, "requests are logged ({requests_logged})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_work_leaves_the_others_serving_and_loses_nothing() {
    let (url, _store, _dir) = seeded_postgres().await;
    // A slow receiver keeps sends in flight; a short timeout keeps the lease (6×) short.
    let env = [
        ("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "1000/3600"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "1000/3600"),
        ("CAREBOX_WEBHOOKS_TO_LOOPBACK", "1"),
        ("CAREBOX_WEBHOOK_TIMEOUT_SECS", "1"),
    ];
    let mut nodes = start_nodes(2, &url, &env).await;
    let client = reqwest::Client::new();
    let (hook, received) = receiver(Duration::from_millis(150)).await;
    let endpoint = client
        .post(nodes[0].url("/v1/merchant/webhooks"))
        .bearer_auth(SHOP_SECRET)
        .json(&json!({"url": format!("http://{hook}/hook"), "events": ["complaint.created"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(endpoint.status(), 201);
    let token = nodes[0].anna_order_token(&client).await;
    let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();

    // Four shoppers file in turn on both nodes; an answer lost to the kill is asked again of
    // the other node with the same key, as a retrying client (or a load balancer) would.
    const PER_SHOPPER: usize = 15;
    let acknowledged = Arc::new(Mutex::new(HashMap::<String, String>::new()));
    let shoppers: Vec<_> = (0..4)
        .map(|shopper| {
            let (client, token, bases, acknowledged) = (client.clone(), token.clone(), bases.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0..PER_SHOPPER {
                    let key = format!("kill-{shopper}-{n}");
                    let first = (shopper + n) % 2;
                    let ticket = match file_complaint(&client, &bases[first], &token, &key).await {
                        Ok(ticket) => ticket,
                        Err(_) => file_complaint(&client, &bases[1 - first], &token, &key).await.expect("the surviving node answers"),
                    };
                    acknowledged.lock().unwrap().insert(key, ticket);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();
    wait_until("some complaints filed", Duration::from_secs(30), async || acknowledged.lock().unwrap().len() >= 12).await;
    nodes[0].kill().await;
    for shopper in shoppers {
        shopper.await.expect("every shopper's complaints are acknowledged");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert_eq!(acknowledged.len(), 4 * PER_SHOPPER);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM complaints").await, (4 * PER_SHOPPER) as i64, "each key filed once");
    assert_eq!(client.get(nodes[1].url("/readyz")).send().await.unwrap().status(), 200, "the survivor is ready");

    // Every event is delivered; a send the killed node had in flight may arrive again after its
    // lease (6 s), under the same delivery id, so receivers deduplicate by it.
    wait_until("every delivery recorded", Duration::from_secs(40), async || {
        count(&url, "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at_ms IS NULL").await == 0
    })
    .await;
    let received = received.lock().unwrap().clone();
    let mut by_delivery: HashMap<String, usize> = HashMap::new();
    for (delivery, _) in received {
        *by_delivery.entry(delivery).or_default() += 1;
    }
    assert_eq!(by_delivery.len(), 4 * PER_SHOPPER, "each event arrived");
    let again = by_delivery.values().filter(|&&n| n > 1).count();
    assert!(again <= 8, "only sends in flight on the killed node (at most its concurrency) arrive twice: {again}");
}

/// A loopback TCP relay in front of PostgreSQL that the test can cut and restore, so one node
/// loses its database while the shared test server (and every other test) keeps it.
struct Relay {
    addr: SocketAddr,
    up: Arc<std::sync::atomic::AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Relay {
    async fn to(target: SocketAddr) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (cut, cuts) = tokio::sync::watch::channel(0u64);
        let accepting = up.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused as soon as it opens
                }
                let mut cuts = cuts.clone();
                cuts.mark_unchanged(); // only a cut after this connection opened ends it
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Self { addr, up, cut }
    }

    fn set(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            self.cut.send_modify(|n| *n += 1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_database_and_liveness_does_not() {
    let (url, _store, _dir) = seeded_postgres().await;
    // postgres://user@127.0.0.1:PORT/db → the same through the relay.
    let parsed = url::Url::parse(&url).unwrap();
    let target: SocketAddr = format!("{}:{}", parsed.host_str().unwrap(), parsed.port().unwrap()).parse().unwrap();
    let relay = Relay::to(target).await;
    let mut relayed = parsed.clone();
    relayed.set_port(Some(relay.addr.port())).unwrap();
    let node = Node::start(relayed.as_str(), &[]).await;
    let client = reqwest::Client::new();
    let status = async |path: &str| client.get(node.url(path)).timeout(Duration::from_secs(10)).send().await.unwrap();
    assert_eq!(status("/readyz").await.status(), 200);

    relay.set(false);
    let started = Instant::now();
    let down = loop {
        let response = status("/readyz").await;
        if response.status() == 503 {
            break response.json::<Value>().await.unwrap();
        }
        assert!(started.elapsed() < Duration::from_secs(15), "not ready soon after the database went away");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(down["status"], "database_unavailable");
    let alive = status("/healthz").await;
    assert_eq!(alive.status(), 200, "alive: an orchestrator must not restart every node over a database outage");

    relay.set(true);
    wait_until("ready again", Duration::from_secs(20), async || status("/readyz").await.status() == 200).await;
}
