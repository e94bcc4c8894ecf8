use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Response;
use pin_project_lite::pin_project;

use super::{inspect, passes};
use crate::body::SdkBody;
use crate::error::Error;
use crate::protocol::Protocol;

type Inspecting = Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send>>;

pin_project! {
    /// An attempt's response through the response stage: successes pass, error answers
    /// become errors.
    pub(crate) struct Inspected<F> {
        #[pin]
        state: State<F>,
        protocol: Protocol,
        check_success: bool,
    }
}

pin_project! {
    #[project = Proj]
    enum State<F> {
        // Waiting for the response head.
        Calling { #[pin] inner: F },
        // Reading a body that is or may be an error (allocates, but only off the happy path).
        Inspecting { body: Inspecting },
    }
}

impl<F> Inspected<F> {
    pub(crate) fn new(inner: F, protocol: Protocol, check_success: bool) -> Self {
        Self {
            state: State::Calling { inner },
            protocol,
            check_success,
        }
    }
}

impl<F> Future for Inspected<F>
where
    F: Future<Output = Result<Response<SdkBody>, Error>>,
{
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                Proj::Calling { inner } => {
                    let resp = match inner.poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Ready(Ok(resp)) => resp,
                    };
                    if passes(&resp, *this.check_success) {
                        return Poll::Ready(Ok(resp));
                    }
                    this.state.set(State::Inspecting {
                        body: Box::pin(inspect(resp, *this.protocol)),
                    });
                }
                Proj::Inspecting { body } => return body.as_mut().poll(cx),
            }
        }
    }
}

impl<F> fmt::Debug for Inspected<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("errors::Inspected")
    }
}
