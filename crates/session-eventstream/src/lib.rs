//! The `application/vnd.amazon.eventstream` binary framing that AWS services use for
//! event streams (S3 SelectObjectContent, Kinesis SubscribeToShard, Lambda
//! InvokeWithResponseStream, Bedrock ConverseStream, Logs StartLiveTail, ...).
//!
//! Pure framing: no I/O, no HTTP, no mapping onto modeled types. A frame is
//!
//! | bytes | field |
//! |---|---|
//! | 4 | total length of the frame, big-endian |
//! | 4 | length of the header section, big-endian |
//! | 4 | CRC32 of the eight bytes above |
//! | *headers length* | headers: name length (1 byte), name (UTF-8), value type (1 byte), value |
//! | the rest | payload |
//! | 4 | CRC32 of everything before it |
//!
//! [`Decoder`] takes the chunks of a response body as they arrive and yields whole
//! [`Message`]s; [`Message::encode`] writes frames (for stub servers and tests).
//! Frames over [`MAX_FRAME_LEN`] (16 MiB) or with headers over [`MAX_HEADERS_LEN`]
//! (128 KiB) are refused, as the AWS SDKs do, before anything is allocated for them.
//!
//! ```
//! use session_eventstream::{Decoder, Message, MessageType};
//!
//! // A stub server's side: an event and an unmodeled error, back to back.
//! let mut wire = Vec::new();
//! let event = Message::event("Records", "1,2,3\n")
//!     .with_header(":content-type", "application/octet-stream");
//! wire.extend_from_slice(&event.encode()?);
//! wire.extend_from_slice(&Message::error("InternalError", "try again").encode()?);
//!
//! // The client's side: the bytes arrive in pieces that ignore frame boundaries.
//! let mut decoder = Decoder::new();
//! let mut messages = Vec::new();
//! for piece in wire.chunks(7) {
//!     decoder.push(piece.to_vec());
//!     while let Some(message) = decoder.next_message()? {
//!         messages.push(message);
//!     }
//! }
//! decoder.finish()?; // the stream ended on a frame boundary
//!
//! assert_eq!(messages[0].message_type(), Some(MessageType::Event));
//! assert_eq!(messages[0].event_type(), Some("Records"));
//! assert_eq!(messages[0].payload().as_ref(), b"1,2,3\n");
//! assert_eq!(messages[1].message_type(), Some(MessageType::Error));
//! assert_eq!(messages[1].error_code(), Some("InternalError"));
//! # Ok::<(), session_eventstream::Error>(())
//! ```
#![warn(missing_docs)]

mod decoder;
mod error;
mod header;
mod message;
mod prelude;

pub use decoder::Decoder;
pub use error::Error;
pub use header::{Header, HeaderValue};
pub use message::{names, Message, MessageType};
pub use prelude::{MAX_FRAME_LEN, MAX_HEADERS_LEN};
