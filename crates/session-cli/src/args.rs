//! Command-line parsing (small enough not to need a parser crate).

pub(crate) const USAGE: &str = "\
usage: session <command> [options]

commands:
  config       every resolved setting with its value and origin
  profiles     the parsed, merged config and credentials files
  credentials  the credentials a session would use, and their source

options:
  --profile P  select profile P (config, credentials)
  --json       machine-readable output
  --reveal     show secrets instead of **** (profiles, credentials)
  -h, --help   this text";

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Config,
    Profiles,
    Credentials,
    Help,
}

#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) command: Command,
    pub(crate) profile: Option<String>,
    pub(crate) json: bool,
    pub(crate) reveal: bool,
}

impl Args {
    pub(crate) fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let command = match args.next().as_deref() {
            Some("config") => Command::Config,
            Some("profiles") => Command::Profiles,
            Some("credentials") => Command::Credentials,
            Some("help" | "-h" | "--help") | None => Command::Help,
            Some(other) => return Err(format!("unknown command {other:?}")),
        };
        let mut out = Args {
            command,
            profile: None,
            json: false,
            reveal: false,
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--json" => out.json = true,
                "--reveal" if out.command != Command::Config => out.reveal = true,
                "--profile" if out.command != Command::Profiles => {
                    let name = args.next().ok_or("--profile needs a profile name")?;
                    out.profile = Some(name);
                }
                "-h" | "--help" => out.command = Command::Help,
                other => {
                    if let Some(name) = other.strip_prefix("--profile=") {
                        if out.command != Command::Profiles {
                            out.profile = Some(name.to_owned());
                            continue;
                        }
                    }
                    return Err(format!("unexpected argument {other:?}"));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        Args::parse(s.split_whitespace().map(str::to_owned))
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
        assert_eq!(parse("").unwrap().command, Command::Help);
    }

    #[test]
    fn rejects_bad_usage() {
        assert!(parse("conf").is_err());
        assert!(parse("config --profile").is_err());
        assert!(parse("config --reveal").is_err());
        assert!(parse("profiles --profile x").is_err());
        assert!(parse("config extra").is_err());
    }
}
