//! `session cp` and `session sync`: the transfer manager on the command line, like
//! `aws s3 cp` and `aws s3 sync`. A progress bar on a terminal, plain lines otherwise.

mod args;
mod location;
mod progress;
mod run_cp;
mod run_sync;

use std::process::ExitCode;

pub(crate) use args::USAGE;

/// Runs `cp` or `sync` (`argv` after the command name).
pub(crate) fn main(command: &str, argv: Vec<String>) -> ExitCode {
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), "{USAGE}");
        return ExitCode::SUCCESS;
    }
    let parsed = match args::TransferArgs::parse(command, argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("session {command}: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("session {command}: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(async {
        match command {
            "cp" => run_cp::run(&parsed).await,
            _ => run_sync::run(&parsed).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("session {command}: error: {message}");
            ExitCode::from(1)
        }
    }
}

/// The message of an error and its causes.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        next = s.source();
    }
    out
}
