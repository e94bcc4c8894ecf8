//! The types members have: blobs, timestamps, string enums, streaming payloads.

mod blob;
mod byte_stream;
mod string_enum;
mod timestamp;

pub use blob::Blob;
pub use byte_stream::ByteStream;
pub use timestamp::{parse_timestamp, Timestamp, TIMESTAMP_TOKEN};
