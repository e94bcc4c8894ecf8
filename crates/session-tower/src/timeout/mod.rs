//! Time limits: per attempt (inside the retry loop) and per operation (around it), as
//! futures the engine wraps around each; the read timeout, an idle timeout on each
//! attempt; and the stall protection of response bodies that stream to the caller
//! ([`StallProtection`], the one public type here).

mod future;
mod idle;
mod stall;

use std::time::Duration;

pub(crate) use future::Timed;
pub(crate) use idle::{Activity, Idle, Touching};
pub use stall::StallProtection;
pub(crate) use stall::StreamWatch;

use crate::error::{Error, Kind};

/// Which limit a [`Timed`] enforces; decides the error kind when it elapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
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

    /// A timeout of this scope that elapsed outside the stack (a user's tower `Timeout`).
    pub(crate) fn error_from(self, source: crate::body::BoxError) -> Error {
        let kind = match self {
            Scope::Attempt => Kind::AttemptTimeout,
            Scope::Operation => Kind::OperationTimeout,
        };
        Error::with(kind, "a layer's time limit").source_from(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slow_calls_fail_with_the_scope_kind() {
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok::<_, Error>(())
        };
        let e = Timed::new(slow(), Some(Duration::from_secs(1)), Scope::Attempt)
            .await
            .unwrap_err();
        assert!(e.is_timeout());
        assert_eq!(e.kind(), Kind::AttemptTimeout);
        let ok = Timed::new(slow(), None, Scope::Operation).await;
        assert!(ok.is_ok());
    }
}
