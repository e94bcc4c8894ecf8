//! Runs the real `session` binary with a cleared environment, temp files and injected vars.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(config: &str, credentials: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).unwrap();
        std::fs::write(aws.join("config"), config).unwrap();
        std::fs::write(aws.join("credentials"), credentials).unwrap();
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_session"))
            .args(args)
            .env_clear()
            .env("HOME", self.path())
            // A test machine may be an EC2 instance: never ask its metadata service.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str], env: &[(&str, &str)]) -> Value {
        let out = self.run(args, env);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An error is one clear line: no panic message, no backtrace.
fn assert_one_clean_line(out: &Output) {
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

const CONFIG: &str = "\
[default]
region = us-west-2
s3 =
  addressing_style = virtual

[profile dev]
region = eu-west-1
services = local

[sso-session corp]
sso_region = us-east-1

[services local]
s3 =
  endpoint_url = http://127.0.0.1:9000
";

const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret-value

[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = dev-secret-value
aws_session_token = dev-token-value
";

#[test]
fn config_json_shows_values_and_origins() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let v = home.json(&["config", "--json"], &[("AWS_MAX_ATTEMPTS", "6")]);
    assert_eq!(v["profile"]["value"], "default");
    assert_eq!(v["profile"]["origin"], "default");
    assert_eq!(v["region"]["value"], "us-west-2");
    let config_path = home.path().join(".aws/config");
    assert_eq!(
        v["region"]["origin"],
        format!("{}:2 [default]", config_path.display())
    );
    assert_eq!(v["settings"]["max_attempts"]["value"], 6);
    assert_eq!(
        v["settings"]["max_attempts"]["origin"],
        "env var AWS_MAX_ATTEMPTS"
    );
    assert_eq!(v["settings"]["s3.addressing_style"]["value"], "virtual");
    assert_eq!(v["settings"]["retry_mode"]["origin"], "default");
    assert_eq!(v["settings"]["connect_timeout"]["value"], 3.1);
    assert_eq!(v["credentials"]["access_key_id"], "AKIDDEFAULT");
    assert_eq!(v["credentials"]["secret_access_key"], "****");
    assert_eq!(v["credentials"]["session_token"], Value::Null);
    assert!(!v.to_string().contains("default-secret-value"));
}

#[test]
fn config_profile_flag_and_service_endpoints() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let v = home.json(
        &["config", "--profile", "dev", "--json"],
        &[("AWS_PROFILE", "default")],
    );
    assert_eq!(v["profile"]["value"], "dev");
    assert_eq!(v["profile"]["origin"], "explicit");
    assert_eq!(v["region"]["value"], "eu-west-1");
    assert_eq!(
        v["settings"]["endpoint_url.s3"]["value"],
        "http://127.0.0.1:9000"
    );
    assert_eq!(v["credentials"]["session_token"], "****");
    assert!(!v.to_string().contains("dev-token-value"));
}

#[test]
fn config_without_credentials_is_null() {
    let home = Home::new("", "");
    let v = home.json(&["config", "--json"], &[]);
    assert_eq!(v["credentials"], Value::Null);
    assert_eq!(v["region"], Value::Null);
    assert!(v["credentials_error"]
        .as_str()
        .unwrap()
        .contains("no credentials configured"));
}

#[test]
fn config_text_output_is_a_table() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let out = home.run(&["config"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("region") && l.contains("us-west-2")),
        "{text}"
    );
    assert!(
        text.contains("credentials: AKIDDEFAULT from profile default"),
        "{text}"
    );
    assert!(!text.contains("default-secret-value"));
}

#[test]
fn profiles_json_nests_sub_properties_and_masks_secrets() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let v = home.json(&["profiles", "--json"], &[]);
    assert_eq!(
        v["profiles"]["default"]["s3"]["addressing_style"],
        "virtual"
    );
    assert_eq!(v["profiles"]["default"]["region"], "us-west-2");
    assert_eq!(v["profiles"]["dev"]["aws_access_key_id"], "AKIDDEV");
    assert_eq!(v["profiles"]["dev"]["aws_secret_access_key"], "****");
    assert_eq!(v["sso_sessions"]["corp"]["sso_region"], "us-east-1");
    assert_eq!(
        v["services"]["local"]["s3"]["endpoint_url"],
        "http://127.0.0.1:9000"
    );
    let revealed = home.json(&["profiles", "--json", "--reveal"], &[]);
    assert_eq!(
        revealed["profiles"]["dev"]["aws_secret_access_key"],
        "dev-secret-value"
    );
}

#[test]
fn profiles_parse_error_exits_2_with_file_and_line() {
    let home = Home::new("[default]\nregion = x\n[profile broken\n", "");
    let out = home.run(&["profiles", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let expected = format!("{}:3", home.path().join(".aws/config").display());
    assert!(err.contains(&expected), "{err}");
    assert!(err.contains("must end with ']'"), "{err}");
    assert_one_clean_line(&out);
    assert!(out.stdout.is_empty());
}

#[test]
fn credentials_masked_unless_revealed() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret-value"),
    ];
    let v = home.json(&["credentials", "--json"], &env);
    assert_eq!(v["access_key_id"], "AKIDENV");
    assert_eq!(v["secret_access_key"], "****");
    assert!(v["source"].as_str().unwrap().starts_with("env"));
    let v = home.json(&["credentials", "--json", "--reveal"], &env);
    assert_eq!(v["secret_access_key"], "env-secret-value");

    let out = home.run(&["credentials"], &env);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("secret_access_key: ****"), "{text}");
    assert!(!text.contains("env-secret-value"));
}

#[test]
fn errors_are_one_line_with_nonzero_exit() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let out = home.run(&["config"], &[("AWS_PROFILE", "prod")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("\"prod\""));
    assert_one_clean_line(&out);

    let out = home.run(&["config", "--json"], &[("AWS_RETRY_MODE", "sometimes")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("AWS_RETRY_MODE"), "{}", stderr(&out));
    assert_one_clean_line(&out);

    let out = home.run(&["credentials"], &[("AWS_ACCESS_KEY_ID", "AKIDONLY")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("AWS_SECRET_ACCESS_KEY"));
    assert_one_clean_line(&out);

    // A file named by the environment that does not exist is an empty file (as botocore
    // and aws-sdk-rust read it), with a warning that names it and the variable.
    let out = home.run(&["config"], &[("AWS_CONFIG_FILE", "/definitely/not/here")]);
    assert_eq!(out.status.code(), Some(0));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(
        all.contains("/definitely/not/here") && all.contains("AWS_CONFIG_FILE"),
        "{all}"
    );

    // One that exists but cannot be read as a file is still an error naming it.
    let out = home.run(&["config"], &[("AWS_CONFIG_FILE", "/")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains('/'));
    assert_one_clean_line(&out);
}

#[test]
fn usage_errors_exit_2() {
    let home = Home::new("", "");
    let out = home.run(&["frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("usage: session"));
    let out = home.run(&["--help"], &[]);
    assert!(out.status.success());
}

#[test]
fn endpoint_explains_where_requests_go() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let v = home.json(
        &[
            "endpoint",
            "s3",
            "--region",
            "eu-west-1",
            "--param",
            "Bucket=my-bucket",
            "--json",
        ],
        &[],
    );
    assert_eq!(v["url"], "https://my-bucket.s3.eu-west-1.amazonaws.com");
    assert_eq!(
        v["properties"]["authSchemes"][0]["signingRegion"],
        "eu-west-1"
    );

    // The session's configured endpoint (profile dev -> [services local]) wins.
    let v = home.json(&["endpoint", "s3", "--profile", "dev", "--json"], &[]);
    assert_eq!(v["url"], "http://127.0.0.1:9000");

    let v = home.json(
        &["endpoint", "sqs", "--json"],
        &[("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324")],
    );
    assert_eq!(v["url"], "http://127.0.0.1:9324");

    // A rule error: FIPS with a custom endpoint.
    let out = home.run(
        &[
            "endpoint",
            "sqs",
            "--param",
            "UseFIPS=true",
            "--param",
            "Endpoint=https://x.example",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("FIPS"), "{}", stderr(&out));
    assert_one_clean_line(&out);

    let out = home.run(&["endpoint", "sqs", "--region", "us-east-1.evil.com"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let out = home.run(&["endpoint", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn credentials_plan_shows_the_chain_without_calling_it() {
    let config =
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\
                  [profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
                  [profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\
                  [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n";
    let home = Home::new(config, "");
    let v = home.json(
        &["credentials", "--plan", "--json", "--profile", "role"],
        &[],
    );
    assert_eq!(v["plan"][0]["kind"], "static");
    assert_eq!(v["plan"][0]["access_key_id"], "AKIDBASE");
    assert_eq!(v["plan"][0]["source"], "profile base");
    assert_eq!(v["plan"][1]["kind"], "assume_role");
    assert_eq!(v["plan"][1]["role_arn"], "arn:aws:iam::1:role/r");
    assert_eq!(v["plan"][1]["external_id"], serde_json::Value::Null);
    assert!(!v.to_string().contains("base-secret"));

    let out = home.run(&["credentials", "--plan", "--profile", "a"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a -> b -> a"), "{}", stderr(&out));
    assert_one_clean_line(&out);
}

/// `session credentials --json` runs the whole chain: here the container endpoint (a
/// loopback stub), reporting source and expiry and masking the secrets.
#[test]
fn credentials_resolve_remote_providers() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let creds =
        session_testkit::stubs::StubCredentials::valid_for(std::time::Duration::from_secs(3600));
    let stub = rt
        .block_on(session_testkit::stubs::ContainerStub::start(
            Some("cli-token"),
            creds.clone(),
        ))
        .unwrap();
    let url = stub.url();
    let home = Home::new("", "");
    let env = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "cli-token"),
    ];
    let v = home.json(&["credentials", "--json"], &env);
    assert_eq!(v["access_key_id"], creds.access_key_id.as_str());
    assert!(
        v["source"].as_str().unwrap().starts_with("container"),
        "{v}"
    );
    assert_eq!(v["expiration"], creds.expiration_rfc3339().as_str());
    assert_eq!(v["secret_access_key"], "****");
    assert!(!v.to_string().contains(&creds.secret_access_key));
    assert!(!v.to_string().contains(&creds.session_token));
    assert_eq!(stub.requests(), 1);

    stub.set_expected_token(Some("another-token"));
    let out = home.run(&["credentials"], &env);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401") || err.contains("rejected"), "{err}");
    assert!(!err.contains("cli-token"), "{err}");
}

#[test]
fn resources_prints_the_generated_tree() {
    let home = Home::new("", "");
    let v = home.json(&["resources", "s3", "--json"], &[]);
    let resources = v["resources"].as_object().unwrap();
    assert_eq!(resources.len(), 18);
    let actions: usize = resources
        .values()
        .map(|r| r["actions"].as_array().unwrap().len())
        .sum();
    assert_eq!(actions, 43);
    assert_eq!(v["resources"]["Object"]["identifiers"][1], "Key");
    assert_eq!(v["resources"]["Object"]["load"], "HeadObject");
    assert_eq!(v["resources"]["Object"]["batch_actions"][0], "Delete");
    assert_eq!(v["service"]["collections"][0], "Buckets");

    let sqs = home.json(&["resources", "SQS", "--json"], &[]);
    assert_eq!(sqs["resources"]["Queue"]["load"], "GetQueueAttributes");
    assert_eq!(sqs["resources"]["Message"]["load"], Value::Null);

    let text = home.run(&["resources", "dynamodb"], &[]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Table(Name)\n    load: DescribeTable"),
        "{text}"
    );

    let none = home.run(&["resources", "sts"], &[]);
    assert_eq!(none.status.code(), Some(2));
    assert_one_clean_line(&none);
    assert!(stderr(&none).contains("no resources for service"));
}
