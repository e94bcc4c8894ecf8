//! The one future type of the stack's stages.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::error::Error;

/// A boxed stage future.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

pin_project! {
    /// A stage in flight: the common future in line, a boxed one off the common path (a wait
    /// for credentials, a layered attempt), or an error found before anything was sent.
    ///
    /// One type serves every stage: the operation (in line: the retry loop), the attempt
    /// (in line: the exchange; boxed: waiting for credentials, or the layered segment) and
    /// the signing stage of the layered segment.
    pub struct StageFuture<'a, F, T> {
        #[pin]
        state: State<'a, F, T>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<'a, F, T> {
        Inline { #[pin] inner: F },
        Boxed { inner: BoxFuture<'a, T> },
        Failed { error: Option<Error> },
    }
}

impl<'a, F, T> StageFuture<'a, F, T> {
    /// A stage whose future runs in line.
    pub(crate) fn inline(inner: F) -> Self {
        Self {
            state: State::Inline { inner },
        }
    }

    /// A stage whose future is boxed.
    pub(crate) fn boxed(inner: BoxFuture<'a, T>) -> Self {
        Self {
            state: State::Boxed { inner },
        }
    }

    /// A stage that failed before it started.
    pub(crate) fn failed(error: Error) -> Self {
        Self {
            state: State::Failed { error: Some(error) },
        }
    }
}

impl<F, T> Future for StageFuture<'_, F, T>
where
    F: Future<Output = Result<T, Error>>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Inline { inner } => inner.poll(cx),
            StateProj::Boxed { inner } => inner.as_mut().poll(cx),
            StateProj::Failed { error } => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| Error::request("future polled after completion")))),
        }
    }
}

impl<F, T> fmt::Debug for StageFuture<'_, F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.state {
            State::Inline { .. } => "StageFuture::Inline",
            State::Boxed { .. } => "StageFuture::Boxed",
            State::Failed { .. } => "StageFuture::Failed",
        })
    }
}
