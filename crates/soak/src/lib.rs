//! The soak program's parts: a canned SQS server that injects faults ([`server`]), the
//! calls and their accounting ([`tally`]), RSS and fd samples ([`sample`]), the checks
//! run at the end ([`check`]) and the driver that ties them together ([`run`]).
//!
//! `cargo run --release -p soak -- --calls 1000000` (or `just soak`). Everything runs in
//! one process on loopback: the server is an in-process STUB (no installable SQS resets
//! 1% of its connections on demand), so its memory and sockets count in the samples too,
//! which is what a leak on either side would show.

#![warn(missing_docs)]

pub mod check;
mod run;
pub mod sample;
pub mod server;
pub mod tally;

pub use run::{run, Config, Outcome};
