//! The container, IMDS and SSO credential providers against the loopback STUBS of
//! `session_testkit::stubs` (these services have no installable peer; the stubs follow the
//! documented protocols and count requests).

#![allow(clippy::unwrap_used)]

use session_testkit::LogCapture;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use session_core::credentials::{CredentialsError, ProvideCredentials};
use session_core::{Env, Fs};
use session_testkit::stubs::{ContainerStub, ImdsStub, SsoStub, StubCredentials};
use session_tower::credentials::{ContainerProvider, ImdsProvider, SsoConfig, SsoProvider};
use session_tower::transport::Transport;

fn transport() -> Transport {
    Transport::builder().build().unwrap()
}

fn hour() -> StubCredentials {
    StubCredentials::valid_for(Duration::from_secs(3600))
}

/// Fails when `text` holds any of `secrets`.
fn assert_no_secrets(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!text.contains(secret), "{secret:?} leaked into {text:?}");
    }
}

/// The message and the `Debug` of an error, together.
fn shown(e: &CredentialsError) -> String {
    format!("{e} | {e:?}")
}

/// A port on which nothing listens.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// Captures this thread's logs until the guard drops (`#[tokio::test]` runs on one thread).
fn install(capture: &LogCapture) -> tracing::subscriber::DefaultGuard {
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_default(subscriber)
}

// ---------------------------------------------------------------- container

const CONTAINER_TOKEN: &str = "container-auth-token-value";

fn env_token(token: &str) -> Env {
    Env::from_vars([("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)])
}

fn no_files() -> Fs {
    Fs::from_files(Vec::<(PathBuf, Vec<u8>)>::new())
}

#[tokio::test]
async fn container_success_parses_values_and_sends_the_token() {
    let stub = ContainerStub::start(Some(CONTAINER_TOKEN), hour())
        .await
        .unwrap();
    let p = ContainerProvider::new(
        &stub.url(),
        &env_token(CONTAINER_TOKEN),
        &no_files(),
        transport(),
    )
    .unwrap();
    let c = p.provide_credentials().await.unwrap();
    let want = stub.credentials();
    assert_eq!(c.access_key_id(), want.access_key_id);
    assert_eq!(c.secret_access_key(), want.secret_access_key);
    assert_eq!(c.session_token(), Some(want.session_token.as_str()));
    assert_eq!(c.expiry(), Some(want.expiration));
    assert!(
        c.source().starts_with("container (http://127.0.0.1:"),
        "{}",
        c.source()
    );
    assert_eq!(stub.last_authorization().as_deref(), Some(CONTAINER_TOKEN));
    assert_eq!(stub.requests(), 1);
    let debug = format!("{p:?} {c:?}");
    assert!(
        debug.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        "{debug}"
    );
    assert_no_secrets(
        &debug,
        &[
            CONTAINER_TOKEN,
            &want.secret_access_key,
            &want.session_token,
        ],
    );
}

#[tokio::test]
async fn container_without_a_token_sends_no_authorization() {
    let stub = ContainerStub::start(None, hour()).await.unwrap();
    let p = ContainerProvider::new(
        &stub.url(),
        &Env::from_vars([("X", "y")]),
        &no_files(),
        transport(),
    )
    .unwrap();
    p.provide_credentials().await.unwrap();
    assert_eq!(stub.last_authorization(), None);
}

#[tokio::test]
async fn container_wrong_token_is_a_clear_error_without_the_token() {
    let stub = ContainerStub::start(Some(CONTAINER_TOKEN), hour())
        .await
        .unwrap();
    let wrong = "wrong-token-value-123";
    let p =
        ContainerProvider::new(&stub.url(), &env_token(wrong), &no_files(), transport()).unwrap();
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.is_provider_failed());
    let text = shown(&e);
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(text.contains("InvalidToken"), "{text}");
    assert!(text.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN"), "{text}");
    assert_no_secrets(&text, &[wrong, CONTAINER_TOKEN]);
    // A 4xx is final: no retries.
    assert_eq!(stub.requests(), 1);
    assert_eq!(stub.unauthorized(), 1);
}

#[tokio::test]
async fn container_token_with_a_line_break_is_rejected_before_sending() {
    let stub = ContainerStub::start(None, hour()).await.unwrap();
    let p = ContainerProvider::new(
        &stub.url(),
        &env_token("abc\r\nX-Injected: yes"),
        &no_files(),
        transport(),
    )
    .unwrap();
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("line break"), "{e}");
    assert_no_secrets(&shown(&e), &["X-Injected"]);
    assert_eq!(stub.requests(), 0);
}

#[tokio::test]
async fn container_token_file_wins_is_reread_and_its_loss_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&file, "file-token-one\n").unwrap();
    let env = Env::from_vars([
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            file.to_str().unwrap(),
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token-loses"),
    ]);
    let stub = ContainerStub::start(Some("file-token-one"), hour())
        .await
        .unwrap();
    let p = ContainerProvider::new(&stub.url(), &env, &Fs::real(), transport()).unwrap();
    p.provide_credentials().await.unwrap();
    assert_eq!(stub.last_authorization().as_deref(), Some("file-token-one"));

    // Rotated under a running provider.
    std::fs::write(&file, "file-token-two").unwrap();
    stub.set_expected_token(Some("file-token-two"));
    p.provide_credentials().await.unwrap();
    assert_eq!(stub.last_authorization().as_deref(), Some("file-token-two"));
    assert!(format!("{p:?}").contains("eks-pod-identity-token"));

    std::fs::remove_file(&file).unwrap();
    let e = p.provide_credentials().await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains(file.to_str().unwrap()), "{text}");
    assert!(text.contains("does not exist"), "{text}");
    assert_no_secrets(
        &text,
        &["file-token-one", "file-token-two", "env-token-loses"],
    );
    assert_eq!(stub.requests(), 2);
}

#[tokio::test]
async fn container_token_file_through_the_injected_fs() {
    let stub = ContainerStub::start(Some("injected-token"), hour())
        .await
        .unwrap();
    let env = Env::from_vars([("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/token")]);
    let fs = Fs::from_files([("/var/run/token", "injected-token")]);
    let p = ContainerProvider::new(&stub.url(), &env, &fs, transport()).unwrap();
    p.provide_credentials().await.unwrap();
    let missing = ContainerProvider::new(&stub.url(), &env, &no_files(), transport()).unwrap();
    let e = missing.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("/var/run/token"), "{e}");
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn container_malformed_json_is_an_error() {
    let stub = ContainerStub::start(None, hour()).await.unwrap();
    stub.set_response(Some((200, "{\"AccessKeyId\": ")));
    let p =
        ContainerProvider::new(&stub.url(), &env_token("t0k"), &no_files(), transport()).unwrap();
    let e = p.provide_credentials().await.unwrap_err();
    assert!(
        e.to_string().contains("not a JSON credentials document"),
        "{e}"
    );
    stub.set_response(Some((200, r#"{"AccessKeyId":"AKID"}"#)));
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("SecretAccessKey"), "{e}");
}

#[tokio::test]
async fn container_non_2xx_shows_status_code_and_message() {
    let stub = ContainerStub::start(None, hour()).await.unwrap();
    stub.set_response(Some((
        404,
        r#"{"Code":"TaskNotFound","Message":"no such task"}"#,
    )));
    let p =
        ContainerProvider::new(&stub.url(), &env_token("t0k"), &no_files(), transport()).unwrap();
    let e = p.provide_credentials().await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("HTTP 404 (TaskNotFound: no such task)"),
        "{text}"
    );
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn container_retries_5xx_then_succeeds_or_gives_up() {
    let stub = ContainerStub::start(None, hour()).await.unwrap();
    let p =
        ContainerProvider::new(&stub.url(), &env_token("t0k"), &no_files(), transport()).unwrap();
    stub.fail_next(2);
    p.provide_credentials().await.unwrap();
    assert_eq!(stub.requests(), 3);
    stub.fail_next(5);
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("HTTP 503"), "{e}");
    assert!(e.to_string().contains("3 attempts"), "{e}");
    assert_eq!(stub.requests(), 6);
}

#[tokio::test]
async fn container_unreachable_fails_quickly() {
    let port = closed_port().await;
    let p = ContainerProvider::new(
        &format!("http://127.0.0.1:{port}/creds"),
        &env_token("t0k"),
        &no_files(),
        transport(),
    )
    .unwrap();
    let start = Instant::now();
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.is_provider_failed());
    assert!(e.to_string().contains("3 attempts"), "{e}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn container_host_policy() {
    let env = env_token(CONTAINER_TOKEN);
    let fs = no_files();
    let make = |uri: &str| ContainerProvider::new(uri, &env, &fs, transport());
    for ok in [
        "https://10.0.0.1/creds",
        "https://example.com/creds",
        "http://127.0.0.1:8080/creds",
        "http://127.0.0.2/creds",
        "http://localhost:1234/creds",
        "http://[::1]:1234/creds",
        "http://169.254.170.2/v2/credentials/abc",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
    ] {
        assert!(make(ok).is_ok(), "{ok}");
    }
    let e = make("http://10.0.0.1/creds").unwrap_err();
    assert!(e.is_provider_failed());
    let text = shown(&e);
    assert!(text.contains("10.0.0.1"), "{text}");
    assert!(text.contains("https"), "{text}");
    assert_no_secrets(&text, &[CONTAINER_TOKEN]);
    for bad in [
        "http://169.254.169.254/latest",
        "http://example.com/creds",
        "ftp://127.0.0.1/creds",
        "/relative/only",
        "not a url",
    ] {
        assert!(make(bad).is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------- IMDS

#[tokio::test]
async fn imds_success_parses_values() {
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    let c = p.provide_credentials().await.unwrap();
    let want = stub.credentials();
    assert_eq!(c.access_key_id(), want.access_key_id);
    assert_eq!(c.secret_access_key(), want.secret_access_key);
    assert_eq!(c.session_token(), Some(want.session_token.as_str()));
    assert_eq!(c.expiry(), Some(want.expiration));
    assert!(
        c.source().starts_with("imds (http://127.0.0.1:"),
        "{}",
        c.source()
    );
    assert_eq!(
        (stub.token_puts(), stub.role_gets(), stub.credential_gets()),
        (1, 1, 1)
    );
    let debug = format!("{p:?}");
    assert!(
        debug.contains("web-role") && debug.contains("has_token: true"),
        "{debug}"
    );
    let tokens = stub.tokens();
    let mut secrets: Vec<&str> = tokens.iter().map(String::as_str).collect();
    secrets.extend([want.secret_access_key.as_str(), want.session_token.as_str()]);
    assert_no_secrets(&format!("{debug} {c:?}"), &secrets);
}

#[tokio::test]
async fn imds_reuses_its_token_and_role() {
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    let p = ImdsProvider::new(&format!("{}/", stub.endpoint()), transport()).unwrap();
    p.provide_credentials().await.unwrap();
    p.provide_credentials().await.unwrap();
    p.provide_credentials().await.unwrap();
    assert_eq!(stub.token_puts(), 1, "the token must be reused");
    assert_eq!(stub.role_gets(), 1, "the role name must be reused");
    assert_eq!(stub.credential_gets(), 3);
    assert_eq!(stub.unauthorized(), 0);
}

#[tokio::test]
async fn imds_401_drops_the_token_and_retries_once() {
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    p.provide_credentials().await.unwrap();
    stub.revoke_tokens();
    let c = p.provide_credentials().await.unwrap();
    assert_eq!(c.access_key_id(), stub.credentials().access_key_id);
    assert_eq!(stub.unauthorized(), 1);
    assert_eq!(stub.token_puts(), 2);
    assert_eq!(stub.credential_gets(), 2);
}

#[tokio::test]
async fn imds_unreachable_is_not_configured_at_once() {
    let port = closed_port().await;
    let p = ImdsProvider::new(&format!("http://127.0.0.1:{port}"), transport()).unwrap();
    let start = Instant::now();
    let e = p.provide_credentials().await.unwrap_err();
    let took = start.elapsed();
    assert!(e.is_not_configured(), "{e:?}");
    assert!(
        e.to_string()
            .contains("no instance metadata service at http://127.0.0.1:"),
        "{e}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn imds_that_never_answers_is_not_configured_within_the_budget() {
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    stub.set_hang(true);
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    let start = Instant::now();
    let e = p.provide_credentials().await.unwrap_err();
    let took = start.elapsed();
    assert!(e.is_not_configured(), "{e:?}");
    // Two attempts of one second each.
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(stub.requests(), 2);
}

#[tokio::test]
async fn imds_code_other_than_success_is_an_error_with_the_code() {
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    stub.set_credentials_response(Some((
        200,
        r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role","LastUpdated":"2030-01-01T00:00:00Z"}"#,
    )));
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.is_provider_failed());
    assert!(
        e.to_string()
            .contains("AssumeRoleUnauthorizedAccess: EC2 cannot assume the role"),
        "{e}"
    );
}

#[tokio::test]
async fn imds_malformed_json_and_non_2xx_are_errors() {
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    stub.set_credentials_response(Some((200, "{oops")));
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("not JSON"), "{e}");
    stub.set_credentials_response(Some((500, "<html>boom</html>")));
    let before = stub.credential_gets();
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("HTTP 500"), "{e}");
    assert_eq!(stub.credential_gets() - before, 2, "5xx is tried twice");
    let tokens = stub.tokens();
    assert_no_secrets(
        &shown(&e),
        &tokens.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[tokio::test]
async fn imds_expired_credentials_are_extended_with_one_warning() {
    let capture = LogCapture::default();
    let _guard = install(&capture);
    let stub = ImdsStub::start("web-role", hour()).await.unwrap();
    stub.set_expired(true);
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    for _ in 0..2 {
        let now = SystemTime::now();
        let c = p.provide_credentials().await.unwrap();
        assert_eq!(c.access_key_id(), stub.credentials().access_key_id);
        let left = c.expiry().unwrap().duration_since(now).unwrap();
        assert!(
            left >= Duration::from_secs(899) && left <= Duration::from_secs(1201),
            "{left:?}"
        );
    }
    let logs = capture.text();
    assert_eq!(logs.matches("static stability").count(), 1, "{logs}");
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("already expired"), "{logs}");
    let want = stub.credentials();
    assert_no_secrets(&logs, &[&want.secret_access_key, &want.session_token]);
}

#[tokio::test]
async fn imds_failure_after_success_keeps_the_last_credentials() {
    let capture = LogCapture::default();
    let _guard = install(&capture);
    // Close to expiry, so that the extension shows.
    let stub = ImdsStub::start(
        "web-role",
        StubCredentials::valid_for(Duration::from_secs(60)),
    )
    .await
    .unwrap();
    let p = ImdsProvider::new(&stub.endpoint(), transport()).unwrap();
    let first = p.provide_credentials().await.unwrap();
    stub.refuse().await;
    let now = SystemTime::now();
    let again = p.provide_credentials().await.unwrap();
    assert_eq!(again.access_key_id(), first.access_key_id());
    assert_eq!(again.secret_access_key(), first.secret_access_key());
    let left = again.expiry().unwrap().duration_since(now).unwrap();
    assert!(left >= Duration::from_secs(899), "{left:?}");
    assert!(
        capture.text().contains("static stability"),
        "{}",
        capture.text()
    );
}

#[test]
fn imds_bad_endpoints_are_errors() {
    for bad in [
        "169.254.169.254",
        "ftp://169.254.169.254",
        "http://",
        "http://x/?q=1",
    ] {
        assert!(ImdsProvider::new(bad, transport()).is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------- SSO

const START_URL: &str = "https://d-abc123.awsapps.com/start";
/// SHA-1 of `START_URL`: the CLI's cache file name for it.
const START_URL_SHA1: &str = "40a89917e3175433e361b710a9d43528d7f1890a";
const SSO_TOKEN: &str = "sso-access-token-value";
const ACCOUNT: &str = "123456789012";
const ROLE: &str = "Admin+Ops@team";

fn home() -> Env {
    Env::from_vars([("HOME", "/home/u")])
}

fn cache_doc(token: &str, expires_at: &str) -> String {
    format!(
        r#"{{"startUrl":"{START_URL}","region":"us-east-1","accessToken":"{token}","expiresAt":"{expires_at}"}}"#
    )
}

fn later() -> String {
    session_testkit::stubs::rfc3339(SystemTime::now() + Duration::from_secs(3600))
}

fn cache_fs(file: &str, doc: String) -> Fs {
    Fs::from_files([(format!("/home/u/.aws/sso/cache/{file}.json"), doc)])
}

async fn sso_stub() -> SsoStub {
    SsoStub::start(SSO_TOKEN, ACCOUNT, ROLE, hour())
        .await
        .unwrap()
}

fn sso_provider(stub: &SsoStub, config: SsoConfig, fs: &Fs) -> SsoProvider {
    SsoProvider::new(
        config.portal_endpoint(stub.endpoint()),
        &home(),
        fs,
        transport(),
    )
    .unwrap()
}

#[tokio::test]
async fn sso_success_with_a_start_url_cache_file() {
    let stub = sso_stub().await;
    let fs = cache_fs(START_URL_SHA1, cache_doc(SSO_TOKEN, &later()));
    let p = sso_provider(
        &stub,
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE),
        &fs,
    );
    assert_eq!(
        p.token_cache_file().unwrap(),
        std::path::Path::new(&format!("/home/u/.aws/sso/cache/{START_URL_SHA1}.json"))
    );
    let c = p.provide_credentials().await.unwrap();
    let want = stub.credentials();
    assert_eq!(c.access_key_id(), want.access_key_id);
    assert_eq!(c.secret_access_key(), want.secret_access_key);
    assert_eq!(c.session_token(), Some(want.session_token.as_str()));
    assert_eq!(c.expiry(), Some(want.expiration));
    assert_eq!(stub.requests(), 1);
    assert_eq!((stub.unauthorized(), stub.forbidden()), (0, 0));
    let debug = format!("{p:?} {c:?}");
    assert_no_secrets(
        &debug,
        &[SSO_TOKEN, &want.secret_access_key, &want.session_token],
    );
}

#[tokio::test]
async fn sso_session_name_keys_the_cache_and_utc_suffix_is_read() {
    let stub = sso_stub().await;
    let session_sha1 = "b755b5ec73400c04400e978208d8559ad1f39053"; // SHA-1 of "my-sso-session"
    let expires = later().replace('Z', "UTC");
    let fs = cache_fs(session_sha1, cache_doc(SSO_TOKEN, &expires));
    let config =
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE).sso_session("my-sso-session");
    let p = sso_provider(&stub, config, &fs);
    p.provide_credentials().await.unwrap();

    // The start URL's file is not the session's.
    let fs = cache_fs(START_URL_SHA1, cache_doc(SSO_TOKEN, &later()));
    let config =
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE).sso_session("my-sso-session");
    let e = sso_provider(&stub, config, &fs)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("aws sso login --sso-session my-sso-session"),
        "{e}"
    );
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn sso_missing_cache_file_says_how_to_log_in() {
    let stub = sso_stub().await;
    let config = SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE).profile("dev");
    let e = sso_provider(&stub, config, &no_files())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(e.is_provider_failed());
    let text = e.to_string();
    assert!(text.contains("aws sso login --profile dev"), "{text}");
    assert!(text.contains(START_URL_SHA1), "{text}");
    assert!(text.contains("does not exist"), "{text}");
    let no_home = SsoProvider::new(
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE),
        &Env::from_vars([("X", "y")]),
        &no_files(),
        transport(),
    )
    .unwrap();
    let e = no_home.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("HOME"), "{e}");
    assert_eq!(stub.requests(), 0);
}

#[tokio::test]
async fn sso_expired_or_broken_cached_token_says_how_to_log_in() {
    let stub = sso_stub().await;
    let past = session_testkit::stubs::rfc3339(SystemTime::now() - Duration::from_secs(60));
    for (doc, expect) in [
        (cache_doc(SSO_TOKEN, &past), "expired at"),
        ("{not json".to_owned(), "not valid JSON"),
        (
            r#"{"expiresAt":"2099-01-01T00:00:00Z"}"#.to_owned(),
            "no accessToken",
        ),
        (cache_doc(SSO_TOKEN, "someday"), "unreadable expiresAt"),
    ] {
        let fs = cache_fs(START_URL_SHA1, doc);
        let p = sso_provider(
            &stub,
            SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE),
            &fs,
        );
        let e = p.provide_credentials().await.unwrap_err();
        let text = shown(&e);
        assert!(text.contains(expect), "{text}");
        assert!(text.contains("run `aws sso login`"), "{text}");
        assert_no_secrets(&text, &[SSO_TOKEN]);
    }
    assert_eq!(stub.requests(), 0);
}

#[tokio::test]
async fn sso_wrong_token_is_an_expired_token_error() {
    let stub = sso_stub().await;
    let stale = "stale-sso-token-value";
    let fs = cache_fs(START_URL_SHA1, cache_doc(stale, &later()));
    let p = sso_provider(
        &stub,
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE),
        &fs,
    );
    let e = p.provide_credentials().await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("not valid or has expired"), "{text}");
    assert!(text.contains("UnauthorizedException"), "{text}");
    assert!(text.contains("aws sso login"), "{text}");
    assert_no_secrets(&text, &[stale, SSO_TOKEN]);
    assert_eq!(stub.unauthorized(), 1);
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn sso_checks_account_and_role_and_encodes_them() {
    let stub = sso_stub().await;
    let fs = cache_fs(START_URL_SHA1, cache_doc(SSO_TOKEN, &later()));
    // ROLE has '+' and '@': it only matches if the query is percent-encoded.
    let p = sso_provider(
        &stub,
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE),
        &fs,
    );
    p.provide_credentials().await.unwrap();
    let p = sso_provider(
        &stub,
        SsoConfig::new(START_URL, "us-east-1", "999999999999", ROLE),
        &fs,
    );
    let e = p.provide_credentials().await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("ForbiddenException"), "{text}");
    assert!(text.contains("sso_account_id"), "{text}");
    assert_eq!(stub.forbidden(), 1);
}

#[tokio::test]
async fn sso_malformed_json_and_other_errors() {
    let stub = sso_stub().await;
    let fs = cache_fs(START_URL_SHA1, cache_doc(SSO_TOKEN, &later()));
    let p = sso_provider(
        &stub,
        SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE),
        &fs,
    );
    stub.set_response(Some((200, "{\"roleCredentials\": [")));
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("not JSON"), "{e}");
    stub.set_response(Some((200, r#"{"somethingElse":{}}"#)));
    let e = p.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("no roleCredentials"), "{e}");
    stub.set_response(Some((
        400,
        r#"{"__type":"InvalidRequestException","message":"bad request"}"#,
    )));
    let e = p.provide_credentials().await.unwrap_err();
    assert!(
        e.to_string()
            .contains("HTTP 400 (InvalidRequestException: bad request)"),
        "{e}"
    );
    assert_no_secrets(&shown(&e), &[SSO_TOKEN]);
}

#[test]
fn sso_configuration_is_validated() {
    let make = |c: SsoConfig| SsoProvider::new(c, &home(), &no_files(), transport());
    let e = make(SsoConfig::new(
        START_URL,
        "us-east-1.evil.com",
        ACCOUNT,
        ROLE,
    ))
    .unwrap_err();
    assert!(e.to_string().contains("sso_region"), "{e}");
    assert!(make(SsoConfig::new(START_URL, "us-east-1", "", ROLE)).is_err());
    assert!(make(SsoConfig::new(START_URL, "us-east-1", ACCOUNT, " ")).is_err());
    assert!(
        make(SsoConfig::new(START_URL, "us-east-1", ACCOUNT, ROLE).portal_endpoint("portal"))
            .is_err()
    );
    let p = make(SsoConfig::new(START_URL, "eu-west-1", ACCOUNT, ROLE)).unwrap();
    assert!(format!("{p:?}").contains("https://portal.sso.eu-west-1.amazonaws.com"));
}
