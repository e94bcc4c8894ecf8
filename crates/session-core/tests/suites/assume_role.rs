//! The profile chain cases (`data/assume-role/`): profiles in, the flattened provider chain
//! or an error out, through `credentials::profile_plan`.

use serde_json::Value;
use session_core::credentials::{profile_plan, Step};
use session_core::profile::ProfileSet;

use crate::support::{load, text, Failure, Ours, Wording};

const CASES: usize = 28;

/// The suite's error wording where ours differs (every other expected fragment appears in
/// our message as it is). Listed in docs/credentials.md.
const WORDING: &[(&str, Ours)] = &[
    (
        "profile must contain `source_profile`",
        Ours::Text("sets role_arn but neither source_profile nor credential_source"),
    ),
    (
        "profile contained both source_profile and credential_source",
        Ours::Text("sets both source_profile and credential_source"),
    ),
    (
        "profile missing aws_secret_access_key",
        Ours::Text("sets aws_access_key_id but not aws_secret_access_key"),
    ),
    (
        "profile missing aws_access_key_id",
        Ours::Text("sets aws_secret_access_key but not aws_access_key_id"),
    ),
    (
        "could not find source profile B referenced from A",
        Ours::Text("profile `A` names source_profile `B`, which does not exist"),
    ),
    ("No profiles were defined", Ours::NotConfigured),
    (
        "profile formed an infinite loop",
        Ours::Text("source_profile loop: A -> B -> A"),
    ),
];

/// The suite's profiles and sso-sessions as a config file.
fn config_file(input: &Value) -> String {
    let mut out = String::new();
    let sections = [
        ("profile", &input["profiles"]),
        ("sso-session", &input["sso_sessions"]),
    ];
    for (kind, map) in sections {
        for (name, props) in map.as_object().into_iter().flatten() {
            out.push_str(&format!("[{kind} {name}]\n"));
            for (k, v) in props.as_object().unwrap() {
                out.push_str(&format!("{k} = {}\n", text(v)));
            }
        }
    }
    out
}

fn opt(v: &Value, key: &str) -> Option<String> {
    v.get(key).map(text)
}

/// One expected row of the chain against our step.
fn check_step(case: &str, set: &ProfileSet, expected: &Value, got: &Step) {
    let (kind, want) = expected.as_object().unwrap().iter().next().unwrap();
    match (kind.as_str(), got) {
        (
            "AccessKey",
            Step::Static {
                access_key_id,
                source,
            },
        ) => {
            assert_eq!(
                Some(access_key_id.clone()),
                opt(want, "access_key_id"),
                "{case}"
            );
            // The plan shows no secret; it names the profile the keys are in.
            let profile = source.strip_prefix("profile ").unwrap();
            let p = set.profile(profile).unwrap();
            assert_eq!(
                p.get("aws_secret_access_key").map(str::to_owned),
                opt(want, "secret_access_key"),
                "{case}"
            );
            assert_eq!(
                p.get("aws_account_id").map(str::to_owned),
                opt(want, "account_id"),
                "{case}"
            );
        }
        (
            "AssumeRole",
            Step::AssumeRole {
                role_arn,
                role_session_name,
                external_id,
                ..
            },
        ) => {
            assert_eq!(Some(role_arn.clone()), opt(want, "role_arn"), "{case}");
            assert_eq!(
                role_session_name.clone(),
                opt(want, "role_session_name"),
                "{case}"
            );
            assert_eq!(external_id.clone(), opt(want, "external_id"), "{case}");
        }
        ("NamedSource", Step::NamedSource { name }) => {
            assert_eq!(Some(name.as_str()), want.as_str(), "{case}");
        }
        (
            "WebIdentityToken",
            Step::WebIdentity {
                role_arn,
                web_identity_token_file,
                role_session_name,
            },
        ) => {
            assert_eq!(Some(role_arn.clone()), opt(want, "role_arn"), "{case}");
            assert_eq!(
                Some(web_identity_token_file.clone()),
                opt(want, "web_identity_token_file"),
                "{case}"
            );
            assert_eq!(
                role_session_name.clone(),
                opt(want, "role_session_name"),
                "{case}"
            );
        }
        (
            "Sso",
            Step::Sso {
                sso_start_url,
                sso_region,
                sso_account_id,
                sso_role_name,
                sso_session,
            },
        ) => {
            assert_eq!(
                Some(sso_start_url.clone()),
                opt(want, "sso_start_url"),
                "{case}"
            );
            assert_eq!(Some(sso_region.clone()), opt(want, "sso_region"), "{case}");
            assert_eq!(
                Some(sso_account_id.clone()),
                opt(want, "sso_account_id"),
                "{case}"
            );
            assert_eq!(
                Some(sso_role_name.clone()),
                opt(want, "sso_role_name"),
                "{case}"
            );
            assert_eq!(sso_session.clone(), opt(want, "sso_session"), "{case}");
        }
        // An SSO row without account and role is a token source.
        ("Sso", Step::SsoToken(source)) => {
            assert_eq!(opt(want, "sso_account_id"), None, "{case}");
            assert_eq!(opt(want, "sso_role_name"), None, "{case}");
            assert_eq!(
                Some(source.session_name().to_owned()),
                opt(want, "sso_session"),
                "{case}"
            );
            assert_eq!(
                Some(source.start_url().to_owned()),
                opt(want, "sso_start_url"),
                "{case}"
            );
            assert_eq!(
                Some(source.region().to_owned()),
                opt(want, "sso_region"),
                "{case}"
            );
        }
        (kind, got) => panic!("{case}: expected a {kind} step, got {got:?}"),
    }
}

#[test]
fn assume_role_suite() {
    let suite = load("assume-role/assume-role-tests.json");
    let wording = Wording::new(WORDING);
    let mut ran = 0;
    for t in suite.as_array().unwrap() {
        let case = t["docs"].as_str().unwrap();
        let input = &t["input"];
        let set = ProfileSet::parse("config", &config_file(input), "credentials", "")
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert!(set.warnings().is_empty(), "{case}: {:?}", set.warnings());
        let result = profile_plan(&set, input["selected_profile"].as_str().unwrap());
        match (&t["output"]["ProfileChain"], t["output"]["Error"].as_str()) {
            (Value::Array(rows), None) => {
                let plan = result.unwrap_or_else(|e| panic!("{case}: {e}"));
                assert_eq!(plan.steps().len(), rows.len(), "{case}: {plan:?}");
                for (row, step) in rows.iter().zip(plan.steps()) {
                    check_step(case, &set, row, step);
                }
            }
            (Value::Null, Some(expected)) => {
                let e = result.expect_err(case);
                wording.check(case, expected, &Failure::from(&e));
            }
            other => panic!("{case}: unknown output {other:?}"),
        }
        ran += 1;
    }
    assert_eq!(ran, CASES, "every case of the suite runs");
    wording.all_used("assume-role");
}
