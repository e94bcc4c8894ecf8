//! The end-to-end credential and token chain cases (`data/credential-chain/`): each case's
//! environment and files go into a `Session`; its plan must call the credential endpoints
//! the recording shows, in order; what can run without HTTP (environment, profile keys,
//! `credential_process`, configuration errors) must give the case's result.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use session_core::credentials::{
    container_credentials_uri, imds_endpoint, plan, profile_plan, sso_token_source,
    CredentialProcessProvider, Credentials, CredentialsError, EnvironmentProvider, Plan,
    ProfileStaticProvider, ProvideCredentials, SharedCredentialsProvider, Step,
};
use session_core::Session;
use sha1::{Digest, Sha1};

use crate::support::{env_of, fs_of, fs_tree, load, Failure, NotFollowed, Ours, Wording};
use crate::traffic::{calls, Call};

const SUITES: [(&str, usize); 3] = [
    ("default-credential-provider-chain", 29),
    ("profile-provider", 18),
    ("default-token-provider-chain", 3),
];

const HTTP: &str = "the result comes from HTTP responses: the provider runs in session-tower; here the plan is checked against the recorded calls";
const FILE: &str = "the result comes from a file the provider reads when it runs (in session-tower); here the plan is checked";
const SHELL: &str = "the command is a shell pipeline or builtin; we run credential_process without a shell, as botocore does; here the plan is checked";
const TOKEN: &str = "the token is read by a bearer-token provider, not built yet; here the token source is checked against the cache file it names";

/// Cases whose result is not compared (the rest of each case is), with the reason. Listed in
/// docs/credentials.md.
const NOT_FOLLOWED: NotFollowed = NotFollowed {
    suite: "credential-chain",
    cases: &[
        (
            "default-credential-provider-chain/e2e_fips_and_dual_stack_sso",
            HTTP,
        ),
        ("default-credential-provider-chain/ecs_assume_role", HTTP),
        ("default-credential-provider-chain/ecs_credentials", HTTP),
        (
            "default-credential-provider-chain/ecs_credentials_invalid_profile",
            HTTP,
        ),
        (
            "default-credential-provider-chain/eks_pod_identity_credentials",
            HTTP,
        ),
        (
            "default-credential-provider-chain/eks_pod_identity_no_token_file",
            FILE,
        ),
        ("default-credential-provider-chain/imds_assume_role", HTTP),
        (
            "default-credential-provider-chain/imds_config_with_no_creds",
            HTTP,
        ),
        (
            "default-credential-provider-chain/imds_default_chain_error",
            HTTP,
        ),
        (
            "default-credential-provider-chain/imds_default_chain_retries",
            HTTP,
        ),
        (
            "default-credential-provider-chain/imds_default_chain_success",
            HTTP,
        ),
        ("default-credential-provider-chain/imds_no_iam_role", HTTP),
        ("default-credential-provider-chain/imds_token_fail", HTTP),
        ("default-credential-provider-chain/sso_assume_role", HTTP),
        ("default-credential-provider-chain/sso_no_token_file", FILE),
        ("default-credential-provider-chain/sso_server_error", HTTP),
        (
            "default-credential-provider-chain/web_identity_token_env",
            HTTP,
        ),
        (
            "default-credential-provider-chain/web_identity_token_invalid_jwt",
            HTTP,
        ),
        (
            "default-credential-provider-chain/web_identity_token_profile",
            HTTP,
        ),
        (
            "default-credential-provider-chain/web_identity_token_source_profile",
            HTTP,
        ),
        ("profile-provider/assume_role_override_global_env_url", HTTP),
        (
            "profile-provider/assume_role_override_global_profile_url",
            HTTP,
        ),
        (
            "profile-provider/assume_role_override_service_env_url",
            HTTP,
        ),
        (
            "profile-provider/assume_role_override_service_profile_url",
            HTTP,
        ),
        ("profile-provider/credential_process", SHELL),
        (
            "profile-provider/credential_process_account_id_fallback",
            SHELL,
        ),
        ("profile-provider/credential_process_failure", SHELL),
        ("profile-provider/e2e_assume_role", HTTP),
        ("profile-provider/e2e_fips_and_dual_stack_sts", HTTP),
        ("profile-provider/region_override", HTTP),
        ("profile-provider/retry_on_error", HTTP),
        ("profile-provider/sso_credentials", HTTP),
        ("profile-provider/sso_override_global_env_url", HTTP),
        ("default-token-provider-chain/profile_keys", TOKEN),
        (
            "default-token-provider-chain/profile_keys_case_insensitive",
            TOKEN,
        ),
        ("default-token-provider-chain/profile_name", TOKEN),
    ],
};

/// The suites' error wording where ours differs. Listed in docs/credentials.md.
const WORDING: &[(&str, Ours)] = &[
    ("the credential provider was not enabled", Ours::NotConfigured),
    ("provider was not enabled", Ours::NotConfigured),
    ("could not parse profile file", Ours::Parse),
    (
        "Error retrieving credentials from external process, could not parse response: invalid JSON in response",
        Ours::Text("output is not JSON"),
    ),
];

fn data(suite: &str) -> PathBuf {
    crate::support::data_dir()
        .join("credential-chain")
        .join(suite)
}

/// What a step calls, if it calls anything.
fn expected_call(session: &Session, step: &Step) -> Option<Call> {
    Some(match step {
        Step::Imds { endpoint } => Call::Imds {
            origin: endpoint.clone(),
        },
        Step::Container { uri } => Call::Container { uri: uri.clone() },
        Step::NamedSource { name } if name == "Ec2InstanceMetadata" => Call::Imds {
            origin: imds_endpoint(session).expect("instance metadata is enabled"),
        },
        Step::NamedSource { name } if name == "EcsContainer" => Call::Container {
            uri: container_credentials_uri(session.env()).unwrap(),
        },
        Step::AssumeRole { .. } => Call::AssumeRole {
            origin: service_origin(session, "STS", "sts", sts_region(session)),
        },
        Step::WebIdentity { .. } => Call::WebIdentity {
            origin: service_origin(session, "STS", "sts", sts_region(session)),
        },
        Step::Sso {
            sso_account_id,
            sso_role_name,
            sso_region,
            ..
        } => Call::Sso {
            account_id: sso_account_id.clone(),
            role_name: sso_role_name.clone(),
            origin: service_origin(session, "SSO", "portal.sso", sso_region),
        },
        _ => return None,
    })
}

/// STS clients of a session use its region, `us-east-1` when it has none (see
/// docs/credentials.md).
fn sts_region(session: &Session) -> &str {
    session.region().unwrap_or("us-east-1")
}

/// Where a client of the session sends a service's requests: the configured endpoint URL,
/// else the standard host for the region and the FIPS / dual-stack settings.
fn service_origin(session: &Session, service_id: &str, prefix: &str, region: &str) -> String {
    if let Some(url) = session.settings().endpoint_url(service_id) {
        return url.value().to_string().trim_end_matches('/').to_owned();
    }
    let settings = session.settings();
    let fips = if settings.use_fips_endpoint() {
        "-fips"
    } else {
        ""
    };
    let domain = if settings.use_dualstack_endpoint() {
        "api.aws"
    } else {
        "amazonaws.com"
    };
    format!("https://{prefix}{fips}.{region}.{domain}")
}

/// The provider of a plan's first step, when it needs no HTTP.
fn local_base(session: &Session, step: &Step) -> Option<SharedCredentialsProvider> {
    Some(match step {
        Step::Environment => std::sync::Arc::new(EnvironmentProvider::new(session.env())),
        Step::NamedSource { name } if name == "Environment" => {
            std::sync::Arc::new(EnvironmentProvider::new(session.env()))
        }
        Step::Static { source, .. } => {
            let profile = source.strip_prefix("profile ").unwrap();
            std::sync::Arc::new(ProfileStaticProvider::keys_only(
                session.profiles().profile(profile),
            ))
        }
        Step::CredentialProcess { command } => std::sync::Arc::new(
            CredentialProcessProvider::new(command, format!("profile {}", session.profile_name()))
                .unwrap()
                .with_timeout(Duration::from_secs(10)),
        ),
        _ => return None,
    })
}

fn check_credentials(case: &str, want: &Value, got: &Credentials) {
    let s = |k: &str| want.get(k).and_then(Value::as_str);
    assert_eq!(Some(got.access_key_id()), s("access_key_id"), "{case}");
    assert_eq!(
        Some(got.secret_access_key()),
        s("secret_access_key"),
        "{case}"
    );
    assert_eq!(got.session_token(), s("session_token"), "{case}");
    let expiry = want.get("expiry").and_then(Value::as_u64);
    let got_expiry = got
        .expiry()
        .map(|t| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs());
    assert_eq!(got_expiry, expiry, "{case}");
}

struct Case<'a> {
    name: String,
    expected: &'a Value,
    calls: Vec<Call>,
    wording: &'a Wording,
}

impl Case<'_> {
    fn expect_error(&self, got: &Failure) {
        let Some(fragment) = self.expected["ErrorContains"].as_str() else {
            panic!(
                "{}: expected {:?}, got the error {:?}",
                self.name, self.expected, got.text
            );
        };
        self.wording.check(&self.name, fragment, got);
        assert!(
            self.calls.is_empty(),
            "{}: the SDK called {:?} first",
            self.name,
            self.calls
        );
    }

    /// Checks a plan against the recording and runs what can run here. Returns whether the
    /// result was compared.
    async fn check_plan(&self, session: &Session, plan: &Plan) -> bool {
        let name = &self.name;
        let want: Vec<Call> = plan
            .steps()
            .iter()
            .filter_map(|s| expected_call(session, s))
            .collect();
        let ok = self.expected.get("Ok");
        if ok.is_some() {
            assert_eq!(self.calls, want, "{name}: calls of {plan:?}");
        } else {
            // A failure stops the chain: the recording is the start of the plan's calls.
            assert!(
                want.starts_with(&self.calls),
                "{name}: recorded {:?}, plan {plan:?} calls {want:?}",
                self.calls
            );
        }
        if NOT_FOLLOWED.reason(name).is_some() {
            return false;
        }
        let base = local_base(session, &plan.steps()[0])
            .unwrap_or_else(|| panic!("{name}: the result needs {want:?}; list the case"));
        let result = base.provide_credentials().await;
        match (result, ok) {
            (Err(e), _) => self.expect_error(&Failure::from(&e)),
            (Ok(got), Some(want_creds)) if plan.steps().len() == 1 => {
                check_credentials(name, want_creds, &got);
            }
            (Ok(_), _) => {
                panic!("{name}: the result needs the later steps of {plan:?}; list the case")
            }
        }
        true
    }
}

/// The token source picks the session whose cache file the case holds.
fn check_token_source(name: &str, session: &Session, files: &BTreeMap<PathBuf, Vec<u8>>) {
    let source = sso_token_source(session.profiles(), session.profile_name())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .unwrap_or_else(|| panic!("{name}: the profile names no sso-session"));
    let digest = Sha1::digest(source.session_name().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let home = session.env().get("HOME").unwrap();
    let path = Path::new(&home).join(format!(".aws/sso/cache/{hex}.json"));
    let cache: Value = serde_json::from_slice(
        files
            .get(&path)
            .unwrap_or_else(|| panic!("{name}: no {}", path.display())),
    )
    .unwrap();
    assert_eq!(
        cache["startUrl"].as_str(),
        Some(source.start_url()),
        "{name}"
    );
    if let Some(region) = cache["region"].as_str() {
        assert_eq!(region, source.region(), "{name}");
    }
}

/// Runs one case; returns whether its result was compared.
async fn run(suite: &str, dir: &Path, wording: &Wording) -> bool {
    let name = format!("{suite}/{}", dir.file_name().unwrap().to_str().unwrap());
    let test_case = load(dir.join("test-case.json").to_str().unwrap());
    let files = fs_tree(&dir.join("fs"));
    let case = Case {
        name: name.clone(),
        expected: &test_case["result"],
        calls: calls(&dir.join("http-traffic.json")),
        wording,
    };
    let built = Session::builder()
        .env(env_of(&load(dir.join("env.json").to_str().unwrap())))
        .fs(fs_of(&files))
        .build();
    let session = match built {
        Ok(s) => s,
        Err(e) => {
            case.expect_error(&Failure::from(&e));
            return true;
        }
    };
    let subject: Result<Plan, CredentialsError> = match suite {
        "default-credential-provider-chain" => plan(&session),
        "profile-provider" => profile_plan(session.profiles(), session.profile_name()),
        _ => {
            check_token_source(&name, &session, &files);
            assert!(
                NOT_FOLLOWED.reason(&name).is_some(),
                "{name}: list the case"
            );
            return false;
        }
    };
    match subject {
        Err(e) => {
            case.expect_error(&Failure::from(&e));
            true
        }
        // The profile provider alone: a profile that yields an SSO token gives no credentials,
        // which the credentials chain reports.
        Ok(p) if p.sso_token_source().is_some() => {
            let e = plan(&session).expect_err(&name);
            case.expect_error(&Failure::from(&e));
            true
        }
        Ok(p) => case.check_plan(&session, &p).await,
    }
}

#[tokio::test]
async fn credential_chain_suites() {
    let wording = Wording::new(WORDING);
    let mut all = BTreeSet::new();
    let mut compared = 0;
    for (suite, expected_cases) in SUITES {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(data(suite))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        assert_eq!(dirs.len(), expected_cases, "{suite}: every case runs");
        for dir in dirs {
            all.insert(format!(
                "{suite}/{}",
                dir.file_name().unwrap().to_str().unwrap()
            ));
            if run(suite, &dir, &wording).await {
                compared += 1;
            }
        }
    }
    NOT_FOLLOWED.check(&all, "credentials.md");
    assert_eq!(compared + NOT_FOLLOWED.cases.len(), all.len());
    wording.all_used("credential-chain");
}
