//! The parent process: starts the canned server, runs the interleaved rounds (each
//! contender's per-call process, then each contender's client processes), and collects
//! medians, ratios and checks.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use serde::de::DeserializeOwned;

use crate::calls::{CallsReport, Sizes, Timed};
use crate::clients::{ClientReport, Service};
use crate::contenders::Which;
use crate::machine::{self, Machine};
use crate::report::{self, Checks, Report, Samples};
use crate::rusage;

/// The canned server's process; killed (it serves forever) and reaped on drop.
struct ServerProcess {
    child: Child,
    port: u16,
}

impl ServerProcess {
    fn start() -> Result<Self, String> {
        let mut child = self_command()?
            .args(["role", "server"])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("server without stdout")?;
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("server port: {e}"))?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| format!("server said {line:?}, not a port"))?;
        Ok(Self { child, port })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn self_command() -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
    Ok(Command::new(exe))
}

/// Runs a child role; parses the JSON it prints.
fn child<T: DeserializeOwned>(args: &[&str]) -> Result<(T, rusage::Finished), String> {
    let finished = rusage::run(self_command()?.args(args))?;
    let parsed = serde_json::from_str(finished.stdout.trim())
        .map_err(|e| format!("{args:?} printed {:?}: {e}", finished.stdout))?;
    Ok((parsed, finished))
}

/// Everything measured, in rounds.
///
/// # Errors
/// A process cannot be started or fails, or prints something unexpected. Failed calls and
/// count mismatches are not errors here: they are in the report's checks.
pub(crate) fn run(rounds: usize, sizes: Sizes) -> Result<Report, String> {
    let mut machine = Machine::now();
    let server = ServerProcess::start()?;
    let port = server.port.to_string();
    let sizes_json = serde_json::to_string(&sizes).map_err(|e| e.to_string())?;
    let mut samples = Samples::default();
    let mut s3_clone = Samples::default();
    let mut checks = Checks::default();
    for round in 1..=rounds {
        for which in Which::ALL {
            eprintln!(
                "side-by-side: round {round}/{rounds}: {} per-call rows",
                which.name()
            );
            let (calls, finished): (CallsReport, _) =
                child(&["role", "calls", which.name(), &port, &sizes_json])?;
            let rows = [
                ("sqs_send_message", &calls.send_message),
                ("s3_get_object", &calls.get_object),
                ("s3_put_object", &calls.put_object),
                ("s3_list_objects_v2", &calls.list_objects_v2),
                ("concurrent_cpu", &calls.concurrent),
            ];
            for (key, timed) in rows {
                samples.push(key, which, timed.cpu_us);
                check(&mut checks, which, key, timed, &sizes);
            }
            samples.push("concurrent_rps", which, calls.concurrent.per_second);
            samples.push("peak_rss", which, finished.max_rss as f64 / 1_048_576.0);
        }
        for which in Which::ALL {
            for service in [Service::Sqs, Service::S3] {
                eprintln!(
                    "side-by-side: round {round}/{rounds}: {} {} clients",
                    which.name(),
                    service.name()
                );
                let (client, _): (ClientReport, _) =
                    child(&["role", "client", which.name(), service.name(), &port])?;
                let (first, next) = match service {
                    Service::Sqs => ("first_sqs_client", "next_sqs_client"),
                    Service::S3 => ("first_s3_client", "next_s3_client"),
                };
                samples.push(first, which, client.first_us);
                samples.push(next, which, client.next_us);
                match service {
                    Service::Sqs => samples.push("client_clone", which, client.clone_ns),
                    Service::S3 => s3_clone.push("client_clone", which, client.clone_ns),
                }
            }
        }
    }
    drop(server);
    machine.finish();
    Ok(Report {
        date: machine::today(),
        machine,
        rounds,
        sizes,
        rows: report::rows(&samples),
        s3_client_clone_ns: report::cells(&s3_clone, "client_clone"),
        checks,
        ours_extra_settings: std::env::var(crate::contenders::ours::EXTRA_SETTINGS_ENV).ok(),
    })
}

fn check(checks: &mut Checks, which: Which, row: &str, timed: &Timed, sizes: &Sizes) {
    checks.errors += timed.errors;
    if checks.first_error.is_none() {
        checks.first_error.clone_from(&timed.first_error);
    }
    match &timed.server_mismatch {
        Some(m) => checks
            .server_mismatches
            .push(format!("{} {row}: {m}", which.name())),
        None => {
            let warmup = match row {
                "s3_list_objects_v2" => (sizes.warmup / 10).max(1),
                "concurrent_cpu" => sizes.warmup.div_ceil(64) * 64,
                _ => sizes.warmup,
            };
            checks.calls_verified += timed.calls + warmup;
        }
    }
}
