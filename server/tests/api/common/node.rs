//! The real `carebox-server` binary as a node of a deployment: started on a free loopback port
//! with JSON logs, its standard output kept line by line for the test to read.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Node {
    pub child: Child,
    pub base: String,
    /// Every line the node wrote to standard output so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Node {
    /// Starts a node on `database_url` with these settings over quiet test defaults.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carebox-server"))
            .env("CAREBOX_ADDR", "127.0.0.1:0")
            .env("CAREBOX_DATABASE_URL", database_url)
            .env("CAREBOX_LOG_FORMAT", "json")
            .env("CAREBOX_LOG", "info,sqlx=warn")
            .env_remove("CAREBOX_WIDGET_DIR")
            .env_remove("CAREBOX_DEMO_DIR")
            .env_remove("CAREBOX_SEED_DEMO")
            .env_remove("CAREBOX_CONFIG")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, listening) = tokio::sync::oneshot::channel();
        let kept = log.clone();
        tokio::spawn(async move {
            let mut found = Some(found);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(found) = found.take_if(|_| line.contains("\"Carebox listening\"")) {
                    let event: serde_json::Value = serde_json::from_str(&line).expect("the listening line is JSON");
                    let _ = found.send(event["fields"]["url"].as_str().expect("its url").to_owned());
                }
                kept.lock().unwrap().push(line);
            }
        });
        let base = tokio::time::timeout(Duration::from_secs(30), listening)
            .await
            .expect("the node listens within 30 s")
            .expect("the node exited before listening");
        Self { child, base, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the node at once, as a crash or an OOM kill would.
    pub async fn kill(&mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("killed");
    }

    /// Asks the node to stop (SIGTERM, as an orchestrator does) and waits for it to exit.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("running") as i32;
        // The `kill` command: one signal needs no libc binding.
        let sent = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill runs");
        assert!(sent.success(), "SIGTERM sent");
        tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await.expect("stops within 60 s").expect("exit status")
    }

    /// Imports Anna's order NW-1042 through this node and looks it up: the token that opens it.
    pub async fn anna_order_token(&self, client: &reqwest::Client) -> String {
        let order = client
            .put(self.url("/v1/merchant/orders/NW-1042"))
            .bearer_auth(super::SHOP_SECRET)
            .json(&super::order_body("anna@example.com"));
        assert_eq!(order.send().await.unwrap().status(), 201, "a new order");
        let lookup: serde_json::Value = client
            .post(self.url(&format!("/v1/orders/lookup?key={}", super::SHOP_KEY)))
            .json(&serde_json::json!({"order_number": "NW-1042", "email": "anna@example.com"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        lookup["token"].as_str().expect("a token").to_owned()
    }

    /// `/metrics` parsed: each sample line's name with labels → value.
    pub async fn metrics(&self, client: &reqwest::Client) -> Vec<(String, f64)> {
        let response = client.get(self.url("/metrics")).send().await.expect("metrics answer");
        assert_eq!(response.status(), 200, "metrics from this machine");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
        parse_metrics(&response.text().await.unwrap())
    }
}

/// Samples of an OpenMetrics text: `name{labels} value` per line; comments skipped. Panics on
/// a line that is neither, so a malformed exposition fails the test that reads it.
pub fn parse_metrics(text: &str) -> Vec<(String, f64)> {
    assert!(text.trim_end().ends_with("# EOF"), "an OpenMetrics text ends with # EOF");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
            (series.to_owned(), value.parse().unwrap_or_else(|_| panic!("not a number in: {line}")))
        })
        .collect()
}

/// The sum over nodes of one series (exact name and labels), 0 where a node has none yet.
pub fn total(samples: &[Vec<(String, f64)>], series: &str) -> f64 {
    samples.iter().flatten().filter(|(name, _)| name == series).map(|(_, value)| value).sum()
}

/// Files a complaint on Anna's NW-1042 at `node` under `key`: the ticket if acknowledged (201).
pub async fn file_complaint(client: &reqwest::Client, node: &str, token: &str, key: &str) -> Result<String, String> {
    let body = serde_json::json!({"order_number": "NW-1042", "items": [0], "category": "service", "description": format!("Nobody answered my e-mails ({key})."),
                      "desired_resolution": "just_let_you_know", "contact_preference": "widget_only"});
    let response = client
        .post(format!("{node}/v1/complaints?key={}", super::SHOP_KEY))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .timeout(std::time::Duration::from_secs(10))
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 201 {
        return Err(format!("status {}", response.status()));
    }
    let view: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    Ok(view["ticket"].as_str().expect("a ticket").to_owned())
}
