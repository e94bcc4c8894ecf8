use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Response;
use pin_project_lite::pin_project;

use super::MAX_ERROR_BODY;
use crate::body::{BoxError, SdkBody};
use crate::error::{Error, Kind};
use crate::protocol::Protocol;

type Reading = Pin<Box<dyn Future<Output = Result<Bytes, BoxError>> + Send>>;

pin_project! {
    /// The future of a [`ResponseErrors`](super::ResponseErrors) call.
    pub struct ResponseFuture<F> {
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
        // Reading an error body (allocates, but only on the error path).
        Reading { parts: Option<http::response::Parts>, body: Reading },
        // Reading a 200 body that may hold an error (marked operations only).
        Checking { parts: Option<http::response::Parts>, body: Reading },
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, protocol: Protocol, check_success: bool) -> Self {
        Self {
            state: State::Calling { inner },
            protocol,
            check_success,
        }
    }
}

impl<F> Future for ResponseFuture<F>
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
                    if resp.status().is_success() && !*this.check_success {
                        return Poll::Ready(Ok(resp));
                    }
                    let (parts, body) = resp.into_parts();
                    if parts.status.is_success() {
                        this.state.set(State::Checking {
                            parts: Some(parts),
                            body: Box::pin(body.collect_limited(MAX_ERROR_BODY)),
                        });
                        continue;
                    }
                    this.state.set(State::Reading {
                        parts: Some(parts),
                        body: Box::pin(body.collect_limited(MAX_ERROR_BODY)),
                    });
                }
                Proj::Checking { parts, body } => {
                    let bytes = match body.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(r) => r,
                    };
                    let Some(parts) = parts.take() else {
                        return Poll::Ready(Err(Error::response("response polled twice")));
                    };
                    let status = parts.status.as_u16();
                    let bytes = match bytes {
                        Ok(b) => b,
                        Err(e) => {
                            return Poll::Ready(Err(Error::with(
                                Kind::Io,
                                "reading the response body",
                            )
                            .source_from(e)))
                        }
                    };
                    let trimmed = bytes.trim_ascii();
                    if trimmed.is_empty() {
                        let empty = crate::error::ServiceError::new(
                            status,
                            Some("InternalError".to_owned()),
                            Some("empty response body".to_owned()),
                            None,
                        );
                        return Poll::Ready(Err(Error::service(empty)));
                    }
                    if crate::protocol::xml::root_is(trimmed, "Error") {
                        return Poll::Ready(Err(Error::service(this.protocol.parse_error(
                            status,
                            &parts.headers,
                            trimmed,
                        ))));
                    }
                    return Poll::Ready(Ok(Response::from_parts(parts, SdkBody::from(bytes))));
                }
                Proj::Reading { parts, body } => {
                    let bytes = match body.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(r) => r,
                    };
                    let Some(parts) = parts.take() else {
                        return Poll::Ready(Err(Error::response("error response polled twice")));
                    };
                    let status = parts.status.as_u16();
                    return Poll::Ready(Err(match bytes {
                        Ok(bytes) => Error::service(this.protocol.parse_error(
                            status,
                            &parts.headers,
                            &bytes,
                        )),
                        Err(e) => Error::with(
                            Kind::Io,
                            format!("reading the body of an HTTP {status} error response"),
                        )
                        .source_from(e),
                    }));
                }
            }
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("errors::ResponseFuture")
    }
}
