//! The error of every call through a stack.

use std::error::Error as StdError;
use std::fmt;

use crate::body::BoxError;

/// Why a call failed.
///
/// Opaque: ask with the `is_*` predicates, read a service's answer with
/// [`Error::service_error`], and follow [`source`](StdError::source) for the cause. The
/// `Display` text is for people and may change. Never contains secrets.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    context: Option<String>,
    source: Option<BoxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The client could not be built (bad CA bundle, ...).
    Build,
    /// No region was configured for a regional service.
    NoRegion,
    /// A user-supplied layer failed with an error of its own.
    Layer,
    /// No credentials, or the provider failed.
    Credentials,
    /// The endpoint could not be resolved.
    Endpoint,
    /// The request could not be signed.
    Signing,
    /// A request could not be built or was refused before sending (bad input).
    Request,
    /// One attempt took longer than the attempt timeout.
    AttemptTimeout,
    /// The whole operation (all attempts) took longer than the operation timeout.
    OperationTimeout,
    /// No bytes moved for the read timeout (an idle attempt: waiting for the answer's head
    /// after the request was sent, or between bytes of the body read inside the attempt).
    ReadTimeout,
    /// A streamed response body, while being read, stayed idle past the read timeout or
    /// fell below the minimum throughput of its stall protection.
    Stalled,
    /// No connection could be made.
    Connect,
    /// The connection failed while sending or receiving.
    Io,
    /// The response could not be parsed (malformed, truncated, too large).
    Response,
    /// The service answered with an error.
    Service,
    /// The retry quota is exhausted or the rate limiter refused to wait that long.
    RetryQuota,
}

impl Kind {
    /// A short name of the kind, for the `error.type` of spans.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Build => "build",
            Kind::NoRegion => "no_region",
            Kind::Layer => "layer",
            Kind::Credentials => "credentials",
            Kind::Endpoint => "endpoint",
            Kind::Signing => "signing",
            Kind::Request => "request",
            Kind::AttemptTimeout => "attempt_timeout",
            Kind::OperationTimeout => "operation_timeout",
            Kind::ReadTimeout => "read_timeout",
            Kind::Stalled => "stalled",
            Kind::Connect => "connect",
            Kind::Io => "io",
            Kind::Response => "response",
            Kind::Service => "service",
            Kind::RetryQuota => "retry_quota",
        }
    }
}

impl Error {
    pub(crate) fn new(kind: Kind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                context: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with(kind: Kind, context: impl Into<String>) -> Self {
        let mut e = Self::new(kind);
        e.inner.context = Some(context.into());
        e
    }

    pub(crate) fn source_from(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Attaches the underlying cause (for service crates building request and response
    /// errors).
    #[must_use]
    pub fn with_source(self, source: impl Into<BoxError>) -> Self {
        self.source_from(source)
    }

    pub(crate) fn kind(&self) -> Kind {
        self.inner.kind
    }

    /// An error answered by a service.
    pub fn service(error: ServiceError) -> Self {
        Self::new(Kind::Service).source_from(error)
    }

    /// An input problem found before anything was sent (a missing required member, a
    /// value that cannot go into a URL...).
    pub fn request(message: impl Into<String>) -> Self {
        Self::with(Kind::Request, message)
    }

    /// A response that does not parse.
    pub fn response(message: impl Into<String>) -> Self {
        Self::with(Kind::Response, message)
    }

    /// No connection could be made (retryable): for an
    /// [`http_client`](crate::ClientBuilder::http_client) of your own.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Connect).source_from(source)
    }

    /// The connection failed mid-exchange (retryable when the request can be replayed): for
    /// an [`http_client`](crate::ClientBuilder::http_client) of your own.
    pub fn io(source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Io).source_from(source)
    }

    /// What an error from outside the stack means to it: ours pass unchanged; tower's
    /// `Elapsed` is a timeout of `scope`; an [`std::io::Error`] is a connection failure
    /// (refused, unreachable, timed out while connecting) or an I/O one; anything else is
    /// the layer's own ([`Error::is_layer`]), with the original as its source.
    pub(crate) fn from_outside(e: BoxError, scope: crate::timeout::Scope) -> Self {
        let e = match e.downcast::<Error>() {
            Ok(ours) => return *ours,
            Err(e) => e,
        };
        if e.is::<tower::timeout::error::Elapsed>() {
            return scope.error_from(e);
        }
        match e.downcast::<std::io::Error>() {
            Ok(io) => {
                use std::io::ErrorKind as K;
                let kind = match io.kind() {
                    K::ConnectionRefused | K::NotFound | K::AddrNotAvailable | K::TimedOut => {
                        Kind::Connect
                    }
                    _ => Kind::Io,
                };
                Self::new(kind).source_from(io)
            }
            Err(theirs) => Self::new(Kind::Layer).source_from(theirs),
        }
    }

    /// The client could not be built.
    pub fn is_build(&self) -> bool {
        self.kind() == Kind::Build
    }

    /// No region was configured for a regional service.
    pub fn is_no_region(&self) -> bool {
        self.kind() == Kind::NoRegion
    }

    /// A custom layer failed with an error of its own (see [`source`](StdError::source)).
    pub fn is_layer(&self) -> bool {
        self.kind() == Kind::Layer
    }

    /// No credentials, or their provider failed.
    pub fn is_credentials(&self) -> bool {
        self.kind() == Kind::Credentials
    }

    /// The endpoint could not be resolved.
    pub fn is_endpoint(&self) -> bool {
        self.kind() == Kind::Endpoint
    }

    /// Signing failed.
    pub fn is_signing(&self) -> bool {
        self.kind() == Kind::Signing
    }

    /// The request was refused before sending.
    pub fn is_request(&self) -> bool {
        self.kind() == Kind::Request
    }

    /// A time limit was hit: an attempt, the whole operation, the read (idle) timeout, or
    /// a streamed body's stall protection ([`is_stalled`](Self::is_stalled)).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind(),
            Kind::AttemptTimeout | Kind::OperationTimeout | Kind::ReadTimeout | Kind::Stalled
        )
    }

    /// A streamed response body stalled while being read: idle past the read timeout, or
    /// slower than the stall protection's minimum throughput (see
    /// [`StallProtection`](crate::timeout::StallProtection)). Also
    /// [`is_timeout`](Self::is_timeout).
    pub fn is_stalled(&self) -> bool {
        self.kind() == Kind::Stalled
    }

    /// No connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind() == Kind::Connect
    }

    /// The connection failed mid-exchange (reset, closed, dropped).
    pub fn is_io(&self) -> bool {
        self.kind() == Kind::Io
    }

    /// The response was malformed or truncated.
    pub fn is_response(&self) -> bool {
        self.kind() == Kind::Response
    }

    /// The service answered with an error; see [`Error::service_error`].
    pub fn is_service(&self) -> bool {
        self.kind() == Kind::Service
    }

    /// The service said to slow down (throttling error codes, HTTP 429).
    pub fn is_throttling(&self) -> bool {
        self.service_error()
            .is_some_and(ServiceError::is_throttling)
    }

    /// Retries stopped because the retry quota ran out.
    pub fn is_retry_quota_exceeded(&self) -> bool {
        self.kind() == Kind::RetryQuota
    }

    /// The service's error: status, code, message, request id.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.inner.source.as_ref()?.downcast_ref::<ServiceError>()
    }

    /// The service's error, to add what the stack knows about it.
    pub(crate) fn service_error_mut(&mut self) -> Option<&mut ServiceError> {
        self.inner.source.as_mut()?.downcast_mut::<ServiceError>()
    }

    /// The service's error, taken out; `Err(self)` when this is not a service error.
    ///
    /// # Errors
    /// `self`, unchanged, when the call failed for another reason.
    pub fn into_service_error(mut self) -> Result<ServiceError, Self> {
        if self.service_error().is_none() {
            return Err(self);
        }
        match self
            .inner
            .source
            .take()
            .map(|s| s.downcast::<ServiceError>())
        {
            Some(Ok(service)) => Ok(*service),
            Some(Err(other)) => {
                self.inner.source = Some(other);
                Err(self)
            }
            None => Err(self),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind() {
            Kind::Build => "could not build the client",
            Kind::NoRegion => "no region is configured (set AWS_REGION, the profile's region, or the builder's region)",
            Kind::Layer => "a custom layer failed",
            Kind::Credentials => "could not load credentials",
            Kind::Endpoint => "could not resolve the endpoint",
            Kind::Signing => "could not sign the request",
            Kind::Request => "invalid request",
            Kind::AttemptTimeout => "attempt timed out",
            Kind::OperationTimeout => "operation timed out",
            Kind::ReadTimeout => "read timed out",
            Kind::Stalled => "response body stalled",
            Kind::Connect => "could not connect",
            Kind::Io => "connection failed",
            Kind::Response => "invalid response",
            Kind::Service => "service error",
            Kind::RetryQuota => "retry quota exhausted",
        };
        f.write_str(what)?;
        if let Some(context) = &self.inner.context {
            write!(f, ": {context}")?;
        }
        if let Some(service) = self.service_error() {
            write!(f, ": {service}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("session_tower::Error")
            .field("kind", &self.inner.kind)
            .field("context", &self.inner.context)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn StdError + 'static))
    }
}

/// What a service said when it refused a request.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ServiceError {
    pub(crate) status: u16,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    /// The response's `Date`, kept to correct clock skew.
    pub(crate) server_time: Option<std::time::SystemTime>,
    /// The error response's body (at most 64 KiB), for modeled error fields.
    pub(crate) body: bytes::Bytes,
    /// The error response's headers, for modeled error fields bound to headers.
    pub(crate) headers: http::HeaderMap,
    /// The error's type as the body names it, where the code is another (the query code a
    /// query-compatible JSON service sends in `x-amzn-query-error`).
    pub(crate) error_type: Option<String>,
    /// What the stack adds to the service's words, shown after them (the bucket's region of
    /// an S3 redirect it did not follow).
    pub(crate) note: Option<String>,
}

impl ServiceError {
    /// A service error from its parts.
    pub fn new(
        status: u16,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            status,
            code,
            message,
            request_id,
            server_time: None,
            body: bytes::Bytes::new(),
            headers: http::HeaderMap::new(),
            error_type: None,
            note: None,
        }
    }

    /// Names the error's type where the code is another.
    #[must_use]
    pub fn with_error_type(mut self, error_type: Option<String>) -> Self {
        self.error_type = error_type;
        self
    }

    /// The error's type, which names its modeled shape: the code, except from a JSON
    /// service compatible with its query API, whose code is the query one
    /// (`AWS.SimpleQueueService.NonExistentQueue`) and whose type is the shape's name
    /// (`QueueDoesNotExist`), as botocore matches its exceptions.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref().or(self.code.as_deref())
    }

    /// Keeps the response headers, for modeled error members bound to headers.
    #[must_use]
    pub fn with_headers(mut self, headers: &http::HeaderMap) -> Self {
        self.headers = headers.clone();
        self
    }

    /// The error response's headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// Keeps (up to 64 KiB of) the response body, for parsing modeled error members.
    #[must_use]
    pub fn with_body(mut self, body: &[u8]) -> Self {
        const MAX: usize = 64 * 1024;
        self.body = bytes::Bytes::copy_from_slice(&body[..body.len().min(MAX)]);
        self
    }

    /// The error response's body (empty when there was none; cut at 64 KiB).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    pub(crate) fn with_server_time(mut self, time: Option<std::time::SystemTime>) -> Self {
        self.server_time = time;
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The error code, e.g. `SignatureDoesNotMatch`, `NoSuchBucket`, `ThrottlingException`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id, for AWS support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// A throttling answer: HTTP 429 or one of the SDKs' throttling codes.
    pub fn is_throttling(&self) -> bool {
        self.status == 429 || self.code().is_some_and(|c| THROTTLING_CODES.contains(&c))
    }

    /// A transient answer worth retrying: 500/502/503/504 or a transient code.
    pub fn is_transient(&self) -> bool {
        matches!(self.status, 500 | 502 | 503 | 504)
            || self.code().is_some_and(|c| TRANSIENT_CODES.contains(&c))
    }

    /// The request's signature was too far from the server's clock.
    pub fn is_clock_skew(&self) -> bool {
        self.code().is_some_and(|c| CLOCK_SKEW_CODES.contains(&c))
    }

    /// The credentials the request was signed with have expired (`ExpiredToken`,
    /// `ExpiredTokenException`), although the cache still thought them valid.
    pub fn is_expired_credentials(&self) -> bool {
        self.code()
            .is_some_and(|c| matches!(c, "ExpiredToken" | "ExpiredTokenException"))
    }
}

/// The throttling codes of the SDKs' standard retry mode.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "InternalError",
    "ServiceUnavailable",
];

const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestInTheFuture",
];

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for ServiceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_and_thread_safe() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn service_errors_classify() {
        let e = Error::service(ServiceError::new(
            400,
            Some("ThrottlingException".into()),
            Some("Rate exceeded".into()),
            Some("abc-123".into()),
        ));
        assert!(e.is_service() && e.is_throttling());
        assert_eq!(e.service_error().unwrap().request_id(), Some("abc-123"));
        assert_eq!(
            e.to_string(),
            "service error: HTTP 400 ThrottlingException: Rate exceeded (request id abc-123)"
        );
        let e = ServiceError::new(503, None, None, None);
        assert!(e.is_transient() && !e.is_throttling());
    }
}
