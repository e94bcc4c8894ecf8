//! SigV4 and SigV4a request signing for `http::request::Parts`, built for per-request speed.
//!
//! The signing key (four chained HMACs over secret, date, region and service) is derived once
//! per UTC day with `aws-sigv4`'s `generate_signing_key` and cached in a [`SigningKeyCache`]
//! shared by clones of a [`Signer`]; the canonical request and string to sign are built in
//! per-thread buffers that are reused across requests, and the final HMAC is computed with the
//! key's pads hashed once. The canonicalization (URI, query, headers) is implemented here from
//! the SigV4 specification and checked against the public SigV4 test suite
//! (`tests/conformance.rs`).
//!
//! SigV4a (`AWS4-ECDSA-P256-SHA256`, [`sign_headers_v4a`], [`presign_v4a`], or
//! [`Signer::sign_headers_with`] with a [`SigningAlgorithm`]) uses the same canonicalization
//! with `X-Amz-Region-Set` added, a credential scope without region, and a DER-encoded ECDSA
//! P-256 signature (`p256`). Its key is derived from the credentials alone (the
//! specification's counter-mode KDF) and cached per access key id and secret in a
//! [`V4aKeyCache`]. It is checked against the public SigV4a test suite
//! (`tests/conformance_v4a.rs`).
//!
//! The body is never read: the caller passes its hash as a [`PayloadHash`].
//!
//! # Example
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use session_sigv4::{sign_headers, presign, Identity, PayloadHash, Signer, SigningParams, SigningSettings};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let signer = Signer::new();                      // keep one per client; clones share the cache
//! let settings = SigningSettings::default();       // S3: SigningSettings::s3()
//! let identity = Identity::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//!
//! let (mut parts, _body) = http::Request::post("https://sqs.us-east-1.amazonaws.com/")
//!     .header("content-type", "application/x-amz-json-1.0")
//!     .header("x-amz-target", "AmazonSQS.SendMessage")
//!     .body(())?
//!     .into_parts();
//! let params = SigningParams {
//!     identity,
//!     region: "us-east-1",
//!     service: "sqs",
//!     time: SystemTime::now(),
//!     payload: PayloadHash::Precomputed(
//!         "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
//!     ),
//!     settings: &settings,
//! };
//! sign_headers(&signer, &mut parts, &params)?;
//! assert!(parts.headers["authorization"].is_sensitive());
//! assert!(parts.headers.contains_key("x-amz-date"));
//!
//! // A presigned GET for S3, valid for an hour.
//! let s3 = SigningSettings::s3();
//! let (get, _) = http::Request::get("https://bucket.s3.amazonaws.com/key.txt").body(())?.into_parts();
//! let params = SigningParams {
//!     service: "s3",
//!     payload: PayloadHash::UnsignedPayload,
//!     settings: &s3,
//!     ..params
//! };
//! let url = presign(&signer, &get, &params, Duration::from_secs(3600))?;
//! assert!(url.query().is_some_and(|q| q.contains("X-Amz-Signature=")));
//! # Ok(()) }
//! ```
//!
//! SigV4a, for an endpoint whose auth scheme is `sigv4a` with a `signingRegionSet`:
//!
//! ```
//! # use std::time::SystemTime;
//! # use session_sigv4::{Identity, PayloadHash, Signer, SigningAlgorithm, SigningParams, SigningSettings};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let signer = Signer::new();
//! # let settings = SigningSettings::s3();
//! let region_set = ["us-east-1", "us-west-2"].join(",");
//! let params = SigningParams {
//!     identity: Identity::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//!     region: &region_set,
//!     service: "s3",
//!     time: SystemTime::now(),
//!     payload: PayloadHash::UnsignedPayload,
//!     settings: &settings,
//! };
//! let (mut parts, _) = http::Request::get("https://example.amazonaws.com/key").body(())?.into_parts();
//! let algorithm = SigningAlgorithm::from_auth_scheme("sigv4a").ok_or("unsupported")?;
//! signer.sign_headers_with(algorithm, &mut parts, &params)?;
//! assert_eq!(parts.headers["x-amz-region-set"], "us-east-1,us-west-2");
//! assert_eq!(signer.v4a_cache().derivations(), 1); // derived once, then cached
//! # Ok(()) }
//! ```
//!
//! # Layer ordering
//!
//! Sign last: anything that changes the method, URI or a signed header after signing (a
//! retry layer adding headers, a redirect) invalidates the signature. Re-signing the same
//! `Parts` (on retry) is supported and replaces the headers a previous signature added.
//!
//! # Secrets
//!
//! [`Identity`], [`SigningParams`], [`Signer`], [`SigningKeyCache`], [`V4aKeyCache`] and
//! [`SigningOutput`] have
//! hand-written `Debug` implementations that never print the secret access key or session
//! token; `Authorization` and `X-Amz-Security-Token` header values are marked sensitive.
//! Cached signing keys and secrets are wiped on drop.

mod algorithm;
mod canonical;
mod date;
mod error;
mod key_cache;
mod keyed_mac;
mod params;
mod presign;
mod settings;
mod signer;
mod v4a_key;
mod v4a_key_cache;

pub use algorithm::SigningAlgorithm;
pub use error::SigningError;
pub use key_cache::{SigningKeyCache, DEFAULT_CAPACITY};
pub use params::{Identity, PayloadHash, SigningParams};
pub use presign::{
    presign, presign_explained, presign_v4a, presign_v4a_explained, MAX_EXPIRES_IN, MIN_EXPIRES_IN,
};
pub use settings::{
    PercentEncodingMode, SessionTokenMode, SignedHeaderRules, SigningSettings, NEVER_SIGNED,
};
pub use signer::{
    sign_headers, sign_headers_explained, sign_headers_v4a, sign_headers_v4a_explained, Signer,
    SigningOutput,
};
pub use v4a_key_cache::{V4aKeyCache, DEFAULT_V4A_CAPACITY};
