//! The client engine every service call goes through: a [`Client`] per service, assembled
//! from a [`session_core::Session`] and a [`ServiceInfo`], over a pooled hyper transport.
//!
//! The order of the stack is written in one place, `client/engine.rs`:
//!
//! ```text
//! operation span → operation timeout → retry loop (retry::RetryPolicy; decision in retry/policy.rs)
//!     per attempt: attempt span → endpoint (resolved once per operation, applied per attempt)
//!         → credentials (the cache; no await while fresh)
//!         → signing → exchange                                 (in line: the common case)
//!         → [before] → signing → [after] → exchange             (with layers inside the attempt)
//! exchange = attempt timeout → response errors → transport (or your http_client)
//! ```
//!
//! Without user layers inside the attempt, one operation is one future and its facts
//! ([`client::OperationMeta`]) travel beside the request; with them, the attempt after the
//! endpoint and credentials goes through one boxed segment that your layers wrap. Layers
//! around the operation wrap the engine as a service. Errors from your layers and your HTTP
//! client are classified like ours (a tower `Timeout` is a timeout, an `std::io::Error` a
//! connection error). `docs/stack.md` describes each stage, `docs/architecture.md` where
//! this crate sits.
//!
//! Modules by job: [`client`] (builder, engine, exchange), [`retry`], [`endpoint`],
//! [`credentials`] (the session-wide cache, the chain, and the providers that need HTTP:
//! SSO, container, instance metadata; role steps come from [`ServiceInfo::roles`]),
//! [`signing`], [`errors`] and [`protocol`] (what an answer means), [`transport`],
//! [`trace`]. The protocols' serializers and the generated code's runtime are
//! `session-runtime`'s.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use http::HeaderValue;
//! use session_tower::retry::RetryConfig;
//! use session_tower::{Client, Error, SdkBody, ServiceInfo};
//! use tower::util::MapRequestLayer;
//!
//! /// A client of `info`'s service with five attempts, a 30 s limit per operation, and a
//! /// header added to every attempt before it is signed (so the client takes the layered
//! /// segment).
//! fn client(session: &session_core::Session, info: &'static ServiceInfo) -> Result<Client, Error> {
//!     Client::builder(session, info)
//!         .retry(RetryConfig::standard().max_attempts(5))
//!         .operation_timeout(Duration::from_secs(30))
//!         .layer_before_signing(MapRequestLayer::new(|mut req: http::Request<SdkBody>| {
//!             req.headers_mut()
//!                 .insert("x-team", HeaderValue::from_static("storage"));
//!             req
//!         }))
//!         .build()
//! }
//! ```

#![warn(missing_docs)]

pub mod body;
pub mod client;
pub mod clock;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod errors;
pub mod future;
mod headers;
pub mod hedge;
mod intern;
pub mod metrics;
pub mod protocol;
mod redirect;
pub mod replay;
pub mod retry;
mod settings_check;
pub mod signing;
pub mod timeout;
pub mod token;
pub mod trace;
pub mod transport;

pub use body::SdkBody;
pub use client::{
    AwsService, Client, ClientBuilder, ResourceService, ServiceInfo, SessionClientExt,
};
pub use error::{Error, ServiceError};
pub use signing::AuthScheme;
