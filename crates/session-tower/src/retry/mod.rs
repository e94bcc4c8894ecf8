//! Retries: the AWS SDKs' standard mode (exponential backoff with full jitter capped at
//! 20 s, a shared retry quota), and adaptive mode (standard plus a client-side rate limiter
//! that turns on at the first throttling answer).
//!
//! [`RetryConfig`] says what retries may do, [`ClassifyRetry`] decides what is worth
//! another attempt, and [`RetryPolicy`] holds both with the state a client's clones share
//! (the quota, the rate limiter, the clock corrected on clock-skew errors). The retry loop
//! itself is [`RetryPolicy`]'s, and the client's engine runs it, deciding after each
//! attempt in one function (`policy.rs`, `decide`).
//!
//! A request is retried only if its body can be replayed ([`SdkBody::try_clone`]): a
//! streaming upload is sent once. Each attempt carries `amz-sdk-invocation-id` (the same for
//! all attempts of one operation) and `amz-sdk-request: attempt=N; max=M`.
//!
//! [`SdkBody::try_clone`]: crate::SdkBody::try_clone

mod adaptive;
mod classify;
mod config;
mod ids;
mod policy;
mod quota;

pub use classify::{ClassifyRetry, RetryAction, StandardClassifier};
pub use config::RetryConfig;
pub use policy::RetryPolicy;

pub(crate) use ids::invocation_id_text as uuid_v4;
pub(crate) use policy::{Rebuild, Resend};

#[cfg(test)]
mod tests;
