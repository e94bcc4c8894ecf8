//! `session`: shows how a session resolves its settings, profiles and credentials.
//!
//! ```text
//! session config      [--profile P] [--json]
//! session profiles    [--json] [--reveal]
//! session credentials [--profile P] [--json] [--reveal]
//! session endpoint S  [--profile P] [--region R] [--param K=V ...] [--json]
//! session resources S [--json]
//! session cp SRC DST [--recursive] [--part-size N] [--concurrency N] [--checksum A] [--resume F]
//! session sync SRC DST [--dry-run] [--compare size-mtime|checksum]
//! ```
//!
//! Reads the real environment and files. Exit codes: 0 success, 1 the configuration is
//! unusable (unknown profile, bad value, no credentials), 2 a malformed file or bad usage.

mod args;
mod commands;
mod endpoint;
mod json;
mod resources;
mod transfer;

use std::io::{self, Write};
use std::process::ExitCode;

use args::{Args, Command};

fn main() -> ExitCode {
    // `cp` and `sync` parse their own options (see transfer/args.rs).
    let mut argv = std::env::args().skip(1);
    if let Some(cmd @ ("cp" | "sync")) = std::env::args().nth(1).as_deref() {
        argv.next();
        return transfer::main(cmd, argv.collect());
    }
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(usage_error) => {
            eprintln!("session: {usage_error}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match &args.command {
        Command::Help => Ok(args::USAGE.to_owned() + "\n"),
        Command::Config => commands::config(&args),
        Command::Profiles => commands::profiles(&args),
        Command::Credentials => commands::credentials(&args),
        Command::Endpoint(service) => endpoint::run(&args, service),
        Command::Resources(service) => resources::run(&args, service),
    };
    match result {
        Ok(text) => {
            // A closed pipe (`session config | head`) is not an error worth reporting.
            let mut out = io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("session: error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
