//! Endpoint resolution for AWS-style services: an interpreter for the Smithy endpoint rules
//! language (the `endpoint-rule-set-1.json` files the AWS SDKs ship).
//!
//! A rule set maps parameters (region, FIPS and dual-stack switches, a custom endpoint, S3's
//! bucket, ...) to the URL of a request, headers to add, and properties such as the auth
//! schemes to sign with (signing name, signing region, SigV4a region set). Load one with
//! [`RuleSet::from_json`] — it is compiled once into a tree with every name already
//! resolved. Then call [`RuleSet::resolve`] for each request; it takes microseconds.
//!
//! A compiled tree can be written out with [`RuleSet::to_bytes`] and loaded again with
//! [`RuleSet::from_bytes`], which reads only the top level and decodes each `tree` rule's
//! branch when a resolution first reaches it. The generated service crates embed their rule
//! set that way (`src/generated/endpoint-rules.bin`): S3's loads in about 12 µs instead of
//! the 1.7 ms its JSON takes to parse and compile.
//!
//! ```
//! use session_endpoints::Params;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let params = Params::new()
//!     .str("Region", "us-west-2")
//!     .str("Bucket", "my-bucket");
//! # let s3 = session_endpoints::RuleSet::from_json(include_str!("../../../models/s3/endpoint-rule-set-1.json"))?;
//! let endpoint = s3.resolve(&params)?;
//! assert_eq!(endpoint.url(), "https://my-bucket.s3.us-west-2.amazonaws.com");
//!
//! let scheme = endpoint.auth_schemes().next().expect("S3 names its auth scheme");
//! assert_eq!(scheme.name(), "sigv4");
//! assert_eq!(scheme.signing_name(), Some("s3"));
//! assert_eq!(scheme.signing_region(), Some("us-west-2"));
//! assert!(scheme.disable_double_encoding());
//!
//! // `error` rules of the rule set become errors that display the rule's message.
//! let err = s3
//!     .resolve(&params.bool("Accelerate", true).bool("UseFIPS", true))
//!     .unwrap_err();
//! assert!(err.is_rule_error());
//! assert_eq!(err.to_string(), "Accelerate cannot be used with FIPS");
//! # Ok(()) }
//! ```
//!
//! The language: parameters (`String`, `Boolean`, `stringArray`, with `required` and
//! `default`), rules of type `endpoint`, `error` and `tree` guarded by conditions (function
//! calls whose result may be bound with `assign`), string templates (`{Region}`,
//! `{partitionResult#dnsSuffix}`), and the functions `isSet`, `not`, `getAttr`,
//! `stringEquals`, `booleanEquals`, `substring`, `uriEncode`, `parseURL`,
//! `isValidHostLabel`, `aws.partition`, `aws.parseArn` and `aws.isVirtualHostableS3Bucket`.
//! `aws.partition` uses the partition table shipped in this crate's `data/` folder, or one
//! given to [`RuleSet::from_json_with_partitions`].

mod document;
mod endpoint;
mod error;
mod eval;
mod functions;
mod params;
mod ruleset;
mod value;

pub use document::Document;
pub use endpoint::{AuthScheme, Endpoint};
pub use error::{ResolveError, RuleSetError};
pub use params::{ParamValue, Params};
pub use ruleset::{Parameter, ParameterType, RuleSet};
