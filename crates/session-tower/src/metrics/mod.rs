//! Client metrics, through the [`metrics`](https://docs.rs/metrics) facade (cargo feature
//! `metrics`; without it nothing here records and the stack's recording points compile to
//! nothing).
//!
//! Every call and attempt records the metrics the AWS SDKs built on Smithy record, under
//! the same names and attributes ([`names`]: `smithy.client.call.duration`, `.attempts`,
//! `.errors`, `.attempt.duration`, `.resolve_endpoint_duration`,
//! `.auth.signing_duration`, `.auth.resolve_identity_duration`, with `rpc.service` and
//! `rpc.method`), plus what no SDK reports together: the connection pool (connections idle
//! and acquired, acquire wait, new connections, TLS handshake time), time to first byte,
//! the retry quota and throttling, the credentials cache (hits, misses, refreshes) and
//! hedged requests (sent, won, skipped), and the transfer manager's bytes and parts in
//! flight. Durations are in seconds.
//!
//! Install any `metrics` recorder (Prometheus, StatsD, OpenTelemetry bridges, ...) before
//! the first call; the stack registers its handles with the recorder current at a call and
//! keeps them, so a call records without looking names up. Nothing is logged per call.
//! `examples/metrics.rs` installs the Prometheus text exporter and prints what a few calls
//! recorded; `docs/observability.md` lists every metric and span field.
//!
//! Serialization and deserialization happen in the protocol runtime (`session-runtime`'s
//! call), which records them with [`record_serialization`] and [`record_deserialization`]
//! for every call of a typed or dynamic client.

#[cfg(feature = "metrics")]
mod on;
#[cfg(feature = "metrics")]
use on as imp;

#[cfg(not(feature = "metrics"))]
mod off;
#[cfg(not(feature = "metrics"))]
use off as imp;

mod connect;
mod future;
pub mod names;
mod transfer;

use std::time::Duration;

pub(crate) use connect::{TcpTimed, TlsTiming};
pub(crate) use future::{Attempt, Call, Measured};
pub(crate) use imp::{global, idle_dropped, InUse, Operation, Stopwatch};
pub use transfer::{record_transfer_bytes, transfer_part, Direction, PartInFlight};

/// Whether this build records metrics (the `metrics` feature).
pub const ENABLED: bool = cfg!(feature = "metrics");

/// Records the time `operation` of `service` took to serialize its input into a request
/// (`smithy.client.call.serialization_duration`). For the service crates' call glue:
/// `service` is the client's `ServiceInfo::service_id`, `operation` the operation's name.
/// Without the `metrics` feature, does nothing.
///
/// ```
/// use std::time::Instant;
/// let started = Instant::now();
/// // ... serialize the input ...
/// session_tower::metrics::record_serialization("SQS", "SendMessage", started.elapsed());
/// ```
#[inline]
pub fn record_serialization(service: &'static str, operation: &'static str, took: Duration) {
    Operation::of(service, operation).serialization(took);
}

/// Records the time `operation` of `service` took to read its output from a response
/// (`smithy.client.call.deserialization_duration`); see [`record_serialization`].
#[inline]
pub fn record_deserialization(service: &'static str, operation: &'static str, took: Duration) {
    Operation::of(service, operation).deserialization(took);
}

/// Gives the current recorder the units and descriptions of every metric here. The stack
/// does this itself the first time it records with a recorder; call it to have them
/// before the first call. Without the `metrics` feature, does nothing.
pub fn describe() {
    imp::describe();
}
