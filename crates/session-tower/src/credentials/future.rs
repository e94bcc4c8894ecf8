use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::error::Error;

type Loading<R> = Pin<Box<dyn Future<Output = Result<R, Error>> + Send>>;

pin_project! {
    /// The future of a [`WithCredentials`](super::WithCredentials) call.
    pub struct ResponseFuture<F, R> {
        #[pin]
        state: State<F, R>,
    }
}

pin_project! {
    #[project = Proj]
    enum State<F, R> {
        // Credentials were cached: just the inner call.
        Ready { #[pin] inner: F },
        // Waiting for credentials, then the inner call.
        Loading { inner: Loading<R> },
    }
}

impl<F, R> ResponseFuture<F, R> {
    pub(crate) fn ready(inner: F) -> Self {
        Self {
            state: State::Ready { inner },
        }
    }

    pub(crate) fn loading(inner: Loading<R>) -> Self {
        Self {
            state: State::Loading { inner },
        }
    }
}

impl<F, R> Future for ResponseFuture<F, R>
where
    F: Future<Output = Result<R, Error>>,
{
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            Proj::Ready { inner } => inner.poll(cx),
            Proj::Loading { inner } => inner.as_mut().poll(cx),
        }
    }
}

impl<F, R> fmt::Debug for ResponseFuture<F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state {
            State::Ready { .. } => f.write_str("ResponseFuture::Ready"),
            State::Loading { .. } => f.write_str("ResponseFuture::Loading"),
        }
    }
}
