//! The credentials plan: which provider the default chain would use, and which roles it
//! would assume on top, worked out from the configuration alone (nothing is called).
//!
//! The order follows the SDKs: explicit keys, environment keys, the selected profile (roles
//! via `source_profile` chains or `credential_source`, web identity, SSO,
//! `credential_process`, static keys), web identity from the environment, the container
//! endpoint, then instance metadata (IMDS).

use std::collections::HashSet;

use super::CredentialsError;
use crate::profile::{ProfileSet, Section};
use crate::Session;

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Long-term keys given in code or in a profile.
    Static {
        /// The access key id (not a secret).
        access_key_id: String,
        /// Where they are: `explicit` or `profile NAME`.
        source: String,
    },
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    Environment,
    /// AssumeRole with the credentials of the step before.
    AssumeRole {
        /// The role.
        role_arn: String,
        /// `role_session_name`, if set.
        role_session_name: Option<String>,
        /// `external_id`, if set.
        external_id: Option<String>,
        /// The profile that asks for the role.
        profile: String,
    },
    /// AssumeRoleWithWebIdentity with a token file.
    WebIdentity {
        /// The role.
        role_arn: String,
        /// The token file.
        web_identity_token_file: String,
        /// `role_session_name`, if set.
        role_session_name: Option<String>,
    },
    /// IAM Identity Center (SSO) role credentials.
    Sso {
        /// The portal's start URL.
        sso_start_url: String,
        /// The portal's region.
        sso_region: String,
        /// The account.
        sso_account_id: String,
        /// The role.
        sso_role_name: String,
        /// The `[sso-session]` used, if any.
        sso_session: Option<String>,
    },
    /// An external command.
    CredentialProcess {
        /// The command line.
        command: String,
    },
    /// `credential_source` of a role profile.
    NamedSource {
        /// `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
        name: String,
    },
    /// The container credentials endpoint.
    Container {
        /// Its URL.
        uri: String,
    },
    /// EC2 instance metadata (IMDSv2).
    Imds {
        /// The metadata endpoint.
        endpoint: String,
    },
}

impl Step {
    /// The step's kind as `session credentials --plan` prints it.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Static { .. } => "static",
            Step::Environment => "environment",
            Step::AssumeRole { .. } => "assume_role",
            Step::WebIdentity { .. } => "web_identity",
            Step::Sso { .. } => "sso",
            Step::CredentialProcess { .. } => "credential_process",
            Step::NamedSource { .. } => "named_source",
            Step::Container { .. } => "container",
            Step::Imds { .. } => "imds",
        }
    }
}

/// The base provider first, then each role to assume, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    steps: Vec<Step>,
}

impl Plan {
    /// The steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }
}

fn config_err(message: String) -> CredentialsError {
    CredentialsError::provider_failed(message.clone(), message)
}

fn get<'a>(p: &'a Section, key: &str) -> Option<&'a str> {
    p.get(key).map(str::trim).filter(|v| !v.is_empty())
}

/// Works out the plan of `session`'s default chain.
///
/// # Errors
/// A configuration the chain would reject: a role loop, a missing source profile, both
/// `source_profile` and `credential_source`, `mfa_serial`, an incomplete SSO profile, half a
/// key pair, an unknown `credential_source`.
pub fn plan(session: &Session) -> Result<Plan, CredentialsError> {
    let env = session.env();
    match session.credentials_choice() {
        crate::session::CredentialsChoice::Custom => {
            return Err(CredentialsError::unsupported(
                "the session uses a custom credentials provider; it has no plan to show",
            ))
        }
        crate::session::CredentialsChoice::Explicit(id) => {
            return Ok(Plan {
                steps: vec![Step::Static {
                    access_key_id: id.to_owned(),
                    source: "explicit".into(),
                }],
            })
        }
        crate::session::CredentialsChoice::Chain => {}
    }
    let key = env.get_non_empty("AWS_ACCESS_KEY_ID");
    let secret = env.get_non_empty("AWS_SECRET_ACCESS_KEY");
    match (key, secret) {
        (Some(_), Some(_)) => {
            return Ok(Plan {
                steps: vec![Step::Environment],
            })
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(CredentialsError::partial(
                "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set",
            ))
        }
        (None, None) => {}
    }
    if let Some(profile) = session.profile() {
        if let Some(steps) = profile_chain(session.profiles(), profile)? {
            return Ok(Plan { steps });
        }
    }
    if let (Some(file), Some(role)) = (
        env.get_non_empty("AWS_WEB_IDENTITY_TOKEN_FILE"),
        env.get_non_empty("AWS_ROLE_ARN"),
    ) {
        return Ok(Plan {
            steps: vec![Step::WebIdentity {
                role_arn: role,
                web_identity_token_file: file,
                role_session_name: env.get_non_empty("AWS_ROLE_SESSION_NAME"),
            }],
        });
    }
    if let Some(uri) = container_uri(session) {
        return Ok(Plan {
            steps: vec![Step::Container { uri }],
        });
    }
    match imds_endpoint(session) {
        Some(endpoint) => Ok(Plan {
            steps: vec![Step::Imds { endpoint }],
        }),
        None => Err(CredentialsError::not_configured(
            "no credentials configured (and instance metadata is disabled)",
        )),
    }
}

/// The instance metadata endpoint the session would use: `ec2_metadata_service_endpoint`,
/// else the default for `ec2_metadata_service_endpoint_mode` (IPv4 `http://169.254.169.254`,
/// IPv6 `http://[fd00:ec2::254]`). `None` when `ec2_metadata_disabled` is set.
pub fn imds_endpoint(session: &Session) -> Option<String> {
    let settings = session.settings();
    if settings.flag("ec2_metadata_disabled") == Some(true) {
        return None;
    }
    if let Some(endpoint) = settings.text("ec2_metadata_service_endpoint") {
        return Some(endpoint.to_owned());
    }
    // The registry canonicalizes the mode's case.
    Some(match settings.text("ec2_metadata_service_endpoint_mode") {
        Some("IPv6") => "http://[fd00:ec2::254]".into(),
        _ => "http://169.254.169.254".into(),
    })
}

/// The container credentials URL: `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// (which wins), else `AWS_CONTAINER_CREDENTIALS_FULL_URI`. `None` when neither is set.
pub fn container_uri(session: &Session) -> Option<String> {
    let env = session.env();
    if let Some(rel) = env.get_non_empty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        return Some(format!("http://169.254.170.2{rel}"));
    }
    env.get_non_empty("AWS_CONTAINER_CREDENTIALS_FULL_URI")
}

/// The steps for the selected profile, or `None` when it has nothing to offer (the chain
/// then moves on).
fn profile_chain(set: &ProfileSet, start: &Section) -> Result<Option<Vec<Step>>, CredentialsError> {
    let mut roles: Vec<Step> = Vec::new();
    let mut visited: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut current = start;
    loop {
        let name = current.name().to_owned();
        // Past the first profile, a profile's own static keys end the chain.
        if !visited.is_empty() {
            if let Some(step) = static_keys(current)? {
                return Ok(Some(finish(step, roles)));
            }
        }
        visited.push(name.clone());
        seen.insert(name.clone());
        let Some(role_arn) = get(current, "role_arn") else {
            return Ok(base_provider(set, current, visited.len() == 1)?.map(|b| finish(b, roles)));
        };
        if get(current, "mfa_serial").is_some() {
            return Err(config_err(format!(
                "profile {name:?} sets mfa_serial: assuming a role with MFA needs a token provider, which is not supported"
            )));
        }
        if let Some(file) = get(current, "web_identity_token_file") {
            let base = Step::WebIdentity {
                role_arn: role_arn.to_owned(),
                web_identity_token_file: file.to_owned(),
                role_session_name: get(current, "role_session_name").map(str::to_owned),
            };
            return Ok(Some(finish(base, roles)));
        }
        roles.push(Step::AssumeRole {
            role_arn: role_arn.to_owned(),
            role_session_name: get(current, "role_session_name").map(str::to_owned),
            external_id: get(current, "external_id").map(str::to_owned),
            profile: name.clone(),
        });
        match (
            get(current, "source_profile"),
            get(current, "credential_source"),
        ) {
            (Some(_), Some(_)) => {
                return Err(config_err(format!(
                    "profile {name:?} sets both source_profile and credential_source; use one"
                )))
            }
            (None, None) => {
                return Err(config_err(format!(
                "profile {name:?} sets role_arn but neither source_profile nor credential_source"
            )))
            }
            (None, Some(source)) => {
                let known = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];
                if !known.contains(&source) {
                    return Err(config_err(format!(
                        "profile {name:?}: credential_source {source:?} is not one of {}",
                        known.join(", ")
                    )));
                }
                return Ok(Some(finish(
                    Step::NamedSource {
                        name: source.to_owned(),
                    },
                    roles,
                )));
            }
            (Some(source), None) => {
                if source == name {
                    // A profile may source itself: its own static keys are the base.
                    let base = static_keys(current)?.ok_or_else(|| {
                        config_err(format!(
                            "profile {name:?} is its own source_profile but has no static keys"
                        ))
                    })?;
                    return Ok(Some(finish(base, roles)));
                }
                if seen.contains(source) {
                    visited.push(source.to_owned());
                    return Err(config_err(format!(
                        "source_profile loop: {}",
                        visited.join(" -> ")
                    )));
                }
                current = set.profile(source).ok_or_else(|| {
                    config_err(format!(
                        "profile {name:?} names source_profile {source:?}, which does not exist"
                    ))
                })?;
            }
        }
    }
}

/// Base first, then the roles in the order they are assumed (innermost source first).
fn finish(base: Step, mut roles: Vec<Step>) -> Vec<Step> {
    roles.reverse();
    let mut steps = vec![base];
    steps.extend(roles);
    steps
}

fn static_keys(p: &Section) -> Result<Option<Step>, CredentialsError> {
    match (get(p, "aws_access_key_id"), get(p, "aws_secret_access_key")) {
        (Some(id), Some(_)) => Ok(Some(Step::Static {
            access_key_id: id.to_owned(),
            source: format!("profile {}", p.name()),
        })),
        (Some(_), None) | (None, Some(_)) => Err(CredentialsError::partial(format!(
            "profile {:?} has only one of aws_access_key_id and aws_secret_access_key",
            p.name()
        ))),
        (None, None) => Ok(None),
    }
}

/// A profile without a role: SSO, `credential_process`, or static keys. `top` says whether
/// it is the selected profile (where "nothing here" lets the chain move on) rather than a
/// source profile (where it is an error).
fn base_provider(
    set: &ProfileSet,
    p: &Section,
    top: bool,
) -> Result<Option<Step>, CredentialsError> {
    let name = p.name();
    if let Some(step) = sso(set, p)? {
        return Ok(Some(step));
    }
    if let Some(command) = get(p, "credential_process") {
        return Ok(Some(Step::CredentialProcess {
            command: command.to_owned(),
        }));
    }
    if let Some(step) = static_keys(p)? {
        return Ok(Some(step));
    }
    if top {
        Ok(None)
    } else {
        Err(config_err(format!(
            "source profile {name:?} has no credentials (static keys, SSO or credential_process)"
        )))
    }
}

fn sso(set: &ProfileSet, p: &Section) -> Result<Option<Step>, CredentialsError> {
    let name = p.name();
    let session_name = get(p, "sso_session");
    let legacy = get(p, "sso_start_url");
    if session_name.is_none() && legacy.is_none() {
        return Ok(None);
    }
    let (start_url, region) = match session_name {
        Some(s) => {
            let section = set.sso_session(s).ok_or_else(|| {
                config_err(format!(
                    "profile {name:?} names sso_session {s:?}, which does not exist"
                ))
            })?;
            let url = get(section, "sso_start_url")
                .ok_or_else(|| config_err(format!("sso-session {s:?} has no sso_start_url")))?;
            let region = get(section, "sso_region")
                .ok_or_else(|| config_err(format!("sso-session {s:?} has no sso_region")))?;
            for (key, session_value) in [("sso_start_url", url), ("sso_region", region)] {
                if let Some(v) = get(p, key).filter(|v| *v != session_value) {
                    return Err(config_err(format!(
                        "profile {name:?} sets {key} = {v} but its sso-session {s:?} says {session_value}"
                    )));
                }
            }
            (url, region)
        }
        None => {
            let region = get(p, "sso_region").ok_or_else(|| {
                config_err(format!(
                    "profile {name:?} has sso_start_url but no sso_region"
                ))
            })?;
            (legacy.unwrap_or_default(), region)
        }
    };
    let account = get(p, "sso_account_id").ok_or_else(|| {
        config_err(format!(
            "profile {name:?} is an SSO profile without sso_account_id"
        ))
    })?;
    let role = get(p, "sso_role_name").ok_or_else(|| {
        config_err(format!(
            "profile {name:?} is an SSO profile without sso_role_name"
        ))
    })?;
    Ok(Some(Step::Sso {
        sso_start_url: start_url.to_owned(),
        sso_region: region.to_owned(),
        sso_account_id: account.to_owned(),
        sso_role_name: role.to_owned(),
        sso_session: session_name.map(str::to_owned),
    }))
}
