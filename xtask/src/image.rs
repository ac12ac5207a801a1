//! `cargo xtask image`: the files of the container image's final stage, in
//! `target/image/rootfs` (the Dockerfile's build stage runs this and copies that folder to `/`),
//! then checked as the image would run them, where no container runtime exists: the
//! Dockerfile's final stage is read (its user, its `COPY`, its `ENV` and entry point) and the
//! binary from the folder is started with that environment (paths mapped into the folder, the
//! address kept on loopback) and asked for what a deployment needs: ready, the widget, the
//! console, the API reference, metrics, its own health probe.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{cargo, run};
use crate::{Result, dist, root};

/// Where the final stage's files are assembled, as the Dockerfile copies them.
const ROOTFS: &str = "target/image/rootfs";
const BINARY: &str = "usr/local/bin/carebox-server";
const BUNDLE: &str = "srv/carebox/dist";

/// `cargo xtask image`: bundle, release binary, the folder, and its check.
pub fn image() -> Result {
    dist::dist()?;
    let rootfs = assemble()?;
    check(&rootfs)
}

/// Builds the release server and lays out the final stage's files (the bundle must be built).
pub fn assemble() -> Result<PathBuf> {
    let root = root();
    run(cargo().current_dir(&root).args(["build", "--release", "--package", "carebox-server"]))?;
    let rootfs = root.join(ROOTFS);
    if rootfs.exists() {
        fs::remove_dir_all(&rootfs).map_err(|e| format!("{}: {e}", rootfs.display()))?;
    }
    let binary = rootfs.join(BINARY);
    fs::create_dir_all(binary.parent().unwrap()).map_err(|e| e.to_string())?;
    fs::copy(root.join("target/release/carebox-server"), &binary).map_err(|e| format!("copying the server: {e}"))?;
    copy_tree(&root.join("dist"), &rootfs.join(BUNDLE))?;
    Ok(rootfs)
}

fn copy_tree(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e} (run `cargo xtask dist` first)", from.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The final stage of a Dockerfile: what `check` holds the folder to.
#[derive(Debug, Default)]
struct FinalStage {
    user: Option<String>,
    copies_rootfs: bool,
    env: Vec<(String, String)>,
    entrypoint: Option<String>,
}

fn final_stage(dockerfile: &str) -> FinalStage {
    let mut stage = FinalStage::default();
    for line in dockerfile.lines().map(str::trim).filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (instruction, rest) = line.split_once(' ').unwrap_or((line, ""));
        match instruction.to_ascii_uppercase().as_str() {
            "FROM" => stage = FinalStage::default(),
            "USER" => stage.user = Some(rest.trim().to_owned()),
            "COPY" => stage.copies_rootfs |= rest.starts_with("--from=build") && rest.contains(&format!("{ROOTFS}/ /")),
            "ENV" => {
                if let Some((key, value)) = rest.trim().split_once('=') {
                    stage.env.push((key.to_owned(), value.to_owned()));
                }
            }
            "ENTRYPOINT" => stage.entrypoint = rest.trim().trim_start_matches("[\"").split('"').next().map(str::to_owned),
            _ => {}
        }
    }
    stage
}

/// Runs the folder's binary as the image's final stage would, and asks it what a deployment needs.
pub fn check(rootfs: &Path) -> Result {
    let root = root();
    let dockerfile = fs::read_to_string(root.join("Dockerfile")).map_err(|e| format!("Dockerfile: {e}"))?;
    let stage = final_stage(&dockerfile);
    let user = stage.user.as_deref().ok_or("the final stage names no USER: it would run as root")?;
    if ["root", "0"].contains(&user.split(':').next().unwrap_or_default()) {
        return Err(format!("the final stage runs as {user}: it must not be root"));
    }
    if !stage.copies_rootfs {
        return Err(format!("the final stage does not COPY --from=build …/{ROOTFS}/ / (what this check runs)"));
    }
    let entrypoint = stage.entrypoint.as_deref().ok_or("the final stage has no ENTRYPOINT")?;
    let binary = rootfs.join(entrypoint.trim_start_matches('/'));
    if !binary.is_file() {
        return Err(format!("the ENTRYPOINT {entrypoint} is not in the image's files"));
    }
    let data = root.join("target/image/data");
    if data.exists() {
        fs::remove_dir_all(&data).map_err(|e| e.to_string())?;
    }
    fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    // The image's environment, its paths inside the folder; it listens on every interface,
    // this check on loopback only.
    let mut env: Vec<(String, String)> = Vec::new();
    for (key, value) in &stage.env {
        let value = match key.as_str() {
            "CAREBOX_ADDR" => "127.0.0.1:0".to_owned(),
            "CAREBOX_DATABASE_URL" => {
                let path = value.strip_prefix("sqlite://").ok_or(format!("the image's database {value} is not an SQLite file"))?;
                format!("sqlite://{}", data.join(Path::new(path).file_name().unwrap_or_default()).display())
            }
            _ if value.starts_with('/') => {
                let inside = rootfs.join(value.trim_start_matches('/'));
                if !inside.exists() {
                    return Err(format!("{key}={value}: not in the image's files"));
                }
                inside.display().to_string()
            }
            _ => value.clone(),
        };
        env.push((key.clone(), value));
    }
    // Required beyond loopback, as compose.yaml requires it of the operator.
    env.push(("CAREBOX_PUBLIC_URL".into(), "https://help.example.test".into()));
    let mut server = Command::new(&binary)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .arg("serve")
        .current_dir(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", binary.display()))?;
    let outcome = ask(&mut server, &binary, &env);
    let _ = server.kill();
    let _ = server.wait();
    outcome?;

    let size = |path: &Path| folder_size(path);
    let (binary_size, bundle_size) = (size(&binary), size(&rootfs.join(BUNDLE)));
    println!(
        "image's files: server {:.1} MiB, bundles {:.1} MiB, {:.1} MiB in all (plus debian:bookworm-slim); runs as {user}",
        binary_size as f64 / 1048576.0,
        bundle_size as f64 / 1048576.0,
        (binary_size + bundle_size) as f64 / 1048576.0
    );
    Ok(())
}

fn ask(server: &mut std::process::Child, binary: &Path, env: &[(String, String)]) -> Result {
    // JSON logs (the image's CAREBOX_LOG_FORMAT): the listening line carries the address.
    let stdout = server.stdout.take().ok_or("no stdout")?;
    let (found, listening) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
            if !line.starts_with('{') {
                let _ = found.send(Err(format!("a log line that is not JSON: {line}")));
                return;
            }
            if line.contains("\"Carebox listening\"")
                && let Some(url) = line.split("\"url\":\"").nth(1).and_then(|rest| rest.split('"').next())
            {
                let _ = found.send(Ok(url.to_owned()));
            }
        }
    });
    let url = listening.recv_timeout(Duration::from_secs(30)).map_err(|_| "the image's server did not start within 30 s")??;
    let addr = url.trim_start_matches("http://").to_owned();
    let expect = |path: &str, status: u16, contains: &str| -> Result {
        let (got, body) = get(&addr, path)?;
        if got != status || !body.contains(contains) {
            return Err(format!("GET {path}: {got}, expected {status} with {contains:?}"));
        }
        println!("  image: GET {path} → {got}");
        Ok(())
    };
    expect("/readyz", 200, "ready")?;
    expect("/carebox.js", 200, "carebox")?;
    expect("/console/", 200, "<html")?;
    expect("/docs/", 200, "Carebox API reference")?;
    expect("/metrics", 200, "carebox_http_requests_total")?;
    let probe = Command::new(binary)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("CAREBOX_ADDR", &addr)
        .arg("probe")
        .output()
        .map_err(|e| e.to_string())?;
    if !probe.status.success() {
        return Err(format!("the HEALTHCHECK (carebox-server probe) failed: {}", String::from_utf8_lossy(&probe.stderr)));
    }
    println!("  image: HEALTHCHECK carebox-server probe → {}", String::from_utf8_lossy(&probe.stdout).trim());
    Ok(())
}

/// A plain HTTP/1.1 GET on loopback: status and body.
fn get(addr: &str, path: &str) -> Result<(u16, String)> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connecting to {addr}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(|e| format!("GET {path}: {e} after {:?}", started.elapsed()))?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(format!("GET {path}: no status"))?;
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    Ok((status, body))
}

fn folder_size(path: &Path) -> u64 {
    if path.is_file() {
        return fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    }
    fs::read_dir(path).map(|entries| entries.filter_map(|e| e.ok()).map(|e| folder_size(&e.path())).sum()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repositorys_dockerfile_runs_the_assembled_files_as_a_user() {
        let stage = final_stage(&fs::read_to_string(root().join("Dockerfile")).unwrap());
        assert_eq!(stage.user.as_deref(), Some("10001:10001"));
        assert!(stage.copies_rootfs);
        assert_eq!(stage.entrypoint.as_deref(), Some("/usr/local/bin/carebox-server"));
        assert!(stage.env.iter().any(|(k, v)| k == "CAREBOX_WIDGET_DIR" && v == "/srv/carebox/dist"));
    }

    #[test]
    fn only_the_last_stage_counts() {
        let stage = final_stage("FROM a AS build\nUSER 10001\nENV X=1\nFROM b\nCOPY x y\n");
        assert_eq!(stage.user, None, "the build stage's user is not the image's");
        assert!(stage.env.is_empty() && !stage.copies_rootfs);
    }
}
