//! The types members have: blobs, timestamps (and their wire formats), floats' text, string
//! enums, unions.

mod blob;
pub mod float_format;
mod string_enum;
mod timestamp;
pub mod timestamp_format;
mod union;

pub use blob::Blob;
pub use timestamp::{parse_timestamp, Timestamp, TIMESTAMP_TOKEN};
pub use union::{from_value, union_entry};
