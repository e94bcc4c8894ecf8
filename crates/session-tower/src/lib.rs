//! The engine every service call goes through: a pooled hyper transport and the tower layers
//! (endpoint, credentials, signing, retry, timeouts, tracing), assembled per service from a
//! [`session_core::Session`] and boxed once at the client edge.

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
mod intern;
pub mod protocol;
pub mod retry;
mod settings_check;
pub mod signing;
mod timeout;
pub mod token;
pub mod trace;
pub mod transport;

pub use body::SdkBody;
pub use client::{
    AwsService, Client, ClientBuilder, ResourceService, ServiceInfo, SessionClientExt,
};
pub use error::{Error, ServiceError};
pub use signing::AuthScheme;
