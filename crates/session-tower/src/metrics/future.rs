//! A call or attempt future that records its duration when it ends.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::{Operation, Stopwatch};
use crate::error::Error;

/// What a [`Measured`] future is: a call or an attempt.
pub(crate) trait Measure {
    /// Records the end of one.
    fn end(op: Operation, since: Stopwatch, failed: bool);
}

/// A whole call: its duration, and an error if it failed.
pub(crate) struct Call;
/// One attempt: its duration (its count is taken when it starts).
pub(crate) struct Attempt;

impl Measure for Call {
    #[inline]
    fn end(op: Operation, since: Stopwatch, failed: bool) {
        op.call(since, failed);
    }
}

impl Measure for Attempt {
    #[inline]
    fn end(op: Operation, since: Stopwatch, _failed: bool) {
        op.attempt(since);
    }
}

pin_project! {
    /// `inner`, recording on completion as `K` says. Without the `metrics` feature both
    /// fields are empty and this is `inner` alone.
    pub(crate) struct Measured<F, K> {
        #[pin]
        inner: F,
        op: Operation,
        since: Stopwatch,
        kind: PhantomData<fn() -> K>,
    }
}

impl<F, K> Measured<F, K> {
    /// Measures `inner` from `since`.
    #[inline]
    pub(crate) fn new(inner: F, op: Operation, since: Stopwatch) -> Self {
        Self {
            inner,
            op,
            since,
            kind: PhantomData,
        }
    }
}

impl<F, T, K: Measure> Future for Measured<F, K>
where
    F: Future<Output = Result<T, Error>>,
{
    type Output = Result<T, Error>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = std::task::ready!(this.inner.poll(cx));
        K::end(*this.op, *this.since, out.is_err());
        Poll::Ready(out)
    }
}
