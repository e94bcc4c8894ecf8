//! Role credentials from STS, over this crate's generated client: AssumeRole (signed with the
//! credentials of the step before) and AssumeRoleWithWebIdentity (unsigned, with a token
//! file); and the whole default credentials chain with them.
//!
//! Both providers call STS through a normal client of the session, so the session's region,
//! endpoint settings (`endpoint_url`, FIPS, dual-stack), retries, timeouts and connection
//! pool apply. They hold a [`WeakSession`]: they live inside the session's own credentials
//! cache, and a strong handle would keep the session alive forever.
//!
//! [`ROLES`] is what every service description names ([`ServiceInfo::roles`]), so that the
//! default chain in `session-tower` can assume roles without knowing STS.
//!
//! [`ServiceInfo::roles`]: session_tower::ServiceInfo::roles

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use session_core::credentials::{
    Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
    SharedCredentialsProvider,
};
use session_core::{Session, WeakSession};
use session_tower::credentials::{AssumeRoles, RoleSpec, WebIdentitySpec};

use crate::StsClient;

/// The role providers of the credentials chain, over STS.
#[derive(Debug)]
pub struct StsRoles;

/// What every generated service's description names for the chain's role steps.
pub static ROLES: StsRoles = StsRoles;

impl AssumeRoles for StsRoles {
    fn assume_role(
        &self,
        session: &Session,
        source: SharedCredentialsProvider,
        role: RoleSpec,
    ) -> SharedCredentialsProvider {
        Arc::new(AssumeRoleProvider::new(session, source, role))
    }

    fn web_identity(&self, session: &Session, spec: WebIdentitySpec) -> SharedCredentialsProvider {
        Arc::new(WebIdentityProvider::new(session, spec))
    }
}

/// Credentials for `session` as its clients get them: the session-wide cache in front of the
/// whole default chain (roles, web identity, SSO, container, instance metadata included).
///
/// # Errors
/// The chain's error ([`session_tower::Error::is_credentials`]), e.g. no credentials
/// configured, a role that cannot be assumed, or a provider that timed out.
pub async fn resolve(session: &Session) -> Result<Credentials, session_tower::Error> {
    session_tower::credentials::resolve(session, Some(&ROLES)).await
}

/// A role session name when the profile names none: unique enough per process and time,
/// and it says who made it.
fn default_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("session-rs-{millis}")
}

fn session_gone() -> CredentialsError {
    CredentialsError::provider_failed(
        "the session this provider belongs to was dropped",
        "session dropped",
    )
}

fn failed(
    what: &str,
    role_arn: &str,
    e: impl fmt::Display + Into<session_tower::body::BoxError>,
) -> CredentialsError {
    let text = format!("{what} for {role_arn} failed: {e}");
    CredentialsError::provider_failed(text, e)
}

/// The credentials of an STS answer, or what is missing from it.
fn from_answer(
    creds: Option<crate::types::Credentials>,
    source: String,
) -> Result<Credentials, CredentialsError> {
    let malformed = |what: &str| {
        CredentialsError::provider_failed(
            format!("{source}: STS answered without {what}"),
            "malformed STS response",
        )
    };
    let creds = creds.ok_or_else(|| malformed("Credentials"))?;
    let id = creds
        .access_key_id
        .ok_or_else(|| malformed("AccessKeyId"))?;
    let secret = creds
        .secret_access_key
        .ok_or_else(|| malformed("SecretAccessKey"))?;
    let token = creds
        .session_token
        .ok_or_else(|| malformed("SessionToken"))?;
    let expiry = creds
        .expiration
        .ok_or_else(|| malformed("a valid Expiration"))?;
    Ok(Credentials::new(
        id,
        secret,
        Some(token),
        Some(SystemTime::from(expiry)),
        source,
    ))
}

/// Assumes a role with the credentials of another provider (a profile's `source_profile`
/// or `credential_source`).
pub struct AssumeRoleProvider {
    session: WeakSession,
    source: SharedCredentialsProvider,
    role: RoleSpec,
}

impl AssumeRoleProvider {
    /// Assumes `role` through `session`'s STS endpoint, signing with `source`.
    pub fn new(session: &Session, source: SharedCredentialsProvider, role: RoleSpec) -> Self {
        Self {
            session: session.downgrade(),
            source,
            role,
        }
    }

    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let session = self.session.upgrade().ok_or_else(session_gone)?;
        let role = &self.role;
        let sts = StsClient::builder(&session)
            .credentials_provider(self.source.clone())
            .build()
            .map_err(|e| failed("AssumeRole", &role.role_arn, e))?;
        let mut call = sts
            .assume_role()
            .role_arn(&role.role_arn)
            .role_session_name(
                role.session_name
                    .clone()
                    .unwrap_or_else(default_session_name),
            );
        if let Some(id) = &role.external_id {
            call = call.external_id(id);
        }
        if let Some(d) = role.duration_seconds {
            // 900–43200, checked when the plan was read.
            call = call.duration_seconds(i32::try_from(d).unwrap_or(i32::MAX));
        }
        let answer = call
            .send()
            .await
            .map_err(|e| failed("AssumeRole", &role.role_arn, e))?;
        let creds = from_answer(
            answer.credentials,
            format!("assume_role ({})", role.role_arn),
        )?;
        tracing::debug!(role_arn = %role.role_arn, "assumed role");
        Ok(creds)
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.assume())
    }
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role", &self.role)
            .field("source", &self.source)
            .finish()
    }
}

/// Assumes a role with an OIDC token read from a file (`web_identity_token_file`, or
/// `AWS_WEB_IDENTITY_TOKEN_FILE` as EKS sets it). The file is read on every refresh, since
/// the platform rotates it.
pub struct WebIdentityProvider {
    session: WeakSession,
    spec: WebIdentitySpec,
}

impl WebIdentityProvider {
    /// Assumes `spec.role_arn` with the token in `spec.token_file` (read through the
    /// session's [`Fs`](session_core::Fs)).
    pub fn new(session: &Session, spec: WebIdentitySpec) -> Self {
        Self {
            session: session.downgrade(),
            spec,
        }
    }

    fn read_token(&self, session: &Session) -> Result<String, CredentialsError> {
        let file = self.spec.token_file.display();
        let bytes = match session.fs().read(&self.spec.token_file) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                return Err(CredentialsError::provider_failed(
                    format!("web identity token file {file} does not exist"),
                    "token file missing",
                ))
            }
            Err(e) => {
                return Err(CredentialsError::provider_failed(
                    format!("cannot read web identity token file {file}: {e}"),
                    e,
                ))
            }
        };
        let token = String::from_utf8(bytes).map_err(|e| {
            CredentialsError::provider_failed(
                format!("web identity token file {file} is not UTF-8"),
                e,
            )
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::provider_failed(
                format!("web identity token file {file} is empty"),
                "empty token",
            ));
        }
        Ok(token.to_owned())
    }

    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let session = self.session.upgrade().ok_or_else(session_gone)?;
        let spec = &self.spec;
        let token = zeroize::Zeroizing::new(self.read_token(&session)?);
        let sts = StsClient::builder(&session)
            .anonymous()
            .build()
            .map_err(|e| failed("AssumeRoleWithWebIdentity", &spec.role_arn, e))?;
        let answer = sts
            .assume_role_with_web_identity()
            .role_arn(&spec.role_arn)
            .role_session_name(
                spec.session_name
                    .clone()
                    .unwrap_or_else(default_session_name),
            )
            .web_identity_token(token.as_str())
            .send()
            .await
            .map_err(|e| failed("AssumeRoleWithWebIdentity", &spec.role_arn, e))?;
        from_answer(
            answer.credentials,
            format!("web_identity ({})", spec.role_arn),
        )
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.assume())
    }
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("role_arn", &self.spec.role_arn)
            .field("token_file", &self.spec.token_file)
            .field("session_name", &self.spec.session_name)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use session_runtime::Timestamp;

    fn answer(expiration: Option<Timestamp>) -> crate::types::Credentials {
        crate::types::Credentials {
            access_key_id: Some("ASIAEXAMPLE".into()),
            secret_access_key: Some("secret".into()),
            session_token: Some("token".into()),
            expiration,
        }
    }

    #[test]
    fn an_answer_becomes_credentials() {
        let c = from_answer(
            Some(answer(Some(Timestamp::from_secs(1_893_456_000)))),
            "t".into(),
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(c.session_token(), Some("token"));
        assert!(c.expiry().is_some());
    }

    #[test]
    fn missing_fields_are_errors_not_panics() {
        let e = from_answer(None, "t".into()).unwrap_err();
        assert!(e.to_string().contains("without Credentials"), "{e}");
        let e = from_answer(Some(answer(None)), "t".into()).unwrap_err();
        assert!(e.to_string().contains("Expiration"), "{e}");
    }
}
