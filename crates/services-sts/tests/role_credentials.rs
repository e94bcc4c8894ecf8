//! Role credentials from profiles, resolved for real against moto with signature checking
//! on: AssumeRole (signed with the source profile's keys; chains of roles) and
//! AssumeRoleWithWebIdentity (unsigned, token from a file). Each test then calls
//! GetCallerIdentity with the credentials it got, so they must actually work.

#![allow(clippy::unwrap_used)]

use services_sts::StsClient;
use session_core::{Env, Fs, Session};
use session_testkit::Moto;

const ACCOUNT: &str = "123456789012";

fn session(moto: &Moto, config: &str, profile: &str, env: &[(&str, &str)], fs: Fs) -> Session {
    let mut vars = vec![("AWS_REGION", moto.region())];
    if profile != "default" {
        vars.push(("AWS_PROFILE", profile));
    }
    vars.extend_from_slice(env);
    Session::builder()
        .env(Env::from_vars(vars))
        .fs(fs)
        .config_file_contents(config)
        .credentials_file_contents("")
        .setting("endpoint_url", moto.endpoint())
        .build()
        .unwrap()
}

fn base_profile(moto: &Moto, secret: Option<&str>) -> String {
    format!(
        "[profile base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        moto.credentials().access_key_id(),
        secret.unwrap_or(moto.credentials().secret_access_key())
    )
}

/// GetCallerIdentity with the session's credentials (checked by moto).
async fn caller(session: &Session) -> services_sts::types::GetCallerIdentityResponse {
    StsClient::new(session)
        .unwrap()
        .get_caller_identity()
        .send()
        .await
        .unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

#[test]
fn assume_role_from_source_profile_and_use_the_role() {
    let moto = Moto::shared_with_auth();
    let config = format!(
        "{}[profile app]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/app-role\nsource_profile = base\nrole_session_name = it-app\nexternal_id = ext-1\nduration_seconds = 900\n",
        base_profile(moto, None)
    );
    let session = session(
        moto,
        &config,
        "app",
        &[],
        Fs::from_files::<_, &str, &str>([]),
    );
    rt().block_on(async {
        let creds = services_sts::credentials::resolve(&session).await.unwrap();
        assert!(creds.source().contains("assume_role"), "{}", creds.source());
        assert!(creds.session_token().is_some());
        let left = creds
            .expiry()
            .unwrap()
            .duration_since(std::time::SystemTime::now())
            .unwrap();
        assert!(left.as_secs() <= 900 && left.as_secs() > 800, "{left:?}");
        assert_ne!(creds.access_key_id(), moto.credentials().access_key_id());

        let who = caller(&session).await;
        assert_eq!(
            who.arn.as_deref(),
            Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/app-role/it-app").as_str())
        );
    });
}

/// The middle role must exist in moto's IAM with a policy, or moto refuses its
/// credentials; hence a dedicated instance where the test can create it.
#[test]
fn role_chains_assume_each_role_in_turn() {
    let moto = &Moto::start_with_auth().unwrap();
    let first = moto.create_role("first").unwrap();
    let config = format!(
        "{}[profile first]\nrole_arn = {first}\nsource_profile = base\n\
         [profile second]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/second\nsource_profile = first\nrole_session_name = chained\n",
        base_profile(moto, None)
    );
    let session = session(
        moto,
        &config,
        "second",
        &[],
        Fs::from_files::<_, &str, &str>([]),
    );
    rt().block_on(async {
        let who = caller(&session).await;
        assert_eq!(
            who.arn.as_deref(),
            Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/second/chained").as_str())
        );
    });
}

/// A source profile with its own keys ends the chain even when it names a role itself
/// (moto knows no `mid-role`, so assuming it first would fail the test).
#[test]
fn a_source_profile_with_keys_ends_the_chain() {
    let moto = Moto::shared_with_auth();
    let config = format!(
        "[profile mid]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/mid-role\nsource_profile = nowhere\naws_access_key_id = {}\naws_secret_access_key = {}\n\
         [profile app]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/app-role\nsource_profile = mid\nrole_session_name = ends\n",
        moto.credentials().access_key_id(),
        moto.credentials().secret_access_key()
    );
    let session = session(
        moto,
        &config,
        "app",
        &[],
        Fs::from_files::<_, &str, &str>([]),
    );
    rt().block_on(async {
        let who = caller(&session).await;
        assert!(
            who.arn
                .as_deref()
                .unwrap()
                .ends_with("assumed-role/app-role/ends"),
            "{who:?}"
        );
    });
}

/// `credential_source = EcsContainer`: the container endpoint (a loopback stub) hands out
/// moto's keys, which then sign AssumeRole against moto.
#[test]
fn role_on_top_of_the_container_endpoint() {
    let moto = Moto::shared_with_auth();
    rt().block_on(async {
        let keys = session_testkit::stubs::StubCredentials {
            access_key_id: moto.credentials().access_key_id().to_owned(),
            secret_access_key: moto.credentials().secret_access_key().to_owned(),
            session_token: String::new(),
            expiration: std::time::SystemTime::now() + std::time::Duration::from_secs(3600),
        };
        let stub = session_testkit::stubs::ContainerStub::start(None, keys)
            .await
            .unwrap();
        let url = stub.url();
        let config = format!(
            "[profile task]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/task-role\ncredential_source = EcsContainer\nrole_session_name = from-task\n"
        );
        let session = session(
            moto,
            &config,
            "task",
            &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)],
            Fs::from_files::<_, &str, &str>([]),
        );
        let who = caller(&session).await;
        assert!(
            who.arn.as_deref().unwrap().ends_with("assumed-role/task-role/from-task"),
            "{who:?}"
        );
        assert_eq!(stub.requests(), 1);
    });
}

#[test]
fn a_wrong_source_secret_fails_with_the_role_and_no_secret() {
    let moto = Moto::shared_with_auth();
    let wrong = "wrongwrongwrongwrongwrongwrongwrongwrong";
    let config = format!(
        "{}[profile app]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/app-role\nsource_profile = base\n",
        base_profile(moto, Some(wrong))
    );
    let session = session(
        moto,
        &config,
        "app",
        &[],
        Fs::from_files::<_, &str, &str>([]),
    );
    rt().block_on(async {
        let e = StsClient::new(&session)
            .unwrap()
            .get_caller_identity()
            .send()
            .await
            .unwrap_err();
        let e = e.as_stack().unwrap();
        assert!(e.is_credentials(), "{e:?}");
        let chain = session_testkit::error_chain(e);
        assert!(chain.contains("AssumeRole for arn:aws:iam::"), "{chain}");
        assert!(chain.contains("SignatureDoesNotMatch"), "{chain}");
        assert!(!chain.contains(wrong), "{chain}");
        assert!(!format!("{e:?}").contains(wrong));
    });
}

/// moto (checking on) needs an `Authorization` header on every request, even on
/// AssumeRoleWithWebIdentity, which AWS takes unsigned: a dedicated instance lets exactly
/// that call through unchecked; the follow-up GetCallerIdentity is checked.
#[test]
fn web_identity_from_profile_and_from_environment() {
    let moto = &Moto::start_with_auth().unwrap();
    let token_path = "/virtual/eks/token";
    let fs = Fs::from_files([(token_path, "eyJhbGciOi.fake.jwt")]);
    let config = format!(
        "[profile web]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/web-role\nweb_identity_token_file = {token_path}\nrole_session_name = web-it\n"
    );
    let from_profile = session(moto, &config, "web", &[], fs.clone());
    let from_env = session(
        moto,
        "",
        "default",
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token_path),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/env-role"),
            ("AWS_ROLE_SESSION_NAME", "env-it"),
        ],
        fs,
    );
    rt().block_on(async {
        for (session, want) in [
            (&from_profile, "assumed-role/web-role/web-it"),
            (&from_env, "assumed-role/env-role/env-it"),
        ] {
            moto.skip_checks_for_next(1).unwrap();
            let creds = services_sts::credentials::resolve(session).await.unwrap();
            assert!(
                creds.source().contains("web_identity"),
                "{}",
                creds.source()
            );
            let who = caller(session).await;
            assert!(who.arn.as_deref().unwrap().ends_with(want), "{who:?}");
        }
    });
}

#[test]
fn a_missing_token_file_is_an_error_naming_the_file() {
    let moto = Moto::shared_with_auth();
    let config = format!(
        "[profile web]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/web-role\nweb_identity_token_file = /virtual/gone\n"
    );
    let session = session(
        moto,
        &config,
        "web",
        &[],
        Fs::from_files::<_, &str, &str>([]),
    );
    rt().block_on(async {
        let e = services_sts::credentials::resolve(&session)
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        let chain = session_testkit::error_chain(&e);
        assert!(chain.contains("/virtual/gone"), "{chain}");
        assert!(chain.contains("does not exist"), "{chain}");
    });
}
