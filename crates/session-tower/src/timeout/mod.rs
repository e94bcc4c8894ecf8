//! Time limits: per attempt (inside the retry loop) and per operation (around it).
//!
//! ```
//! use std::time::Duration;
//! use session_tower::timeout::TimeoutLayer;
//! use tower::ServiceBuilder;
//!
//! let attempt = TimeoutLayer::attempt(Some(Duration::from_secs(5)));
//! let operation = TimeoutLayer::operation(None); // no limit
//! let _builder = ServiceBuilder::new().layer(operation).layer(attempt);
//! ```

mod future;
mod layer;

use std::task::{Context, Poll};
use std::time::Duration;

use tower_service::Service;

pub use future::ResponseFuture;
pub use layer::TimeoutLayer;

use crate::error::{Error, Kind};

/// Which limit a [`Timeout`] enforces; decides the error kind when it elapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One attempt: a timeout is retryable.
    Attempt,
    /// The whole operation, retries included: final.
    Operation,
}

impl Scope {
    pub(crate) fn error(self, limit: Duration) -> Error {
        let kind = match self {
            Scope::Attempt => Kind::AttemptTimeout,
            Scope::Operation => Kind::OperationTimeout,
        };
        Error::with(kind, format!("limit {limit:?}"))
    }
}

/// Fails a call that takes longer than a limit.
#[derive(Debug, Clone)]
pub struct Timeout<S> {
    inner: S,
    limit: Option<Duration>,
    scope: Scope,
}

impl<S> Timeout<S> {
    /// Wraps `inner`; `None` means no limit.
    pub fn new(inner: S, limit: Option<Duration>, scope: Scope) -> Self {
        Self {
            inner,
            limit,
            scope,
        }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, R> Service<R> for Timeout<S>
where
    S: Service<R, Error = Error>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        ResponseFuture::new(self.inner.call(req), self.limit, self.scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::{service_fn, ServiceExt};

    #[tokio::test(start_paused = true)]
    async fn slow_calls_fail_with_the_scope_kind() {
        let slow = service_fn(|_: ()| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok::<_, Error>(())
        });
        let e = Timeout::new(slow, Some(Duration::from_secs(1)), Scope::Attempt)
            .oneshot(())
            .await
            .unwrap_err();
        assert!(e.is_timeout());
        assert_eq!(e.kind(), Kind::AttemptTimeout);
        let ok = Timeout::new(slow, None, Scope::Operation).oneshot(()).await;
        assert!(ok.is_ok());
    }
}
