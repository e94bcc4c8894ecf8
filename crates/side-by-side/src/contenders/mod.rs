//! The three contenders, each doing the same four exchanges with the canned server.
//!
//! - [`raw::Raw`]: hyper-util's pooled client, unsigned, no serialization (the floor);
//! - [`signed::Signed`]: the same client, each request signed the simple way with the
//!   `aws-sigv4` crate, JSON with serde_json, the listing read with a quick-xml event loop;
//! - [`ours::Ours`]: aws-session's typed clients, configured as a user would.
//!
//! Each call returns `Err` with a reason instead of panicking, so errors are counted.

use std::future::Future;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::exchange;

pub(crate) mod listing;
pub(crate) mod ours;
pub(crate) mod raw;
pub(crate) mod signed;

/// Which contender a process plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Which {
    /// Raw hyper, unsigned (the floor).
    Raw,
    /// Raw hyper + aws-sigv4 + serde_json / quick-xml.
    Signed,
    /// aws-session.
    Ours,
}

impl Which {
    /// All three, in the order of the table's columns and of each round.
    pub(crate) const ALL: [Which; 3] = [Which::Raw, Which::Signed, Which::Ours];

    /// The name on the command line and in JSON.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Which::Raw => "raw",
            Which::Signed => "signed",
            Which::Ours => "ours",
        }
    }

    /// The column heading.
    pub(crate) fn heading(self) -> &'static str {
        match self {
            Which::Raw => "raw hyper (floor)",
            Which::Signed => "raw hyper + aws-sigv4 + quick-xml",
            Which::Ours => "ours",
        }
    }

    /// The contender named `name`.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// One contender's four exchanges. Clones share one client (its connection pool).
pub(crate) trait Contender: Clone + Send + Sync + 'static {
    /// SQS SendMessage (JSON 1.0), response read (and parsed where the contender parses).
    fn send_message(&self) -> impl Future<Output = Result<(), String>> + Send;
    /// S3 GetObject of the 1 KiB object, body read.
    fn get_object(&self) -> impl Future<Output = Result<(), String>> + Send;
    /// S3 PutObject of 1 KiB.
    fn put_object(&self) -> impl Future<Output = Result<(), String>> + Send;
    /// S3 ListObjectsV2, one page of 100 keys.
    fn list_objects_v2(&self) -> impl Future<Output = Result<(), String>> + Send;
}

/// hyper-util's pooled HTTP/1.1 client, as both hyper contenders use it.
pub(crate) type Http = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

/// A new hyper-util client with its defaults.
pub(crate) fn http_client() -> Http {
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http()
}

/// The URLs of the four exchanges on the server at `port`.
#[derive(Debug)]
pub(crate) struct Urls {
    /// SQS's endpoint.
    pub(crate) sqs: String,
    /// The 1 KiB object, path-style.
    pub(crate) object: String,
    /// The listing, `?list-type=2`.
    pub(crate) listing: String,
}

impl Urls {
    /// The URLs on `127.0.0.1:port`.
    pub(crate) fn new(port: u16) -> Self {
        let base = format!("http://127.0.0.1:{port}");
        Self {
            sqs: format!("{base}/"),
            object: format!(
                "{base}/{}/{}",
                exchange::OBJECT_BUCKET,
                exchange::OBJECT_KEY
            ),
            listing: format!("{base}/{}?list-type=2", exchange::LISTING_BUCKET),
        }
    }
}

/// Sends `req`, checks for a 200 and reads the whole body.
pub(crate) async fn exchange(
    http: &Http,
    req: http::Request<Full<Bytes>>,
) -> Result<Bytes, String> {
    let resp = http
        .request(req)
        .await
        .map_err(|e| format!("request: {e}"))?;
    let status = resp.status();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("body: {e}"))?
        .to_bytes();
    if status == http::StatusCode::OK {
        Ok(body)
    } else {
        Err(format!(
            "status {status}: {}",
            String::from_utf8_lossy(&body)
        ))
    }
}

/// `Err` unless `got == want`.
pub(crate) fn check_len(what: &str, got: usize, want: usize) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: {got} bytes, expected {want}"))
    }
}
