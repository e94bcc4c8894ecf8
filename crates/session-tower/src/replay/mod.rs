//! Record real HTTP exchanges to a file, secrets redacted, and replay them in tests without
//! a server.
//!
//! A [`Recorder`] is an HTTP client for [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
//! that sends through another (the pooled [`Transport`](crate::transport::Transport)) and
//! keeps each exchange; [`Recorder::save`] writes them as a [`Recording`], a JSON file
//! meant to be read, reviewed and committed. A [`Replayer`] is an HTTP client that answers
//! from a recording: each request must match the next exchange (or, with
//! [`Replayer::any_order`], any unused one), and gets its recorded response. Everything
//! above the HTTP client — endpoint, signing, retries, parsing — runs as it does live.
//!
//! # What is redacted
//!
//! Secrets are replaced as an exchange is copied, before it is kept, so they are never
//! written and never held in the recording, not even in memory. Every value below becomes
//! [`REDACTED`]:
//! - the headers of [`SECRET_HEADERS`] (`authorization` keeps its scheme) and every header
//!   whose name holds `cookie`, in requests and responses;
//! - the query parameters of [`SECRET_QUERY_PARAMETERS`] (a presigned URL's signature,
//!   credential and session token);
//! - in JSON, XML and form-encoded bodies (and the query), the values of the fields of
//!   [`SECRET_FIELDS`] (`SecretAccessKey`, `SessionToken`, `Token`, `AccessToken`,
//!   `RefreshToken`, `ClientSecret`, `Password`, `SecretString`, `SecretBinary`), compared
//!   without regard to case. A body keeps its format (JSON stays JSON, XML well-formed,
//!   a form form-encoded); its `content-length` is corrected and its digests
//!   (`content-md5`, `x-amz-content-sha256`, `x-amz-checksum-*`), digests of the secrets
//!   too, are taken out.
//!
//! Add names with [`Recorder::redact_field`] and [`Recorder::redact_header`], or anything
//! else with a hook ([`Recorder::redact_with`]) that sees each exchange last. Review a new
//! recording before committing it: a secret inside a string value (a JSON document in an
//! SQS message body) or in a compressed body is not seen. A redacted response value comes
//! back as the marker when replayed (a redacted `SecretBinary` is then not valid base64;
//! redacted credentials still sign, see [`REDACTED`]).
//!
//! Each request and response body is read whole (a streamed upload or download is
//! buffered). Exchanges are kept in the order their responses end: concurrent calls are
//! best replayed with [`Replayer::any_order`]. A call that fails in the inner client (no
//! connection) is not kept.
//!
//! # How requests are matched
//!
//! The method, the path, the query parameters (as a multiset, without
//! [`IGNORED_QUERY_PARAMETERS`]), the headers (each name's values in order, without
//! [`IGNORED_HEADERS`] and without the headers the recording redacted), and the body: JSON
//! compared parsed, form bodies as sorted pairs, others byte for byte. A [`REDACTED`]
//! value in the recording matches any value. The endpoint's scheme and authority are not
//! compared, so a replaying client may point anywhere (an unreachable address makes sure
//! nothing is sent).
//!
//! A request that does not match fails the call with a [`ReplayError`] that names the
//! exchange and the first difference:
//!
//! ```text
//! replay: exchange 2 expected POST / with X-Amz-Target=AmazonSQS.SendMessage, got POST /
//! with X-Amz-Target=AmazonSQS.SendMessage: body member "QueueUrl" differs: expected
//! "http://127.0.0.1:5000/123456789012/jobs", got "http://127.0.0.1:5000/123456789012/other"
//! ```
//!
//! Through a client it is an [`Error::is_layer`](crate::Error::is_layer), not retried, with
//! the `ReplayError` as its [`source`](std::error::Error::source). The replayer keeps every
//! failure: [`Replayer::assert_done`] lists them with the exchanges never used.
//!
//! # Example
//!
//! ```no_run
//! use session_tower::replay::{Recorder, Replayer};
//! use session_tower::transport::Transport;
//! use session_tower::{Client, ServiceInfo};
//!
//! # async fn calls(_client: &Client) {}
//! /// Records the calls against the real service into `path`.
//! async fn record(
//!     session: &session_core::Session,
//!     info: &'static ServiceInfo,
//!     path: &str,
//! ) -> Result<(), Box<dyn std::error::Error>> {
//!     let recorder = Recorder::new(Transport::builder().build()?).redact_field("ApiKey");
//!     let client = Client::builder(session, info)
//!         .http_client(recorder.clone())
//!         .build()?;
//!     calls(&client).await;
//!     recorder.save(path)?;
//!     Ok(())
//! }
//!
//! /// Makes the same calls, answered from the file.
//! async fn replay(
//!     session: &session_core::Session,
//!     info: &'static ServiceInfo,
//!     path: &str,
//! ) -> Result<(), Box<dyn std::error::Error>> {
//!     let replayer = Replayer::from_file(path)?;
//!     let client = Client::builder(session, info)
//!         .http_client(replayer.clone())
//!         .build()?;
//!     calls(&client).await;
//!     replayer.assert_done()?;
//!     Ok(())
//! }
//! ```

mod error;
mod matching;
mod recorder;
mod recording;
mod redact;
mod replayer;
mod scan;

pub use error::ReplayError;
pub use matching::{is_ignored_header, IGNORED_HEADERS, IGNORED_QUERY_PARAMETERS};
pub use recorder::{RecordFuture, Recorder};
pub use recording::{Exchange, RecordedRequest, RecordedResponse, Recording};
pub use redact::{Redactions, SECRET_FIELDS, SECRET_HEADERS, SECRET_QUERY_PARAMETERS};
pub use replayer::{ReplayFuture, Replayer};

/// What stands for every redacted value in a recording; as a recorded value, the replayer
/// matches it with anything.
///
/// Visible ASCII without spaces (unlike a dry run's `** redacted **`): a replayed answer
/// hands redacted credentials (an STS `AssumeRole`'s secret and session token) to the
/// code under test, which signs its next requests with them, and a session token must be
/// a valid header value for that.
pub const REDACTED: &str = "**redacted**";

#[cfg(test)]
mod tests;
