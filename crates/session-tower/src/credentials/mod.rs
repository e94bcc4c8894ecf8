//! The credentials stage: puts the session's (cached) credentials into each attempt's
//! request extensions, where the signing stage finds them.
//!
//! When the cache holds usable credentials nothing is awaited or allocated; otherwise the
//! attempt waits for the single in-flight load.

mod cache;
mod container;
mod default_chain;
mod future;
mod imds;
mod remote;
mod sso;
mod sts;

use std::task::{Context, Poll};

use http::Request;
use tower_layer::Layer;
use tower_service::Service;

pub use cache::{CredentialsCache, ADVISORY_WINDOW, MANDATORY_WINDOW};
pub use container::ContainerProvider;
pub use default_chain::default_chain;
pub use future::ResponseFuture;
pub use imds::ImdsProvider;
pub use sso::{SsoConfig, SsoProvider};
pub use sts::{AssumeRoleProvider, RoleSpec, WebIdentityProvider};

use crate::body::SdkBody;
use crate::error::Error;

/// Credentials for `session` as its clients get them: from the session-wide cache in front
/// of [`default_chain`] (remote providers included), loading them if needed.
///
/// # Errors
/// The chain's error ([`Error::is_credentials`]), e.g. no credentials configured, a role
/// that cannot be assumed, or a provider that timed out.
pub async fn resolve(
    session: &session_core::Session,
) -> Result<session_core::credentials::Credentials, Error> {
    crate::client::runtime::SessionRuntime::of(session)
        .credentials
        .get()
        .await
}

/// Adds [`WithCredentials`] to a stack.
#[derive(Debug, Clone)]
pub struct CredentialsLayer {
    cache: CredentialsCache,
}

impl CredentialsLayer {
    /// Credentials from `cache` (share one cache between all clients of a session).
    pub fn new(cache: CredentialsCache) -> Self {
        Self { cache }
    }
}

impl<S> Layer<S> for CredentialsLayer {
    type Service = WithCredentials<S>;

    fn layer(&self, inner: S) -> WithCredentials<S> {
        WithCredentials {
            inner,
            cache: self.cache.clone(),
        }
    }
}

/// Attaches credentials to each request (as a
/// [`Credentials`](session_core::credentials::Credentials) extension).
#[derive(Debug, Clone)]
pub struct WithCredentials<S> {
    inner: S,
    cache: CredentialsCache,
}

impl<S> WithCredentials<S> {
    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, R> Service<Request<SdkBody>> for WithCredentials<S>
where
    S: Service<Request<SdkBody>, Response = R, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = R;
    type Error = Error;
    type Future = ResponseFuture<S::Future, R>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<SdkBody>) -> Self::Future {
        if let Some(creds) = self.cache.get_now() {
            req.extensions_mut().insert(creds);
            return ResponseFuture::ready(self.inner.call(req));
        }
        // Slow path: the ready inner service moves into the future, which awaits the load
        // and then calls it (clone-then-replace keeps this handle usable).
        let clone = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, clone);
        let cache = self.cache.clone();
        ResponseFuture::loading(Box::pin(async move {
            let creds = cache.get().await?;
            req.extensions_mut().insert(creds);
            ready.call(req).await
        }))
    }
}
