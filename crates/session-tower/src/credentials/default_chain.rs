//! The default credentials chain, run for real: the session's
//! [`plan`](session_core::credentials::plan) turned into providers.
//!
//! Using the plan as the single source of truth means `session credentials --plan` always
//! shows what clients will do: the plan picks the first configured source in the SDKs'
//! order (environment keys, the selected profile, web identity from the environment, the
//! container endpoint, instance metadata); its first step becomes the base provider and
//! every later step wraps the one before in a role provider made by [`AssumeRoles`].

use std::fmt;
use std::sync::Arc;

use session_core::credentials::{
    container_uri, imds_endpoint, plan, CredentialProcessProvider, Credentials, CredentialsError,
    EnvironmentProvider, ProfileStaticProvider, ProvideCredentials, ProvideCredentialsFuture,
    SharedCredentialsProvider, Step,
};
use session_core::Session;

use super::roles::{AssumeRoles, RoleSpec, WebIdentitySpec};
use super::{ContainerProvider, ImdsProvider, SsoConfig, SsoProvider};
use crate::transport::Transport;

/// The provider clients of `session` use.
///
/// With explicit keys or a custom provider, that is the session's own
/// [`credentials_provider`](Session::credentials_provider). Otherwise it is the whole
/// default chain, remote providers included; they send through `transport` (container,
/// instance metadata, SSO portal) or through an STS client of the session (roles, web
/// identity, made by `roles`; without it a role step is an error saying so). A
/// configuration the chain rejects (a role loop, half a key pair, ...) gives a provider that
/// fails with that error on every call, so the error reaches the caller of the first
/// operation rather than being lost at client construction.
pub fn default_chain(
    session: &Session,
    transport: Result<Transport, String>,
    roles: Option<&dyn AssumeRoles>,
) -> SharedCredentialsProvider {
    if !session.uses_default_chain() {
        return session.credentials_provider();
    }
    let built = plan(session).and_then(|plan| {
        let mut steps = plan.steps().iter();
        let first = steps
            .next()
            .ok_or_else(|| CredentialsError::not_configured("the credentials plan is empty"))?;
        let mut provider = base(session, first, &transport, roles)?;
        if matches!(first, Step::Imds { .. }) {
            // Instance metadata is the chain's last resort: when it is not there either,
            // say what else was looked for.
            provider = Arc::new(LastResort {
                inner: provider,
                profile: session.profile_name().to_owned(),
            });
        }
        for step in steps {
            provider = role(session, step, provider, roles)?;
        }
        Ok(provider)
    });
    built.unwrap_or_else(|e| Arc::new(Fails(e)))
}

/// The provider of a plan's first step.
fn base(
    session: &Session,
    step: &Step,
    transport: &Result<Transport, String>,
    roles: Option<&dyn AssumeRoles>,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    Ok(match step {
        Step::Static { source, .. } => match source.strip_prefix("profile ") {
            Some(name) => Arc::new(ProfileStaticProvider::keys_only(
                session.profiles().profile(name),
            )),
            None => session.credentials_provider(),
        },
        Step::Environment => Arc::new(EnvironmentProvider::new(session.env())),
        Step::CredentialProcess { command } => Arc::new(CredentialProcessProvider::new(
            command,
            format!("profile {}", session.profile_name()),
        )?),
        Step::WebIdentity {
            role_arn,
            web_identity_token_file,
            role_session_name,
        } => sts(roles, role_arn)?.web_identity(
            session,
            WebIdentitySpec {
                role_arn: role_arn.clone(),
                token_file: web_identity_token_file.into(),
                session_name: role_session_name.clone(),
            },
        ),
        Step::NamedSource { name } => match name.as_str() {
            "Environment" => Arc::new(EnvironmentProvider::new(session.env())),
            "EcsContainer" => {
                let uri = container_uri(session).ok_or_else(|| {
                    CredentialsError::provider_failed(
                        "credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
                        "no container endpoint",
                    )
                })?;
                remote(session, &Step::Container { uri }, transport)?
            }
            "Ec2InstanceMetadata" => {
                let endpoint = imds_endpoint(session).ok_or_else(|| {
                    CredentialsError::provider_failed(
                        "credential_source = Ec2InstanceMetadata, but instance metadata is disabled (AWS_EC2_METADATA_DISABLED)",
                        "imds disabled",
                    )
                })?;
                remote(session, &Step::Imds { endpoint }, transport)?
            }
            other => {
                return Err(CredentialsError::provider_failed(
                    format!("unknown credential_source {other:?}"),
                    "unknown credential_source",
                ))
            }
        },
        Step::AssumeRole { role_arn, .. } => {
            return Err(CredentialsError::provider_failed(
                format!("the credentials plan starts with a role ({role_arn}) and has no source"),
                "malformed plan",
            ))
        }
        other => remote(session, other, transport)?,
    })
}

/// Providers that talk to an HTTP endpoint directly.
fn remote(
    session: &Session,
    step: &Step,
    transport: &Result<Transport, String>,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    let transport = transport.clone().map_err(|e| {
        CredentialsError::provider_failed(
            format!("no HTTP transport for {} credentials: {e}", step.kind()),
            e,
        )
    })?;
    let (env, fs) = (session.env(), session.fs());
    Ok(match step {
        Step::Container { uri } => Arc::new(ContainerProvider::new(uri, env, fs, transport)?),
        Step::Imds { endpoint } => Arc::new(ImdsProvider::new(endpoint, transport)?),
        Step::Sso {
            sso_start_url,
            sso_region,
            sso_account_id,
            sso_role_name,
            sso_session,
        } => {
            let mut config =
                SsoConfig::new(sso_start_url, sso_region, sso_account_id, sso_role_name)
                    .profile(session.profile_name());
            if let Some(name) = sso_session {
                config = config.sso_session(name);
            }
            if let Some(url) = session.settings().endpoint_url("SSO") {
                config = config.portal_endpoint(url.value().to_string());
            }
            Arc::new(SsoProvider::new(config, env, fs, transport)?)
        }
        other => {
            return Err(CredentialsError::provider_failed(
                format!("{} is not a remote credentials step", other.kind()),
                "malformed plan",
            ))
        }
    })
}

/// What makes role providers, or the error that says none was given.
fn sts<'a>(
    roles: Option<&'a dyn AssumeRoles>,
    role_arn: &str,
) -> Result<&'a dyn AssumeRoles, CredentialsError> {
    roles.ok_or_else(|| {
        CredentialsError::provider_failed(
            format!("assuming {role_arn} needs STS, and this client's service description names no STS role provider (ServiceInfo::roles: use services-sts's ROLES)"),
            "no STS role provider",
        )
    })
}

/// A role step on top of the provider before it.
fn role(
    session: &Session,
    step: &Step,
    source: SharedCredentialsProvider,
    roles: Option<&dyn AssumeRoles>,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    let Step::AssumeRole {
        role_arn,
        role_session_name,
        external_id,
        profile,
    } = step
    else {
        return Err(CredentialsError::provider_failed(
            format!("a {} step can only start a credentials plan", step.kind()),
            "malformed plan",
        ));
    };
    let duration_seconds = match session
        .profiles()
        .profile(profile)
        .and_then(|p| p.get("duration_seconds"))
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(v) => match v.parse::<u32>() {
            Ok(d) if (900..=43_200).contains(&d) => Some(d),
            _ => {
                return Err(CredentialsError::provider_failed(
                    format!(
                        "profile {profile:?}: duration_seconds = {v} is not a number of seconds from 900 to 43200"
                    ),
                    "bad duration_seconds",
                ))
            }
        },
    };
    Ok(sts(roles, role_arn)?.assume_role(
        session,
        source,
        RoleSpec {
            role_arn: role_arn.clone(),
            session_name: role_session_name.clone(),
            external_id: external_id.clone(),
            duration_seconds,
        },
    ))
}

/// The instance metadata provider at the end of the chain.
struct LastResort {
    inner: SharedCredentialsProvider,
    profile: String,
}

impl ProvideCredentials for LastResort {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(async move {
            self.inner.provide_credentials().await.map_err(|e| {
                if e.is_not_configured() {
                    CredentialsError::not_configured(format!(
                        "no credentials configured: no keys in the environment, none in profile {:?}, no web identity or container variables, and {e}",
                        self.profile
                    ))
                } else {
                    e
                }
            })
        })
    }
}

impl fmt::Debug for LastResort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// A chain whose configuration is broken: every call reports why.
struct Fails(CredentialsError);

impl ProvideCredentials for Fails {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(Err::<Credentials, _>(self.0.clone()))
    }
}

impl fmt::Debug for Fails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Fails").field(&self.0.to_string()).finish()
    }
}
