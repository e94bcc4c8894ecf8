//! Tracing: one span per operation and one per attempt, with the fields of OpenTelemetry's
//! semantic conventions for AWS SDK calls, so dashboards made for the AWS SDKs'
//! instrumentation read them as they are (with `tracing-opentelemetry`, the `otel.*`
//! fields set the OpenTelemetry span's name, kind and status).
//!
//! The `operation` span: `otel.name` (`S3.GetObject`), `otel.kind = "client"`,
//! `rpc.system = "aws-api"`, `rpc.service`, `rpc.method`, `aws.s3.bucket` and `aws.s3.key`
//! when the operation names them, and on completion `http.response.status_code`,
//! `aws.request_id`, `error.type` and `otel.status_code = "ERROR"` with
//! `otel.status_message` on failure, and `duration_ms`. The `attempt` span (a debug span):
//! `attempt` (from 1), `http.request.resend_count`, and the same outcome fields.
//!
//! No header, body or credential is ever recorded (signatures and tokens never reach a
//! span), and nothing is logged per call: spans are seen only by subscribers that ask.

mod future;

use std::fmt;

pub(crate) use future::Traced;

use crate::endpoint::EndpointParams;

/// The operation's name, attached by the caller as a request extension (e.g.
/// `"SendMessage"`), for spans and errors. Layers around the operation find it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationName(pub &'static str);

/// `Service.Operation`, the OpenTelemetry span name of an AWS SDK call, written only when
/// a subscriber formats it.
struct SpanName(&'static str, &'static str);

impl fmt::Display for SpanName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// The span of one operation; its outcome fields are filled by [`Traced`].
pub(crate) fn operation_span(
    service: &'static str,
    operation: &'static str,
    params: Option<&EndpointParams>,
) -> tracing::Span {
    let span = tracing::info_span!(
        "operation",
        otel.name = %SpanName(service, operation),
        otel.kind = "client",
        rpc.system = "aws-api",
        rpc.service = service,
        rpc.method = operation,
        aws.s3.bucket = tracing::field::Empty,
        aws.s3.key = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        aws.request_id = tracing::field::Empty,
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        otel.status_message = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    if let Some(params) = params.filter(|_| !span.is_disabled()) {
        if let Some(bucket) = params.string("Bucket") {
            span.record("aws.s3.bucket", bucket);
        }
        if let Some(key) = params.string("Key") {
            span.record("aws.s3.key", key);
        }
    }
    span
}

/// The span of one attempt (numbered from 1), inside its operation's span.
pub(crate) fn attempt_span(attempt: u32) -> tracing::Span {
    tracing::debug_span!(
        "attempt",
        attempt,
        http.request.resend_count = attempt.saturating_sub(1),
        http.response.status_code = tracing::field::Empty,
        aws.request_id = tracing::field::Empty,
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        otel.status_message = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    )
}
