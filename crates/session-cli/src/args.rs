//! Command-line parsing with clap (derive): one subcommand per command, `--help` for each,
//! `--version`. `cp` and `sync` take their arguments through to their own parser
//! (transfer/args.rs).

use clap::{Parser, Subcommand};

/// The first line of a usage error's hint.
pub(crate) const USAGE: &str =
    "usage: session <command> [options] (session --help for the commands)";

/// `session`: inspect how a session resolves its settings, and call any AWS service.
#[derive(Debug, Parser)]
#[command(
    name = "session",
    version,
    about = "Inspect how a session resolves settings, profiles and credentials; call any AWS service by name.",
    after_help = "Exit codes: 0 success; 1 a service or network error (and, for config, \
                  credentials and endpoint, an unusable configuration); 2 bad usage, a \
                  malformed file, or an unknown service or operation."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Cmd,
}

/// The commands.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum Cmd {
    /// Every resolved setting with its value and origin.
    Config {
        #[arg(long)]
        profile: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The parsed, merged config and credentials files.
    Profiles {
        #[arg(long)]
        json: bool,
        /// Show secrets instead of ****.
        #[arg(long)]
        reveal: bool,
    },
    /// The credentials a session would use, and their source.
    Credentials {
        #[arg(long)]
        profile: Option<String>,
        #[arg(long)]
        json: bool,
        /// Show secrets instead of ****.
        #[arg(long)]
        reveal: bool,
        /// The provider chain the session would use, without calling it.
        #[arg(long)]
        plan: bool,
    },
    /// The endpoint a request to a service (s3, sqs, sts, dynamodb) goes to.
    Endpoint {
        service: String,
        #[arg(long)]
        profile: Option<String>,
        /// Region (default: the session's).
        #[arg(long)]
        region: Option<String>,
        /// An endpoint rule parameter, e.g. Bucket=my-bucket (repeatable).
        #[arg(long = "param", value_name = "K=V", value_parser = key_value)]
        params: Vec<(String, String)>,
        #[arg(long)]
        json: bool,
    },
    /// The resources generated for a service (s3, sqs, dynamodb).
    Resources {
        service: String,
        #[arg(long)]
        json: bool,
    },
    /// Every service of the models: protocol, API version, operation count.
    Services {
        #[arg(long)]
        json: bool,
    },
    /// A service's operations; with an operation, its input and output shapes as trees.
    Describe {
        service: String,
        operation: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Calls an operation of any service and prints its output as JSON.
    Call {
        service: String,
        operation: String,
        /// The input as JSON, or @FILE to read it from a file (default: {}).
        #[arg(long)]
        input: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        profile: Option<String>,
        #[arg(long = "endpoint-url")]
        endpoint_url: Option<String>,
        /// Send nothing: print the signed request as JSON (method, url, headers, body).
        #[arg(long = "dry-run")]
        dry_run: bool,
        /// Follow the operation's paginator and merge the pages' results.
        #[arg(long)]
        paginate: bool,
    },
    /// Shell completions for bash, zsh or fish.
    Completions { shell: clap_complete::Shell },
    /// Copy files to, from and within S3 (session cp --help).
    #[command(disable_help_flag = true)]
    Cp {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Sync folders and S3 prefixes (session sync --help).
    #[command(disable_help_flag = true)]
    Sync {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn key_value(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or("needs NAME=VALUE")?;
    Ok((k.to_owned(), v.to_owned()))
}

/// The inspection commands' options, as they read them.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Config,
    Profiles,
    Credentials,
    Endpoint(String),
    Resources(String),
}

/// What the inspection commands read.
#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) command: Command,
    pub(crate) profile: Option<String>,
    pub(crate) json: bool,
    pub(crate) reveal: bool,
    pub(crate) plan: bool,
    pub(crate) region: Option<String>,
    pub(crate) params: Vec<(String, String)>,
}

impl Args {
    fn of(command: Command) -> Self {
        Args {
            command,
            profile: None,
            json: false,
            reveal: false,
            plan: false,
            region: None,
            params: Vec::new(),
        }
    }

    /// The options of an inspection command; `None` for the others.
    pub(crate) fn from_cmd(cmd: Cmd) -> Option<Self> {
        Some(match cmd {
            Cmd::Config { profile, json } => Args {
                profile,
                json,
                ..Args::of(Command::Config)
            },
            Cmd::Profiles { json, reveal } => Args {
                json,
                reveal,
                ..Args::of(Command::Profiles)
            },
            Cmd::Credentials {
                profile,
                json,
                reveal,
                plan,
            } => Args {
                profile,
                json,
                reveal,
                plan,
                ..Args::of(Command::Credentials)
            },
            Cmd::Endpoint {
                service,
                profile,
                region,
                params,
                json,
            } => Args {
                profile,
                region,
                params,
                json,
                ..Args::of(Command::Endpoint(service))
            },
            Cmd::Resources { service, json } => Args {
                json,
                ..Args::of(Command::Resources(service))
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        let argv = std::iter::once("session").chain(s.split_whitespace());
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        Args::from_cmd(cli.command).ok_or_else(|| "not an inspection command".to_owned())
    }

    #[test]
    fn parses_commands_and_options() {
        let a = parse("config --profile dev --json").unwrap();
        assert_eq!(
            (a.command, a.profile.as_deref(), a.json),
            (Command::Config, Some("dev"), true)
        );
        let a = parse("credentials --reveal --profile=x").unwrap();
        assert!(a.reveal);
        assert_eq!(a.profile.as_deref(), Some("x"));
        assert!(parse("").is_err(), "no command is a usage error");
    }

    #[test]
    fn rejects_bad_usage() {
        assert!(parse("conf").is_err());
        assert!(parse("config --profile").is_err());
        assert!(parse("config --reveal").is_err());
        assert!(parse("profiles --profile x").is_err());
        assert!(parse("config extra").is_err());
        assert!(parse("endpoint").is_err());
        assert!(parse("resources --json").is_err());
        assert_eq!(
            parse("resources s3 --json").unwrap().command,
            Command::Resources("s3".into())
        );
        assert!(parse("endpoint s3 --param Bucket").is_err());
        let a = parse("endpoint s3 --region eu-west-1 --param Bucket=b --json").unwrap();
        assert_eq!(a.command, Command::Endpoint("s3".into()));
        assert_eq!(a.params, [("Bucket".to_owned(), "b".to_owned())]);
    }

    #[test]
    fn new_commands_parse() {
        let cli = Cli::try_parse_from([
            "session",
            "call",
            "sqs",
            "ListQueues",
            "--input",
            "{}",
            "--dry-run",
            "--region",
            "eu-west-1",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Cmd::Call { dry_run: true, ref region, .. } if region.as_deref() == Some("eu-west-1")
        ));
        assert!(Cli::try_parse_from(["session", "completions", "tcsh"]).is_err());
        let cp = Cli::try_parse_from(["session", "cp", "a", "s3://b/", "--recursive"]).unwrap();
        assert!(matches!(cp.command, Cmd::Cp { ref args } if args.len() == 3));
    }
}
