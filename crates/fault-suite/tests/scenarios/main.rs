//! The fault scenarios: the SQS (AWS JSON), STS (AWS query) and S3 (REST-XML) clients
//! against the testkit's fault server, an in-process STUB that misbehaves on demand (no
//! installable server resets, stalls or garbles answers when told to).
//!
//! Every scenario asserts the outcome the AWS SDKs promise, the attempts the server saw,
//! a bound on the time taken, and that an operation with effects was not repeated once the
//! server had confirmed it; and runs twice (`plain` and `layered`, see
//! [`support::Path`]). Scenarios held back by known engine gaps are ignored with the gap
//! named: `cargo test -p fault-suite -- --ignored` runs them.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

mod bodies;
mod checksums;
mod clock_and_credentials;
mod connections;
mod odd_bytes;
mod redirects;
mod retries;
mod timeouts;
