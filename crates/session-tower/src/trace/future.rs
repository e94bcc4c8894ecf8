use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http::Response;
use pin_project_lite::pin_project;
use tracing::Span;

use crate::body::SdkBody;
use crate::error::Error;

pin_project! {
    /// An operation or attempt in its span: polls the inner future inside the span and
    /// records the outcome on it.
    #[derive(Debug)]
    pub(crate) struct Traced<F> {
        #[pin]
        inner: F,
        span: Span,
        start: Instant,
    }
}

impl<F> Traced<F> {
    pub(crate) fn new(inner: F, span: Span) -> Self {
        Self {
            inner,
            span,
            start: Instant::now(),
        }
    }
}

impl<F> Future for Traced<F>
where
    F: Future<Output = Result<Response<SdkBody>, Error>>,
{
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _enter = this.span.enter();
        let out = match this.inner.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(out) => out,
        };
        let span = &*this.span;
        span.record("duration_ms", this.start.elapsed().as_secs_f64() * 1000.0);
        match &out {
            Ok(resp) => {
                span.record("status", resp.status().as_u16());
                if let Some(id) = crate::headers::REQUEST_ID
                    .iter()
                    .find_map(|h| resp.headers().get(h).and_then(|v| v.to_str().ok()))
                {
                    span.record("request_id", id);
                }
            }
            Err(e) => {
                span.record("error", tracing::field::display(e));
                if let Some(s) = e.service_error() {
                    span.record("status", s.status());
                    if let Some(id) = s.request_id() {
                        span.record("request_id", id);
                    }
                }
            }
        }
        Poll::Ready(out)
    }
}
