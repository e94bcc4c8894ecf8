//! The default chain as clients run it (`session_tower::credentials::resolve`), from a
//! session's injected environment and files, against the loopback stubs of the container
//! endpoint, instance metadata and the SSO portal (services with no installable peer).

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use session_core::{Env, Fs, Session};
use session_testkit::stubs::{ContainerStub, ImdsStub, SsoStub, StubCredentials};

/// The chain as clients run it; none of these steps is a role, so no STS is needed.
async fn resolve(
    session: &Session,
) -> Result<session_core::credentials::Credentials, session_tower::Error> {
    session_tower::credentials::resolve(session, None).await
}

fn session(vars: &[(&str, &str)], config: &str, fs: Fs) -> Session {
    Session::builder()
        .env(Env::from_vars(vars.iter().copied()))
        .fs(fs)
        .config_file_contents(config)
        .credentials_file_contents("")
        .build()
        .unwrap()
}

fn no_files() -> Fs {
    Fs::from_files::<_, &str, &str>([])
}

fn hour() -> StubCredentials {
    StubCredentials::valid_for(Duration::from_secs(3600))
}

#[tokio::test]
async fn container_endpoint_from_the_environment() {
    let stub = ContainerStub::start(Some("container-auth-token"), hour())
        .await
        .unwrap();
    let url = stub.url();
    let s = session(
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token"),
        ],
        "",
        no_files(),
    );
    let c = resolve(&s).await.unwrap();
    assert_eq!(c.access_key_id(), stub.credentials().access_key_id);
    assert!(c.source().starts_with("container"), "{}", c.source());
    // Cached: a second resolve does not call the endpoint again.
    resolve(&s).await.unwrap();
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn environment_keys_win_over_everything_after_them() {
    let stub = ContainerStub::start(None, hour()).await.unwrap();
    let url = stub.url();
    let s = session(
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
        ],
        "",
        no_files(),
    );
    assert_eq!(resolve(&s).await.unwrap().access_key_id(), "AKIDENV");
    assert_eq!(stub.requests(), 0);
}

#[tokio::test]
async fn instance_metadata_is_the_last_resort() {
    let stub = ImdsStub::start("instance-role", hour()).await.unwrap();
    let endpoint = stub.endpoint();
    let s = session(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)],
        "",
        no_files(),
    );
    let c = resolve(&s).await.unwrap();
    assert_eq!(c.access_key_id(), stub.credentials().access_key_id);
    assert_eq!(stub.token_puts(), 1);
}

#[tokio::test]
async fn nothing_configured_says_what_was_tried_quickly() {
    // A closed loopback port: refused at once, like a laptop without IMDS.
    let s = session(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1")],
        "[profile other]\nregion = eu-west-1\n",
        no_files(),
    );
    let started = Instant::now();
    let e = resolve(&s).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = session_testkit::error_chain(&e);
    assert!(text.contains("no credentials configured"), "{text}");
    assert!(text.contains("no instance metadata service"), "{text}");

    let disabled = session(&[("AWS_EC2_METADATA_DISABLED", "true")], "", no_files());
    let text = session_testkit::error_chain(&resolve(&disabled).await.unwrap_err());
    assert!(text.contains("instance metadata is disabled"), "{text}");
}

#[tokio::test]
async fn sso_profile_with_sso_session_and_a_cached_token() {
    let stub = SsoStub::start("cached-access-token", "111122223333", "Dev", hour())
        .await
        .unwrap();
    let config = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
    let expires =
        session_testkit::stubs::rfc3339(std::time::SystemTime::now() + Duration::from_secs(3600));
    let token_json = format!(
        r#"{{"accessToken":"cached-access-token","expiresAt":"{expires}","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}}"#
    );
    let file = sso_cache_path("/home/u", "corp");
    let fs = Fs::from_files([(file.as_str(), token_json.as_str())]);
    let s = Session::builder()
        .env(Env::from_vars([
            ("HOME", "/home/u"),
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", stub.endpoint().as_str()),
        ]))
        .fs(fs)
        .config_file_contents(config)
        .credentials_file_contents("")
        .build()
        .unwrap();
    let c = resolve(&s).await.unwrap();
    assert_eq!(c.access_key_id(), stub.credentials().access_key_id);
    assert_eq!(stub.requests(), 1);
}

/// Where the SSO token cache of `name` lives under `home` (the provider's own unit tests
/// check the SDKs' SHA-1 naming; here it only has to agree with itself).
fn sso_cache_path(home: &str, name: &str) -> String {
    let transport = session_tower::transport::Transport::builder()
        .build()
        .unwrap();
    let provider = session_tower::credentials::SsoProvider::new(
        session_tower::credentials::SsoConfig::new("https://x", "us-east-1", "1", "r")
            .sso_session(name),
        &Env::from_vars([("HOME", home)]),
        &no_files(),
        transport,
    )
    .unwrap();
    provider
        .token_cache_file()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}
