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

pub fn fuzz() -> Result {
    let st = ensure_schemathesis()?;
    let out = root().join("target/fuzz");
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    // One client sends everything: the abuse limits, which their own tests prove, would turn
    // most generated complaints into 429s and hide what the handlers do.
    let env = [("CAREBOX_COMPLAINT_LIMIT_PER_SHOPPER", "100000/3600"), ("CAREBOX_COMPLAINT_LIMIT_PER_CLIENT", "100000/3600")];
    let server = RunningServer::start_demo(&out, false, &env)?;
    let config = out.join("schemathesis.toml");
    let token = anna_token()?;
    fs::write(
        &config,
        format!(
            "[auth.openapi.secret_key]\nbearer = \"sk_demo_northwind_local_only\"\n\n\
             [auth.openapi.shopper_token]\nbearer = \"{token}\"\n\n\
             [parameters]\n\"query.key\" = \"pk_demo_northwind\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let report = out.join("report.txt");
    let output = Command::new(&st)
        .current_dir(&out)
        .arg("--config-file")
        .arg(&config)
        .args(["run", &format!("{}/openapi.json", server.url), "--checks", "all", "--max-examples", MAX_EXAMPLES])
        .args(["--workers", "2", "--no-color", "--seed", "1"])
        .output()
        .map_err(|e| format!("{}: {e}", st.display()))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    fs::write(&report, &text).map_err(|e| e.to_string())?;
    let summary = text.lines().skip_while(|line| !line.contains("SUMMARY")).collect::<Vec<_>>().join("\n");
    println!("{summary}\nfull report: {}", report.display());
    if output.status.success() { Ok(()) } else { Err(format!("schemathesis found failures; see {}", report.display())) }
}
