//! Tracing: one span per operation and one per attempt.
//!
//! Operation spans carry `service`, `operation`, and on completion `status`, `request_id`,
//! `error` and `duration_ms`; attempt spans carry `attempt`. No header, body or credential
//! is ever recorded (signatures and tokens never reach a span).

mod future;

use std::task::{Context, Poll};

use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

pub use future::ResponseFuture;

use crate::body::SdkBody;
use crate::error::Error;

/// The operation's name, attached by the caller as a request extension (e.g.
/// `"SendMessage"`), for spans and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationName(pub &'static str);

/// Which span a [`Trace`] opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Around the whole operation.
    Operation,
    /// Around each attempt.
    Attempt,
}

/// Adds [`Trace`] to a stack.
#[derive(Debug, Clone, Copy)]
pub struct TraceLayer {
    service: &'static str,
    level: Level,
}

impl TraceLayer {
    /// Spans for operations of `service`.
    pub fn operation(service: &'static str) -> Self {
        Self {
            service,
            level: Level::Operation,
        }
    }

    /// Spans for attempts.
    pub fn attempt(service: &'static str) -> Self {
        Self {
            service,
            level: Level::Attempt,
        }
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace {
            inner,
            service: self.service,
            level: self.level,
        }
    }
}

/// Opens a span around each call.
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
    service: &'static str,
    level: Level,
}

impl<S> Service<Request<SdkBody>> for Trace<S>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error>,
{
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let operation = req
            .extensions()
            .get::<OperationName>()
            .map_or("unknown", |o| o.0);
        let span = match self.level {
            Level::Operation => operation_span(self.service, operation),
            Level::Attempt => {
                let attempt = req
                    .headers()
                    .get(crate::headers::AMZ_SDK_REQUEST)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("attempt="))
                    .and_then(|v| v.split(';').next())
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(1);
                attempt_span(attempt)
            }
        };
        let fut = {
            let _enter = span.enter();
            self.inner.call(req)
        };
        ResponseFuture::new(fut, span)
    }
}

/// The span of one operation; its outcome fields are filled by [`ResponseFuture`].
pub(crate) fn operation_span(service: &'static str, operation: &'static str) -> tracing::Span {
    tracing::info_span!(
        "operation",
        service,
        operation,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        error = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    )
}

/// The span of one attempt (numbered from 1), inside its operation's span.
pub(crate) fn attempt_span(attempt: u32) -> tracing::Span {
    tracing::debug_span!(
        "attempt",
        attempt,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        error = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    )
}
