//! The credentials plan: which provider the default chain would use, from configuration alone.

#![allow(clippy::unwrap_used)]

use session_core::credentials::{plan, profile_plan, sso_token_source, Step};
use session_core::{Env, Session};

const CONFIG: &str = "\
[profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = base-secret

[profile dev]
role_arn = arn:aws:iam::111111111111:role/dev
source_profile = base
role_session_name = me

[profile prod]
role_arn = arn:aws:iam::222222222222:role/prod
source_profile = dev
external_id = ext-1

[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a

[profile both]
role_arn = arn:aws:iam::1:role/x
source_profile = base
credential_source = Environment

[profile ec2]
role_arn = arn:aws:iam::1:role/x
credential_source = Ec2InstanceMetadata

[profile bad-source]
role_arn = arn:aws:iam::1:role/x
credential_source = Laptop

[profile mfa]
role_arn = arn:aws:iam::1:role/x
source_profile = base
mfa_serial = arn:aws:iam::1:mfa/me

[profile self]
role_arn = arn:aws:iam::1:role/self
source_profile = self
aws_access_key_id = AKIDSELF
aws_secret_access_key = self-secret

[profile missing-source]
role_arn = arn:aws:iam::1:role/x
source_profile = nowhere

[profile web]
role_arn = arn:aws:iam::1:role/web
web_identity_token_file = /var/run/token

[profile sso-legacy]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Admin

[profile sso-new]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly

[profile sso-broken]
sso_session = corp
sso_account_id = 123456789012

[profile proc]
credential_process = /usr/bin/get-creds --profile x

[profile empty]
region = eu-west-1

[profile token-only]
sso_session = corp

[profile on-token]
role_arn = arn:aws:iam::1:role/x
source_profile = token-only

[profile web-no-role]
web_identity_token_file = /var/run/token

[profile source-without-role]
credential_source = Ec2InstanceMetadata

[profile login]
login_session = arn:aws:iam::1:user/me

[profile task]
role_arn = arn:aws:iam::1:role/task
credential_source = EcsContainer

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
";

fn session(env: &[(&str, &str)], profile: &str) -> Session {
    Session::builder()
        .env(Env::from_vars(env.iter().copied()))
        .config_file_contents(CONFIG)
        .credentials_file_contents("")
        .profile(profile)
        .build()
        .unwrap()
}

fn kinds(profile: &str) -> Vec<&'static str> {
    plan(&session(&[], profile))
        .unwrap()
        .steps()
        .iter()
        .map(Step::kind)
        .collect()
}

fn err(profile: &str) -> String {
    plan(&session(&[], profile)).unwrap_err().to_string()
}

#[test]
fn role_chains_list_the_base_first_then_each_role() {
    let p = plan(&session(&[], "prod")).unwrap();
    assert_eq!(p.steps().len(), 3);
    assert!(
        matches!(&p.steps()[0], Step::Static { access_key_id, source } if access_key_id == "AKIDBASE" && source == "profile base")
    );
    assert!(
        matches!(&p.steps()[1], Step::AssumeRole { role_arn, role_session_name, .. } if role_arn.ends_with("role/dev") && role_session_name.as_deref() == Some("me"))
    );
    assert!(
        matches!(&p.steps()[2], Step::AssumeRole { role_arn, external_id, .. } if role_arn.ends_with("role/prod") && external_id.as_deref() == Some("ext-1"))
    );
    assert_eq!(kinds("self"), ["static", "assume_role"]);
    assert_eq!(kinds("ec2"), ["named_source", "assume_role"]);
}

#[test]
fn configuration_errors_are_actionable() {
    let e = err("loop-a");
    assert!(e.contains("loop-a -> loop-b -> loop-a"), "{e}");
    assert!(err("both").contains("both source_profile and credential_source"));
    // An unknown credential_source is already refused when the session is built.
    let e = Session::builder()
        .env(Env::from_vars([("X", "y")]))
        .config_file_contents(CONFIG)
        .credentials_file_contents("")
        .profile("bad-source")
        .build()
        .unwrap_err();
    assert_eq!(e.setting_name(), Some("credential_source"));
    assert!(err("mfa").contains("mfa_serial"));
    assert!(err("missing-source").contains("`nowhere`"));
    assert!(err("sso-broken").contains("sso_role_name"));
}

#[test]
fn web_identity_sso_and_process_profiles() {
    assert_eq!(kinds("web"), ["web_identity"]);
    let p = plan(&session(&[], "sso-new")).unwrap();
    assert!(
        matches!(&p.steps()[0], Step::Sso { sso_start_url, sso_region, sso_session, .. }
        if sso_start_url == "https://corp.awsapps.com/start" && sso_region == "eu-central-1" && sso_session.as_deref() == Some("corp"))
    );
    assert_eq!(kinds("sso-legacy"), ["sso"]);
    assert!(
        matches!(&plan(&session(&[], "proc")).unwrap().steps()[0], Step::CredentialProcess { command } if command == "/usr/bin/get-creds --profile x")
    );
}

#[test]
fn environment_and_fallbacks_follow_the_chain_order() {
    let s = session(
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ],
        "prod",
    );
    assert_eq!(plan(&s).unwrap().steps(), [Step::Environment]);
    let s = session(&[("AWS_ACCESS_KEY_ID", "AKIDENV")], "prod");
    assert!(plan(&s).unwrap_err().is_partial());

    // A profile with nothing to offer lets the chain move on.
    let s = session(
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
        ],
        "empty",
    );
    assert_eq!(plan(&s).unwrap().steps()[0].kind(), "web_identity");
    let s = session(
        &[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds")],
        "empty",
    );
    assert_eq!(
        plan(&s).unwrap().steps(),
        [Step::Container {
            uri: "http://169.254.170.2/v2/creds".into()
        }]
    );
    let s = session(&[], "empty");
    assert_eq!(
        plan(&s).unwrap().steps(),
        [Step::Imds {
            endpoint: "http://169.254.169.254".into()
        }]
    );
    let s = session(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv6")],
        "empty",
    );
    assert_eq!(
        plan(&s).unwrap().steps(),
        [Step::Imds {
            endpoint: "http://[fd00:ec2::254]".into()
        }]
    );
    let s = session(&[("AWS_EC2_METADATA_DISABLED", "true")], "empty");
    assert!(plan(&s).unwrap_err().is_not_configured());

    let explicit = Session::builder()
        .env(Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "x"),
        ]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXPLICIT")
        .secret_access_key("explicit-secret")
        .build()
        .unwrap();
    assert!(
        matches!(&plan(&explicit).unwrap().steps()[0], Step::Static { source, .. } if source == "explicit")
    );
}

#[test]
fn plans_never_hold_secrets() {
    for profile in ["prod", "self", "sso-new", "proc"] {
        let shown = format!("{:?}", plan(&session(&[], profile)).unwrap());
        assert!(!shown.contains("secret"), "{shown}");
    }
}

#[test]
fn a_profile_with_only_configuration_lets_the_chain_move_on() {
    let s = session(&[], "empty");
    let e = profile_plan(s.profiles(), "empty").unwrap_err();
    assert!(e.is_not_configured());
    assert_eq!(
        e.to_string(),
        "profile `empty` did not contain credential information"
    );
    assert_eq!(plan(&s).unwrap().steps()[0].kind(), "imds");
}

#[test]
fn an_sso_session_only_profile_is_a_token_source_not_credentials() {
    let s = session(&[], "token-only");
    let p = profile_plan(s.profiles(), "token-only").unwrap();
    let source = p.sso_token_source().unwrap();
    assert_eq!(
        (source.session_name(), source.start_url(), source.region()),
        ("corp", "https://corp.awsapps.com/start", "eu-central-1")
    );
    assert_eq!(p.steps()[0].kind(), "sso_token");
    // The same source, for a bearer-token provider, from profiles with and without a role.
    assert_eq!(
        sso_token_source(s.profiles(), "token-only")
            .unwrap()
            .as_ref(),
        Some(source)
    );
    assert_eq!(
        sso_token_source(s.profiles(), "sso-new")
            .unwrap()
            .unwrap()
            .session_name(),
        "corp"
    );
    assert_eq!(sso_token_source(s.profiles(), "sso-legacy").unwrap(), None);

    let e = plan(&s).unwrap_err();
    assert!(!e.is_not_configured(), "a chain must not move on: {e}");
    assert!(
        e.to_string()
            .contains("selected profile will resolve an access token instead of credentials"),
        "{e}"
    );
    let e = err("on-token");
    assert!(
        e.contains("cannot be the source_profile of `on-token`"),
        "{e}"
    );
}

#[test]
fn profile_errors_the_sdks_report() {
    assert_eq!(
        err("web-no-role"),
        "profile `web-no-role`: `web_identity_token_file` was specified but `role_arn` was missing"
    );
    assert!(err("source-without-role").contains("credential_source without role_arn"));
    let e = plan(&session(&[], "login")).unwrap_err();
    assert!(e.is_unsupported(), "{e}");
}

#[test]
fn container_urls_are_checked_naming_the_variable() {
    let e = plan(&session(
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", "/credentials")],
        "empty",
    ))
    .unwrap_err();
    assert!(
        e.to_string().contains("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            && e.to_string().contains("did not specify a host"),
        "{e}"
    );
    // A role sourced from the container: a set but invalid URL fails the plan too; an unset
    // one is left to the container provider, which reports it when it runs.
    let e = plan(&session(
        &[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://10.1.2.3/creds",
        )],
        "task",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("use https"), "{e}");
    assert_eq!(kinds("task"), ["named_source", "assume_role"]);
}

#[test]
fn blank_environment_keys_count_as_unset() {
    let s = session(
        &[("AWS_ACCESS_KEY_ID", " "), ("AWS_SECRET_ACCESS_KEY", " ")],
        "prod",
    );
    assert_eq!(plan(&s).unwrap().steps()[0].kind(), "static");
}
