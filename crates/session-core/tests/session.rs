//! Resolution rules of `Session`, through the public API with injected env and files.

#![allow(clippy::unwrap_used)]

use session_core::{Env, Error, Origin, Session, SessionBuilder, SettingValue};

fn builder(env: &[(&str, &str)], config: &str, credentials: &str) -> SessionBuilder {
    Session::builder()
        .env(Env::from_vars(env.iter().copied()))
        .config_file_contents(config)
        .credentials_file_contents(credentials)
}

fn build(env: &[(&str, &str)], config: &str, credentials: &str) -> Session {
    builder(env, config, credentials).build().unwrap()
}

fn build_err(b: SessionBuilder) -> Error {
    b.build().expect_err("build should fail")
}

const CONFIG: &str = "\
[default]
region = us-west-2
retry_mode = adaptive

[profile dev]
region = eu-west-1
max_attempts = 7
s3 =
  addressing_style = path
s3_use_arn_region = true
services = local

[services local]
dynamodb =
  endpoint_url = http://127.0.0.1:8000
";

#[test]
fn precedence_is_explicit_then_env_then_profile_then_default() {
    let s = build(&[], CONFIG, "");
    let region = s.setting("region").unwrap();
    assert_eq!(region.value().as_str(), Some("us-west-2"));
    let Origin::Profile(loc) = region.origin() else {
        panic!("expected a profile origin, got {:?}", region.origin());
    };
    assert_eq!(
        (loc.file(), loc.line(), loc.section()),
        ("<config file contents>", 2, "default")
    );

    let s = build(&[("AWS_DEFAULT_REGION", "ap-south-1")], CONFIG, "");
    assert_eq!(s.region(), Some("ap-south-1"));
    let s = build(
        &[
            ("AWS_DEFAULT_REGION", "ap-south-1"),
            ("AWS_REGION", "sa-east-1"),
        ],
        CONFIG,
        "",
    );
    assert_eq!(s.region(), Some("sa-east-1"));
    assert_eq!(
        s.setting("region").unwrap().origin(),
        &Origin::Env {
            var: "AWS_REGION".into()
        }
    );

    let s = builder(&[("AWS_REGION", "sa-east-1")], CONFIG, "")
        .region("ca-central-1")
        .build()
        .unwrap();
    assert_eq!(s.region(), Some("ca-central-1"));
    assert!(s.setting("region").unwrap().origin().is_explicit());

    let mode = s.setting("defaults_mode").unwrap();
    assert!(mode.origin().is_default());
    assert_eq!(mode.value().as_str(), Some("legacy"));
}

#[test]
fn empty_env_values_count_as_unset() {
    let s = build(&[("AWS_REGION", ""), ("AWS_MAX_ATTEMPTS", "")], CONFIG, "");
    assert_eq!(s.region(), Some("us-west-2"));
    assert_eq!(s.settings().max_attempts(), 3);
}

#[test]
fn profile_selection_order() {
    assert_eq!(build(&[], CONFIG, "").profile_name(), "default");
    let s = build(&[("AWS_DEFAULT_PROFILE", "dev")], CONFIG, "");
    assert_eq!(s.profile_name(), "dev");
    assert_eq!(
        s.profile_origin(),
        &Origin::Env {
            var: "AWS_DEFAULT_PROFILE".into()
        }
    );
    let s = build(
        &[("AWS_DEFAULT_PROFILE", "nope"), ("AWS_PROFILE", "dev")],
        CONFIG,
        "",
    );
    assert_eq!(s.profile_name(), "dev");
    let s = builder(&[("AWS_PROFILE", "nope")], CONFIG, "")
        .profile("default")
        .build()
        .unwrap();
    assert_eq!(s.profile_name(), "default");
    assert!(s.profile_origin().is_explicit());
}

#[test]
fn unknown_named_profile_is_an_error_naming_what_selected_it() {
    let e = build_err(builder(&[("AWS_PROFILE", "prod")], CONFIG, ""));
    assert!(e.is_profile_not_found());
    assert!(e.to_string().contains("\"prod\""), "{e}");
    assert!(e.to_string().contains("AWS_PROFILE"), "{e}");
    let e = build_err(builder(&[], CONFIG, "").profile("prod"));
    assert!(e.is_profile_not_found());
}

#[test]
fn no_profile_named_and_no_default_is_an_empty_configuration() {
    let s = build(&[], "[profile other]\nregion = x-1\n", "");
    assert_eq!(s.profile_name(), "default");
    assert!(s.profile().is_none());
    assert_eq!(s.region(), None);
    assert_eq!(s.available_profiles(), ["other"]);
}

#[test]
fn sub_properties_top_level_fallbacks_and_services() {
    let s = build(&[("AWS_PROFILE", "dev")], CONFIG, "");
    let settings = s.settings();
    assert_eq!(settings.s3_addressing_style().as_str(), "path");
    assert_eq!(settings.flag("s3.use_arn_region"), Some(true));
    assert_eq!(settings.max_attempts(), 7);
    let ddb = settings.endpoint_url("DynamoDB").unwrap();
    assert_eq!(ddb.value().as_str(), Some("http://127.0.0.1:8000"));
    assert_eq!(ddb.name(), "endpoint_url.dynamodb");
    assert!(settings.endpoint_url("S3").is_none());

    let s = build(
        &[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_DYNAMODB", "http://env:1"),
        ],
        CONFIG,
        "",
    );
    assert_eq!(
        s.settings()
            .endpoint_url("DynamoDB")
            .unwrap()
            .value()
            .as_str(),
        Some("http://env:1")
    );
}

#[test]
fn credentials_file_value_wins_over_config_file() {
    let s = build(
        &[],
        "[default]\nregion = a-1\n",
        "[default]\nregion = b-2\n",
    );
    assert_eq!(s.region(), Some("b-2"));
    let Origin::Profile(loc) = s.setting("region").unwrap().origin() else {
        panic!()
    };
    assert_eq!(loc.file(), "<credentials file contents>");
}

#[test]
fn bad_values_name_the_setting_and_origin() {
    let e = build_err(builder(&[("AWS_MAX_ATTEMPTS", "lots")], CONFIG, ""));
    assert!(e.is_invalid_setting());
    assert_eq!(e.setting_name(), Some("max_attempts"));
    assert!(e.to_string().contains("AWS_MAX_ATTEMPTS"), "{e}");

    let e = build_err(builder(&[], "[default]\n\nretry_mode = sometimes\n", ""));
    assert!(e.to_string().contains("<config file contents>:3"), "{e}");
    assert!(e.to_string().contains("standard, adaptive, legacy"), "{e}");

    let e = build_err(builder(&[], "", "").region("us-east-1.evil.com"));
    assert_eq!(e.setting_name(), Some("region"));
    let e = build_err(builder(&[("AWS_REGION", "us-east-1\r\nHost: x")], "", ""));
    assert!(e.is_invalid_setting());
    let e = build_err(builder(&[], "", "").setting("endpoint_url", "localhost:4566"));
    assert!(e.is_invalid_setting());
    let e = build_err(builder(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5")],
        "",
        "",
    ));
    assert!(e.is_invalid_setting());
}

#[test]
fn overridden_bad_values_are_not_checked() {
    // Only the winning value matters, as in the SDKs.
    let s = build(
        &[("AWS_MAX_ATTEMPTS", "4")],
        "[default]\nmax_attempts = lots\n",
        "",
    );
    assert_eq!(s.settings().max_attempts(), 4);
}

#[test]
fn unknown_setting_names_fail_at_build() {
    let e = build_err(builder(&[], "", "").setting("retry_mood", "standard"));
    assert!(e.is_unknown_setting());
    assert_eq!(e.setting_name(), Some("retry_mood"));
    let s = builder(&[], "", "")
        .setting("endpoint_url.s3", "http://127.0.0.1:9000")
        .build()
        .unwrap();
    assert!(s
        .settings()
        .endpoint_url("S3")
        .unwrap()
        .origin()
        .is_explicit());
}

#[test]
fn case_insensitive_enum_values_are_canonicalized() {
    let s = build(
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv6"),
            ("AWS_RETRY_MODE", "Standard"),
        ],
        "",
        "",
    );
    assert_eq!(
        s.setting("ec2_metadata_service_endpoint_mode")
            .unwrap()
            .value(),
        &SettingValue::Text("IPv6".into())
    );
    assert_eq!(s.settings().retry_mode().as_str(), "standard");
}

#[test]
fn timeouts_are_durations() {
    let s = build(&[("AWS_CONNECT_TIMEOUT", "0.25")], "", "");
    assert_eq!(
        s.settings().connect_timeout(),
        std::time::Duration::from_millis(250)
    );
    assert_eq!(
        s.settings().read_timeout(),
        std::time::Duration::from_secs(60)
    );
}

#[test]
fn credential_settings_are_resolved_for_later_providers() {
    let cfg = "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = base\nduration_seconds = 3600\n[profile base]\n";
    let s = build(&[("AWS_PROFILE", "r")], cfg, "");
    assert_eq!(s.settings().text("source_profile"), Some("base"));
    assert_eq!(
        s.setting("duration_seconds").unwrap().value(),
        &SettingValue::Int(3600)
    );
    let e = build_err(builder(
        &[("AWS_PROFILE", "r")],
        &cfg.replace("3600", "60"),
        "",
    ));
    assert_eq!(e.setting_name(), Some("duration_seconds"));
}

#[test]
fn explain_lists_every_value_with_origin() {
    let s = build(
        &[("AWS_PROFILE", "dev"), ("AWS_RETRY_MODE", "legacy")],
        CONFIG,
        "",
    );
    let text = s.explain().to_string();
    assert!(text.contains("profile"), "{text}");
    assert!(text.contains("env var AWS_PROFILE"), "{text}");
    assert!(text.contains("env var AWS_RETRY_MODE"), "{text}");
    assert!(
        text.contains("<config file contents>:6 [profile dev]"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("max_attempts") && l.contains(":7 [profile dev]")),
        "{text}"
    );
    assert!(text.contains("default"), "{text}");
    let names: Vec<&str> = s.explain().settings().map(|r| r.name()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn warnings_are_kept() {
    let s = build(
        &[],
        "[oops]\nregion = x\n[profile default]\nbad key = 1\n",
        "",
    );
    assert_eq!(s.warnings().len(), 2, "{:?}", s.warnings());
    assert!(s.warnings()[0].contains("<config file contents>:1"));
}

#[test]
fn files_on_disk_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\n  continued\n[profile x\n",
    )
    .unwrap();
    let e = Session::builder()
        .env(Env::from_vars([(
            "AWS_CONFIG_FILE",
            config.to_str().unwrap(),
        )]))
        .credentials_file_contents("")
        .build()
        .err()
        .unwrap();
    assert!(e.is_parse());
    assert_eq!(e.file(), config.to_str());
    assert_eq!(e.line(), Some(4));

    let e = Session::builder()
        .env(Env::from_vars([("HOME", dir.path().to_str().unwrap())]))
        .config_file("~/missing")
        .build()
        .err()
        .unwrap();
    assert!(e.is_file_missing());
    assert_eq!(e.file(), dir.path().join("missing").to_str());

    // A file named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE that does not exist is
    // empty, as in the SDKs, and a warning names it.
    let s = Session::builder()
        .env(Env::from_vars([
            ("AWS_CONFIG_FILE", dir.path().join("nope").to_str().unwrap()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("nope2").to_str().unwrap(),
            ),
        ]))
        .build()
        .unwrap();
    assert!(s.available_profiles().is_empty());
    assert_eq!(s.warnings().len(), 2, "{:?}", s.warnings());
    assert!(s.warnings()[0].contains("AWS_CONFIG_FILE"));
    assert!(s.warnings()[1].contains("AWS_SHARED_CREDENTIALS_FILE"));

    // The default files under HOME may be absent: that is an empty configuration.
    let s = Session::builder()
        .env(Env::from_vars([("HOME", dir.path().to_str().unwrap())]))
        .build()
        .unwrap();
    assert!(s.available_profiles().is_empty());
}

#[test]
fn session_is_cheap_to_share() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<Session>();
    let s = build(&[], CONFIG, "");
    let t = s.clone();
    std::thread::spawn(move || assert_eq!(t.region(), Some("us-west-2")))
        .join()
        .unwrap();
}

#[tokio::test]
async fn credentials_chain_order() {
    let creds_file =
        "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n";
    let env_keys = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
    ];

    let c = build(&[], "", creds_file)
        .local_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDPROFILE");
    assert!(c.source().starts_with("profile default"), "{}", c.source());

    let c = build(&env_keys, "", creds_file)
        .local_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDENV");

    let c = builder(&env_keys, "", creds_file)
        .access_key_id("AKIDEXPLICIT")
        .secret_access_key("explicit-secret")
        .session_token("explicit-token")
        .build()
        .unwrap()
        .local_credentials()
        .await
        .unwrap();
    assert_eq!(
        (c.access_key_id(), c.session_token()),
        ("AKIDEXPLICIT", Some("explicit-token"))
    );
    assert_eq!(c.source(), "explicit");

    // A partial env pair stops the chain rather than falling through to the profile.
    let e = build(&[("AWS_ACCESS_KEY_ID", "AKIDENV")], "", creds_file)
        .local_credentials()
        .await
        .unwrap_err();
    assert!(e.is_partial(), "{e}");

    let e = build(&[], "", "").local_credentials().await.unwrap_err();
    assert!(e.is_not_configured());
}

#[test]
fn half_explicit_keys_fail_at_build() {
    let e = build_err(builder(&[], "", "").access_key_id("AKID"));
    assert!(e.is_credentials());
    let e = build_err(builder(&[], "", "").secret_access_key("very-secret-value"));
    assert!(e.is_credentials());
    assert!(!e.to_string().contains("very-secret-value"));
    assert!(!format!("{e:?}").contains("very-secret-value"));
}

#[tokio::test]
async fn debug_never_prints_secrets() {
    let secrets = [
        "explicit-secret-1",
        "explicit-token-1",
        "env-secret-2",
        "env-token-2",
        "profile-secret-3",
    ];
    let explicit = builder(&[], "", "")
        .access_key_id("AKID1")
        .secret_access_key(secrets[0])
        .session_token(secrets[1])
        .build()
        .unwrap();
    let env = build(
        &[
            ("AWS_ACCESS_KEY_ID", "AKID2"),
            ("AWS_SECRET_ACCESS_KEY", secrets[2]),
            ("AWS_SESSION_TOKEN", secrets[3]),
        ],
        "",
        "",
    );
    let profile = build(
        &[],
        "",
        &format!(
            "[default]\naws_access_key_id = AKID3\naws_secret_access_key = {}\n",
            secrets[4]
        ),
    );
    for s in [explicit, env, profile] {
        let creds = s.local_credentials().await.unwrap();
        let shown = format!(
            "{s:?} {s:#?} {creds:?} {:?} {:?} {} {:?}",
            s.profiles(),
            s.profile(),
            s.explain(),
            s.env()
        );
        for secret in secrets {
            assert!(
                !shown.contains(secret),
                "secret {secret} leaked in: {shown}"
            );
        }
        assert!(shown.contains(creds.access_key_id()));
    }
}

#[test]
fn default_session_can_be_replaced() {
    let s = Session::builder()
        .env(Env::from_vars([("AWS_PROFILE", "only-here")]))
        .config_file_contents("[profile only-here]\nregion = eu-north-1\n")
        .credentials_file_contents("")
        .build()
        .unwrap();
    session_core::set_default_session(s);
    let d = session_core::default_session().unwrap();
    assert_eq!(d.profile_name(), "only-here");
    assert_eq!(d.region(), Some("eu-north-1"));
}

#[test]
fn shared_state_is_one_value_per_type_and_session() {
    let s = build(&[], "", "");
    let a = s.shared_state(|| 41u32);
    let b = s.clone().shared_state(|| 0u32);
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    assert_eq!(*s.shared_state(|| String::from("x")), "x");
    let other = build(&[], "", "");
    assert_eq!(*other.shared_state(|| 7u32), 7);
}
