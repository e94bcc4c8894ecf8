//! Role credentials from STS: AssumeRole (signed with the credentials of the step before)
//! and AssumeRoleWithWebIdentity (unsigned, with a token file).
//!
//! Both call STS through a normal client of the session, so the session's region, endpoint
//! settings (`endpoint_url`, FIPS, dual-stack), retries, timeouts and connection pool apply.
//! The providers hold a [`WeakSession`]: they live inside the session's own credentials
//! cache, and a strong handle would keep the session alive forever.

use std::fmt;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use session_core::credentials::{
    parse_rfc3339, Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
    SharedCredentialsProvider,
};
use session_core::{Session, WeakSession};

use crate::client::{Client, ClientBuilder, ServiceInfo};
use crate::error::Error;
use crate::protocol::rpc::{query_request, read_body};
use crate::protocol::{xml, Protocol};

/// STS as the credential providers call it (the `services-sts` crate describes the same
/// service for users).
static STS: ServiceInfo = ServiceInfo {
    service_id: "STS",
    signing_name: "sts",
    protocol: Protocol::AwsQuery,
    endpoint_rules: session_endpoints::sts,
    region_when_unset: Some("us-east-1"),
    s3_signing: false,
    api_version: "2011-06-15",
};

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

fn failed(what: &str, role_arn: &str, e: Error) -> CredentialsError {
    CredentialsError::provider_failed(format!("{what} for {role_arn} failed: {e}"), e)
}

/// Reads `<Result><Credentials>…</Credentials></Result>` from an STS response.
fn parse_credentials(
    body: &[u8],
    result: &str,
    source: String,
) -> Result<Credentials, CredentialsError> {
    let malformed = |what: &str| {
        CredentialsError::provider_failed(
            format!("{source}: STS answered without {what}"),
            "malformed STS response",
        )
    };
    if !xml::has_element(body, result) {
        return Err(malformed(result));
    }
    let mut f = xml::texts(
        body,
        &[
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration",
        ],
    )
    .into_iter();
    let id = f.next().flatten().ok_or_else(|| malformed("AccessKeyId"))?;
    let secret = f
        .next()
        .flatten()
        .ok_or_else(|| malformed("SecretAccessKey"))?;
    let token = f
        .next()
        .flatten()
        .ok_or_else(|| malformed("SessionToken"))?;
    let expiry = f
        .next()
        .flatten()
        .and_then(|e| parse_rfc3339(&e))
        .ok_or_else(|| malformed("a valid Expiration"))?;
    Ok(Credentials::new(
        id,
        secret,
        Some(token),
        Some(expiry),
        source,
    ))
}

/// What to ask for when assuming a role (a profile's `role_arn`, `role_session_name`,
/// `external_id`, `duration_seconds`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    /// The role to assume.
    pub role_arn: String,
    /// The role session name. Default: `session-rs-<unix millis>`.
    pub session_name: Option<String>,
    /// The external id the role's trust policy expects, if any.
    pub external_id: Option<String>,
    /// Lifetime of the credentials in seconds (900–43200). Default: STS's (one hour).
    pub duration_seconds: Option<u32>,
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
        let client = ClientBuilder::<Client>::new(&session, &STS)
            .credentials_provider(self.source.clone())
            .build()
            .map_err(|e| failed("AssumeRole", &role.role_arn, e))?;
        let name = role
            .session_name
            .clone()
            .unwrap_or_else(default_session_name);
        let duration = role.duration_seconds.map(|d| d.to_string());
        let mut params = vec![
            ("RoleArn", role.role_arn.as_str()),
            ("RoleSessionName", name.as_str()),
        ];
        if let Some(id) = &role.external_id {
            params.push(("ExternalId", id));
        }
        if let Some(d) = &duration {
            params.push(("DurationSeconds", d));
        }
        let call = async {
            let req = query_request("AssumeRole", STS.api_version, &params)?;
            read_body(client.send(req).await?).await
        };
        let (_, body) = call
            .await
            .map_err(|e| failed("AssumeRole", &role.role_arn, e))?;
        let creds = parse_credentials(
            &body,
            "AssumeRoleResult",
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
    token_file: PathBuf,
    role_arn: String,
    session_name: Option<String>,
}

impl WebIdentityProvider {
    /// Assumes `role_arn` with the token in `token_file` (read through the session's
    /// [`Fs`](session_core::Fs)).
    pub fn new(
        session: &Session,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
        session_name: Option<String>,
    ) -> Self {
        Self {
            session: session.downgrade(),
            token_file: token_file.into(),
            role_arn: role_arn.into(),
            session_name,
        }
    }

    fn read_token(&self, session: &Session) -> Result<String, CredentialsError> {
        let file = self.token_file.display();
        let bytes = match session.fs().read(&self.token_file) {
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
        let token = zeroize::Zeroizing::new(self.read_token(&session)?);
        let client = ClientBuilder::<Client>::new(&session, &STS)
            .anonymous()
            .build()
            .map_err(|e| failed("AssumeRoleWithWebIdentity", &self.role_arn, e))?;
        let name = self
            .session_name
            .clone()
            .unwrap_or_else(default_session_name);
        let params = [
            ("RoleArn", self.role_arn.as_str()),
            ("RoleSessionName", name.as_str()),
            ("WebIdentityToken", token.as_str()),
        ];
        let call = async {
            let req = query_request("AssumeRoleWithWebIdentity", STS.api_version, &params)?;
            read_body(client.send(req).await?).await
        };
        let (_, body) = call
            .await
            .map_err(|e| failed("AssumeRoleWithWebIdentity", &self.role_arn, e))?;
        parse_credentials(
            &body,
            "AssumeRoleWithWebIdentityResult",
            format!("web_identity ({})", self.role_arn),
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
            .field("role_arn", &self.role_arn)
            .field("token_file", &self.token_file)
            .field("session_name", &self.session_name)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assume_role_result() {
        let body = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::123:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>secret</SecretAccessKey>
      <SessionToken>token</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;
        let c = parse_credentials(body, "AssumeRoleResult", "t".into()).unwrap();
        assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(c.session_token(), Some("token"));
        assert!(c.expiry().is_some());
    }

    #[test]
    fn missing_fields_are_errors_not_panics() {
        let e = parse_credentials(b"<X/>", "AssumeRoleResult", "t".into()).unwrap_err();
        assert!(e.to_string().contains("without AssumeRoleResult"), "{e}");
        let body = b"<AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>soon</Expiration></Credentials></AssumeRoleResult>";
        let e = parse_credentials(body, "AssumeRoleResult", "t".into()).unwrap_err();
        assert!(e.to_string().contains("Expiration"), "{e}");
    }
}
