//! Credentials and the providers that find them.
//!
//! A provider implements [`ProvideCredentials`]. Providers are tried in order by a
//! [`CredentialsChain`]: one that is *not configured* (its error says
//! [`CredentialsError::is_not_configured`]) passes to the next; one that is configured but
//! fails stops the chain with its error, as the AWS SDKs do. This release ships the local
//! providers: explicit keys, environment, static keys in the selected profile and
//! `credential_process` ([`CredentialProcessProvider`]); assume-role, web identity, SSO,
//! container and IMDS providers plug into the same trait and chain.

mod chain;
mod endpoints;
mod error;
mod keys;
mod plan;
mod process;
mod profile_chain;
mod provider;
mod sso;
mod static_keys;

pub use chain::CredentialsChain;
pub(crate) use chain::Failing;
pub use endpoints::{container_credentials_uri, container_uri, imds_endpoint};
pub use error::CredentialsError;
pub use keys::Credentials;
pub use plan::{plan, Plan, Step};
pub use process::{
    format_rfc3339, parse_rfc3339, CredentialProcessProvider,
    DEFAULT_TIMEOUT as CREDENTIAL_PROCESS_TIMEOUT,
};
pub use profile_chain::profile_plan;
pub use provider::{ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider};
pub use sso::{sso_token_source, SsoTokenSource};
pub use static_keys::{EnvironmentProvider, ProfileStaticProvider, StaticProvider};
