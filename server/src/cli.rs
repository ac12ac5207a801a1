//! The server binary's command line. `serve` (the default) runs Carebox; the other commands
//! set a shop up without SQL: create a merchant (its keys are printed once), rotate its secret
//! key with a grace period, add staff. Every command has `--help`.

use std::time::Duration;

use carebox_contract::{Email, PublishableKey, Timestamp};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::Store;
use crate::domain::staff::{DisplayName, Password, Role};
use crate::domain::token::random_hex;
use crate::storage::{MerchantSettings, NewMerchant, NewStaff, StaffWriteError};

#[derive(Debug, Parser)]
#[command(
    name = "carebox-server",
    version,
    about = "Carebox: the customer-service widget's server and its set-up commands",
    after_help = settings_help()
)]
pub struct Cli {
    /// A TOML file of settings (keys as below without CAREBOX_, in lower case:
    /// `database_url = "postgres://…"`); the environment wins over it.
    #[arg(long, global = true, env = "CAREBOX_CONFIG", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The settings `serve` reads, as `--help` lists them.
pub fn settings_help() -> String {
    let mut help = String::from("Settings (environment variable, or the settings file's key in lower case without CAREBOX_):\n");
    for setting in crate::config::SETTINGS {
        help.push_str(&format!("  {:<38} {}\n  {:<38}   default: {}\n", setting.env, setting.about, "", setting.default));
    }
    help
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API, the widget's files and (with CAREBOX_DEMO_DIR) the demo shop [default].
    /// Configured by the settings below, from the environment or `--config FILE`.
    #[command(after_help = settings_help())]
    Serve,
    /// Copy an SQLite database while it is in use into a new file (VACUUM INTO), then exit.
    Backup {
        /// The new file (it must not exist yet).
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
        #[command(flatten)]
        database: Database,
    },
    /// Ask the server running on this machine (at CAREBOX_ADDR) whether it is ready or alive:
    /// exit 0 if so, 1 if not; for a container's HEALTHCHECK, which has no curl.
    Probe {
        #[arg(long, value_enum, default_value = "ready")]
        check: ProbeCheck,
    },
    /// Create or update the database's tables, then exit (serve does it too).
    Migrate(Database),
    /// Create a shop and rotate its keys.
    #[command(subcommand)]
    Merchant(MerchantCommand),
    /// Give people access to a shop's support.
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Debug, Args)]
pub struct Database {
    /// The database: sqlite://path.db or postgres://… [default: the settings file's
    /// database_url, else sqlite://data/carebox.db]
    #[arg(long = "database", env = "CAREBOX_DATABASE_URL", hide_env_values = true, value_name = "URL")]
    pub url: Option<String>,
}

impl Database {
    fn url(&self) -> &str {
        self.url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }
}

const DEFAULT_DATABASE_URL: &str = "sqlite://data/carebox.db";

impl Command {
    /// The database a set-up command works on, when it names none itself.
    fn database_mut(&mut self) -> Option<&mut Database> {
        match self {
            Command::Serve | Command::Probe { .. } => None,
            Command::Backup { database, .. } | Command::Migrate(database) => Some(database),
            Command::Merchant(MerchantCommand::Create { database, .. } | MerchantCommand::RotateKeys { database, .. }) => Some(database),
            Command::Staff(StaffCommand::Add { database, .. }) => Some(database),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum MerchantCommand {
    /// Create a shop; prints its id and keys (the secret key is shown only this once).
    Create {
        /// The shop's name, as shoppers see it in the widget (1 to 80 characters).
        #[arg(long)]
        name: String,
        /// An origin the widget is embedded on, e.g. https://shop.example (repeat for several).
        #[arg(long = "origin", required = true, value_name = "ORIGIN")]
        origins: Vec<String>,
        #[command(flatten)]
        database: Database,
    },
    /// Give a shop a new secret key; the old one keeps working for the grace period.
    RotateKeys {
        /// The shop's id (printed by `merchant create`).
        #[arg(long)]
        merchant: String,
        /// How long the old secret key still works: 0s, 30m, 24h, 7d…
        #[arg(long, default_value = "24h", value_parser = parse_grace)]
        grace: Duration,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProbeCheck {
    /// `/readyz`: the database answers and is migrated.
    Ready,
    /// `/healthz`: the process answers.
    Alive,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Everything, settings and keys included.
    Owner,
    /// Answers shoppers: the inbox, orders, reports; no settings or keys.
    Agent,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a member of staff; prints a generated password unless one comes on stdin.
    Add {
        /// The shop's id.
        #[arg(long)]
        merchant: String,
        /// What they sign in with (one account per address).
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The name shoppers see on replies (default: the part of the e-mail before @, capitalised).
        #[arg(long)]
        name: Option<String>,
        /// Read the password (12 characters or more) from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        database: Database,
    },
}

/// A failed command: what to print, and the exit code (2: the input, 1: everything else).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 2 }
    }
    fn runtime(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
}

fn parse_grace(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("{raw:?} is not a duration like 0s, 30m, 24h or 7d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{raw:?} is not a duration like 0s, 30m, 24h or 7d")),
    };
    let grace = Duration::from_secs(number.saturating_mul(seconds));
    if grace > Duration::from_secs(30 * 86_400) {
        return Err("a grace period is at most 30d: an old secret should not live on".into());
    }
    Ok(grace)
}

/// `https://shop.example` from what an operator types (see [`ShopOrigin::parse`]).
pub fn parse_origin(raw: &str) -> Result<String, String> {
    crate::domain::origin::ShopOrigin::parse(raw, "--origin")
        .map(|origin| origin.as_str().to_owned())
        .map_err(|_| format!("{raw:?} is not an origin like https://shop.example (scheme, host and port only)"))
}

async fn connect(database: &Database) -> Result<Store, Failure> {
    Store::connect(database.url()).await.map_err(|e| Failure::runtime(format!("database {}: {e}", database.url())))
}

async fn probe(check: ProbeCheck, config: Option<&std::path::Path>) -> Result<String, Failure> {
    let addr = crate::config::listen_addr(config).map_err(Failure::input)?;
    let addr: std::net::SocketAddr = addr.parse().map_err(|_| Failure::input(format!("CAREBOX_ADDR {addr:?} is not an address:port")))?;
    // A server listening on every interface is asked on loopback.
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    let path = match check {
        ProbeCheck::Ready => "/readyz",
        ProbeCheck::Alive => "/healthz",
    };
    let url = format!("http://{host}:{}{path}", addr.port());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().map_err(|e| Failure::runtime(e.to_string()))?;
    match client.get(&url).send().await {
        Ok(response) if response.status().is_success() => Ok(format!("{url}: {}", response.status())),
        Ok(response) => Err(Failure::runtime(format!("{url}: {}", response.status()))),
        Err(error) => Err(Failure::runtime(format!("{url}: {error}"))),
    }
}

fn now() -> Timestamp {
    use crate::clock::Clock;
    crate::clock::SystemClock.now()
}

/// Runs a command other than `serve`; answers what to print on success. A command naming no
/// database (neither `--database` nor `CAREBOX_DATABASE_URL`) uses the settings file's.
pub async fn run_command(mut command: Command, config: Option<&std::path::Path>) -> Result<String, Failure> {
    if let Some(database) = command.database_mut()
        && database.url.is_none()
    {
        database.url = Some(crate::config::database_url(config).map_err(Failure::input)?);
    }
    match command {
        Command::Serve => unreachable!("serve is run by main"),
        Command::Probe { check } => probe(check, config).await,
        Command::Backup { to, database } => {
            let store = connect(&database).await?;
            store.backup_into(&to).await.map_err(|e| Failure::runtime(e.to_string()))?;
            let bytes = std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
            Ok(format!("Backed up {} to {} ({bytes} bytes), a consistent copy taken while it was in use.", database.url(), to.display()))
        }
        Command::Migrate(database) => {
            connect(&database).await?;
            Ok(format!("The database at {} is up to date.", database.url()))
        }
        Command::Merchant(MerchantCommand::Create { name, origins, database }) => create_merchant(&name, &origins, &database).await,
        Command::Merchant(MerchantCommand::RotateKeys { merchant, grace, database }) => {
            let store = connect(&database).await?;
            let secret = format!("sk_{}", random_hex(24));
            let until = Timestamp::from_unix_ms(now().unix_ms().saturating_add(grace.as_millis() as i64));
            let rotated = store.rotate_secret_key(&merchant, &secret, until).await.map_err(|e| Failure::runtime(e.to_string()))?;
            if !rotated {
                return Err(Failure::runtime(format!("no merchant has the id {merchant:?}")));
            }
            Ok(format!(
                "New secret key for {merchant} (shown only now; Carebox keeps its hash):\n  secret key  {secret}\n\
                 The previous secret key works until {until} and is refused after; a key rotated before it stops now.",
                until = String::from(until),
            ))
        }
        Command::Staff(StaffCommand::Add { merchant, email, role, name, password_stdin, database }) => {
            let email = Email::parse(&email).map_err(|e| Failure::input(format!("--email: {}", e.message)))?;
            // By default the address's first part, capitalised: `ida@…` signs replies as "Ida".
            let name = name.unwrap_or_else(|| {
                let local = email.as_str().split('@').next().unwrap_or_default();
                let mut letters = local.chars();
                letters.next().map(|first| first.to_uppercase().chain(letters).collect()).unwrap_or_default()
            });
            let display_name = DisplayName::parse(&name).map_err(|e| Failure::input(format!("--name: {}", e.message)))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| Failure::runtime(format!("reading the password: {e}")))?;
                let typed = line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).unwrap_or(&line);
                (Password::parse(typed).map_err(|e| Failure::input(format!("the password: {}", e.message)))?, false)
            } else {
                (Password::generate(), true)
            };
            let role = match role {
                RoleArg::Owner => Role::Owner,
                RoleArg::Agent => Role::Agent,
            };
            let store = connect(&database).await?;
            let hash = password.hash();
            let staff = NewStaff { merchant_id: &merchant, email: &email, display_name: &display_name, role, password_hash: &hash };
            match store.add_staff(staff, now()).await {
                Ok(id) => {
                    let mut done =
                        format!("Added {} ({}) to {merchant} as {}: account {id}.", display_name.as_str(), email.as_str(), role.as_str());
                    if generated {
                        done.push_str(&format!("\nPassword (shown only now; Carebox keeps an argon2id hash):\n  {}", password.reveal()));
                    }
                    Ok(done)
                }
                Err(StaffWriteError::EmailTaken) => Err(Failure::runtime(format!("{} already has an account", email.as_str()))),
                Err(StaffWriteError::UnknownMerchant) => Err(Failure::runtime(format!("no merchant has the id {merchant:?}"))),
                Err(StaffWriteError::Storage(e)) => Err(Failure::runtime(e.to_string())),
            }
        }
    }
}

async fn create_merchant(name: &str, origins: &[String], database: &Database) -> Result<String, Failure> {
    let shop_name = carebox_contract::ShopName::parse(name).map_err(|e| Failure::input(format!("--name: {}", e.message)))?;
    let origins = origins.iter().map(|o| parse_origin(o)).collect::<Result<Vec<_>, _>>().map_err(Failure::input)?;
    let store = connect(database).await?;
    let id = format!("m_{}", random_hex(8));
    let publishable_key = PublishableKey::parse(&format!("pk_{}", random_hex(12))).expect("pk_ and 24 hex digits is a key");
    let secret_key = format!("sk_{}", random_hex(24));
    let shopper_token_secret = format!("sts_{}", random_hex(24));
    let settings = MerchantSettings::for_new_shop();
    store
        .upsert_merchant(NewMerchant {
            id: &id,
            name: shop_name.as_str(),
            publishable_key: &publishable_key,
            secret_key: &secret_key,
            shopper_token_secret: &shopper_token_secret,
            settings: &settings,
            allowed_origins: &origins,
        })
        .await
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let carebox = std::env::var("CAREBOX_PUBLIC_URL").ok().filter(|u| !u.trim().is_empty());
    let carebox = carebox.as_deref().map(|u| u.trim_end_matches('/')).unwrap_or("https://<this Carebox server>");
    Ok(format!(
        "Created {id}, \"{name}\", for {origins}.\n\
         Keys (the secret key is shown only now; Carebox keeps its hash):\n  \
         publishable key       {publishable_key}\n  \
         secret key            {secret_key}\n  \
         shopper-token secret  {shopper_token_secret}\n\
         Put the widget on the shop's pages:\n  \
         <script src=\"{carebox}/carebox.js\" data-key=\"{publishable_key}\" async></script>",
        name = shop_name.as_str(),
        origins = origins.join(", "),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_periods_read_like_durations() {
        assert_eq!(parse_grace("0s").unwrap(), Duration::ZERO);
        assert_eq!(parse_grace("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_grace("7d").unwrap(), Duration::from_secs(7 * 86_400));
        assert!(parse_grace("31d").is_err() && parse_grace("1w").is_err() && parse_grace("h").is_err());
    }
}
