//! Running commands with their output visible and their failure explained.

use std::cell::RefCell;
use std::fs::{self, File};
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use crate::Result;

thread_local! {
    /// Where this thread's commands write, when it works in the background (see [`logged`]).
    static LOG: RefCell<Option<File>> = const { RefCell::new(None) };
}

/// Runs `command` to completion, inheriting stdio (or writing to this thread's log, see
/// [`logged`]); a non-zero exit is an error naming it.
pub fn run(command: &mut Command) -> Result {
    let shown = describe(command);
    let log = LOG.with_borrow(|log| log.as_ref().map(File::try_clone));
    match log {
        Some(log) => {
            let log = log.map_err(|e| format!("log for `{shown}`: {e}"))?;
            writeln!(&log, "$ {shown}").map_err(|e| e.to_string())?;
            command.stdout(log.try_clone().map_err(|e| e.to_string())?).stderr(log);
        }
        None => println!("$ {shown}"),
    }
    let status = command.status().map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
}

/// Runs independent `commands`, as many at once as the machine has cores (each wasm-opt or
/// terser run is one single-threaded process, mostly spent starting up); any failures are
/// reported together once all have finished.
pub fn run_all(commands: Vec<Command>) -> Result {
    let workers = std::thread::available_parallelism().map_or(2, |cores| cores.get()).min(commands.len().max(1));
    let queue = std::sync::Mutex::new(commands.into_iter());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).next();
                    let Some(mut command) = next else { break };
                    if let Err(failure) = run(&mut command) {
                        failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(failure);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n")) }
}

/// Runs `work` on a thread of its own whose commands write to `log` instead of the terminal
/// (set-up steps that wait on the network run beside ones that keep the CPU busy). Joining
/// gives its result, with the log's tail when it failed.
pub fn logged(log: PathBuf, work: impl FnOnce() -> Result + Send + 'static) -> std::thread::JoinHandle<Result> {
    std::thread::spawn(move || {
        let file = log.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| File::create(&log));
        let file = file.map_err(|e| format!("{}: {e}", log.display()))?;
        LOG.with_borrow_mut(|slot| *slot = Some(file));
        work().map_err(|e| {
            let text = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
            format!("{e}\n(the last lines of {}:)\n{}", log.display(), tail.join("\n"))
        })
    })
}

/// Runs `command` and returns its trimmed stdout, or `None` if it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn describe(command: &Command) -> String {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    shown
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_commands_write_to_their_log_and_a_failure_shows_its_tail() {
        let dir = crate::root().join("target/test-logged");
        let fine = logged(dir.join("fine.log"), || run(Command::new("sh").args(["-c", "echo quietly here"])));
        assert_eq!(fine.join().unwrap(), Ok(()));
        let written = fs::read_to_string(dir.join("fine.log")).unwrap();
        assert!(written.contains("$ sh -c echo quietly here") && written.contains("quietly here\n"), "{written}");

        let broken = logged(dir.join("broken.log"), || run(Command::new("sh").args(["-c", "echo what went wrong >&2; exit 3"])));
        let error = broken.join().unwrap().unwrap_err();
        assert!(error.contains("failed") && error.contains("what went wrong") && error.contains("broken.log"), "{error}");
    }
}
