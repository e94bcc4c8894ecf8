//! The profile part of the credentials chain: a selected profile, followed through
//! `source_profile` links, flattened into a base provider and the roles assumed on top.

use std::collections::HashSet;

use super::plan::{Plan, Step};
use super::sso::{config_err, get, sso_profile, SsoProfile};
use super::CredentialsError;
use crate::profile::{ProfileSet, Section};

/// The `credential_source` values the SDKs define.
const CREDENTIAL_SOURCES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

/// The credentials plan of profile `selected` alone: base provider first, then each role
/// to assume, in order. Nothing is called and no environment variable is read.
///
/// The rules are the SDKs' (the cross-SDK profile chain cases in
/// `tests/data/assume-role/` pass): a profile with `role_arn` takes its source from
/// `source_profile` (followed to any depth; past the first profile, a profile's own static
/// keys end the chain; a profile may be its own source) or from `credential_source`; a
/// profile without `role_arn` is a base: `role_arn` + `web_identity_token_file`, SSO,
/// `credential_process`, then static keys. A profile that names only an `[sso-session]`
/// (no account or role) yields a [`Step::SsoToken`]: a bearer-token source, not credentials.
///
/// ```
/// use session_core::credentials::{profile_plan, Step};
/// use session_core::profile::ProfileSet;
///
/// let set = ProfileSet::parse(
///     "config",
///     "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n",
///     "credentials",
///     "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
/// )?;
/// let plan = profile_plan(&set, "dev").unwrap();
/// let kinds: Vec<_> = plan.steps().iter().map(Step::kind).collect();
/// assert_eq!(kinds, ["static", "assume_role"]);
/// # Ok::<(), session_core::Error>(())
/// ```
///
/// # Errors
/// [Not configured](CredentialsError::is_not_configured) (so a chain moves on) when there
/// are no profiles, the profile does not exist, or it holds only configuration ("profile `A`
/// did not contain credential information"). Any other error is a configuration the SDKs
/// reject, and stops a chain: a `source_profile` loop or a missing source profile, both or
/// neither of `source_profile` and `credential_source`, an unknown `credential_source`,
/// `mfa_serial`, a source profile without credentials, `web_identity_token_file` without
/// `role_arn`, half a key pair ([partial](CredentialsError::is_partial)), an inconsistent
/// SSO profile, `login_session` ([unsupported](CredentialsError::is_unsupported)).
pub fn profile_plan(profiles: &ProfileSet, selected: &str) -> Result<Plan, CredentialsError> {
    if profiles.profile_names().next().is_none() {
        return Err(CredentialsError::not_configured("no profiles were defined"));
    }
    let start = profiles.profile(selected).ok_or_else(|| {
        CredentialsError::not_configured(format!("profile `{selected}` is not defined"))
    })?;
    let mut roles: Vec<Step> = Vec::new();
    let mut visited: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut current = start;
    loop {
        let name = current.name();
        // Past the first profile, a profile's own static keys end the chain.
        // (Half a pair here is reported only if the profile has no role to fall back on.)
        if !visited.is_empty() {
            if let Ok(Some(step)) = static_keys(current) {
                return Ok(finish(step, roles));
            }
        }
        let referrer = visited.last().copied();
        visited.push(name);
        seen.insert(name);
        let role_arn = get(current, "role_arn");
        let web_identity = get(current, "web_identity_token_file");
        let Some(role_arn) = role_arn.filter(|_| web_identity.is_none()) else {
            let base = base_provider(profiles, current, referrer)?;
            if let (Some(source), Step::SsoToken(_)) = (referrer, &base) {
                return Err(config_err(format!(
                    "profile `{name}` will resolve an access token instead of credentials (it names an sso-session without sso_account_id and sso_role_name), so it cannot be the source_profile of `{source}`"
                )));
            }
            return Ok(finish(base, roles));
        };
        if get(current, "mfa_serial").is_some() {
            return Err(config_err(format!(
                "profile `{name}` sets mfa_serial: assuming a role with MFA needs a token provider, which is not supported"
            )));
        }
        roles.push(Step::AssumeRole {
            role_arn: role_arn.to_owned(),
            role_session_name: get(current, "role_session_name").map(str::to_owned),
            external_id: get(current, "external_id").map(str::to_owned),
            profile: name.to_owned(),
        });
        match (
            get(current, "source_profile"),
            get(current, "credential_source"),
        ) {
            (Some(_), Some(_)) => {
                return Err(config_err(format!(
                    "profile `{name}` sets both source_profile and credential_source; use one"
                )))
            }
            (None, None) => {
                return Err(config_err(format!(
                "profile `{name}` sets role_arn but neither source_profile nor credential_source"
            )))
            }
            (None, Some(source)) => {
                return Ok(finish(named_source(name, source)?, roles));
            }
            (Some(source), None) if source == name => {
                // A profile may source itself: its other keys are the base.
                return Ok(finish(base_provider(profiles, current, Some(name))?, roles));
            }
            (Some(source), None) => {
                if seen.contains(source) {
                    visited.push(source);
                    return Err(config_err(format!(
                        "source_profile loop: {}",
                        visited.join(" -> ")
                    )));
                }
                current = profiles.profile(source).ok_or_else(|| {
                    config_err(format!(
                        "profile `{name}` names source_profile `{source}`, which does not exist"
                    ))
                })?;
            }
        }
    }
}

/// Base first, then the roles in the order they are assumed (innermost source first).
fn finish(base: Step, mut roles: Vec<Step>) -> Plan {
    roles.reverse();
    let mut steps = vec![base];
    steps.extend(roles);
    Plan::new(steps)
}

fn named_source(profile: &str, source: &str) -> Result<Step, CredentialsError> {
    if !CREDENTIAL_SOURCES.contains(&source) {
        return Err(config_err(format!(
            "profile `{profile}`: credential_source {source:?} is not one of {}",
            CREDENTIAL_SOURCES.join(", ")
        )));
    }
    Ok(Step::NamedSource {
        name: source.to_owned(),
    })
}

pub(crate) fn static_keys(p: &Section) -> Result<Option<Step>, CredentialsError> {
    let name = p.name();
    let token = get(p, "aws_session_token");
    match (get(p, "aws_access_key_id"), get(p, "aws_secret_access_key")) {
        (Some(id), Some(_)) => Ok(Some(Step::Static {
            access_key_id: id.to_owned(),
            source: format!("profile {name}"),
        })),
        (Some(_), None) => Err(CredentialsError::partial(format!(
            "profile `{name}` sets aws_access_key_id but not aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(CredentialsError::partial(format!(
            "profile `{name}` sets aws_secret_access_key but not aws_access_key_id"
        ))),
        (None, None) if token.is_some() => Err(CredentialsError::partial(format!(
            "profile `{name}` sets aws_session_token but not aws_access_key_id and aws_secret_access_key"
        ))),
        (None, None) => Ok(None),
    }
}

/// A profile without a (chained) role. `referrer` is the profile whose `source_profile`
/// led here, `None` for the selected profile: only there is "nothing here" a
/// not-configured error that lets a chain move on.
fn base_provider(
    set: &ProfileSet,
    p: &Section,
    referrer: Option<&str>,
) -> Result<Step, CredentialsError> {
    let name = p.name();
    if let Some(file) = get(p, "web_identity_token_file") {
        let role_arn = get(p, "role_arn").ok_or_else(|| {
            config_err(format!(
                "profile `{name}`: `web_identity_token_file` was specified but `role_arn` was missing"
            ))
        })?;
        return Ok(Step::WebIdentity {
            role_arn: role_arn.to_owned(),
            web_identity_token_file: file.to_owned(),
            role_session_name: get(p, "role_session_name").map(str::to_owned),
        });
    }
    if get(p, "credential_source").is_some() && get(p, "role_arn").is_none() {
        return Err(config_err(format!(
            "profile `{name}` sets credential_source without role_arn; credential_source is the source of a role"
        )));
    }
    match sso_profile(set, p)? {
        Some(SsoProfile::Credentials {
            start_url,
            region,
            account_id,
            role_name,
            session,
        }) => {
            return Ok(Step::Sso {
                sso_start_url: start_url,
                sso_region: region,
                sso_account_id: account_id,
                sso_role_name: role_name,
                sso_session: session,
            })
        }
        Some(SsoProfile::Token(source)) => return Ok(Step::SsoToken(source)),
        None => {}
    }
    if get(p, "login_session").is_some() {
        return Err(CredentialsError::unsupported(format!(
            "profile `{name}` sets login_session (AWS Sign-In console credentials), which is not supported"
        )));
    }
    if let Some(command) = get(p, "credential_process") {
        return Ok(Step::CredentialProcess {
            command: command.to_owned(),
        });
    }
    if let Some(step) = static_keys(p)? {
        return Ok(step);
    }
    let message = format!("profile `{name}` did not contain credential information");
    match referrer {
        None => Err(CredentialsError::not_configured(message)),
        Some(r) if r == name => Err(config_err(format!(
            "{message} (it is its own source_profile)"
        ))),
        Some(r) => Err(config_err(format!(
            "{message} (it is the source_profile of `{r}`)"
        ))),
    }
}
