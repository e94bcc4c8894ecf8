//! Tracing: one span per operation and one per attempt.
//!
//! Operation spans carry `service`, `operation`, and on completion `status`, `request_id`,
//! `error` and `duration_ms`; attempt spans carry `attempt`. No header, body or credential
//! is ever recorded (signatures and tokens never reach a span).

mod future;

pub(crate) use future::Traced;

/// The operation's name, attached by the caller as a request extension (e.g.
/// `"SendMessage"`), for spans and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationName(pub &'static str);

/// The span of one operation; its outcome fields are filled by [`Traced`].
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
