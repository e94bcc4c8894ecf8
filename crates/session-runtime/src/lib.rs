//! The runtime the generated service crates call: value types (blobs, timestamps, string
//! enums, streaming payloads), the shape tables ([`shapes`]) and the one interpreter that
//! reads them for every protocol ([`wire`]: serializers and parsers of AWS JSON, query, EC2,
//! REST-JSON and REST-XML, output event streams), the operation error type, paginators,
//! waiters, resources and checksums.
//!
//! It sits between the service crates and `session-tower`: a generated operation's `send()`
//! is [`typed::send`] over its row in the service's static tables; the dynamic path builds
//! the same tables from a botocore model at run time ([`model`]) and sends a [`value::Value`]
//! through the same interpreter, so the two cannot drift. Everything from the retry loop to
//! the socket (endpoint, credentials, signing, timeouts, transport) is `session-tower`'s
//! engine; `docs/architecture.md` follows one call through both.
//!
//! Keeping this logic here, shared, is what keeps the generated code small: a generated
//! operation is a serde input struct, a serde output struct, an error enum and a table row.
//!
//! ```
//! use session_runtime::{Blob, Empty};
//!
//! // An operation without input serializes as `{}`; in JSON a blob travels as base64.
//! assert_eq!(serde_json::to_string(&Empty).unwrap(), "{}");
//! let blob = Blob::from("abc");
//! assert_eq!(blob.as_bytes(), b"abc");
//! assert_eq!(serde_json::to_string(&blob).unwrap(), r#""YWJj""#);
//! ```

#![warn(missing_docs)]

pub mod checksum;
mod error;
pub mod model;
mod paginate;
mod resource;
pub mod shapes;
pub mod stub;
pub mod typed;
pub mod value;
mod values;
mod waiter;
pub mod wire;
pub mod xml;

pub use error::{missing_member, ModeledError, OperationError};
pub use paginate::Paginator;
pub use resource::{
    batch, batch_collection, limit_pages, missing_in_response, BatchError, BatchFuture,
    BatchOutcome, BatchPlan, ResourceModel, ResourceNode, SendChunk,
};
pub use values::{parse_timestamp, Blob, ByteStream, Timestamp, TIMESTAMP_TOKEN};
/// The JMESPath subset of waiters' acceptors and paginators' tokens (see [`JmesPath`]).
pub use waiter::path::Path as JmesPath;
pub use waiter::{
    Acceptor, AcceptorState, Expected, Matcher, Waited, Waiter, WaiterError, WaiterSpec,
    DEFAULT_MAX_DELAY, DEFAULT_MAX_WAIT_CAP,
};
pub use wire::eventstream::{EventStream, EventStreamError};

/// The input of an operation the model gives none, and the output of one that returns
/// nothing: serializes as `{}` and accepts any body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

impl serde::Serialize for Empty {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        s.serialize_map(Some(0))?.end()
    }
}

impl<'de> serde::Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Empty)
    }
}

/// Re-exported for the generated resource collections' streams.
pub use futures_util;
/// Re-exported for the generated code's derives and macros.
pub use serde;
/// Re-exported for the generated code's documents.
pub use serde_json;

/// A document member (open JSON content).
pub type Document = serde_json::Value;

/// A fresh idempotency token (a random UUID v4), for members marked `idempotencyToken`
/// that the caller left unset.
pub fn idempotency_token() -> String {
    let mut b: [u8; 16] = fastrand::u128(..).to_le_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex =
        |r: std::ops::Range<usize>| -> String { b[r].iter().map(|x| format!("{x:02x}")).collect() };
    format!(
        "{}-{}-{}-{}-{}",
        hex(0..4),
        hex(4..6),
        hex(6..8),
        hex(8..10),
        hex(10..16)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn idempotency_tokens_are_uuid_v4() {
        let a = super::idempotency_token();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(a, super::idempotency_token());
    }
}
