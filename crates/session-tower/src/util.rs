//! Small shared pieces of the stages.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::error::Error;

pin_project! {
    /// A stage's future: the inner call, or an error found before calling it.
    pub struct Either<F, R> {
        #[pin]
        state: State<F, R>,
    }
}

pin_project! {
    #[project = Proj]
    enum State<F, R> {
        Inner { #[pin] fut: F },
        Failed { error: Option<Error>, _r: std::marker::PhantomData<fn() -> R> },
    }
}

impl<F, R> Either<F, R> {
    pub(crate) fn inner(fut: F) -> Self {
        Self {
            state: State::Inner { fut },
        }
    }

    pub(crate) fn error(error: Error) -> Self {
        Self {
            state: State::Failed {
                error: Some(error),
                _r: std::marker::PhantomData,
            },
        }
    }
}

impl<F, R> Future for Either<F, R>
where
    F: Future<Output = Result<R, Error>>,
{
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            Proj::Inner { fut } => fut.poll(cx),
            Proj::Failed { error, .. } => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| Error::request("future polled after completion")))),
        }
    }
}

impl<F, R> fmt::Debug for Either<F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture")
    }
}
