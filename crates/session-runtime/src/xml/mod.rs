//! XML by the shape tables: a small DOM, the reader that turns elements into values, and
//! the writer of request bodies.

pub mod dom;
pub(crate) mod read;
pub(crate) mod write;
