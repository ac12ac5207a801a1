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
pub(crate) fn ensure_schemathesis() -> Result<PathBuf> {
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

/// The demo's complaint tickets, as its merchant lists them (they are made at seeding).
fn demo_tickets(base_url: &str) -> Result<Vec<String>> {
    let script = format!(
        "import json,urllib.request\n\
         r=urllib.request.Request('{base_url}/v1/merchant/complaints',headers={{'Authorization':'Bearer sk_demo_northwind_local_only'}})\n\
         print('\\n'.join(c['ticket'] for c in json.load(urllib.request.urlopen(r))))"
    );
    let tickets = crate::process::output(Command::new("python3").args(["-c", &script])).ok_or("could not list the demo's complaints")?;
    let tickets: Vec<String> = tickets.lines().map(str::to_owned).collect();
    if tickets.is_empty() { Err("the demo has no complaints to fuzz with".into()) } else { Ok(tickets) }
}

/// Rules that span fields or stored state, which JSON Schema cannot say: there a request valid
/// field by field may also get this one refusal (each operation's description states the rule).
/// Everything else must hold.
const CROSS_FIELD_RULES: [(&str, &str, &str); 8] = [
    ("POST /v1/complaints", "422", "Item positions must exist in the order the token opens."),
    ("POST /v1/orders/lookup", "422", "Which proof goes with the number (e-mail or postcode) is the shop's setting."),
    ("PUT /v1/merchant/loyalty/tiers", "422", "The first tier starts at 0 points, thresholds rise, ids are unique, 1 to 10 tiers."),
    ("POST /v1/merchant/orders/{number}/events", "422", "`expected_delivery` only with `delayed`, `shipment` only with `shipped`."),
    (
        "POST /v1/merchant/webhooks",
        "422",
        "The host must be public (a private or loopback literal is refused), the URL well-formed beyond a pattern.",
    ),
    ("GET /v1/merchant/csat/metrics", "400", "`from` is on or before `to` (default today) and the range is at most 366 days."),
    ("GET /v1/merchant/csat/answers", "400", "`from` is on or before `to` (default today) and the range is at most 366 days."),
    ("GET /v1/merchant/reports/support", "400", "`from` is on or before `to` (default today) and the range is at most 366 days."),
];

/// The statuses a schema-valid request may get, and `extra`.
fn accepted(extra: &str) -> String {
    format!(r#"checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "{extra}"]"#)
}

/// A console session of the demo shop's owner: the cookie's token and the CSRF token.
fn owner_session(base_url: &str) -> Result<(String, String)> {
    let script = format!(
        "import json,urllib.request\n\
         body=json.dumps({{'email':'owner@northwind.example','password':'northwind-owner-local-only'}}).encode()\n\
         r=urllib.request.urlopen(urllib.request.Request('{base_url}/v1/console/session',data=body,headers={{'Content-Type':'application/json'}}))\n\
         cookie=r.headers['Set-Cookie'].split(';')[0].split('=',1)[1]\n\
         print(cookie, json.load(r)['csrf_token'])"
    );
    let printed = crate::process::output(Command::new("python3").args(["-c", &script])).ok_or("could not sign the demo owner in")?;
    let mut parts = printed.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(cookie), Some(csrf)) => Ok((cookie.to_owned(), csrf.to_owned())),
        _ => Err(format!("unexpected sign-in answer: {printed}")),
    }
}

/// schemathesis's configuration: credentials, real data for half of the values where made-up
/// ones would only meet 404s (Anna's orders and tickets), and the rules JSON Schema cannot say.
fn configuration(token: &str, tickets: &[String], (session, csrf): &(String, String)) -> String {
    let quoted = |values: &[String]| values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
    let subjects: Vec<String> =
        tickets.iter().map(|t| format!("complaint:{t}")).chain(["order:NW-1001".into(), "order:NW-1003".into()]).collect();
    let (tickets, subjects) = (quoted(tickets), quoted(&subjects));
    let real = |location: &str, dictionary: &str| format!("{{ \"{location}\" = {{ dictionary = \"{dictionary}\", probability = 0.5 }} }}");
    let (order_in_path, order_in_body) = (real("path.number", "orders"), real("body.order_number", "orders"));
    let (ticket_in_path, subject_in_body) = (real("path.ticket", "tickets"), real("body.subject", "subjects"));
    // Where made-up values would only meet 404s, half of them are the demo's real ones.
    let real_data = [
        ("GET /v1/orders/{number}", order_in_path.clone()),
        ("GET /v1/orders/{number}/complaints", order_in_path),
        ("POST /v1/complaints/{ticket}/escalate", ticket_in_path),
        ("POST /v1/merchant/csat/links", subject_in_body),
        ("POST /v1/complaints", order_in_body),
    ];
    let with_real_data: Vec<&str> = real_data.iter().map(|(name, _)| *name).collect();
    let mut operations = String::new();
    for (name, parameters) in real_data {
        operations.push_str(&format!("[[operations]]\ninclude-name = \"{name}\"\nparameters = {parameters}\n"));
        if let Some((_, status, rule)) = CROSS_FIELD_RULES.iter().find(|(operation, ..)| *operation == name) {
            operations.push_str(&format!("# {rule}\n{}\n", accepted(status)));
        }
        operations.push('\n');
    }
    for (name, status, rule) in CROSS_FIELD_RULES.iter().filter(|(operation, ..)| !with_real_data.contains(operation)) {
        operations.push_str(&format!("# {rule}\n[[operations]]\ninclude-name = \"{name}\"\n{}\n\n", accepted(status)));
    }
    format!(
        r#"[auth.openapi.secret_key]
bearer = "sk_demo_northwind_local_only"

[auth.openapi.shopper_token]
bearer = "{token}"

# The console's calls: the owner's session cookie, and its CSRF token on every request (as the
# console sends it on changes).
[auth.openapi.console_session]
api_key = "{session}"

[headers]
X-CSRF-Token = "{csrf}"

[parameters]
"query.key" = "pk_demo_northwind"

[dictionaries.orders]
values = ["NW-1001", "NW-1003", "NW-1004"]

[dictionaries.tickets]
values = [{tickets}]

[dictionaries.subjects]
values = [{subjects}]

# Rotating the secret key twice would end the key this run authenticates with; the rotation's
# own tests (server/tests/api/console_api.rs, tests/e2e/onboarding.test.mjs) cover it.
[[operations]]
include-name = "POST /v1/merchant/keys/secret"
enabled = false

{operations}"#
    )
}

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
    let session = owner_session(&server.url)?;
    fs::write(&config, configuration(&anna_token()?, &demo_tickets(&server.url)?, &session)).map_err(|e| e.to_string())?;
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
