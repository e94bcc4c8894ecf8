//! Stall protection for response bodies that stream to the caller (S3 `GetObject`):
//! the body fails with [`Error::is_stalled`] when, while the caller waits on it, no bytes
//! come for the read timeout, or fewer than a minimum throughput over a grace window.
//!
//! Only time the caller spends waiting counts: a consumer that stops polling (it is busy
//! writing to disk, or waiting on something else) is not a stalled server, and its pause
//! is not measured. The clock runs from a poll that found nothing until the next frame.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

use crate::body::{BoxError, SdkBody};
use crate::error::{Error, Kind};

/// The minimum-throughput rule of streamed response bodies.
///
/// Over each `grace` of time spent waiting on the body, at least `min_bytes_per_sec × grace`
/// bytes must arrive. Default ([`StallProtection::default`]): 1 byte per second over 20 s
/// windows. Together with the read timeout (no bytes at all for that long while waiting),
/// it ends a download that has stopped or slowed to a drip, instead of hanging.
///
/// ```
/// use std::time::Duration;
/// use session_tower::timeout::StallProtection;
///
/// // A download must average 64 KiB/s over each 30 s of waiting on it.
/// let strict = StallProtection::new(64 * 1024, Duration::from_secs(30));
/// assert_eq!(strict.min_bytes_per_sec(), 65536);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StallProtection {
    min_bytes_per_sec: u64,
    grace: Duration,
}

impl Default for StallProtection {
    fn default() -> Self {
        Self::new(1, Duration::from_secs(20))
    }
}

impl StallProtection {
    /// At least `min_bytes_per_sec` on average over each `grace` of waiting (a zero grace
    /// is taken as 1 s).
    pub fn new(min_bytes_per_sec: u64, grace: Duration) -> Self {
        let grace = if grace.is_zero() {
            Duration::from_secs(1)
        } else {
            grace
        };
        Self {
            min_bytes_per_sec,
            grace,
        }
    }

    /// The minimum average throughput, in bytes per second.
    pub fn min_bytes_per_sec(&self) -> u64 {
        self.min_bytes_per_sec
    }

    /// The window of waiting time the average is taken over.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// Whether `bytes` in `waited` is too slow.
    fn too_slow(&self, bytes: u64, waited: Duration) -> bool {
        (bytes as f64) < self.min_bytes_per_sec as f64 * waited.as_secs_f64()
    }
}

/// How a streamed body is watched: the read timeout (idle while waited on) and the
/// throughput rule, either of which may be off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StreamWatch {
    pub(crate) idle: Option<Duration>,
    pub(crate) rule: Option<StallProtection>,
}

impl StreamWatch {
    /// `body` watched, or `body` itself when nothing is to be watched.
    pub(crate) fn wrap(self, body: SdkBody) -> SdkBody {
        if self.idle.is_none() && self.rule.is_none() {
            return body;
        }
        SdkBody::from_stream(Guarded {
            inner: body,
            watch: self,
            sleep: None,
            waiting_since: None,
            waited: Duration::ZERO,
            window_bytes: 0,
        })
    }
}

pin_project! {
    struct Guarded {
        #[pin]
        inner: SdkBody,
        watch: StreamWatch,
        #[pin]
        sleep: Option<Sleep>,
        // Since when the caller has been waiting for the next frame.
        waiting_since: Option<Instant>,
        // Waiting time in the current window, frames before this wait.
        waited: Duration,
        window_bytes: u64,
    }
}

fn stalled(why: String) -> BoxError {
    Box::new(Error::with(Kind::Stalled, why))
}

fn too_slow(rule: StallProtection, bytes: u64, waited: Duration) -> BoxError {
    stalled(format!(
        "{bytes} bytes in {waited:?} of waiting, under the minimum of {} bytes/s (stall protection)",
        rule.min_bytes_per_sec
    ))
}

impl Body for Guarded {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let mut this = self.project();
        loop {
            match this.inner.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(since) = this.waiting_since.take() {
                        *this.waited += since.elapsed();
                    }
                    if let Some(data) = frame.data_ref() {
                        *this.window_bytes += data.len() as u64;
                    }
                    if let Some(rule) = this.watch.rule {
                        if *this.waited >= rule.grace {
                            // A window of waiting is over (this frame came as it ended).
                            if rule.too_slow(*this.window_bytes, *this.waited) {
                                return Poll::Ready(Some(Err(too_slow(
                                    rule,
                                    *this.window_bytes,
                                    *this.waited,
                                ))));
                            }
                            *this.waited = Duration::ZERO;
                            *this.window_bytes = 0;
                        }
                    }
                    return Poll::Ready(Some(Ok(frame)));
                }
                Poll::Ready(other) => return Poll::Ready(other),
                Poll::Pending => {}
            }
            let now = Instant::now();
            let since = *this.waiting_since.get_or_insert(now);
            let waited_total = *this.waited + (now - since);
            if let Some(idle) = this.watch.idle {
                if now - since >= idle {
                    return Poll::Ready(Some(Err(stalled(format!(
                        "no bytes for {idle:?} while the body was read (read_timeout)"
                    )))));
                }
            }
            if let Some(rule) = this.watch.rule {
                if waited_total >= rule.grace {
                    if rule.too_slow(*this.window_bytes, waited_total) {
                        return Poll::Ready(Some(Err(too_slow(
                            rule,
                            *this.window_bytes,
                            waited_total,
                        ))));
                    }
                    // Fast enough: the next window starts now.
                    *this.waited = Duration::ZERO;
                    *this.window_bytes = 0;
                    *this.waiting_since = Some(now);
                }
            }
            // Wake at the nearer of the idle limit and the window's end.
            let since = this.waiting_since.unwrap_or(now);
            let idle_due = this.watch.idle.map(|idle| since + idle);
            let window_due = this
                .watch
                .rule
                .map(|rule| since + rule.grace.saturating_sub(*this.waited));
            let due = match (idle_due, window_due) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b).unwrap_or(now),
            };
            match this.sleep.as_mut().as_pin_mut() {
                Some(sleep) => sleep.reset(due),
                None => this.sleep.set(Some(tokio::time::sleep_until(due))),
            }
            let Some(sleep) = this.sleep.as_mut().as_pin_mut() else {
                return Poll::Pending;
            };
            if sleep.poll(cx).is_pending() {
                return Poll::Pending;
            }
            // The timer fired: look again (a frame may be there now).
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests;
