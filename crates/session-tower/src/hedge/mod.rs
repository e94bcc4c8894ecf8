//! Hedged requests: a second copy of a slow call that is safe to repeat, the first answer
//! wins, the other is cancelled.
//!
//! [`HedgeLayer`] works at the operation point of a client (around its retries), where the
//! operation's name is in the request's [`OperationName`](crate::trace::OperationName)
//! extension and a call's future ends with the response head: a hedge fires on a slow first
//! byte, never on a long body. [`ClientBuilder::hedge`](crate::ClientBuilder::hedge) puts
//! one there for the operations that are safe to repeat, leaving other calls on the direct
//! path.
//!
//! - **When**: after a delay taken from the operation's recent latencies (the p95 of its
//!   last 1,000 calls by default), at least a floor (5 ms), and a cold-start default
//!   (100 ms) until 20 calls were seen.
//! - **What**: only calls safe to repeat ([`is_safe`]): GET and HEAD (ranged GETs
//!   included), modeled read-only operations sent as POST ([`READ_ONLY`], extendable per
//!   client), writes with an [`IdempotencyToken`]; never an S3 upload part ([`NEVER`]) nor
//!   a write to an S3 Express bucket; never a streaming body.
//! - **How many**: at most 10 % extra requests over a 10 s window (the budget), and none
//!   while the client's retry quota is below half (its retries show an outage, and copies
//!   would add to it). A copy costs the quota what a retry costs and gets it back unless it
//!   fails; it gets a single attempt (the original has the retries).
//!   (The engine does this at the operation point; a hedge layer around a whole `Client`
//!   used as a tower service has its budget only, and its copies get the client's retries.)
//! - **The loser**: dropped at once. Its connection closes with it: the pool only takes a
//!   connection back from a response body read to its end.
//!
//! `tower::hedge` does the same core thing; `docs/performance.md` says why this is a layer
//! of its own (per-operation latencies that keep the slow calls a hedge cut short, a
//! floor, a cold-start delay, a budget and the retry quota, the choice of what is safe).

mod budget;
mod config;
mod eligible;
mod latency;
mod service;

pub use config::HedgeConfig;
pub use eligible::{is_safe, IdempotencyToken, NEVER, READ_ONLY};
pub use service::{Hedge, HedgeLayer, HedgeStats, ResponseFuture};

pub(crate) use eligible::operation_allowed;
pub(crate) use service::quota_refused;

/// Marks a hedge's copy of a call, for the engine: it charges the retry quota and makes one
/// attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HedgedCopy;
