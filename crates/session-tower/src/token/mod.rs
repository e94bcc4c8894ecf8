//! Bearer tokens for services that take `Authorization: Bearer <token>` (Smithy's
//! `httpBearerAuth`: CodeCatalyst, Bedrock API keys): the token, the providers that find
//! one, and the cache every request of a client reads.
//!
//! A client's token chain ([`default_chain`]) tries, in order:
//!
//! 1. the token given to the client builder
//!    ([`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token) or
//!    [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider)), which
//!    replaces the rest of the chain;
//! 2. `AWS_BEARER_TOKEN_<SIGNING NAME>` from the session's environment ([`EnvToken`]; e.g.
//!    `AWS_BEARER_TOKEN_BEDROCK`);
//! 3. the IAM Identity Center token of the profile's `sso_session` ([`SsoTokenProvider`]),
//!    refreshed through SSO-OIDC when it is about to expire.
//!
//! Tokens are cached like credentials ([`TokenCache`]: served without waiting while fresh,
//! refreshed ahead in the last five minutes, never served in the last ten seconds). A
//! [`Token`]'s `Debug` never shows it, its memory is wiped when dropped, and the
//! `Authorization` header carrying it is marked sensitive.
//!
//! Token errors are [`CredentialsError`]s (a source that is not configured lets the chain
//! move on) and reach callers as credentials errors ([`Error::is_credentials`]).
//!
//! [`Error::is_credentials`]: crate::Error::is_credentials

mod cache;
mod chain;
mod sso;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use session_core::credentials::CredentialsError;
use zeroize::Zeroizing;

pub use cache::TokenCache;
pub use chain::{bearer_env_var, default_chain, EnvToken, StaticToken, TokenChain};
pub use sso::SsoTokenProvider;

/// A bearer token, when it expires, and where it came from.
///
/// Cloning is cheap (an `Arc` inside). `Debug` shows the source and expiry, never the
/// token; its memory is zeroed when the last clone is dropped.
///
/// ```
/// use session_tower::token::Token;
///
/// let token = Token::new("tok-secret", None, "explicit");
/// assert_eq!(token.as_str(), "tok-secret");
/// assert!(!format!("{token:?}").contains("tok-secret"));
/// ```
#[derive(Clone)]
pub struct Token {
    inner: Arc<Inner>,
}

struct Inner {
    token: Zeroizing<String>,
    expiry: Option<SystemTime>,
    source: String,
}

impl Token {
    /// A token from its parts. `source` says where it came from, for messages and logs
    /// (e.g. `"env (AWS_BEARER_TOKEN_BEDROCK)"`).
    pub fn new(
        token: impl Into<String>,
        expiry: Option<SystemTime>,
        source: impl Into<String>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                token: Zeroizing::new(token.into()),
                expiry,
                source: source.into(),
            }),
        }
    }

    /// The token itself. Keep it out of logs.
    pub fn as_str(&self) -> &str {
        &self.inner.token
    }

    /// When the token stops working; `None` when not known (API keys, explicit tokens).
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }

    /// Where the token came from.
    pub fn source(&self) -> &str {
        &self.inner.source
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("token", &"** redacted **")
            .field("expiry", &self.inner.expiry)
            .field("source", &self.inner.source)
            .finish()
    }
}

/// The future of [`ProvideToken::provide_token`].
pub type ProvideTokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Token, CredentialsError>> + Send + 'a>>;

/// Something that can produce a bearer token, possibly by doing I/O.
///
/// Like credentials providers, implementations do not cache: [`TokenCache`] does. A
/// provider that has nothing to offer returns
/// [`CredentialsError::not_configured`], so a [`TokenChain`] moves on to the next.
pub trait ProvideToken: Send + Sync + fmt::Debug {
    /// Produces a token, or says why not.
    fn provide_token(&self) -> ProvideTokenFuture<'_>;
}

/// A token provider shared between clients and tasks.
pub type SharedTokenProvider = Arc<dyn ProvideToken>;

impl<T: ProvideToken + ?Sized> ProvideToken for Arc<T> {
    fn provide_token(&self) -> ProvideTokenFuture<'_> {
        (**self).provide_token()
    }
}
