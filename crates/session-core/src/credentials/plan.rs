//! The credentials plan: which provider the default chain would use, and which roles it
//! would assume on top, worked out from the configuration alone (nothing is called).
//!
//! The order follows the SDKs: explicit keys, environment keys, the selected profile (roles
//! via `source_profile` chains or `credential_source`, web identity, SSO,
//! `credential_process`, static keys), web identity from the environment, the container
//! endpoint, then instance metadata (IMDS).

use super::endpoints::{container_credentials_uri, imds_endpoint};
use super::profile_chain::profile_plan;
use super::sso::config_err;
use super::{CredentialsError, SsoTokenSource};
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
    /// A bearer token from IAM Identity Center, not credentials: the profile names an
    /// `[sso-session]` but no account and role. Only [`profile_plan`](super::profile_plan)
    /// gives this step (a bearer-token provider uses it); [`plan`] reports such a profile as
    /// an error, since it resolves no credentials.
    SsoToken(SsoTokenSource),
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
            Step::SsoToken(_) => "sso_token",
        }
    }
}

/// The base provider first, then each role to assume, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    steps: Vec<Step>,
}

impl Plan {
    pub(crate) fn new(steps: Vec<Step>) -> Self {
        Self { steps }
    }

    /// The steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The SSO token source when the plan is a bearer token rather than credentials.
    pub fn sso_token_source(&self) -> Option<&SsoTokenSource> {
        match self.steps.first() {
            Some(Step::SsoToken(source)) => Some(source),
            _ => None,
        }
    }
}

/// Works out the plan of `session`'s default chain.
///
/// The first source that is configured wins: explicit keys, environment keys, the selected
/// profile ([`profile_plan`](super::profile_plan); a profile that holds only configuration
/// lets the chain move on), web identity from the environment, the container endpoint
/// ([`container_credentials_uri`](super::container_credentials_uri)), instance metadata.
///
/// # Errors
/// A configuration the chain would reject (see [`profile_plan`](super::profile_plan)), half
/// a key pair in the environment, a container URL that is not valid (naming its variable), a
/// selected profile that resolves an SSO access token instead of credentials, or nothing
/// configured at all with instance metadata disabled
/// ([not configured](CredentialsError::is_not_configured)).
pub fn plan(session: &Session) -> Result<Plan, CredentialsError> {
    let env = session.env();
    match session.credentials_choice() {
        crate::session::CredentialsChoice::Custom => {
            return Err(CredentialsError::unsupported(
                "the session uses a custom credentials provider; it has no plan to show",
            ))
        }
        crate::session::CredentialsChoice::Explicit(id) => {
            return Ok(Plan::new(vec![Step::Static {
                access_key_id: id.to_owned(),
                source: "explicit".into(),
            }]))
        }
        crate::session::CredentialsChoice::Chain => {}
    }
    let key = env.get_non_empty("AWS_ACCESS_KEY_ID");
    let secret = env.get_non_empty("AWS_SECRET_ACCESS_KEY");
    match (key, secret) {
        (Some(_), Some(_)) => return Ok(Plan::new(vec![Step::Environment])),
        (Some(_), None) | (None, Some(_)) => {
            return Err(CredentialsError::partial(
                "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set",
            ))
        }
        (None, None) => {}
    }
    if session.profile().is_some() {
        match profile_plan(session.profiles(), session.profile_name()) {
            Ok(plan) => return checked_profile_plan(session, plan),
            Err(e) if e.is_not_configured() => {}
            Err(e) => return Err(e),
        }
    }
    if let (Some(file), Some(role)) = (
        env.get_non_empty("AWS_WEB_IDENTITY_TOKEN_FILE"),
        env.get_non_empty("AWS_ROLE_ARN"),
    ) {
        return Ok(Plan::new(vec![Step::WebIdentity {
            role_arn: role,
            web_identity_token_file: file,
            role_session_name: env.get_non_empty("AWS_ROLE_SESSION_NAME"),
        }]));
    }
    match container_credentials_uri(env) {
        Ok(uri) => return Ok(Plan::new(vec![Step::Container { uri }])),
        Err(e) if e.is_not_configured() => {}
        Err(e) => return Err(e),
    }
    match imds_endpoint(session) {
        Some(endpoint) => Ok(Plan::new(vec![Step::Imds { endpoint }])),
        None => Err(CredentialsError::not_configured(
            "no credentials configured (and instance metadata is disabled)",
        )),
    }
}

/// The selected profile's plan as the credentials chain sees it: a token source is not
/// credentials, and a role sourced from the container needs a valid container URL.
fn checked_profile_plan(session: &Session, plan: Plan) -> Result<Plan, CredentialsError> {
    match plan.steps().first() {
        Some(Step::SsoToken(source)) => Err(config_err(format!(
            "the selected profile will resolve an access token instead of credentials: profile `{}` names sso_session `{}` but not sso_account_id and sso_role_name (those are needed for credentials; the token serves services that take bearer tokens)",
            session.profile_name(),
            source.session_name()
        ))),
        Some(Step::NamedSource { name }) if name == "EcsContainer" => {
            // Unset variables are reported by the container provider when it runs; a set
            // but invalid URL is reported now, naming its variable.
            match container_credentials_uri(session.env()) {
                Err(e) if !e.is_not_configured() => Err(e),
                _ => Ok(plan),
            }
        }
        _ => Ok(plan),
    }
}
