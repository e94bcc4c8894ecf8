//! `soak [--calls N] [--concurrency C] [--sample-secs S] [--seed N]`: N SendMessage calls
//! (default 1,000,000) against the in-process faulty server; prints the samples and the
//! checks, and exits non-zero when a check fails.

use std::process::ExitCode;
use std::time::Duration;

use soak::{run, Config, Outcome};

fn parse(args: impl Iterator<Item = String>) -> Result<Config, String> {
    let mut config = Config::default();
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value"))
                .and_then(|v| {
                    v.replace('_', "")
                        .parse::<u64>()
                        .map_err(|e| format!("{flag}: {e}"))
                })
        };
        match flag.as_str() {
            "--calls" => config.calls = value()?,
            "--concurrency" => {
                config.concurrency = usize::try_from(value()?).map_err(|e| e.to_string())?;
            }
            "--sample-secs" => config.sample_every = Duration::from_secs(value()?),
            "--seed" => config.faults.seed = value()?,
            "--help" | "-h" => {
                return Err(
                    "soak [--calls N] [--concurrency C] [--sample-secs S] [--seed N]".to_owned(),
                )
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(config)
}

#[allow(clippy::print_stdout)]
fn report(config: &Config, o: &Outcome) {
    println!(
        "soak: {} SendMessage calls, {} in flight, 1% resets + 1% 503, {} attempts",
        config.calls, config.concurrency, config.max_attempts
    );
    println!();
    println!("| elapsed (s) | calls done | RSS (MiB) | open fds |");
    println!("| ---: | ---: | ---: | ---: |");
    for s in &o.samples {
        #[allow(clippy::cast_precision_loss)]
        let mib = s.rss_kib as f64 / 1024.0;
        println!(
            "| {:.1} | {} | {mib:.1} | {} |",
            s.elapsed.as_secs_f64(),
            s.calls,
            s.fds
        );
    }
    println!();
    println!(
        "{} calls in {:.1} s ({:.0} calls/s): {} succeeded, {} service errors, {} other errors",
        o.counts.finished(),
        o.elapsed.as_secs_f64(),
        o.rate(),
        o.counts.succeeded,
        o.counts.service_errors,
        o.counts.other_errors
    );
    println!(
        "server: {} requests on {} connections, {} resets, {} answered 503",
        o.requests, o.connections, o.resets, o.unavailable
    );
    for v in &o.verdicts {
        println!(
            "{} {}: {}",
            if v.passed { "PASS" } else { "FAIL" },
            v.name,
            v.detail
        );
    }
}

fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&config) {
        Ok(outcome) => {
            report(&config, &outcome);
            if outcome.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("soak: {e}");
            ExitCode::FAILURE
        }
    }
}
