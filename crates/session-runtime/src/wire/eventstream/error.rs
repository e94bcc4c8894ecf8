//! The error an event stream yields: what went wrong said by kind, never with the payload's
//! bytes.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::payload;
use crate::shapes::{Service, ShapeId};
use crate::value::Value;
use crate::wire::de::{self, Place};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why an [`EventStream`](super::EventStream) yielded an error instead of an event.
///
/// One of five kinds, each with its predicate: a broken frame ([`is_frame`](Self::is_frame):
/// a CRC mismatch, a stream cut off mid-frame, a malformed header section; the cause is a
/// [`session_eventstream::Error`] in the [`source`](std::error::Error::source) chain), a
/// failed read of the body ([`is_transport`](Self::is_transport)), a modeled exception sent
/// by the service ([`is_exception`](Self::is_exception)), an unmodeled error sent by the
/// service ([`is_service`](Self::is_service)), or a well-framed message whose headers or
/// payload do not fit the model ([`is_decode`](Self::is_decode)).
///
/// The first four end the stream; a message that does not decode does not (the stream's
/// framing is intact, the next event may be fine).
///
/// ```
/// use session_runtime::wire::eventstream::EventStream;
/// use session_runtime::value::Value;
///
/// // An ended stream (what `Default` gives) yields nothing, and no error.
/// let mut events = EventStream::<Value>::default();
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert!(events.recv().await.unwrap().is_none());
/// # });
/// ```
pub struct EventStreamError {
    kind: Kind,
}

enum Kind {
    Frame(session_eventstream::Error),
    Transport(BoxError),
    Exception(Box<Exception>),
    Service {
        code: String,
        message: Option<String>,
    },
    Decode {
        message: String,
        source: Option<de::Error>,
    },
}

/// A modeled (or, when the union has no member of its name, unmodeled) exception.
struct Exception {
    name: String,
    /// The union's member of that name and the service, when the model has it.
    shape: Option<(&'static Service, ShapeId)>,
    payload: Bytes,
    message: Option<String>,
}

impl EventStreamError {
    pub(crate) fn frame(e: session_eventstream::Error) -> Self {
        Self {
            kind: Kind::Frame(e),
        }
    }

    pub(crate) fn transport(e: BoxError) -> Self {
        Self {
            kind: Kind::Transport(e),
        }
    }

    pub(crate) fn service(code: &str, message: Option<&str>) -> Self {
        Self {
            kind: Kind::Service {
                code: code.to_owned(),
                message: message.map(str::to_owned),
            },
        }
    }

    pub(crate) fn decode(message: impl Into<String>, source: Option<de::Error>) -> Self {
        Self {
            kind: Kind::Decode {
                message: message.into(),
                source,
            },
        }
    }

    /// The exception `name` of the stream whose union is at `union`, with its payload.
    pub(crate) fn sent_exception(union: Place, name: &str, payload: Bytes) -> Self {
        let shape = union.shape.member(name).map(|m| (union.service, m.shape));
        let message = exception_message(union, shape.map(|(_, id)| id), &payload);
        Self {
            kind: Kind::Exception(Box::new(Exception {
                name: name.to_owned(),
                shape,
                payload,
                message,
            })),
        }
    }

    /// A frame could not be decoded: a prelude or message CRC mismatch, a malformed header
    /// section, a frame over the size limits, or the body ended inside a frame. The
    /// [`session_eventstream::Error`] is the [`source`](std::error::Error::source).
    pub fn is_frame(&self) -> bool {
        matches!(self.kind, Kind::Frame(_))
    }

    /// The body could not be read (the connection dropped, a timeout); the transport's
    /// error is the [`source`](std::error::Error::source).
    pub fn is_transport(&self) -> bool {
        matches!(self.kind, Kind::Transport(_))
    }

    /// The service sent an exception (`:message-type` `exception`): [`code`](Self::code)
    /// is its `:exception-type`, [`exception`](Self::exception) reads its members.
    pub fn is_exception(&self) -> bool {
        matches!(self.kind, Kind::Exception(_))
    }

    /// The service sent an unmodeled error (`:message-type` `error`), with
    /// [`code`](Self::code) `:error-code` and [`message`](Self::message) `:error-message`.
    pub fn is_service(&self) -> bool {
        matches!(self.kind, Kind::Service { .. })
    }

    /// A well-framed message did not fit the model: no or an unknown `:message-type`, no
    /// `:event-type`, or headers or a payload that the event's shape does not read.
    pub fn is_decode(&self) -> bool {
        matches!(self.kind, Kind::Decode { .. })
    }

    /// The exception's type or the error's code.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            Kind::Exception(e) => Some(&e.name),
            Kind::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The exception's `message` member or the error's `:error-message`.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            Kind::Exception(e) => e.message.as_deref(),
            Kind::Service { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether the exception is a member of the stream's union (so that
    /// [`exception`](Self::exception) can read it).
    pub fn is_modeled(&self) -> bool {
        matches!(&self.kind, Kind::Exception(e) if e.shape.is_some())
    }

    /// The exception's members read as `E` (a typed error structure, or a dynamic
    /// [`Value`]) by the model's shape for it; `None` for other errors and for an exception
    /// the union does not name.
    ///
    /// # Errors
    /// A payload that does not fit the shape (an [`is_decode`](Self::is_decode) error).
    pub fn exception<E: DeserializeOwned>(&self) -> Option<Result<E, EventStreamError>> {
        let Kind::Exception(e) = &self.kind else {
            return None;
        };
        let (service, id) = e.shape?;
        let place = Place::root(service, service.shape(id));
        Some(payload::parse::<E>(place, &e.payload).map_err(|err| {
            EventStreamError::decode(format!("the exception {}", e.name), Some(err))
        }))
    }
}

/// The `message` member of an exception's payload (the shapes name it `message` or
/// `Message`), read by its shape when the union has one.
fn exception_message(union: Place, shape: Option<ShapeId>, payload: &[u8]) -> Option<String> {
    let value: Value = match shape {
        Some(id) => {
            payload::parse(Place::root(union.service, union.service.shape(id)), payload).ok()?
        }
        None => Value::from_json(&serde_json::from_slice(payload).ok()?),
    };
    ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| value.get(k).and_then(Value::as_str))
        .map(str::to_owned)
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Frame(_) => f.write_str("event stream: a frame could not be decoded"),
            Kind::Transport(_) => f.write_str("event stream: the body could not be read"),
            Kind::Exception(e) => {
                write!(f, "event stream: the service sent {}", e.name)?;
                if let Some(m) = &e.message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            Kind::Service { code, message } => {
                write!(f, "event stream: the service sent error {code}")?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            Kind::Decode { message, .. } => {
                write!(f, "event stream: {message} does not fit the model")
            }
        }
    }
}

/// Kinds and names only: an exception's payload by length.
impl fmt::Debug for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("EventStreamError");
        match &self.kind {
            Kind::Frame(e) => d.field("frame", e),
            Kind::Transport(e) => d.field("transport", e),
            Kind::Exception(e) => d
                .field("exception", &e.name)
                .field("modeled", &e.shape.is_some())
                .field("message", &e.message)
                .field("payload", &format_args!("<{} bytes>", e.payload.len())),
            Kind::Service { code, message } => d.field("code", code).field("message", message),
            Kind::Decode { message, source } => d.field("decode", message).field("source", source),
        };
        d.finish()
    }
}

impl std::error::Error for EventStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Frame(e) => Some(e),
            Kind::Transport(e) => Some(e.as_ref()),
            Kind::Decode {
                source: Some(e), ..
            } => Some(e),
            _ => None,
        }
    }
}
