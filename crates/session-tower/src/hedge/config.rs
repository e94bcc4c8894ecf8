//! What a hedge layer does: when it sends a second copy, for which operations, and how
//! many extra requests it may add.

use std::time::Duration;

use crate::error::{Error, Kind};

/// How a [`HedgeLayer`](super::HedgeLayer) hedges.
///
/// The delay before the second copy is a percentile of the operation's recent latencies
/// (time to the response head), never below a floor, and a fixed default until enough
/// calls were seen. The copies are limited by a budget (a share of the requests over a
/// window) and by the client's retry quota.
///
/// ```
/// use std::time::Duration;
/// use session_tower::hedge::HedgeConfig;
///
/// let config = HedgeConfig::new()
///     .percentile(0.99)
///     .floor(Duration::from_millis(10))
///     .only(["GetObject", "HeadObject"]);
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct HedgeConfig {
    pub(crate) percentile: f64,
    pub(crate) samples: usize,
    pub(crate) min_samples: usize,
    pub(crate) floor: Duration,
    pub(crate) cold_start: Duration,
    pub(crate) max_extra: f64,
    pub(crate) window: Duration,
    pub(crate) only: Option<Vec<&'static str>>,
    pub(crate) read_only: Vec<&'static str>,
    pub(crate) never: Vec<&'static str>,
}

impl Default for HedgeConfig {
    fn default() -> Self {
        Self {
            percentile: 0.95,
            samples: 1000,
            min_samples: 20,
            floor: Duration::from_millis(5),
            cold_start: Duration::from_millis(100),
            max_extra: 0.10,
            window: Duration::from_secs(10),
            only: None,
            read_only: Vec::new(),
            never: Vec::new(),
        }
    }
}

impl HedgeConfig {
    /// The defaults: hedge after the p95 of the operation's last 1,000 calls, at least 5 ms,
    /// 100 ms until 20 calls were seen; at most 10 % extra requests over 10 s; every
    /// operation that is safe to repeat ([`is_safe`](super::is_safe)).
    pub fn new() -> Self {
        Self::default()
    }

    /// The percentile of recent latencies to wait before hedging, in (0, 1). Default 0.95.
    pub fn percentile(mut self, p: f64) -> Self {
        self.percentile = p;
        self
    }

    /// How many of an operation's latest calls the percentile is taken over. Default 1,000.
    pub fn samples(mut self, n: usize) -> Self {
        self.samples = n;
        self
    }

    /// Calls of an operation to see before its percentile is used (until then the
    /// [`cold_start`](Self::cold_start) delay is). Default 20.
    pub fn min_samples(mut self, n: usize) -> Self {
        self.min_samples = n;
        self
    }

    /// The shortest delay before a hedge, whatever the percentile says. Default 5 ms.
    pub fn floor(mut self, delay: Duration) -> Self {
        self.floor = delay;
        self
    }

    /// The delay while an operation has fewer than [`min_samples`](Self::min_samples)
    /// latencies. Default 100 ms.
    pub fn cold_start(mut self, delay: Duration) -> Self {
        self.cold_start = delay;
        self
    }

    /// Extra requests allowed, as a share of the calls over the budget window, in [0, 1].
    /// Default 0.10 (at most one hedge per ten calls).
    pub fn max_extra(mut self, share: f64) -> Self {
        self.max_extra = share;
        self
    }

    /// The window the budget counts over (the last one to two windows count). Default 10 s.
    pub fn budget_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Hedges only these operations (still only those safe to repeat). Default: every
    /// operation that is safe to repeat.
    pub fn only<I: IntoIterator<Item = &'static str>>(mut self, operations: I) -> Self {
        self.only = Some(operations.into_iter().collect());
        self
    }

    /// Declares a POST operation of yours read-only (safe to repeat), adding it to the
    /// built-in list ([`READ_ONLY`](super::READ_ONLY)). PUT and DELETE operations are never
    /// taken as read-only: they are hedged only with an
    /// [`IdempotencyToken`](super::IdempotencyToken).
    pub fn read_only(mut self, operation: &'static str) -> Self {
        self.read_only.push(operation);
        self
    }

    /// Never hedges `operation`.
    pub fn never(mut self, operation: &'static str) -> Self {
        self.never.push(operation);
        self
    }

    /// Checks the values.
    ///
    /// # Errors
    /// A percentile outside (0, 1), no samples, a budget share outside [0, 1], a zero
    /// budget window ([`Error::is_build`]).
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |what: String| Err(Error::with(Kind::Build, format!("hedge config: {what}")));
        if !(self.percentile > 0.0 && self.percentile < 1.0) {
            return bad(format!("percentile {} is not in (0, 1)", self.percentile));
        }
        if self.samples == 0 || self.min_samples == 0 {
            return bad("samples and min_samples must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.max_extra) {
            return bad(format!("max_extra {} is not in [0, 1]", self.max_extra));
        }
        if self.window.is_zero() {
            return bad("the budget window must be longer than zero".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_build_errors() {
        assert!(HedgeConfig::new().validate().is_ok());
        for bad in [
            HedgeConfig::new().percentile(1.0),
            HedgeConfig::new().percentile(f64::NAN),
            HedgeConfig::new().samples(0),
            HedgeConfig::new().max_extra(1.5),
            HedgeConfig::new().budget_window(Duration::ZERO),
        ] {
            let e = bad.validate().unwrap_err();
            assert!(e.is_build(), "{e}");
            assert!(e.to_string().contains("hedge config"), "{e}");
        }
    }
}
