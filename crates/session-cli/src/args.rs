//! Command-line parsing (small enough not to need a parser crate).

pub(crate) const USAGE: &str = "\
usage: session <command> [options]

commands:
  config       every resolved setting with its value and origin
  profiles     the parsed, merged config and credentials files
  credentials  the credentials a session would use, and their source
  endpoint S   the endpoint a request to service S (s3, sqs, sts, dynamodb) goes to
  resources S  the resources generated for service S (s3, sqs, dynamodb)
  cp, sync     copy files to, from and within S3 (session cp --help)

options:
  --profile P  select profile P (config, credentials)
  --json       machine-readable output
  --reveal     show secrets instead of **** (profiles, credentials)
  --plan       the provider chain the session would use, without calling it (credentials)
  --region R   region for endpoint (default: the session's)
  --param K=V  an endpoint rule parameter, e.g. Bucket=my-bucket (repeatable)
  -h, --help   this text";

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Config,
    Profiles,
    Credentials,
    Endpoint(String),
    Resources(String),
    Help,
}

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
    pub(crate) fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let command = match args.next().as_deref() {
            Some("config") => Command::Config,
            Some("profiles") => Command::Profiles,
            Some("credentials") => Command::Credentials,
            Some("endpoint") => match args.next() {
                Some(service) if !service.starts_with('-') => Command::Endpoint(service),
                _ => return Err("endpoint needs a service name (s3, sqs, sts, dynamodb)".into()),
            },
            Some("resources") => match args.next() {
                Some(service) if !service.starts_with('-') => Command::Resources(service),
                _ => return Err("resources needs a service name (s3, sqs, dynamodb)".into()),
            },
            Some("help" | "-h" | "--help") | None => Command::Help,
            Some(other) => return Err(format!("unknown command {other:?}")),
        };
        let mut out = Args {
            command,
            profile: None,
            json: false,
            reveal: false,
            plan: false,
            region: None,
            params: Vec::new(),
        };
        let is_endpoint = matches!(out.command, Command::Endpoint(_));
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--json" => out.json = true,
                "--reveal" if out.command != Command::Config => out.reveal = true,
                "--plan" if out.command == Command::Credentials => out.plan = true,
                "--profile" if out.command != Command::Profiles => {
                    let name = args.next().ok_or("--profile needs a profile name")?;
                    out.profile = Some(name);
                }
                "-h" | "--help" => out.command = Command::Help,
                "--region" if is_endpoint => {
                    out.region = Some(args.next().ok_or("--region needs a region")?);
                }
                "--param" if is_endpoint => {
                    let kv = args.next().ok_or("--param needs NAME=VALUE")?;
                    let (k, v) = kv.split_once('=').ok_or("--param needs NAME=VALUE")?;
                    out.params.push((k.to_owned(), v.to_owned()));
                }
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
}
