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
        // `None` when no subscriber wants the span: no clock read for nothing.
        start: Option<Instant>,
    }
}

impl<F> Traced<F> {
    pub(crate) fn new(inner: F, span: Span) -> Self {
        let start = (!span.is_disabled()).then(Instant::now);
        Self { inner, span, start }
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
        let Some(start) = (*this.start).filter(|_| !span.is_disabled()) else {
            return Poll::Ready(out);
        };
        span.record("duration_ms", start.elapsed().as_secs_f64() * 1000.0);
        match &out {
            Ok(resp) => {
                span.record("http.response.status_code", resp.status().as_u16());
                if let Some(id) = crate::headers::REQUEST_ID
                    .iter()
                    .find_map(|h| resp.headers().get(h).and_then(|v| v.to_str().ok()))
                {
                    span.record("aws.request_id", id);
                }
            }
            Err(e) => {
                span.record("otel.status_code", "ERROR");
                span.record("otel.status_message", tracing::field::display(e));
                match e.service_error() {
                    Some(s) => {
                        // The service's error code is the low-cardinality class
                        // OpenTelemetry asks for (`NoSuchKey`, `ThrottlingException`).
                        span.record("error.type", s.code().unwrap_or("ServiceError"));
                        span.record("http.response.status_code", s.status());
                        if let Some(id) = s.request_id() {
                            span.record("aws.request_id", id);
                        }
                    }
                    None => {
                        span.record("error.type", e.kind().name());
                    }
                }
            }
        }
        Poll::Ready(out)
    }
}
