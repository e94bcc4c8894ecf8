//! Generates a service crate's types and operations from its AWS model.
//!
//! The output leans on `session_runtime` for everything that is the same across shapes
//! (blobs, timestamps, string enums, the call path, paginators), so per-shape code is
//! little more than serde-derived structs: that keeps the generated crates quick to
//! compile. This release generates the AWS JSON protocols (DynamoDB, SQS); query and
//! rest-xml follow.

#![warn(missing_docs)]

pub mod literal;
pub mod model;
pub mod names;
pub mod protocol_tests;
mod render;
pub mod resources;
pub mod waiters;

pub use render::{generate, Generated, RustTypes, ServiceConfig};
