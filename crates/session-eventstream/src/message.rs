//! A decoded or to-be-encoded message: headers and payload, with the accessors for the
//! headers AWS event streams use, and encoding.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, Kind};
use crate::header::{Header, HeaderValue};
use crate::prelude::{CRC_LEN, MAX_FRAME_LEN, MAX_HEADERS_LEN, OVERHEAD_LEN, PRELUDE_LEN};

/// Names of the headers AWS event streams give their messages.
pub mod names {
    /// `event`, `exception` or `error`: see [`Message::message_type`](crate::Message::message_type).
    pub const MESSAGE_TYPE: &str = ":message-type";
    /// For an event, the name of the event-stream union member the payload is.
    pub const EVENT_TYPE: &str = ":event-type";
    /// For an exception, the name of the modeled error shape the payload is.
    pub const EXCEPTION_TYPE: &str = ":exception-type";
    /// For an error (not modeled), its code.
    pub const ERROR_CODE: &str = ":error-code";
    /// For an error (not modeled), its human-readable message.
    pub const ERROR_MESSAGE: &str = ":error-message";
    /// The payload's media type.
    pub const CONTENT_TYPE: &str = ":content-type";
}

/// The `:message-type` of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType<'a> {
    /// `event`: a member of the stream's union; `:event-type` names it.
    Event,
    /// `exception`: a modeled error; `:exception-type` names it.
    Exception,
    /// `error`: an unmodeled error with `:error-code` and `:error-message`.
    Error,
    /// Any other value.
    Other(&'a str),
}

/// One event-stream message: its headers, in wire order, and its payload.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Message {
    headers: Vec<Header>,
    payload: Bytes,
}

impl Message {
    /// A message with no headers.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Self {
            headers: Vec::new(),
            payload: payload.into(),
        }
    }

    /// An event (`:message-type` `event`) of the given `:event-type`.
    pub fn event(event_type: &str, payload: impl Into<Bytes>) -> Self {
        Self::new(payload)
            .with_header(names::MESSAGE_TYPE, "event")
            .with_header(names::EVENT_TYPE, event_type)
    }

    /// A modeled exception (`:message-type` `exception`) of the given `:exception-type`.
    pub fn exception(exception_type: &str, payload: impl Into<Bytes>) -> Self {
        Self::new(payload)
            .with_header(names::MESSAGE_TYPE, "exception")
            .with_header(names::EXCEPTION_TYPE, exception_type)
    }

    /// An unmodeled error (`:message-type` `error`) with its code and message, and no payload.
    pub fn error(code: &str, message: &str) -> Self {
        Self::new(Bytes::new())
            .with_header(names::MESSAGE_TYPE, "error")
            .with_header(names::ERROR_CODE, code)
            .with_header(names::ERROR_MESSAGE, message)
    }

    pub(crate) fn from_parts(headers: Vec<Header>, payload: Bytes) -> Self {
        Self { headers, payload }
    }

    /// The message with one more header, after the others.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<HeaderValue>) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// Adds a header after the others.
    pub fn push_header(&mut self, header: Header) {
        self.headers.push(header);
    }

    /// All headers, in wire order.
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// The value of the first header with this exact name.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name() == name)
            .map(Header::value)
    }

    /// The value of the first header with this name, if it is a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// The `:message-type` header; `None` when absent or not a string.
    pub fn message_type(&self) -> Option<MessageType<'_>> {
        self.header_str(names::MESSAGE_TYPE).map(|t| match t {
            "event" => MessageType::Event,
            "exception" => MessageType::Exception,
            "error" => MessageType::Error,
            other => MessageType::Other(other),
        })
    }

    /// The `:event-type` header; `None` when absent or not a string.
    pub fn event_type(&self) -> Option<&str> {
        self.header_str(names::EVENT_TYPE)
    }

    /// The `:exception-type` header; `None` when absent or not a string.
    pub fn exception_type(&self) -> Option<&str> {
        self.header_str(names::EXCEPTION_TYPE)
    }

    /// The `:error-code` header; `None` when absent or not a string.
    pub fn error_code(&self) -> Option<&str> {
        self.header_str(names::ERROR_CODE)
    }

    /// The `:error-message` header; `None` when absent or not a string.
    pub fn error_message(&self) -> Option<&str> {
        self.header_str(names::ERROR_MESSAGE)
    }

    /// The `:content-type` header; `None` when absent or not a string.
    pub fn content_type(&self) -> Option<&str> {
        self.header_str(names::CONTENT_TYPE)
    }

    /// The payload. A decoded payload shares the memory of the bytes it came in.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// The headers and payload.
    pub fn into_parts(self) -> (Vec<Header>, Bytes) {
        (self.headers, self.payload)
    }

    /// The number of bytes [`encode`](Self::encode) produces, or why it would fail:
    /// a header name over 255 bytes or value over 65,535 ([`Error::is_header`]), a header
    /// section over [`MAX_HEADERS_LEN`] or a frame over [`MAX_FRAME_LEN`]
    /// ([`Error::is_too_large`]).
    pub fn encoded_len(&self) -> Result<usize, Error> {
        Ok(self.checked_lens()?.0)
    }

    /// (frame length, header section length), after the format's and the limits' checks.
    fn checked_lens(&self) -> Result<(usize, usize), Error> {
        let mut headers_len: usize = 0;
        for header in &self.headers {
            headers_len = headers_len.saturating_add(header.encoded_len()?);
        }
        if headers_len > MAX_HEADERS_LEN {
            return Err(Error::new(Kind::HeadersTooLarge {
                len: headers_len as u64,
                limit: MAX_HEADERS_LEN,
            }));
        }
        let total = OVERHEAD_LEN
            .saturating_add(headers_len)
            .saturating_add(self.payload.len());
        if total > MAX_FRAME_LEN {
            return Err(Error::new(Kind::FrameTooLarge {
                total: total as u64,
                limit: MAX_FRAME_LEN,
            }));
        }
        Ok((total, headers_len))
    }

    /// The message as one frame.
    ///
    /// # Errors
    ///
    /// As for [`encoded_len`](Self::encoded_len).
    pub fn encode(&self) -> Result<Bytes, Error> {
        let mut dst = BytesMut::new();
        self.encode_into(&mut dst)?;
        Ok(dst.freeze())
    }

    /// Appends the message as one frame to `dst`; on error nothing is appended.
    ///
    /// # Errors
    ///
    /// As for [`encoded_len`](Self::encoded_len).
    pub fn encode_into(&self, dst: &mut BytesMut) -> Result<(), Error> {
        let (total, headers_len) = self.checked_lens()?;
        dst.reserve(total);
        let start = dst.len();
        // Both fit in u32: they are at most MAX_FRAME_LEN, checked above.
        dst.put_u32(u32::try_from(total).unwrap_or(u32::MAX));
        dst.put_u32(u32::try_from(headers_len).unwrap_or(u32::MAX));
        let prelude_crc = crc32fast::hash(&dst[start..start + PRELUDE_LEN - CRC_LEN]);
        dst.put_u32(prelude_crc);
        for header in &self.headers {
            header.write(dst);
        }
        dst.put_slice(&self.payload);
        let message_crc = crc32fast::hash(&dst[start..]);
        dst.put_u32(message_crc);
        debug_assert_eq!(dst.len() - start, total);
        Ok(())
    }
}

/// Headers in full; the payload by length only (it may be large, or sensitive).
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("headers", &self.headers)
            .field("payload", &format_args!("<{} bytes>", self.payload.len()))
            .finish()
    }
}
