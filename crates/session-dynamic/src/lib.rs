//! Any AWS service by name from a [`Session`]: `session.dyn_client("lambda")`, as boto3's
//! `session.client('lambda')`, for every service in botocore's models.
//!
//! A [`DynClient`] is built from a session through the same client stack as the typed
//! crates (pool, credentials cache, retries, timeouts, endpoint rules, layers), and its
//! calls go through the same interpreter: the model is built at run time into the shape
//! tables the typed crates carry as generated `static`s, so a dynamic call and a typed
//! call of one operation cannot serialize differently.
//!
//! - **Models** come from a [`ModelSource`]: the embedded pack (feature `embed`), a pack
//!   file, or folders of botocore-format models in front of either. A service's model is
//!   read and built once per process, on its first client, and shared by all its clients.
//! - **Values** are [`Value`]s keyed by the model's member names (`FunctionName`), with
//!   lossless blobs and timestamps; [`Value::to_json`] / [`Value::from_json`] map them to
//!   JSON (blob ↔ base64 string, timestamp ↔ RFC 3339), and any `Serialize` input works
//!   through [`DynClient::call_serialize`].
//! - **Validation** before sending: unknown members, missing required members, wrong
//!   types and values below the model's minimum are all listed at once with their member
//!   paths ([`Error::problems`]); enum values the model does not list are warnings.
//! - **Errors** of the service keep code, message, request id and the modeled members
//!   ([`Error::is_error`], [`Error::members`]).
//! - **Paginators and waiters** by name: [`DynClient::paginate`], [`DynClient::wait`].
//!
//! ```no_run
//! use session_dynamic::{SessionDynExt as _, Value};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let session = session_core::Session::from_env()?;
//! let secrets = session.dyn_client("secretsmanager")?;
//! secrets
//!     .call("CreateSecret", Value::map().with("Name", "db").with("SecretString", "pw"))
//!     .await?;
//! match secrets.call("GetSecretValue", Value::map().with("SecretId", "nope")).await {
//!     Err(e) if e.is_error("ResourceNotFoundException") => println!("{:?}", e.message()),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod client;
mod discovery;
mod dryrun;
mod error;
mod pages;
mod registry;
mod skeleton;
mod source;
mod specs;
mod streaming;
mod stubbed;
mod validate;
mod wait;

pub use client::{DynClient, DynClientBuilder};
pub use dryrun::{SignedRequest, REDACTED};
pub use error::{Error, Problem};
pub use pages::Pages;
pub use registry::ServiceModel;
pub use session_runtime::value::Value;
pub use session_runtime::wire::eventstream::EventStream;
pub use session_tower::SdkBody;
pub use source::{ModelSource, DATA_PATH_ENV, DATA_PATH_PROFILE_KEY, PACK_ENV, PACK_PROFILE_KEY};
pub use wait::Wait;

use session_core::Session;

/// `session.dyn_client("lambda")`: a [`DynClient`] of any service by botocore's name.
pub trait SessionDynExt {
    /// A client of `service` with models from [`ModelSource::from_session`].
    ///
    /// # Errors
    /// See [`DynClientBuilder::build`].
    fn dyn_client(&self, service: &str) -> Result<DynClient, Error>;
}

impl SessionDynExt for Session {
    fn dyn_client(&self, service: &str) -> Result<DynClient, Error> {
        DynClient::new(self, service)
    }
}
