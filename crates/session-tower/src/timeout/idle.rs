//! The read timeout of an attempt: an idle timeout, not a deadline. It fires when no bytes
//! have moved for its length — while a streamed request body is sent, while the answer's
//! head is awaited, while a body is read inside the attempt — so a slow answer that keeps
//! coming is left alone (S3 keeps a `CompleteMultipartUpload` alive with whitespace) and a
//! silent one ends.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

use crate::body::{BoxError, SdkBody};
use crate::error::{Error, Kind};

/// When bytes last moved in an attempt, in either direction. Shared between the attempt's
/// future and the request body hyper sends from (which is polled on hyper's side).
#[derive(Debug)]
pub(crate) struct Activity {
    base: Instant,
    /// Nanoseconds after `base`.
    last: AtomicU64,
}

impl Activity {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            base: Instant::now(),
            last: AtomicU64::new(0),
        })
    }

    /// Bytes moved now.
    pub(crate) fn touch(&self) {
        let nanos = u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last.store(nanos, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.base + Duration::from_nanos(self.last.load(Ordering::Relaxed))
    }
}

/// The read timeout's error.
pub(crate) fn read_timeout(limit: Duration) -> Error {
    Error::with(
        Kind::ReadTimeout,
        format!("no bytes for {limit:?} (read_timeout)"),
    )
}

pin_project! {
    /// An attempt under the read timeout: fails when its [`Activity`] has been still for
    /// `limit`. Without a limit it is its inner future.
    ///
    /// The clock starts at the first poll (as [`super::Timed`]'s does).
    pub(crate) struct Idle<F> {
        #[pin]
        inner: F,
        #[pin]
        sleep: Option<Sleep>,
        watch: Option<(Duration, Arc<Activity>)>,
    }
}

impl<F> Idle<F> {
    pub(crate) fn new(inner: F, watch: Option<(Duration, Arc<Activity>)>) -> Self {
        Self {
            inner,
            sleep: None,
            watch,
        }
    }
}

impl<F, T> Future for Idle<F>
where
    F: Future<Output = Result<T, Error>>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some((limit, activity)) = this.watch.as_ref() else {
            return this.inner.poll(cx);
        };
        if this.sleep.is_none() {
            activity.touch();
            this.sleep.set(Some(tokio::time::sleep(*limit)));
        }
        if let Poll::Ready(out) = this.inner.poll(cx) {
            return Poll::Ready(out);
        }
        let Some(mut sleep) = this.sleep.as_pin_mut() else {
            return Poll::Pending;
        };
        // The timer is set for the last activity it knew of; when it fires, bytes may have
        // moved since, and it is set again from then.
        while sleep.as_mut().poll(cx).is_ready() {
            let due = activity.last() + *limit;
            if due <= Instant::now() {
                return Poll::Ready(Err(read_timeout(*limit)));
            }
            sleep.as_mut().reset(due);
        }
        Poll::Pending
    }
}

pin_project! {
    /// A body that notes each frame in an [`Activity`]: a streamed request body (hyper
    /// polls it as the socket takes bytes) or an error body read inside the attempt.
    pub(crate) struct Touching {
        #[pin]
        inner: SdkBody,
        activity: Arc<Activity>,
    }
}

impl Touching {
    pub(crate) fn wrap(inner: SdkBody, activity: Arc<Activity>) -> SdkBody {
        SdkBody::from_stream(Self { inner, activity })
    }
}

impl Body for Touching {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        let frame = this.inner.poll_frame(cx);
        if let Poll::Ready(Some(Ok(_))) = &frame {
            this.activity.touch();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn idle(
        work: impl Future<Output = Result<(), Error>>,
        activity: &Arc<Activity>,
    ) -> Result<(), Error> {
        Idle::new(work, Some((Duration::from_secs(1), activity.clone()))).await
    }

    #[tokio::test(start_paused = true)]
    async fn fires_after_a_silence_not_after_a_total() {
        // Activity every 0.5 s for 5 s: never a silence of 1 s, so no timeout.
        let activity = Activity::new();
        let busy = {
            let activity = activity.clone();
            async move {
                for _ in 0..10 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    activity.touch();
                }
                Ok(())
            }
        };
        let start = Instant::now();
        idle(busy, &activity).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(5));

        // Activity for 2 s, then silence: the timeout fires 1 s after the last touch.
        let activity = Activity::new();
        let stops = {
            let activity = activity.clone();
            async move {
                for _ in 0..4 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    activity.touch();
                }
                std::future::pending::<()>().await;
                Ok(())
            }
        };
        let start = Instant::now();
        let e = idle(stops, &activity).await.unwrap_err();
        assert_eq!(e.kind(), Kind::ReadTimeout);
        assert!(e.is_timeout());
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_limit_it_waits() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(100)).await;
            Ok::<_, Error>(())
        };
        Idle::new(slow, None).await.unwrap();
    }
}
