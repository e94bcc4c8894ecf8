//! An operation's recent latencies and the hedge delay taken from them.

use std::time::Duration;

use super::config::HedgeConfig;

/// The last `samples` latencies of one operation (microseconds, in a ring), and the delay
/// computed from them. The percentile is recomputed every `samples / 16` records, not on
/// every call: a selection over 1,000 values costs a few microseconds.
#[derive(Debug)]
pub(crate) struct Latencies {
    ring: Vec<u32>,
    next: usize,
    since_recompute: usize,
    delay: Duration,
    scratch: Vec<u32>,
}

impl Latencies {
    pub(crate) fn new(config: &HedgeConfig) -> Self {
        Self {
            ring: Vec::with_capacity(config.samples),
            next: 0,
            since_recompute: 0,
            delay: config.cold_start,
            scratch: Vec::new(),
        }
    }

    /// The delay before a hedge: the cold-start default until `min_samples` latencies were
    /// seen, then the percentile, never below the floor.
    pub(crate) fn delay(&self) -> Duration {
        self.delay
    }

    pub(crate) fn record(&mut self, latency: Duration, config: &HedgeConfig) {
        let micros = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
        if self.ring.len() < config.samples {
            self.ring.push(micros);
        } else {
            self.ring[self.next] = micros;
            self.next = (self.next + 1) % config.samples;
        }
        self.since_recompute += 1;
        let every = (config.samples / 16).max(1);
        if self.ring.len() >= config.min_samples
            && (self.since_recompute >= every || self.ring.len() == config.min_samples)
        {
            self.since_recompute = 0;
            self.delay = self.percentile(config.percentile).max(config.floor);
        }
    }

    /// The `p` percentile of the ring (nearest rank).
    fn percentile(&mut self, p: f64) -> Duration {
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.ring);
        let n = self.scratch.len();
        // Nearest rank: the smallest value with at least p of the values at or below it.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
        let (_, at, _) = self.scratch.select_nth_unstable(rank - 1);
        Duration::from_micros(u64::from(*at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cold_start_then_the_percentile_with_a_floor() {
        let config = HedgeConfig::new()
            .samples(100)
            .min_samples(10)
            .floor(Duration::from_millis(2))
            .cold_start(Duration::from_millis(50));
        let mut l = Latencies::new(&config);
        assert_eq!(l.delay(), Duration::from_millis(50));
        for _ in 0..9 {
            l.record(Duration::from_millis(10), &config);
        }
        assert_eq!(
            l.delay(),
            Duration::from_millis(50),
            "fewer than min_samples"
        );
        l.record(Duration::from_millis(10), &config);
        assert_eq!(l.delay(), Duration::from_millis(10));
        // 100 samples: 94 at 1 ms, 6 at 300 ms: p95 is 300 ms.
        for i in 0..100 {
            let ms = if i % 17 == 0 { 300 } else { 1 };
            l.record(Duration::from_millis(ms), &config);
        }
        assert_eq!(l.delay(), Duration::from_millis(300));
        // All fast: the floor.
        for _ in 0..100 {
            l.record(Duration::from_micros(300), &config);
        }
        assert_eq!(l.delay(), Duration::from_millis(2));
    }

    #[test]
    fn only_the_last_samples_count() {
        let config = HedgeConfig::new()
            .samples(32)
            .min_samples(1)
            .floor(Duration::ZERO);
        let mut l = Latencies::new(&config);
        for _ in 0..32 {
            l.record(Duration::from_millis(100), &config);
        }
        for _ in 0..32 {
            l.record(Duration::from_millis(3), &config);
        }
        assert_eq!(l.delay(), Duration::from_millis(3));
    }
}
