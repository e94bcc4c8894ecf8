//! AWS service model files in botocore's format, from a compact pack of every service or
//! from model folders such as `~/.aws/models`.
//!
//! This crate finds and returns the JSON text of a service's files (`service-2`,
//! `paginators-1`, `waiters-2`, `endpoint-rule-set-1` and botocore's sdk-extras); it does
//! not interpret them.
//!
//! - [`Pack`]: one file holding, for every service of a botocore release, the files of
//!   its latest API version with the documentation removed (`models/pack/`, made by `just
//!   models`; 429 services in about 3.6 MB). Opening one reads its index; each file is
//!   decompressed when asked for. With the `embed` feature, `Pack::embedded()` is the
//!   vendored pack built into the binary.
//! - [`ModelDirs`]: folders in botocore's layout (`<dir>/<service>/<api-version>/
//!   service-2.json`, or `.json.gz`), searched like botocore's data path: the latest API
//!   version over all folders wins, and each file comes from the first folder that has it.
//! - [`Loader`]: folders in front of a pack, as botocore searches `AWS_DATA_PATH` and
//!   `~/.aws/models` before its built-in models.
//!
//! ```
//! use session_models::{FileKind, Pack};
//!
//! # fn main() -> Result<(), session_models::Error> {
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/pack/botocore-1.43.67.pack");
//! let pack = Pack::open(path)?; // models/pack/botocore-1.43.67.pack
//! let json_services: Vec<&str> = pack
//!     .services()
//!     .filter(|s| s.protocol() == "json")
//!     .map(|s| s.name())
//!     .collect();
//! assert!(json_services.contains(&"dynamodb"));
//! let rules = pack.service("dynamodb")?.file(FileKind::EndpointRuleSet)?;
//!
//! // A mistyped name gets the closest ones in the error.
//! let err = pack.service("dynamo").unwrap_err();
//! assert!(err.is_unknown_service());
//! assert_eq!(err.close_names()[0], "dynamodb");
//! # let _ = rules;
//! # Ok(()) }
//! ```

mod dirs;
mod error;
mod format;
mod gzip;
mod kind;
mod loader;
mod pack;
mod suggest;

#[cfg(feature = "embed")]
mod embedded;

pub use dirs::{DirService, ModelDirs};
pub use error::Error;
pub use kind::FileKind;
pub use loader::{LoadedService, Loader, Origin};
pub use pack::{Pack, PackService};
