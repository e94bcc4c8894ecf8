//! What a client's retries are allowed to do: mode, attempts, backoff.

use std::time::Duration;

/// How retries behave. Defaults: standard mode, 3 attempts, backoff base 1 s, cap 20 s.
#[derive(Debug, Clone)]
#[must_use]
pub struct RetryConfig {
    pub(crate) adaptive: bool,
    pub(crate) max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            adaptive: false,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// Standard mode (the default).
    pub fn standard() -> Self {
        Self::default()
    }

    /// Adaptive mode: standard plus client-side rate limiting after throttling.
    pub fn adaptive() -> Self {
        Self {
            adaptive: true,
            ..Self::default()
        }
    }

    /// Attempts per operation, the first included. Default 3; 1 disables retries.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The backoff base: attempt `i` waits a random time in `[0, base × 2^(i-1))`, capped.
    /// Default 1 s.
    pub fn initial_backoff(mut self, base: Duration) -> Self {
        self.initial_backoff = base;
        self
    }

    /// The backoff cap. Default 20 s.
    pub fn max_backoff(mut self, cap: Duration) -> Self {
        self.max_backoff = cap;
        self
    }

    /// Full jitter: a uniform random delay up to the exponential bound.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let bound = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        bound.mul_f64(fastrand::f64())
    }
}
