//! Credentials: the session-wide cache every attempt reads (nothing awaited or allocated
//! while it holds usable credentials; otherwise the attempt waits for the single in-flight
//! load) and the providers that fetch credentials over HTTP.

mod cache;
mod container;
mod default_chain;
mod imds;
pub(crate) mod remote;
mod roles;
pub(crate) mod sso;

pub use cache::{CredentialsCache, ADVISORY_WINDOW, MANDATORY_WINDOW};
pub use container::ContainerProvider;
pub use default_chain::default_chain;
pub use imds::ImdsProvider;
pub use roles::{AssumeRoles, RoleSpec, WebIdentitySpec};
pub use sso::{SsoConfig, SsoProvider};

use crate::error::Error;

/// Credentials for `session` as its clients get them: from the session-wide cache in front
/// of [`default_chain`] (remote providers included; role steps through `roles`, which
/// `services-sts` provides), loading them if needed.
///
/// # Errors
/// The chain's error ([`Error::is_credentials`]), e.g. no credentials configured, a role
/// that cannot be assumed, or a provider that timed out.
pub async fn resolve(
    session: &session_core::Session,
    roles: Option<&'static dyn AssumeRoles>,
) -> Result<session_core::credentials::Credentials, Error> {
    crate::client::runtime::SessionRuntime::of(session, roles)
        .credentials
        .get()
        .await
}
