use std::time::Duration;

use tower_layer::Layer;

use super::{Scope, Timeout};

/// Applies [`Timeout`] to a service.
#[derive(Debug, Clone, Copy)]
pub struct TimeoutLayer {
    limit: Option<Duration>,
    scope: Scope,
}

impl TimeoutLayer {
    /// A per-attempt limit (`None`: no limit). An elapsed attempt is retried.
    pub fn attempt(limit: Option<Duration>) -> Self {
        Self {
            limit,
            scope: Scope::Attempt,
        }
    }

    /// A limit on the whole operation, retries included (`None`: no limit).
    pub fn operation(limit: Option<Duration>) -> Self {
        Self {
            limit,
            scope: Scope::Operation,
        }
    }
}

impl<S> Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout::new(inner, self.limit, self.scope)
    }
}
