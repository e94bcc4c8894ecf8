use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Sleep;

use super::Scope;
use crate::error::Error;

pin_project! {
    /// A future under a time limit.
    ///
    /// The clock starts at the first poll, not when the future is made: futures may be made
    /// outside a runtime (where no timer can be set) and awaited inside one later.
    #[derive(Debug)]
    pub(crate) struct Timed<F> {
        #[pin]
        inner: F,
        #[pin]
        sleep: Option<Sleep>,
        limit: Option<Duration>,
        scope: Scope,
    }
}

impl<F> Timed<F> {
    pub(crate) fn new(inner: F, limit: Option<Duration>, scope: Scope) -> Self {
        Self {
            inner,
            sleep: None,
            limit,
            scope,
        }
    }
}

impl<F, T> Future for Timed<F>
where
    F: Future<Output = Result<T, Error>>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if this.sleep.is_none() {
            if let Some(limit) = *this.limit {
                this.sleep.set(Some(tokio::time::sleep(limit)));
            }
        }
        if let Poll::Ready(out) = this.inner.poll(cx) {
            return Poll::Ready(out);
        }
        match this.sleep.as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => {
                Poll::Ready(Err(this.scope.error(this.limit.unwrap_or_default())))
            }
            _ => Poll::Pending,
        }
    }
}
