use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{Credentials, CredentialsError};

/// Something that can produce credentials, possibly by doing I/O.
///
/// Implementations must be cheap to call repeatedly; caching and refresh belong to a
/// caching layer in front of them, not to each provider.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Produces credentials, or says why not.
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_>;
}

/// A provider shared between sessions, clients and tasks.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

type BoxFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// The future returned by [`ProvideCredentials::provide_credentials`].
///
/// Providers that already know the answer return [`ProvideCredentialsFuture::ready`], which
/// does not allocate; providers that do I/O wrap their future with
/// [`ProvideCredentialsFuture::new`].
pub struct ProvideCredentialsFuture<'a> {
    state: State<'a>,
}

enum State<'a> {
    Ready(Option<Result<Credentials, CredentialsError>>),
    Pending(BoxFuture<'a>),
}

impl<'a> ProvideCredentialsFuture<'a> {
    /// A future that completes at once with `result`.
    pub fn ready(result: Result<Credentials, CredentialsError>) -> Self {
        Self {
            state: State::Ready(Some(result)),
        }
    }

    /// Wraps any `Send` future.
    pub fn new(
        future: impl Future<Output = Result<Credentials, CredentialsError>> + Send + 'a,
    ) -> Self {
        Self {
            state: State::Pending(Box::pin(future)),
        }
    }
}

impl Future for ProvideCredentialsFuture<'_> {
    type Output = Result<Credentials, CredentialsError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Both states are Unpin (an Option and a Pin<Box>), so no projection is needed.
        let this = self.get_mut();
        match &mut this.state {
            State::Ready(result) => Poll::Ready(result.take().unwrap_or_else(|| {
                Err(CredentialsError::provider_failed(
                    "credentials future polled after completion",
                    "misuse",
                ))
            })),
            State::Pending(fut) => fut.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for ProvideCredentialsFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProvideCredentialsFuture")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trait_is_object_safe_and_futures_are_send() {
        fn is_send<T: Send>(_: &T) {}
        #[derive(Debug)]
        struct P;
        impl ProvideCredentials for P {
            fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
                ProvideCredentialsFuture::new(async { Err(CredentialsError::not_configured("x")) })
            }
        }
        let p: SharedCredentialsProvider = Arc::new(P);
        is_send(&p.provide_credentials());
    }
}
