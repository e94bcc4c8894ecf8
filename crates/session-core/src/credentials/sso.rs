//! What a profile's IAM Identity Center (SSO) keys mean: role credentials (an account and a
//! role) or only a bearer-token source (an `[sso-session]`), and the configuration errors the
//! SDKs report for them.

use super::CredentialsError;
use crate::profile::{ProfileSet, Section};

/// Where a bearer token for IAM Identity Center comes from: an `[sso-session NAME]` section
/// of the config file, as a profile's `sso_session` names it.
///
/// This is what a bearer-token provider needs: the token is cached by `aws sso login` in
/// `~/.aws/sso/cache/<hex SHA-1 of the session name>.json`, and refreshed through SSO-OIDC in
/// the session's region. A profile with `sso_session` but without `sso_account_id` and
/// `sso_role_name` yields only this (its credentials plan is a
/// [`Step::SsoToken`](super::Step::SsoToken)); a profile with both uses the same token to
/// fetch role credentials.
///
/// ```
/// use session_core::credentials::sso_token_source;
/// use session_core::profile::ProfileSet;
///
/// let set = ProfileSet::parse(
///     "config",
///     "[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
///     "credentials",
///     "",
/// )?;
/// let source = sso_token_source(&set, "dev").unwrap().expect("dev names an sso-session");
/// assert_eq!(source.session_name(), "corp");
/// assert_eq!(source.start_url(), "https://corp.awsapps.com/start");
/// assert_eq!(source.region(), "eu-west-1");
/// # Ok::<(), session_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoTokenSource {
    session_name: String,
    start_url: String,
    region: String,
    registration_scopes: Vec<String>,
}

impl SsoTokenSource {
    /// The `[sso-session NAME]` name; the token cache file is named after its SHA-1.
    pub fn session_name(&self) -> &str {
        &self.session_name
    }

    /// The access portal's start URL (`sso_start_url`).
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// The region of IAM Identity Center (`sso_region`).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `sso_registration_scopes` of the session, split at commas; empty when unset.
    pub fn registration_scopes(&self) -> &[String] {
        &self.registration_scopes
    }
}

/// What a profile's SSO keys resolve to.
pub(crate) enum SsoProfile {
    /// Role credentials from the portal.
    Credentials {
        start_url: String,
        region: String,
        account_id: String,
        role_name: String,
        session: Option<String>,
    },
    /// Only a token source: `sso_session` without an account and role.
    Token(SsoTokenSource),
}

pub(crate) fn get<'a>(p: &'a Section, key: &str) -> Option<&'a str> {
    p.get(key).map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn config_err(message: String) -> CredentialsError {
    CredentialsError::provider_failed(message.clone(), message)
}

const KEYS: [&str; 5] = [
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

/// The profile's SSO configuration, `None` when it sets no `sso_*` key.
///
/// # Errors
/// The configurations the SDKs reject: an `sso_session` that does not exist or lacks its
/// start URL or region, a profile value that contradicts its session, an account without a
/// role or the reverse, a legacy profile (no `sso_session`) without account and role or
/// without its start URL or region.
pub(crate) fn sso_profile(
    set: &ProfileSet,
    p: &Section,
) -> Result<Option<SsoProfile>, CredentialsError> {
    if KEYS.iter().all(|k| get(p, k).is_none()) {
        return Ok(None);
    }
    let name = p.name();
    let session = match get(p, "sso_session") {
        Some(s) => Some(session_of(set, p, s)?),
        None => None,
    };
    let (account, role) = (get(p, "sso_account_id"), get(p, "sso_role_name"));
    let pair_error = |set: &str, missing: &str| {
        config_err(format!(
            "profile `{name}`: if `{set}` is set, then `{missing}` must also be set"
        ))
    };
    let (account, role) = match (account, role) {
        (Some(a), Some(r)) => (a, r),
        (Some(_), None) => return Err(pair_error("sso_account_id", "sso_role_name")),
        (None, Some(_)) => return Err(pair_error("sso_role_name", "sso_account_id")),
        (None, None) => {
            return match session {
                Some(source) => Ok(Some(SsoProfile::Token(source))),
                None => Err(config_err(format!(
                    "profile `{name}` sets SSO keys without sso_session, so it needs sso_account_id and sso_role_name (a profile that only names a token source needs an [sso-session] section)"
                ))),
            }
        }
    };
    let (start_url, region, session_name) = match session {
        Some(s) => (s.start_url, s.region, Some(s.session_name)),
        None => {
            let missing = |key: &str| {
                config_err(format!(
                    "profile `{name}` is an SSO profile without sso_session, so it must set {key}"
                ))
            };
            let url = get(p, "sso_start_url").ok_or_else(|| missing("sso_start_url"))?;
            let region = get(p, "sso_region").ok_or_else(|| missing("sso_region"))?;
            (url.to_owned(), region.to_owned(), None)
        }
    };
    Ok(Some(SsoProfile::Credentials {
        start_url,
        region,
        account_id: account.to_owned(),
        role_name: role.to_owned(),
        session: session_name,
    }))
}

/// The `[sso-session]` a profile names, checked against the profile's own SSO keys.
fn session_of(
    set: &ProfileSet,
    p: &Section,
    session: &str,
) -> Result<SsoTokenSource, CredentialsError> {
    let name = p.name();
    let section = set.sso_session(session).ok_or_else(|| {
        config_err(format!(
            "sso-session named `{session}` (referenced by profile `{name}`) was not found"
        ))
    })?;
    let mut values = Vec::with_capacity(2);
    for key in ["sso_start_url", "sso_region"] {
        let from_session = get(section, key);
        let from_profile = get(p, key);
        let value = match (from_session, from_profile) {
            (Some(s), Some(v)) if s != v => {
                return Err(config_err(format!(
                    "profile `{name}` sets {key} = {v} but its sso-session `{session}` says {s}"
                )))
            }
            (Some(s), _) => s,
            (None, Some(_)) => {
                return Err(config_err(format!(
                    "profile `{name}` names sso_session `{session}`: `{key}` can only be specified in the [sso-session] config when a session name is given, and [sso-session {session}] lacks it"
                )))
            }
            (None, None) => {
                return Err(config_err(format!(
                    "[sso-session {session}] (referenced by profile `{name}`) has no {key}"
                )))
            }
        };
        values.push(value.to_owned());
    }
    let region = values.pop().unwrap_or_default();
    let start_url = values.pop().unwrap_or_default();
    let registration_scopes = get(section, "sso_registration_scopes")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(SsoTokenSource {
        session_name: session.to_owned(),
        start_url,
        region,
        registration_scopes,
    })
}

/// The SSO token source of profile `profile`: the `[sso-session]` its `sso_session` names.
///
/// `Ok(None)` when the profile does not exist or names no `sso_session` (legacy SSO profiles,
/// with `sso_start_url` in the profile itself, have no token source: the SDKs' token
/// providers need an `[sso-session]`). Profiles that also name an account and a role have a
/// token source too: the token is what fetches their role credentials.
///
/// # Errors
/// A named session that does not exist, lacks `sso_start_url` or `sso_region`, or that the
/// profile's own `sso_start_url` / `sso_region` contradict.
pub fn sso_token_source(
    profiles: &ProfileSet,
    profile: &str,
) -> Result<Option<SsoTokenSource>, CredentialsError> {
    let Some(p) = profiles.profile(profile) else {
        return Ok(None);
    };
    match get(p, "sso_session") {
        Some(session) => session_of(profiles, p, session).map(Some),
        None => Ok(None),
    }
}
