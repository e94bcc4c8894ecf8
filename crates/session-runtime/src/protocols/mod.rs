//! The call paths of generated operations, by protocol family, and their error type.

mod call;
pub(crate) mod query;

mod rest;

pub use call::{
    host_label, json_call, missing_member, parse_xml_error, query_call, ModeledError,
    OperationError, QueryOp,
};
pub use rest::{rest_call, ByteStream, RestOp};
