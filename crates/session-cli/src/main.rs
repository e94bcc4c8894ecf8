//! `session`: shows how a session resolves its settings, profiles and credentials, and
//! calls any AWS service by name.
//!
//! ```text
//! session config      [--profile P] [--json]
//! session profiles    [--json] [--reveal]
//! session credentials [--profile P] [--json] [--reveal] [--plan]
//! session endpoint S  [--profile P] [--region R] [--param K=V ...] [--json]
//! session resources S [--json]
//! session services    [--json]
//! session describe S [OPERATION] [--json]
//! session call S OPERATION [--input JSON|@FILE] [--region R] [--profile P]
//!                          [--endpoint-url U] [--dry-run] [--paginate]
//! session completions bash|zsh|fish
//! session cp SRC DST [--recursive] [--part-size N] [--concurrency N] [--checksum A] [--resume F]
//! session sync SRC DST [--dry-run] [--compare size-mtime|checksum]
//! ```
//!
//! Reads the real environment and files. Exit codes: 0 success; 1 a service or network
//! error (and, for config, credentials and endpoint, an unusable configuration: unknown
//! profile, bad value, no credentials); 2 bad usage, a malformed file, an unknown service
//! or operation, an invalid input.

mod args;
mod call;
mod commands;
mod describe;
mod endpoint;
mod json;
mod resources;
mod transfer;

use std::io::{self, Write};
use std::process::ExitCode;

use args::{Args, Cli, Cmd, Command};
use clap::{CommandFactory as _, Parser as _};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
                return ExitCode::from(2);
            }
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("session: {first}\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Cmd::Cp { args } => return transfer::main("cp", args),
        Cmd::Sync { args } => return transfer::main("sync", args),
        Cmd::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "session", &mut out);
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        Cmd::Services { json } => describe::services(json),
        Cmd::Describe {
            service,
            operation,
            json,
        } => describe::describe(&service, operation.as_deref(), json),
        Cmd::Call {
            service,
            operation,
            input,
            region,
            profile,
            endpoint_url,
            dry_run,
            paginate,
        } => call::run(&call::CallArgs {
            service,
            operation,
            input,
            region,
            profile,
            endpoint_url,
            dry_run,
            paginate,
        }),
        other => match Args::from_cmd(other) {
            Some(args) => inspect(&args),
            None => Ok(String::new()),
        },
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

fn inspect(args: &Args) -> Result<String, commands::Failure> {
    match &args.command {
        Command::Config => commands::config(args),
        Command::Profiles => commands::profiles(args),
        Command::Credentials => commands::credentials(args),
        Command::Endpoint(service) => endpoint::run(args, service),
        Command::Resources(service) => resources::run(args, service),
    }
}
