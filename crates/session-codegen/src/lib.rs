//! Generates the service crates from their manifests (`crates/*/service.toml`) and the AWS
//! models (`models/<svc>/`): each crate's `src/lib.rs` and `src/generated/`.
//!
//! The output leans on `session_runtime` for everything that is the same across shapes
//! (blobs, timestamps, string enums, the call path, paginators), so per-shape code is
//! little more than serde-derived structs: that keeps the generated crates quick to
//! compile.

#![warn(missing_docs)]

pub mod literal;
pub mod manifest;
pub mod model;
pub mod names;
pub mod protocol_skips;
pub mod protocol_tests;
mod render;
pub mod resources;
pub mod scaffold;
pub mod waiters;

pub use render::{generate, Generated, RustTypes, ServiceConfig};
