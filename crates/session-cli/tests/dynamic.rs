//! The dynamic commands of the real `session` binary: `services`, `describe`, `call`
//! (against moto with signature checking on, and as dry runs), `completions`, and their
//! exit codes. The environment is cleared and given per run; nothing of the machine's
//! home is read.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use serde_json::Value;
use session_testkit::Moto;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_session"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn services_lists_every_pack_service() {
    let out = run(&["services", "--json"], &[]);
    let list = stdout_json(&out);
    let list = list.as_array().unwrap();
    assert!(list.len() > 400, "{}", list.len());
    let lambda = list.iter().find(|s| s["name"] == "lambda").unwrap();
    assert_eq!(lambda["protocol"], "rest-json");
    assert_eq!(lambda["api_version"], "2015-03-31");
    assert!(lambda["operations"].as_u64().unwrap() > 50);
    let text = run(&["services"], &[]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("secretsmanager"));
}

#[test]
fn describe_shows_operations_and_shape_trees() {
    let out = run(&["describe", "secretsmanager"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  GetSecretValue\n"), "{text}");
    let out = run(&["describe", "lambda", "CreateFunction"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  FunctionName*: string"), "{text}");
    assert!(text.contains("  Runtime: enum [nodejs"), "{text}");
    assert!(
        text.contains("    Variables: map of string to string"),
        "{text}"
    );
    let json = stdout_json(&run(
        &["describe", "lambda", "CreateFunction", "--json"],
        &[],
    ));
    assert_eq!(json["input"]["members"]["Role"]["required"], true);
    assert_eq!(json["input"]["members"]["Publish"]["required"], false);
    let bad = run(&["describe", "lambda", "CreateFunctions"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = run(&["describe", "lamda"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("lambda"), "{}", stderr(&bad));
}

#[test]
fn dry_run_prints_the_signed_request() {
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDCLIDRYRUN"),
        ("AWS_SECRET_ACCESS_KEY", "cli-dry-run-secret"),
        ("AWS_SESSION_TOKEN", "cli-session-token"),
    ];
    let out = run(
        &[
            "call",
            "sqs",
            "ListQueues",
            "--input",
            r#"{"MaxResults": 3}"#,
            "--region",
            "eu-west-1",
            "--dry-run",
        ],
        &env,
    );
    let req = stdout_json(&out);
    assert_eq!(req["method"], "POST");
    assert_eq!(req["url"], "https://sqs.eu-west-1.amazonaws.com/");
    assert_eq!(req["body"], r#"{"MaxResults":3}"#);
    assert_eq!(req["headers"]["x-amz-security-token"], "** redacted **");
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(!all.contains("cli-session-token") && !all.contains("cli-dry-run-secret"));
}

#[test]
fn usage_and_input_errors_exit_2() {
    let env = [("AWS_REGION", "us-east-1")];
    let out = run(&["call", "sqs"], &env);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["call", "nosuchservice", "Op"], &env);
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        &[
            "call",
            "sqs",
            "SendMessage",
            "--input",
            r#"{"QueueUrl": 1}"#,
            "--dry-run",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("QueueUrl: expected a string") && err.contains("MessageBody"),
        "{err}"
    );
    let out = run(&["call", "sqs", "ListQueues", "--input", "{oops"], &env);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["call", "sqs", "GetQueueUrl", "--paginate"], &env);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_version() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell], &[]);
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("describe"),
            "{shell}"
        );
    }
    let out = run(&["--version"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("session "));
    let out = run(&["call", "--help"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--dry-run"));
}

#[test]
fn call_against_moto() {
    let moto = Moto::shared_with_auth();
    let creds = moto.credentials();
    let env = [
        ("AWS_ACCESS_KEY_ID", creds.access_key_id()),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key()),
        ("AWS_REGION", moto.region()),
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let url = moto.endpoint();
    let created = stdout_json(&run(
        &[
            "call",
            "secretsmanager",
            "CreateSecret",
            "--endpoint-url",
            url,
            "--input",
            r#"{"Name": "cli-secret", "SecretString": "s3cr3t"}"#,
        ],
        &env,
    ));
    assert!(created["ARN"].as_str().unwrap().contains("cli-secret"));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("get.json");
    std::fs::write(&input, r#"{"SecretId": "cli-secret"}"#).unwrap();
    let got = stdout_json(&run(
        &[
            "call",
            "secretsmanager",
            "GetSecretValue",
            "--endpoint-url",
            url,
            "--input",
            &format!("@{}", input.display()),
        ],
        &env,
    ));
    assert_eq!(got["SecretString"], "s3cr3t");
    // Timestamps print as RFC 3339.
    assert!(got["CreatedDate"].as_str().unwrap().contains('T'), "{got}");
    for i in 0..3 {
        let name = format!("cli-page-{i}");
        let input = format!(r#"{{"Name": "{name}", "SecretString": "x"}}"#);
        let out = run(
            &[
                "call",
                "secretsmanager",
                "CreateSecret",
                "--endpoint-url",
                url,
                "--input",
                &input,
            ],
            &env,
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let all = stdout_json(&run(
        &[
            "call",
            "secretsmanager",
            "ListSecrets",
            "--endpoint-url",
            url,
            "--paginate",
            "--input",
            r#"{"MaxResults": 1, "Filters": [{"Key": "name", "Values": ["cli-page-"]}]}"#,
        ],
        &env,
    ));
    assert_eq!(all["SecretList"].as_array().unwrap().len(), 3, "{all}");

    let missing = run(
        &[
            "call",
            "secretsmanager",
            "GetSecretValue",
            "--endpoint-url",
            url,
            "--input",
            r#"{"SecretId": "cli-nope"}"#,
        ],
        &env,
    );
    assert_eq!(missing.status.code(), Some(1));
    let err = stderr(&missing);
    assert!(
        err.starts_with("session: error: ResourceNotFoundException: "),
        "{err}"
    );
    assert!(err.contains("request id "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn network_errors_exit_1() {
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    // Port 9 on loopback: nothing listens (connection refused).
    let out = run(
        &[
            "call",
            "sqs",
            "ListQueues",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
