//! What the fault server does with one request: a [`Fault`] plan.

use std::time::{Duration, SystemTime};

use super::http_date::http_date;

/// A point in the bytes of a response, where a fault happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Before the first byte of the status line (the request was read, nothing answered).
    BeforeHead,
    /// Right after the blank line that ends the head, before the first body byte.
    AfterHead,
    /// After this many bytes of the body as sent on the wire (chunk framing included for a
    /// chunked body).
    Body(usize),
}

/// How a plan ends the exchange early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// RST: `SO_LINGER` 0, then close (the client sees "connection reset").
    Reset,
    /// FIN: an orderly close (the client sees an early end of stream).
    Close,
    /// Keep the connection open and send nothing more, until the server is dropped.
    Hang,
}

/// How the body is framed on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `Content-Length`: the body's length, or the given (wrong) value.
    Length(Option<u64>),
    /// No length at all: the body ends when the connection closes.
    CloseDelimited,
    /// `Transfer-Encoding: chunked`, in chunks of this many bytes; `bad` puts a malformed
    /// chunk-size line after the first chunk.
    Chunked { chunk: usize, bad: bool },
}

/// Bytes written a few at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Drip {
    pub(crate) from: At,
    pub(crate) bytes: usize,
    pub(crate) every: Duration,
}

/// The plan for answering one request: a status, headers and body, plus how to misbehave
/// while sending them.
///
/// Built with chained calls; everything not set behaves like a well-mannered HTTP/1.1
/// server (`Content-Length` framing, keep-alive).
///
/// ```
/// use std::time::Duration;
/// use session_testkit::faults::{At, Fault};
///
/// // A 200 whose connection is reset after 10 bytes of the body.
/// let cut = Fault::json(200, r#"{"QueueUrls":["https://q"]}"#).reset_at(At::Body(10));
/// // A 503 with a Retry-After the client should not obey for an hour.
/// let slow_down = Fault::xml(503, "<Error><Code>SlowDown</Code></Error>").header("retry-after", "3600");
/// // The whole answer written 4 bytes at a time, 20 ms apart.
/// let drip = Fault::json(200, "{}").drip(4, Duration::from_millis(20));
/// # let _ = (cut, slow_down, drip);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Fault {
    pub(crate) status: u16,
    pub(crate) reason: Vec<u8>,
    pub(crate) headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub(crate) body: Vec<u8>,
    pub(crate) framing: Framing,
    /// Bytes sent after the body its framing declares (an over-long body).
    pub(crate) extra: Vec<u8>,
    /// Replaces the whole response with these bytes.
    pub(crate) raw: Option<Vec<u8>>,
    pub(crate) pause: Option<(At, Duration)>,
    pub(crate) stop: Option<(At, Stop)>,
    pub(crate) drip: Option<Drip>,
    pub(crate) keep_alive: bool,
}

impl Fault {
    /// A response with `status` and no body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            reason: reason(status).as_bytes().to_vec(),
            headers: Vec::new(),
            body: Vec::new(),
            framing: Framing::Length(None),
            extra: Vec::new(),
            raw: None,
            pause: None,
            stop: None,
            drip: None,
            keep_alive: true,
        }
    }

    /// `200 OK` with no body.
    pub fn ok() -> Self {
        Self::status(200)
    }

    /// An AWS JSON 1.0 answer (`application/x-amz-json-1.0`, as SQS sends).
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::status(status)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amzn-requestid", "fault-json")
            .body(body)
    }

    /// An XML answer (`text/xml`, as STS and S3 send), with an S3 and a query request id.
    pub fn xml(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::status(status)
            .header("content-type", "text/xml")
            .header("x-amz-request-id", "fault-xml")
            .header("x-amzn-requestid", "fault-xml")
            .body(body)
    }

    /// An HTML page, as a load balancer or proxy in front of a service answers.
    pub fn html(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::status(status)
            .header("content-type", "text/html")
            .body(body)
    }

    /// An S3 region redirect: `301 PermanentRedirect` or `307 TemporaryRedirect` (other
    /// statuses as given) with `x-amz-bucket-region: region`, the S3 `<Error>` body naming
    /// the regional endpoint, and for 307 a `Location` to it.
    pub fn s3_redirect(status: u16, bucket: &str, region: &str) -> Self {
        let code = if status == 307 {
            "TemporaryRedirect"
        } else {
            "PermanentRedirect"
        };
        let endpoint = format!("{bucket}.s3.{region}.amazonaws.com");
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>{endpoint}</Endpoint><Bucket>{bucket}</Bucket><RequestId>fault-redirect</RequestId><HostId>fault-host</HostId></Error>"
        );
        let fault = Self::xml(status, body)
            .header("x-amz-bucket-region", region)
            .header("content-type", "application/xml");
        if status == 307 {
            fault.header("location", &format!("https://{endpoint}/"))
        } else {
            fault
        }
    }

    /// Exactly these bytes instead of a response (garbage, a bad status line, ...), then
    /// the connection is closed.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        let mut f = Self::status(200);
        f.raw = Some(bytes.into());
        f.keep_alive = false;
        f
    }

    /// Reads the request, then resets the connection (RST) without answering.
    pub fn reset() -> Self {
        Self::status(200).reset_at(At::BeforeHead)
    }

    /// Reads the request, then closes the connection (FIN) without answering.
    pub fn close() -> Self {
        Self::status(200).close_at(At::BeforeHead)
    }

    /// Reads the request and never answers (the connection stays open until the server is
    /// dropped).
    pub fn hang() -> Self {
        Self::status(200).hang_at(At::BeforeHead)
    }

    /// Adds a header (names and values are sent as given; several with one name are all
    /// sent). A `content-type` replaces an earlier one.
    pub fn header(self, name: &str, value: &str) -> Self {
        self.header_bytes(name.as_bytes(), value.as_bytes())
    }

    /// Adds a header of arbitrary bytes (not UTF-8, control characters: nothing is checked).
    pub fn header_bytes(mut self, name: &[u8], value: &[u8]) -> Self {
        if name.eq_ignore_ascii_case(b"content-type") {
            self.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(b"content-type"));
        }
        self.headers.push((name.to_vec(), value.to_vec()));
        self
    }

    /// A header whose value is `len` bytes of `a` (to exceed a client's head limits).
    pub fn huge_header(self, name: &str, len: usize) -> Self {
        self.header_bytes(name.as_bytes(), &vec![b'a'; len])
    }

    /// `Retry-After: value` (seconds, or an HTTP date: the text is sent as given).
    pub fn retry_after(self, value: &str) -> Self {
        self.header("retry-after", value)
    }

    /// A `Date` header with this time as an IMF-fixdate (any year up to 9999: a server
    /// with a skewed clock, or an implausible one).
    pub fn date(self, time: SystemTime) -> Self {
        self.header("date", &http_date(time))
    }

    /// The status line's reason phrase (bytes, sent as given).
    pub fn reason(mut self, reason: impl Into<Vec<u8>>) -> Self {
        self.reason = reason.into();
        self
    }

    /// The body (bytes, sent as given).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Declares `Content-Length: n` whatever the body's length (larger: a truncated body,
    /// the server closing after what it has; smaller: the rest is left on the connection).
    pub fn content_length(mut self, n: u64) -> Self {
        self.framing = Framing::Length(Some(n));
        self
    }

    /// No `Content-Length` and no chunking: the body ends when the server closes.
    pub fn close_delimited(mut self) -> Self {
        self.framing = Framing::CloseDelimited;
        self.keep_alive = false;
        self
    }

    /// Sends the body with `Transfer-Encoding: chunked`, `chunk` bytes per chunk.
    pub fn chunked(mut self, chunk: usize) -> Self {
        self.framing = Framing::Chunked {
            chunk: chunk.max(1),
            bad: false,
        };
        self
    }

    /// Chunked (`chunk` bytes per chunk) with a malformed chunk-size line after the first
    /// chunk, then the connection is closed.
    pub fn bad_chunk(mut self, chunk: usize) -> Self {
        self.framing = Framing::Chunked {
            chunk: chunk.max(1),
            bad: true,
        };
        self.keep_alive = false;
        self
    }

    /// A truncated body: `Content-Length` says the whole body, only its first `sent` bytes
    /// are written, then the connection is closed (FIN).
    pub fn truncate_body(self, sent: usize) -> Self {
        self.close_at(At::Body(sent))
    }

    /// An over-long body: after the body `Content-Length` declares, these bytes follow on
    /// the same connection (which is kept open for the next request).
    pub fn extra_body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.extra = bytes.into();
        self
    }

    /// Resets the connection (RST via `SO_LINGER` 0) at `at`.
    pub fn reset_at(mut self, at: At) -> Self {
        self.stop = Some((at, Stop::Reset));
        self
    }

    /// Closes the connection (FIN) at `at`.
    pub fn close_at(mut self, at: At) -> Self {
        self.stop = Some((at, Stop::Close));
        self
    }

    /// Stops sending at `at` and holds the connection open until the server is dropped.
    pub fn hang_at(mut self, at: At) -> Self {
        self.stop = Some((at, Stop::Hang));
        self
    }

    /// Stalls for `pause` at `at`, then sends the rest.
    pub fn pause_at(mut self, at: At, pause: Duration) -> Self {
        self.pause = Some((at, pause));
        self
    }

    /// Writes the whole response `bytes` at a time, waiting `every` before each piece.
    pub fn drip(self, bytes: usize, every: Duration) -> Self {
        self.drip_from(At::BeforeHead, bytes, every)
    }

    /// Writes everything from `from` on `bytes` at a time, waiting `every` before each
    /// piece (what comes before `from` is written at once).
    pub fn drip_from(mut self, from: At, bytes: usize, every: Duration) -> Self {
        self.drip = Some(Drip {
            from,
            bytes: bytes.max(1),
            every,
        });
        self
    }

    /// Sends `Connection: close` and closes after answering (default: keep-alive).
    pub fn connection_close(mut self) -> Self {
        self.keep_alive = false;
        self
    }

    /// The status this plan answers with (for a [`Fault::raw`] plan, 200 nominally).
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// Whether the plan, carried out, delivers a complete response by its own framing.
    pub(crate) fn delivers_whole_response(&self) -> bool {
        self.stop.is_none()
            && self.raw.is_none()
            && !matches!(self.framing, Framing::Chunked { bad: true, .. })
            && match self.framing {
                Framing::Length(Some(n)) => n <= self.body.len() as u64,
                _ => true,
            }
    }
}

/// The reason phrase for common statuses.
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Fault",
    }
}
