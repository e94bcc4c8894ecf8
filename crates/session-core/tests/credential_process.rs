//! `credential_process` with real commands (small shell scripts written to a temp dir; the
//! provider itself runs them without a shell).

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use session_core::credentials::{CredentialProcessProvider, ProvideCredentials};
use session_core::{Env, Session};

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn session_with(command: &str) -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_PROFILE", "proc")]))
        .config_file_contents(format!("[profile proc]\ncredential_process = {command}\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = static-secret\n"))
        .credentials_file_contents("")
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_profile_command_supplies_credentials_and_wins_over_static_keys() {
    let dir = tempfile::tempdir().unwrap();
    let ok = script(
        dir.path(),
        "creds ok.sh",
        r#"printf '{"Version":1,"AccessKeyId":"AKIDPROC","SecretAccessKey":"proc-secret","SessionToken":"%s|%s","Expiration":"2099-01-01T00:00:00Z"}' "$1" "$2""#,
    );
    // The path has a space and the arguments need quoting: no shell is involved.
    let command = format!("\"{}\" 'first arg' \"second $HOME\"", ok.display());
    let creds = session_with(&command).local_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIDPROC");
    assert_eq!(creds.session_token(), Some("first arg|second $HOME"));
    assert!(creds.expiry().is_some());
    assert!(
        creds
            .source()
            .starts_with("credential_process (profile proc"),
        "{}",
        creds.source()
    );
    assert!(!format!("{creds:?}").contains("proc-secret"));
}

#[tokio::test]
async fn failures_show_stderr_but_never_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let failing = script(
        dir.path(),
        "fail.sh",
        r#"echo '{"SecretAccessKey":"leaked-secret"}'; echo "token expired, run sso login" >&2; exit 3"#,
    );
    let e = session_with(&failing.display().to_string())
        .local_credentials()
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(e.is_provider_failed(), "{msg}");
    assert!(msg.contains("token expired, run sso login"), "{msg}");
    assert!(msg.contains("exit status: 3"), "{msg}");
    assert!(!msg.contains("leaked-secret"), "{msg}");

    let bad_json = script(dir.path(), "bad.sh", "echo 'not json'");
    let e = session_with(&bad_json.display().to_string())
        .local_credentials()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not JSON"), "{e}");

    let v2 = script(
        dir.path(),
        "v2.sh",
        r#"echo '{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}'"#,
    );
    let e = session_with(&v2.display().to_string())
        .local_credentials()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Version 2"), "{e}");

    let e = session_with("/definitely/not/a/command")
        .local_credentials()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("could not start"), "{e}");

    let e = session_with("'unterminated")
        .local_credentials()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("unterminated"), "{e}");
}

#[tokio::test]
async fn a_hanging_command_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let hang = script(dir.path(), "hang.sh", "exec sleep 30");
    let provider = CredentialProcessProvider::new(&hang.display().to_string(), "test")
        .unwrap()
        .with_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let e = provider.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("did not finish"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
