//! Output event streams (`application/vnd.amazon.eventstream`): a response body read
//! incrementally into the events of the operation's event-stream union, for every protocol
//! (AWS JSON 1.0 and 1.1, REST-JSON, REST-XML, Smithy RPC v2 CBOR), typed or
//! dynamic.
//!
//! [`call_events`] sends an operation whose output streams events and hands back the output
//! (its members bound to headers, or for the RPC protocols those of the `initial-response`
//! event) and an [`EventStream`] of the rest. Each frame is decoded by
//! [`session_eventstream::Decoder`] as its bytes arrive (frames split across reads, several
//! in one read), then by its `:message-type`:
//!
//! - `event`: the union member `:event-type` names, read by its shape: members marked
//!   `eventheader` from the frame's headers, the `eventpayload` member from the payload (as
//!   bytes, text, or a structure the protocol's body parser reads), the other members from
//!   the payload parsed as the event's structure. An event type the union does not know is
//!   read as `SDK_UNKNOWN_MEMBER` (`{"name": type}`), as unknown union members are.
//! - `exception`: the modeled error `:exception-type` names (an error member of the union):
//!   the stream yields it as an [`EventStreamError`] and ends.
//! - `error`: an unmodeled error with `:error-code` and `:error-message`; the stream ends.
//!
//! A bad CRC, a malformed frame, a body that ends inside a frame or fails to read also end
//! the stream with an error; a well-framed message that does not fit the model is an
//! error and the stream goes on.
//!
//! Input streams and bidirectional streams (which need HTTP/2) are not sent by this
//! runtime.
//!
//! ```
//! use bytes::BytesMut;
//! use session_eventstream::Message;
//! use session_runtime::value::Value;
//! use session_runtime::wire::eventstream::EventStream;
//! use session_tower::SdkBody;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = r#"{
//!   "metadata": {"protocol": "rest-json", "apiVersion": "2020-01-01", "endpointPrefix": "demo",
//!                "signatureVersion": "v4", "serviceId": "Demo"},
//!   "operations": {"Watch": {"name": "Watch", "http": {"method": "GET", "requestUri": "/"},
//!                            "output": {"shape": "WatchOutput"}}},
//!   "shapes": {
//!     "WatchOutput": {"type": "structure", "payload": "Events",
//!                     "members": {"Events": {"shape": "Events"}}},
//!     "Events": {"type": "structure", "eventstream": true,
//!                "members": {"Chunk": {"shape": "Chunk"}}},
//!     "Chunk": {"type": "structure", "event": true,
//!               "members": {"Bytes": {"shape": "Data", "eventpayload": true}}},
//!     "Data": {"type": "blob"}
//!   }
//! }"#;
//! let service = session_runtime::model::build("demo", model, &Default::default())?;
//! let op = service.operation("Watch").ok_or("no operation")?;
//!
//! // Two events on the wire, as a service sends them.
//! let mut wire = BytesMut::new();
//! Message::event("Chunk", "hello ").encode_into(&mut wire)?;
//! Message::event("Chunk", "world").encode_into(&mut wire)?;
//!
//! let mut events = EventStream::<Value>::of_operation(service, op, SdkBody::from(wire.freeze()))
//!     .ok_or("not an event-stream operation")?;
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let first = events.recv().await?.ok_or("no event")?;
//! assert_eq!(first.get("Chunk").and_then(|c| c.get("Bytes")).and_then(Value::as_bytes),
//!            Some(&b"hello "[..]));
//! assert!(events.recv().await?.is_some());
//! assert!(events.recv().await?.is_none()); // the body ended on a frame boundary
//! # Ok::<(), Box<dyn std::error::Error>>(()) })?;
//! # Ok(()) }
//! ```

mod call;
mod error;
mod event;
mod header;
mod payload;

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::Body as _;
use serde::de::DeserializeOwned;
use session_eventstream::{Decoder, Message, MessageType};
use session_tower::SdkBody;

pub use call::{call_events, call_value_events};
pub use error::EventStreamError;

use crate::shapes::{Member, Operation, Service, ShapeFlags, ShapeId};
use crate::wire::de::Place;

/// The `:event-type` of JSON RPC's first event, which carries the output's other members.
const INITIAL_RESPONSE: &str = "initial-response";

/// The events of an output event stream, read from the response body as they arrive.
///
/// `T` is the event-stream union: a typed crate's union type, or
/// [`Value`](crate::value::Value) (each event a one-entry map, `{"Records": {...}}`). Read
/// it with [`recv`](Self::recv), or as a [`Stream`] of `Result<T, EventStreamError>`.
///
/// [`Default`] is a stream that has ended (a placeholder for an output's stream member
/// until the call fills it).
pub struct EventStream<T> {
    state: Option<State>,
    _events: PhantomData<fn() -> T>,
}

struct State {
    union: Place,
    body: SdkBody,
    body_done: bool,
    decoder: Decoder,
    /// A message read before the stream was handed over (the first of an RPC stream, when
    /// it is not `initial-response`), or the error reading it.
    pending: Option<Result<Message, EventStreamError>>,
}

/// What one message means to the stream.
enum Step<T> {
    /// Not an event of the union (`initial-response`): read on.
    Skip,
    /// An event, or a message that does not decode (the stream goes on).
    Item(Result<T, EventStreamError>),
    /// An exception or an error: the last item.
    End(EventStreamError),
}

impl<T> EventStream<T> {
    /// The events of `body`, a stream of the union shape `union` of `service`.
    pub fn new(service: &'static Service, union: ShapeId, body: SdkBody) -> Self {
        Self {
            state: Some(State {
                union: Place::root(service, service.shape(union)),
                body,
                body_done: false,
                decoder: Decoder::new(),
                pending: None,
            }),
            _events: PhantomData,
        }
    }

    /// The events of `body`, the answer of `op`; `None` when its output has no
    /// event-stream member.
    pub fn of_operation(
        service: &'static Service,
        op: &'static Operation,
        body: SdkBody,
    ) -> Option<Self> {
        stream_member(service, op).map(|m| Self::new(service, m.shape, body))
    }

    /// Whether the stream has ended (its last item was yielded).
    pub fn is_done(&self) -> bool {
        self.state.is_none()
    }

    /// The next whole message, before it is read as an event.
    fn poll_message(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Message>, EventStreamError>> {
        let Some(state) = self.state.as_mut() else {
            return Poll::Ready(Ok(None));
        };
        if let Some(pending) = state.pending.take() {
            return Poll::Ready(pending.map(Some));
        }
        loop {
            match state.decoder.next_message() {
                Ok(Some(message)) => return Poll::Ready(Ok(Some(message))),
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(EventStreamError::frame(e))),
            }
            if state.body_done {
                // The end of the body: on a frame boundary, or inside a frame (an error,
                // never a wait for bytes that will not come).
                return Poll::Ready(match state.decoder.finish() {
                    Ok(()) => Ok(None),
                    Err(e) => Err(EventStreamError::frame(e)),
                });
            }
            match ready!(Pin::new(&mut state.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        state.decoder.push(data);
                    }
                }
                Some(Err(e)) => return Poll::Ready(Err(EventStreamError::transport(e))),
                None => state.body_done = true,
            }
        }
    }

    /// Reads the first message: the payload of an `initial-response` event, which is not
    /// an event of the union; any other message (or error) is kept for the stream.
    pub(crate) async fn initial_response(&mut self) -> Option<Bytes> {
        let first = std::future::poll_fn(|cx| self.poll_message(cx)).await;
        match first {
            Ok(Some(m))
                if m.message_type() == Some(MessageType::Event)
                    && m.event_type() == Some(INITIAL_RESPONSE) =>
            {
                Some(m.payload().clone())
            }
            Ok(None) => None,
            other => {
                if let Some(state) = self.state.as_mut() {
                    state.pending = other.transpose();
                }
                None
            }
        }
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// The next event; `Ok(None)` once the body has ended on a frame boundary.
    ///
    /// # Errors
    /// See [`EventStreamError`]: after a frame, transport, exception or service error the
    /// stream has ended and yields `Ok(None)`.
    pub async fn recv(&mut self) -> Result<Option<T>, EventStreamError> {
        std::future::poll_fn(|cx| self.poll_recv(cx))
            .await
            .transpose()
    }

    /// [`recv`](Self::recv) as a poll.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, EventStreamError>>> {
        loop {
            let message = match ready!(self.poll_message(cx)) {
                Ok(Some(m)) => m,
                Ok(None) => {
                    self.state = None;
                    return Poll::Ready(None);
                }
                Err(e) => {
                    self.state = None;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            let Some(state) = self.state.as_ref() else {
                return Poll::Ready(None);
            };
            match interpret(state.union, &message) {
                Step::Skip => {}
                Step::Item(item) => return Poll::Ready(Some(item)),
                Step::End(e) => {
                    self.state = None;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

/// A message read by its `:message-type`.
fn interpret<T: DeserializeOwned>(union: Place, message: &Message) -> Step<T> {
    match message.message_type() {
        Some(MessageType::Event) => {
            let Some(event_type) = message.event_type() else {
                return Step::Item(Err(EventStreamError::decode(
                    "an event without :event-type",
                    None,
                )));
            };
            if event_type == INITIAL_RESPONSE {
                return Step::Skip;
            }
            Step::Item(
                event::decode(union, event_type, message).map_err(|e| {
                    EventStreamError::decode(format!("the {event_type} event"), Some(e))
                }),
            )
        }
        Some(MessageType::Exception) => {
            let name = message.exception_type().unwrap_or("an unnamed exception");
            Step::End(EventStreamError::sent_exception(
                union,
                name,
                message.payload().clone(),
            ))
        }
        Some(MessageType::Error) => Step::End(EventStreamError::service(
            message.error_code().unwrap_or("unknown"),
            message.error_message(),
        )),
        Some(MessageType::Other(t)) => Step::Item(Err(EventStreamError::decode(
            format!("a message of type {t:?}"),
            None,
        ))),
        None => Step::Item(Err(EventStreamError::decode(
            "a message without :message-type",
            None,
        ))),
    }
}

/// The member of `op`'s output that is its event stream (where a dynamic client shows
/// the events); `None` when the output has none.
pub fn stream_member(service: &'static Service, op: &'static Operation) -> Option<&'static Member> {
    let output = service.shape(op.output?);
    output
        .members()
        .iter()
        .find(|m| service.shape(m.shape).is(ShapeFlags::EVENT_STREAM))
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            None => (0, Some(0)),
            Some(_) => (0, None),
        }
    }
}

impl<T> Default for EventStream<T> {
    fn default() -> Self {
        Self {
            state: None,
            _events: PhantomData,
        }
    }
}

/// The union's name and the bytes waiting, never their contents.
impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("EventStream");
        match &self.state {
            Some(s) => d
                .field("union", &s.union.shape.name)
                .field("buffered_len", &s.decoder.buffered_len())
                .field("body_done", &s.body_done),
            None => d.field("done", &true),
        };
        d.finish()
    }
}
