//! Settings from the environment and, optionally, a TOML file (`--config carebox.toml`): every
//! one is listed in [`SETTINGS`] with its default, and `carebox-server serve --help` prints
//! them. The environment wins over the file; a bad value stops the start with a message
//! naming the setting (and the file, when it came from there).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::domain::webhook_target::WebhookReach;
use crate::http::client_address::TrustedProxies;
use crate::http::{Limit, Limits};

/// One setting: its environment variable (the file's key is the same name without `CAREBOX_`,
/// in lower case), its default as shown to operators, and what it does.
pub struct SettingDoc {
    pub env: &'static str,
    pub default: &'static str,
    pub about: &'static str,
}

impl SettingDoc {
    /// The key in the settings file: `CAREBOX_SLA_TICK_SECS` is `sla_tick_secs`.
    pub fn file_key(&self) -> String {
        self.env.trim_start_matches("CAREBOX_").to_ascii_lowercase()
    }
}

/// Every setting `serve` reads. The README's table and `--help` list exactly these.
pub const SETTINGS: &[SettingDoc] = &[
    SettingDoc {
        env: "CAREBOX_ADDR",
        default: "127.0.0.1:8080",
        about: "where the API and the widget's files are served; port 0 picks a free one",
    },
    SettingDoc {
        env: "CAREBOX_DATABASE_URL",
        default: "sqlite://data/carebox.db",
        about: "sqlite://path.db (one node) or postgres://… (one or many nodes)",
    },
    SettingDoc {
        env: "CAREBOX_PUBLIC_URL",
        default: "the request's host",
        about: "the https:// address shoppers reach this server at; the base of e-mail links (required beyond loopback)",
    },
    SettingDoc { env: "CAREBOX_WIDGET_DIR", default: "dist if present", about: "the built widget and console (`cargo xtask dist`)" },
    SettingDoc { env: "CAREBOX_DEMO_DIR", default: "none", about: "a demo storefront, served on an origin of its own" },
    SettingDoc { env: "CAREBOX_DEMO_SHOP_ADDR", default: "127.0.0.1:0", about: "where that storefront listens" },
    SettingDoc { env: "CAREBOX_SEED_DEMO", default: "0", about: "1 creates the demo merchant, its orders and staff (loopback only)" },
    SettingDoc {
        env: "CAREBOX_LOOKUP_LIMIT_PER_CLIENT",
        default: "30/600",
        about: "failed order lookups per client per shop, COUNT/SECONDS",
    },
    SettingDoc {
        env: "CAREBOX_LOOKUP_LIMIT_PER_ORDER",
        default: "10/600",
        about: "failed lookups of one order number per client, COUNT/SECONDS",
    },
    SettingDoc {
        env: "CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER",
        default: "5/3600",
        about: "new complaints per order or identified shopper, COUNT/SECONDS",
    },
    SettingDoc { env: "CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", default: "20/3600", about: "new complaints per client, COUNT/SECONDS" },
    SettingDoc {
        env: "CAREBOX_TRUSTED_PROXIES",
        default: "none",
        about: "ranges of the load balancers in front (10.0.0.0/8,…) whose forwarding headers name the client",
    },
    SettingDoc { env: "CAREBOX_SLA_TICK_SECS", default: "30", about: "how often the SLA clock looks for broken response promises" },
    SettingDoc { env: "CAREBOX_WEBHOOK_TIMEOUT_SECS", default: "10", about: "the most one webhook delivery may take (1–60)" },
    SettingDoc { env: "CAREBOX_WEBHOOK_CONCURRENCY", default: "8", about: "webhook deliveries in flight per process (1–256)" },
    SettingDoc {
        env: "CAREBOX_WEBHOOK_SENDER",
        default: "1",
        about: "0: queue webhook deliveries but send none (another node sends them)",
    },
    SettingDoc {
        env: "CAREBOX_WEBHOOKS_TO_LOOPBACK",
        default: "0",
        about: "1 lets webhooks reach this machine over http (development; loopback only)",
    },
    SettingDoc {
        env: "CAREBOX_METRICS_TOKEN",
        default: "none",
        about: "the bearer token /metrics asks for (16+ characters); without it /metrics answers this machine only",
    },
    SettingDoc { env: "CAREBOX_LOG", default: "info,sqlx=warn", about: "what is logged (a tracing filter)" },
    SettingDoc { env: "CAREBOX_LOG_FORMAT", default: "text", about: "text, or json: one JSON object per line with the request id" },
];

/// The database the settings name (environment over file), for the set-up commands.
pub fn database_url(file: Option<&Path>) -> Result<String, String> {
    Ok(Sources::load(file)?.get("CAREBOX_DATABASE_URL").unwrap_or_else(|| "sqlite://data/carebox.db".into()))
}

/// Where `serve` listens by the settings (environment over file), for `probe`.
pub fn listen_addr(file: Option<&Path>) -> Result<String, String> {
    Ok(Sources::load(file)?.get("CAREBOX_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into()))
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Where raw values come from: the environment over an optional file.
struct Sources {
    file: Option<PathBuf>,
    from_file: BTreeMap<&'static str, String>,
}

impl Sources {
    fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut from_file = BTreeMap::new();
        if let Some(file) = file {
            let text = std::fs::read_to_string(file).map_err(|e| format!("the settings file {}: {e}", file.display()))?;
            let table: toml::Table = text.parse().map_err(|e| format!("the settings file {}: {e}", file.display()))?;
            for (key, value) in table {
                let Some(setting) = SETTINGS.iter().find(|s| s.file_key() == key) else {
                    let known: Vec<String> = SETTINGS.iter().map(SettingDoc::file_key).collect();
                    return Err(format!(
                        "the settings file {}: no setting is called {key:?} (known: {})",
                        file.display(),
                        known.join(", ")
                    ));
                };
                let raw = match value {
                    toml::Value::String(text) => text,
                    toml::Value::Integer(number) => number.to_string(),
                    toml::Value::Boolean(yes) => if yes { "1" } else { "0" }.to_owned(),
                    other => {
                        return Err(format!("{key} in {}: a text, a whole number or true/false, not {}", file.display(), other.type_str()));
                    }
                };
                from_file.insert(setting.env, raw);
            }
        }
        Ok(Self { file: file.map(Path::to_path_buf), from_file })
    }

    fn get(&self, env: &str) -> Option<String> {
        debug_assert!(SETTINGS.iter().any(|s| s.env == env), "{env} is not in SETTINGS");
        let from_env = std::env::var(env).ok().filter(|v| !v.trim().is_empty());
        from_env.or_else(|| self.from_file.get(env).cloned().filter(|v| !v.trim().is_empty()))
    }

    /// A refusal names the setting as the operator wrote it: in the file, or in the environment.
    fn locate(&self, message: String) -> String {
        let named = SETTINGS.iter().filter(|s| message.starts_with(s.env)).max_by_key(|s| s.env.len());
        match (named, &self.file) {
            (Some(setting), Some(file)) if std::env::var(setting.env).is_err() && self.from_file.contains_key(setting.env) => {
                format!("{message} (set as {} in {})", setting.file_key(), file.display())
            }
            _ => message,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// `CAREBOX_ADDR`, default `127.0.0.1:8080`; port 0 picks a free one.
    pub addr: String,
    /// `CAREBOX_DATABASE_URL`: `sqlite://path.db` (default `sqlite://data/carebox.db`) or `postgres://…`.
    pub database_url: String,
    /// `CAREBOX_WIDGET_DIR`: the built bundle (`cargo xtask dist` output), served as the widget origin.
    pub widget_dir: Option<PathBuf>,
    /// `CAREBOX_DEMO_DIR`: a demo storefront, served on an origin of its own (as a real shop
    /// is never on Carebox's origin) at `CAREBOX_DEMO_SHOP_ADDR` (default `127.0.0.1:0`).
    pub demo_dir: Option<PathBuf>,
    pub demo_shop_addr: String,
    /// `CAREBOX_SEED_DEMO=1`: create or refresh the demo merchant at start.
    pub seed_demo: bool,
    /// `CAREBOX_LOOKUP_LIMIT_PER_CLIENT` / `CAREBOX_LOOKUP_LIMIT_PER_ORDER`, as `COUNT/SECONDS`:
    /// failed lookups per client (defaults 30/600) and per order number and client (10/600);
    /// `CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER` / `_PER_CLIENT`: complaints filed per order or
    /// identified shopper (5/3600) and per client (20/3600).
    pub limits: Limits,
    /// `CAREBOX_SLA_TICK_SECS` (default 30): how often the SLA clock looks for broken promises.
    pub sla_tick: std::time::Duration,
    /// `CAREBOX_PUBLIC_URL`, e.g. `https://help.example.com`: the base of e-mail links the
    /// server makes; default the host each request came to.
    pub public_url: Option<String>,
    /// How often due webhook deliveries are looked for when none is in flight (2 s).
    pub webhook_tick: std::time::Duration,
    /// `CAREBOX_WEBHOOK_TIMEOUT_SECS` (default 10, at most 60): the most one delivery may take.
    pub webhook_timeout: std::time::Duration,
    /// `CAREBOX_WEBHOOK_CONCURRENCY` (default 8, at most 256): deliveries in flight per process.
    pub webhook_concurrency: usize,
    /// `CAREBOX_WEBHOOK_SENDER=0`: this process queues webhook deliveries but sends none
    /// (another process on the same PostgreSQL database does, or nobody: a fuzzing run, whose
    /// generated endpoints must never be called). Default 1.
    pub send_webhooks: bool,
    /// `CAREBOX_WEBHOOKS_TO_LOOPBACK=1`: webhooks may also go to this machine, over http too
    /// (development and tests); default: public https addresses only.
    pub webhook_reach: WebhookReach,
    /// `CAREBOX_TRUSTED_PROXIES`, e.g. `10.0.0.0/8,2001:db8::/32`: the load balancers and CDNs in
    /// front of this server, whose `X-Forwarded-For` / `Forwarded` name the client. Empty
    /// (default): the TCP peer is the client and those headers are ignored.
    pub trusted_proxies: TrustedProxies,
    /// `CAREBOX_METRICS_TOKEN`: the bearer token `/metrics` asks for.
    pub metrics_token: Option<String>,
    /// `CAREBOX_LOG`: a tracing filter.
    pub log: String,
    /// `CAREBOX_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
}

impl Settings {
    /// The environment alone (no settings file).
    pub fn from_env() -> Result<Self, String> {
        Self::load(None)
    }

    /// The environment over the settings file at `file`, if any.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let sources = Sources::load(file)?;
        Self::from_sources(&sources).map_err(|message| sources.locate(message))
    }

    fn from_sources(sources: &Sources) -> Result<Self, String> {
        let var = |name: &str| sources.get(name);
        let widget_dir = var("CAREBOX_WIDGET_DIR").map(PathBuf::from).or_else(|| {
            let default = PathBuf::from("dist");
            default.is_dir().then_some(default)
        });
        let seed_demo = match var("CAREBOX_SEED_DEMO").as_deref() {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(other) => return Err(format!("CAREBOX_SEED_DEMO must be 1 or 0, not {other:?}")),
        };
        let mut limits = Limits::default();
        if let Some(raw) = var("CAREBOX_LOOKUP_LIMIT_PER_CLIENT") {
            limits.lookup_per_client = Limit::parse(&raw).map_err(|e| format!("CAREBOX_LOOKUP_LIMIT_PER_CLIENT: {e}"))?;
        }
        if let Some(raw) = var("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER") {
            limits.complaints_per_shopper = Limit::parse(&raw).map_err(|e| format!("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER: {e}"))?;
        }
        if let Some(raw) = var("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT") {
            limits.complaints_per_client = Limit::parse(&raw).map_err(|e| format!("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT: {e}"))?;
        }
        if let Some(raw) = var("CAREBOX_LOOKUP_LIMIT_PER_ORDER") {
            limits.lookup_per_order = Limit::parse(&raw).map_err(|e| format!("CAREBOX_LOOKUP_LIMIT_PER_ORDER: {e}"))?;
        }
        let sla_tick = match var("CAREBOX_SLA_TICK_SECS") {
            None => std::time::Duration::from_secs(30),
            Some(raw) => match raw.parse::<u64>() {
                Ok(secs) if secs > 0 => std::time::Duration::from_secs(secs),
                _ => {
                    return Err(format!("CAREBOX_SLA_TICK_SECS must be a whole number of seconds above 0, not {raw:?}"));
                }
            },
        };
        let webhook_reach = match var("CAREBOX_WEBHOOKS_TO_LOOPBACK").as_deref() {
            None | Some("0") | Some("false") => WebhookReach::PublicOnly,
            Some("1") | Some("true") => WebhookReach::AlsoLoopback,
            Some(other) => return Err(format!("CAREBOX_WEBHOOKS_TO_LOOPBACK must be 1 or 0, not {other:?}")),
        };
        let send_webhooks = match var("CAREBOX_WEBHOOK_SENDER").as_deref() {
            None | Some("1") | Some("true") => true,
            Some("0") | Some("false") => false,
            Some(other) => return Err(format!("CAREBOX_WEBHOOK_SENDER must be 1 or 0, not {other:?}")),
        };
        let whole = |name: &str, default: u64, max: u64| match var(name) {
            None => Ok(default),
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(format!("{name} must be a whole number from 1 to {max}, not {raw:?}")),
            },
        };
        let webhook_timeout = std::time::Duration::from_secs(whole("CAREBOX_WEBHOOK_TIMEOUT_SECS", 10, 60)?);
        let webhook_concurrency = whole("CAREBOX_WEBHOOK_CONCURRENCY", 8, 256)? as usize;
        let trusted_proxies = TrustedProxies::parse(&var("CAREBOX_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| format!("CAREBOX_TRUSTED_PROXIES: {e}"))?;
        let metrics_token = match var("CAREBOX_METRICS_TOKEN") {
            Some(token) if token.trim().chars().count() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                return Err(
                    "CAREBOX_METRICS_TOKEN must be 16 or more characters without spaces (a guessable token shows every figure)".into()
                );
            }
            token => token,
        };
        let log_format = match var("CAREBOX_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(format!("CAREBOX_LOG_FORMAT must be text or json, not {other:?}")),
        };
        let log = var("CAREBOX_LOG").unwrap_or_else(|| "info,sqlx=warn".into());
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(format!("CAREBOX_LOG is not a tracing filter like info,sqlx=warn: {error}"));
        }
        let settings = Self {
            metrics_token,
            log,
            log_format,
            trusted_proxies,
            send_webhooks,
            webhook_reach,
            webhook_tick: std::time::Duration::from_secs(2),
            webhook_timeout,
            webhook_concurrency,
            sla_tick,
            limits,
            addr: var("CAREBOX_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url: var("CAREBOX_DATABASE_URL").unwrap_or_else(|| "sqlite://data/carebox.db".into()),
            widget_dir,
            demo_dir: var("CAREBOX_DEMO_DIR").map(PathBuf::from),
            demo_shop_addr: var("CAREBOX_DEMO_SHOP_ADDR").unwrap_or_else(|| "127.0.0.1:0".into()),
            public_url: var("CAREBOX_PUBLIC_URL"),
            seed_demo,
        };
        settings.check_exposure()?;
        Ok(settings)
    }

    /// Refuses settings that are safe on a laptop but not on a reachable address: a server
    /// listening beyond loopback needs `CAREBOX_PUBLIC_URL` over https (the e-mail links it
    /// makes would otherwise be `http://` to whatever host a request named), and runs neither
    /// the demo merchant (its keys are in the README) nor webhooks to its own machine.
    pub fn check_exposure(&self) -> Result<(), String> {
        let host = self.addr.rsplit_once(':').map_or(self.addr.as_str(), |(host, _)| host).trim_matches(['[', ']']);
        let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if loopback {
            return Ok(());
        }
        let mut problems = Vec::new();
        if !self.public_url.as_deref().is_some_and(|url| url.starts_with("https://")) {
            problems.push("set CAREBOX_PUBLIC_URL to the https:// address shoppers reach this server at");
        }
        if self.seed_demo {
            problems.push("unset CAREBOX_SEED_DEMO (the demo merchant's keys are public)");
        }
        if self.webhook_reach == WebhookReach::AlsoLoopback {
            problems.push("unset CAREBOX_WEBHOOKS_TO_LOOPBACK (it lets merchants' webhooks reach this machine)");
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("CAREBOX_ADDR {} is reachable beyond this machine: {}", self.addr, problems.join("; ")))
        }
    }

    /// Settings for tests and embedding: a given database, nothing served from disk.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            addr: "127.0.0.1:0".into(),
            database_url: database_url.into(),
            widget_dir: None,
            demo_dir: None,
            demo_shop_addr: "127.0.0.1:0".into(),
            seed_demo: false,
            public_url: None,
            limits: Limits::default(),
            sla_tick: std::time::Duration::from_secs(30),
            webhook_tick: std::time::Duration::from_secs(2),
            webhook_timeout: std::time::Duration::from_secs(10),
            webhook_concurrency: 8,
            send_webhooks: true,
            webhook_reach: WebhookReach::PublicOnly,
            trusted_proxies: TrustedProxies::default(),
            metrics_token: None,
            log: "info,sqlx=warn".into(),
            log_format: LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reachable_server_needs_an_https_public_url_and_no_demo() {
        let mut settings = Settings::for_database("sqlite::memory:");
        for loopback in ["127.0.0.1:8080", "localhost:0", "[::1]:8080"] {
            settings.addr = loopback.into();
            settings.seed_demo = true;
            assert!(settings.check_exposure().is_ok(), "{loopback}");
        }
        settings.addr = "0.0.0.0:8080".into();
        let refused = settings.check_exposure().unwrap_err();
        assert!(refused.contains("CAREBOX_PUBLIC_URL") && refused.contains("CAREBOX_SEED_DEMO"), "{refused}");
        settings.seed_demo = false;
        settings.public_url = Some("http://help.example.com".into());
        assert!(settings.check_exposure().is_err(), "links would be http");
        settings.public_url = Some("https://help.example.com".into());
        assert!(settings.check_exposure().is_ok());
        settings.webhook_reach = WebhookReach::AlsoLoopback;
        assert!(settings.check_exposure().unwrap_err().contains("CAREBOX_WEBHOOKS_TO_LOOPBACK"));
    }
}
