//! Adaptive mode's client-side rate limiter: a token bucket whose fill rate follows CUBIC
//! (the TCP congestion algorithm), cut on throttling and grown back on success. It stays off
//! until the first throttling response, so a client that is never throttled pays nothing.

use std::sync::Mutex;
use std::time::{Duration, Instant};

const MIN_FILL_RATE: f64 = 0.5;
const MIN_CAPACITY: f64 = 1.0;
const SMOOTH: f64 = 0.8;
/// CUBIC's multiplicative decrease factor.
const BETA: f64 = 0.7;
/// CUBIC's scaling constant.
const SCALE_CONSTANT: f64 = 0.4;
/// Sending rate is measured in buckets of this many seconds.
const BUCKET_SECONDS: f64 = 0.5;
/// An acquisition that would wait longer than this fails instead (the caller gets an error
/// rather than a hang).
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct State {
    fill_rate: f64,
    max_capacity: f64,
    current_capacity: f64,
    last_timestamp: Option<f64>,
    enabled: bool,
    measured_tx_rate: f64,
    last_tx_rate_bucket: f64,
    request_count: u64,
    last_max_rate: f64,
    last_throttle_time: f64,
    time_window: f64,
}

/// The limiter; one per client, shared by its clones.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    start: Instant,
    state: Mutex<State>,
}

impl RateLimiter {
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
            state: Mutex::new(State {
                fill_rate: 0.0,
                max_capacity: 0.0,
                current_capacity: 0.0,
                last_timestamp: None,
                enabled: false,
                measured_tx_rate: 0.0,
                last_tx_rate_bucket: 0.0,
                request_count: 0,
                last_max_rate: 0.0,
                last_throttle_time: 0.0,
                time_window: 0.0,
            }),
        }
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes one token; returns how long to wait first (zero while the limiter is off).
    /// `Err` when the wait would exceed [`MAX_WAIT`].
    pub(crate) fn acquire(&self) -> Result<Duration, Duration> {
        self.acquire_at(self.now())
    }

    fn acquire_at(&self, now: f64) -> Result<Duration, Duration> {
        let mut s = self.lock();
        if !s.enabled {
            return Ok(Duration::ZERO);
        }
        s.refill(now);
        // Take the token now even if it is not there yet: capacity goes negative and the
        // caller sleeps for the deficit, so concurrent callers queue fairly.
        let deficit = 1.0 - s.current_capacity;
        s.current_capacity -= 1.0;
        if deficit <= 0.0 {
            return Ok(Duration::ZERO);
        }
        let wait = Duration::from_secs_f64(deficit / s.fill_rate.max(MIN_FILL_RATE));
        if wait > MAX_WAIT {
            s.current_capacity += 1.0;
            return Err(wait);
        }
        Ok(wait)
    }

    /// Feeds one response into the rate estimate.
    pub(crate) fn update(&self, throttled: bool) {
        self.update_at(self.now(), throttled);
    }

    fn update_at(&self, now: f64, throttled: bool) {
        let mut s = self.lock();
        s.update_measured_rate(now);
        let calculated = if throttled {
            let rate = if s.enabled {
                s.measured_tx_rate.min(s.fill_rate)
            } else {
                s.measured_tx_rate
            };
            s.last_max_rate = rate;
            s.calculate_time_window();
            s.last_throttle_time = now;
            s.enabled = true;
            rate * BETA
        } else {
            s.calculate_time_window();
            s.cubic_success(now)
        };
        let new_rate = calculated.min(2.0 * s.measured_tx_rate);
        s.refill(now);
        s.fill_rate = new_rate.max(MIN_FILL_RATE);
        s.max_capacity = new_rate.max(MIN_CAPACITY);
        s.current_capacity = s.current_capacity.min(s.max_capacity);
    }

    #[cfg(test)]
    fn fill_rate(&self) -> f64 {
        self.lock().fill_rate
    }
}

impl State {
    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_timestamp {
            let added = (now - last).max(0.0) * self.fill_rate;
            self.current_capacity = (self.current_capacity + added).min(self.max_capacity);
        }
        self.last_timestamp = Some(now);
    }

    fn calculate_time_window(&mut self) {
        self.time_window = (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt();
    }

    fn cubic_success(&self, now: f64) -> f64 {
        let dt = now - self.last_throttle_time;
        SCALE_CONSTANT * (dt - self.time_window).powi(3) + self.last_max_rate
    }

    fn update_measured_rate(&mut self, now: f64) {
        let bucket = (now / BUCKET_SECONDS).floor() * BUCKET_SECONDS;
        self.request_count += 1;
        if bucket > self.last_tx_rate_bucket {
            let current = self.request_count as f64 / (bucket - self.last_tx_rate_bucket);
            self.measured_tx_rate = current * SMOOTH + self.measured_tx_rate * (1.0 - SMOOTH);
            self.request_count = 0;
            self.last_tx_rate_bucket = bucket;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_until_the_first_throttle() {
        let l = RateLimiter::new();
        for i in 0..100 {
            assert_eq!(l.acquire_at(i as f64 * 0.01), Ok(Duration::ZERO));
            l.update_at(i as f64 * 0.01, false);
        }
        assert!(!l.lock().enabled);
    }

    #[test]
    fn throttling_cuts_the_rate_and_success_grows_it_back() {
        let l = RateLimiter::new();
        // 20 requests per second for 5 seconds, then a throttle.
        let mut t = 0.0;
        while t < 5.0 {
            l.update_at(t, false);
            t += 0.05;
        }
        l.update_at(t, true);
        let cut = l.fill_rate();
        assert!(cut > 0.5 && cut < 20.0, "rate after throttle {cut}");
        // A burst now has to wait.
        let waits: Vec<Duration> = (0..30).map(|_| l.acquire_at(t).unwrap()).collect();
        assert!(waits.last().unwrap() > &Duration::ZERO, "{waits:?}");
        // Successes over time raise the rate again (CUBIC growth).
        for i in 1..200 {
            l.update_at(t + i as f64 * 0.05, false);
        }
        assert!(l.fill_rate() > cut, "{} <= {cut}", l.fill_rate());
    }

    #[test]
    fn refuses_absurd_waits() {
        let l = RateLimiter::new();
        l.update_at(0.0, true); // measured rate 0 → minimum fill rate
        let mut last = Ok(Duration::ZERO);
        for _ in 0..100 {
            last = l.acquire_at(0.0);
            if last.is_err() {
                break;
            }
        }
        assert!(last.is_err());
    }
}
