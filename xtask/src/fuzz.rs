//! `cargo xtask fuzz`: schemathesis (from PyPI) generates requests from the server's own
//! OpenAPI document and runs every one of its checks against the real server on loopback:
//! no 5xx, answers the document lists, schemas that match, refusals where the document says
//! a request is invalid, acceptance where it says one is valid. Prints the counts.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::process::run;
use crate::serve::RunningServer;
use crate::{Result, root};

const SCHEMATHESIS: &str = "4.32.5";
/// Examples per operation and phase: enough to find what a stranger's script finds, bounded so
/// a run stays within a minute or two on two cores.
const MAX_EXAMPLES: &str = "20";

/// The virtual environment with schemathesis, made once under `target/tools`.
fn ensure_schemathesis() -> Result<PathBuf> {
    let venv = root().join(format!("target/tools/schemathesis-{SCHEMATHESIS}"));
    let st = venv.join("bin/st");
    if !st.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("schemathesis=={SCHEMATHESIS}")]))?;
    }
    Ok(st)
}

/// A shopper token for the demo's Anna, signed as the demo shop's backend signs them.
fn anna_token() -> Result<String> {
    let exp = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs() + 3600;
    let script = format!(
        "import base64,hashlib,hmac,json\n\
         b=lambda x: base64.urlsafe_b64encode(x).rstrip(b'=').decode()\n\
         h=b(json.dumps({{'alg':'HS256','typ':'JWT'}}).encode())\n\
         c=b(json.dumps({{'sub':'shopper-anna','email':'anna@example.com','exp':{exp}}}).encode())\n\
         s=b(hmac.new(b'demo_shopper_token_secret_local_only',(h+'.'+c).encode(),hashlib.sha256).digest())\n\
         print(h+'.'+c+'.'+s)"
    );
    crate::process::output(Command::new("python3").args(["-c", &script]))
        .map(|t| t.trim().to_owned())
        .ok_or("could not sign a shopper token".into())
}

/// Operations whose refusals depend on more than one value, or on stored state, which JSON
/// Schema cannot say: a request valid field by field may still be refused there, with the
/// status named (the rule is in each operation's description). Everything else must hold.
const CROSS_FIELD_RULES: &str = r#"
# Item positions must exist in the order the token opens.
[[operations]]
include-name = "POST /v1/complaints"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "422"]

# Which proof goes with the number (e-mail or postcode) is the shop's setting.
[[operations]]
include-name = "POST /v1/orders/lookup"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "422"]

# The first tier starts at 0 points, thresholds rise, ids are unique, 1 to 10 tiers.
[[operations]]
include-name = "PUT /v1/merchant/loyalty/tiers"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "422"]

# `expected_delivery` only with `delayed`, `shipment` only with `shipped`.
[[operations]]
include-name = "POST /v1/merchant/orders/{number}/events"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "422"]

# The host must be a public address (a private or loopback literal is refused) and the URL
# well-formed beyond what a pattern can say.
[[operations]]
include-name = "POST /v1/merchant/webhooks"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "422"]

# `from` is on or before `to` (default today) and the range is at most 366 days.
[[operations]]
include-name = "GET /v1/merchant/csat/metrics"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "400"]

[[operations]]
include-name = "GET /v1/merchant/csat/answers"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "400"]
"#;

pub fn fuzz(args: &[String]) -> Result {
    let option = |name: &str, default: &str| -> Result<String> {
        match args.iter().position(|a| a == name) {
            None => Ok(default.to_owned()),
            Some(i) => match args.get(i + 1).filter(|v| v.parse::<u64>().is_ok()) {
                Some(value) => Ok(value.clone()),
                None => Err(format!("{name} takes a whole number")),
            },
        }
    };
    let (seed, examples) = (option("--seed", "1")?, option("--examples", MAX_EXAMPLES)?);
    let st = ensure_schemathesis()?;
    let out = root().join("target/fuzz");
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    // One client sends everything: the abuse limits, which their own tests prove, would turn
    // most generated complaints into 429s and hide what the handlers do. Generated webhook
    // endpoints are public names: deliveries stay queued, so nothing leaves this machine.
    let env = [
        ("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "100000/3600"),
        ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "100000/3600"),
        ("CAREBOX_WEBHOOK_SENDER", "0"),
    ];
    let server = RunningServer::start_demo(&out, false, &env)?;
    let config = out.join("schemathesis.toml");
    let token = anna_token()?;
    fs::write(
        &config,
        format!(
            "[auth.openapi.secret_key]\nbearer = \"sk_demo_northwind_local_only\"\n\n\
             [auth.openapi.shopper_token]\nbearer = \"{token}\"\n\n\
             [parameters]\n\"query.key\" = \"pk_demo_northwind\"\n\n{CROSS_FIELD_RULES}"
        ),
    )
    .map_err(|e| e.to_string())?;
    let report = out.join("report.txt");
    let output = Command::new(&st)
        .current_dir(&out)
        .arg("--config-file")
        .arg(&config)
        .args(["run", &format!("{}/openapi.json", server.url), "--checks", "all", "--max-examples", &examples])
        // One worker: CPython 3.11 (Debian's, and this machine's) can fail parsing source in two
        // threads at once ("AST constructor recursion depth mismatch") inside Hypothesis.
        .args(["--workers", "1", "--no-color", "--seed", &seed])
        .output()
        .map_err(|e| format!("{}: {e}", st.display()))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    fs::write(&report, &text).map_err(|e| e.to_string())?;
    let summary = text.lines().skip_while(|line| !line.contains("SUMMARY")).collect::<Vec<_>>().join("\n");
    println!("{summary}\nfull report: {}", report.display());
    if output.status.success() { Ok(()) } else { Err(format!("schemathesis found failures; see {}", report.display())) }
}
