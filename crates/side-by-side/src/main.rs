//! The project's side-by-side comparison: raw hyper (the floor), raw hyper + `aws-sigv4` +
//! serde_json / quick-xml, and aws-session ("ours") doing the same S3 and SQS exchanges with
//! one canned server (recorded moto responses) in a process of its own, each contender in a
//! fresh process per round, five interleaved rounds, medians and ratios to the floor.
//!
//! ```text
//! side-by-side [--rounds N] [--quick] [--json] [--json-file PATH] [--chart PATH]
//! ```
//!
//! Prints the markdown table (or, with `--json`, everything measured) on stdout and writes
//! the chart of the per-call rows as SVG to PATH; `--json-file` also writes the JSON there. Exits 1 if any call failed or the server
//! did not see exactly one request per call. The processes it starts re-execute this binary
//! with `role server`, `role calls WHICH PORT SIZES` or `role client WHICH SERVICE PORT`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

mod calls;
mod chart;
mod clients;
mod contenders;
mod exchange;
mod machine;
mod probe;
mod report;
mod run;
mod rusage;
mod server;
mod stats;

use contenders::{ours::Ours, raw::Raw, signed::Signed, Which};

const USAGE: &str =
    "usage: side-by-side [--rounds N] [--quick] [--json] [--json-file PATH] [--chart PATH]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("role") => role(&args[1..]),
        _ => compare(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("side-by-side: {e}");
            ExitCode::from(2)
        }
    }
}

fn compare(args: &[String]) -> Result<ExitCode, String> {
    let (mut rounds, mut scale, mut json, mut chart) = (5, 1.0, false, None::<PathBuf>);
    let mut json_file = None::<PathBuf>;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--rounds takes a positive number")?;
            }
            "--quick" => scale = 0.1,
            "--json" => json = true,
            "--chart" => chart = Some(it.next().ok_or("--chart takes a path")?.into()),
            "--json-file" => {
                json_file = Some(it.next().ok_or("--json-file takes a path")?.into());
            }
            "-h" | "--help" => {
                println_out(USAGE)?;
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let report = run::run(rounds, calls::Sizes::scaled(scale))?;
    if let Some(path) = &chart {
        chart::write(path, &report)?;
        eprintln!("side-by-side: chart written to {}", path.display());
    }
    let report_json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    if let Some(path) = &json_file {
        std::fs::write(path, format!("{report_json}\n"))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if json {
        println_out(&report_json)?;
    } else {
        println_out(&report.markdown())?;
    }
    Ok(if report.checks.passed() {
        ExitCode::SUCCESS
    } else {
        eprintln!("side-by-side: FAILED: errors or request-count mismatches (see the notes)");
        ExitCode::FAILURE
    })
}

fn role(args: &[String]) -> Result<ExitCode, String> {
    let arg = |i: usize| {
        args.get(i)
            .map(String::as_str)
            .ok_or("missing role argument")
    };
    let which = |i| Which::parse(arg(i)?).ok_or("unknown contender");
    let port = |i| arg(i)?.parse::<u16>().map_err(|_| "bad port");
    match arg(0)? {
        "server" => server::run()?,
        "calls" => {
            let (which, port) = (which(1)?, port(2)?);
            let sizes: calls::Sizes = serde_json::from_str(arg(3)?).map_err(|e| e.to_string())?;
            let report = match which {
                Which::Raw => calls::run(|| Raw::new(port), port, sizes)?,
                Which::Signed => calls::run(|| Ok(Signed::new(port)), port, sizes)?,
                Which::Ours => calls::run(|| Ours::new(port), port, sizes)?,
            };
            println_out(&serde_json::to_string(&report).map_err(|e| e.to_string())?)?;
        }
        "client" => {
            let service = clients::Service::parse(arg(2)?).ok_or("unknown service")?;
            let report = clients::run(which(1)?, service, port(3)?)?;
            println_out(&serde_json::to_string(&report).map_err(|e| e.to_string())?)?;
        }
        other => return Err(format!("unknown role {other:?}")),
    }
    Ok(ExitCode::SUCCESS)
}

fn println_out(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("stdout: {e}"))
}
