//! The interpreter: requests written and answers read by the shape tables, for every
//! protocol, for typed and dynamic values alike.

pub mod call;
pub(crate) mod context;
pub mod de;
pub mod eventstream;
pub(crate) mod percent;
pub(crate) mod reply;
pub mod request;
pub mod response;
pub(crate) mod seen;
pub mod ser;
pub(crate) mod text;
