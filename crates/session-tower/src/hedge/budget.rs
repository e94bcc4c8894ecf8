//! The hedge budget: extra requests as a share of the calls over a window.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Calls and hedges counted in the current window and the one before it; a hedge is
/// allowed while hedges stay within `max_extra` of the calls over both (so over the last
/// one to two windows). Counting, not a token bucket: a burst of slow calls after a quiet
/// minute gets no more hedges than its own share.
#[derive(Debug)]
pub(crate) struct Budget {
    max_extra: f64,
    window: Duration,
    state: Mutex<Windows>,
}

#[derive(Debug)]
struct Windows {
    started: Instant,
    calls: [u64; 2],
    hedges: [u64; 2],
}

impl Budget {
    pub(crate) fn new(max_extra: f64, window: Duration) -> Self {
        Self {
            max_extra,
            window,
            state: Mutex::new(Windows {
                started: Instant::now(),
                calls: [0; 2],
                hedges: [0; 2],
            }),
        }
    }

    fn windows(&self) -> std::sync::MutexGuard<'_, Windows> {
        let mut w = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(w.started);
        if elapsed >= self.window * 2 {
            *w = Windows {
                started: now,
                calls: [0; 2],
                hedges: [0; 2],
            };
        } else if elapsed >= self.window {
            w.calls = [w.calls[1], 0];
            w.hedges = [w.hedges[1], 0];
            w.started += self.window;
        }
        w
    }

    /// A call that may be hedged started.
    pub(crate) fn call(&self) {
        self.windows().calls[1] += 1;
    }

    /// Takes one hedge from the budget if it has one.
    pub(crate) fn try_hedge(&self) -> bool {
        let mut w = self.windows();
        let calls = w.calls[0] + w.calls[1];
        let hedges = w.hedges[0] + w.hedges[1];
        #[allow(clippy::cast_precision_loss)]
        let allowed = (hedges + 1) as f64 <= self.max_extra * calls as f64;
        if allowed {
            w.hedges[1] += 1;
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn at_most_the_share_over_the_window() {
        let b = Budget::new(0.1, Duration::from_secs(10));
        let mut hedges = 0;
        for _ in 0..1000 {
            b.call();
            if b.try_hedge() {
                hedges += 1;
            }
        }
        assert_eq!(hedges, 100);
        // Two windows later the old calls no longer pay for hedges.
        tokio::time::advance(Duration::from_secs(25)).await;
        b.call();
        assert!(!b.try_hedge());
        for _ in 0..9 {
            b.call();
        }
        assert!(b.try_hedge());
        assert!(!b.try_hedge());
    }

    #[test]
    fn a_zero_share_never_hedges() {
        let b = Budget::new(0.0, Duration::from_secs(1));
        for _ in 0..100 {
            b.call();
            assert!(!b.try_hedge());
        }
    }
}
