//! The role steps of a credentials plan (`role_arn` with a source, web identity), which need
//! STS: what they ask for, and the trait that makes their providers.
//!
//! STS is a service like any other, so its client is generated into `services-sts`, which
//! sits above this crate; it implements [`AssumeRoles`] over that client and every service
//! description names it ([`ServiceInfo::roles`](crate::ServiceInfo::roles)), so the
//! default chain here can assume roles without this crate knowing STS's wire format.

use std::path::PathBuf;

use session_core::credentials::SharedCredentialsProvider;
use session_core::Session;

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

/// What to ask for when assuming a role with a web identity token (`web_identity_token_file`
/// and `role_arn` in a profile, or `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` as EKS
/// sets them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentitySpec {
    /// The role to assume.
    pub role_arn: String,
    /// The file holding the OIDC token (read on every refresh: the platform rotates it).
    pub token_file: PathBuf,
    /// The role session name. Default: `session-rs-<unix millis>`.
    pub session_name: Option<String>,
}

/// Makes the providers of a plan's role steps (implemented over STS by `services-sts`).
pub trait AssumeRoles: Send + Sync + std::fmt::Debug + 'static {
    /// A provider that assumes `role` with the credentials of `source`.
    fn assume_role(
        &self,
        session: &Session,
        source: SharedCredentialsProvider,
        role: RoleSpec,
    ) -> SharedCredentialsProvider;

    /// A provider that assumes a role with a web identity token.
    fn web_identity(&self, session: &Session, spec: WebIdentitySpec) -> SharedCredentialsProvider;
}
