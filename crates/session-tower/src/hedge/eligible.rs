//! Which requests may be sent twice.

use http::{Method, Request};

use super::config::HedgeConfig;
use crate::body::SdkBody;
use crate::endpoint::EndpointParams;

/// The request carries an idempotency token (a `ClientToken`, `ClientRequestToken`, ...):
/// the service runs it once however many copies arrive. Set by an operation's call glue
/// when the input's idempotency-token member is set; it is what lets a hedge layer send a
/// PUT or POST twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotencyToken;

/// Modeled read-only operations sent as POST (the AWS JSON and query protocols), safe to
/// repeat: DynamoDB's reads and descriptions, SQS's queue lookups, STS's identity lookups.
/// S3's reads are GET and HEAD and need no list. Extend it per client with
/// [`HedgeConfig::read_only`].
pub const READ_ONLY: &[&str] = &[
    // DynamoDB
    "BatchGetItem",
    "DescribeBackup",
    "DescribeContinuousBackups",
    "DescribeEndpoints",
    "DescribeGlobalTable",
    "DescribeLimits",
    "DescribeTable",
    "DescribeTimeToLive",
    "GetItem",
    "ListBackups",
    "ListGlobalTables",
    "ListTables",
    "ListTagsOfResource",
    "Query",
    "Scan",
    "TransactGetItems",
    // SQS (ReceiveMessage is not here: it hides the messages it returns)
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    // STS (the token-minting reads are not here)
    "GetAccessKeyInfo",
    "GetCallerIdentity",
];

/// Never hedged, whatever the method, a token or the configuration say: S3's upload
/// parts, which must not be sent twice (on S3 Express directory buckets in particular).
pub const NEVER: &[&str] = &["UploadPart", "UploadPartCopy"];

/// Whether `operation`, sent as `req`, is safe to repeat: GET or HEAD (ranged GETs
/// included), a read-only POST operation ([`READ_ONLY`] and the config's additions), or a
/// PUT, POST or DELETE with an [`IdempotencyToken`]; never an operation in [`NEVER`] nor a
/// write to an S3 Express directory bucket; and only with a body that can be sent again.
pub fn is_safe(req: &Request<SdkBody>, operation: &str) -> bool {
    safe(req, operation, &HedgeConfig::default())
}

pub(crate) fn safe(req: &Request<SdkBody>, operation: &str, config: &HedgeConfig) -> bool {
    let method = req.method();
    let token = req.extensions().get::<IdempotencyToken>().is_some();
    if !operation_allowed(method, operation, token, config) {
        return false;
    }
    let express_write = method != Method::GET
        && method != Method::HEAD
        && req
            .extensions()
            .get::<EndpointParams>()
            .and_then(|p| p.string("Bucket"))
            .is_some_and(|b| b.ends_with("--x-s3"));
    !express_write && req.body().try_clone().is_some()
}

/// The part of [`safe`] that needs no request extensions or body: what the client checks
/// before it routes a call through its hedge.
pub(crate) fn operation_allowed(
    method: &Method,
    operation: &str,
    token: bool,
    config: &HedgeConfig,
) -> bool {
    if NEVER.contains(&operation) || config.never.contains(&operation) {
        return false;
    }
    if config
        .only
        .as_ref()
        .is_some_and(|only| !only.contains(&operation))
    {
        return false;
    }
    match *method {
        Method::GET | Method::HEAD => true,
        Method::POST => {
            token || READ_ONLY.contains(&operation) || config.read_only.contains(&operation)
        }
        Method::PUT | Method::DELETE => token,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method) -> Request<SdkBody> {
        Request::builder()
            .method(method)
            .uri("/")
            .body(SdkBody::from("x"))
            .unwrap()
    }

    #[test]
    fn reads_are_safe_and_writes_are_not() {
        assert!(is_safe(&req(Method::GET), "GetObject"));
        assert!(is_safe(&req(Method::HEAD), "HeadObject"));
        assert!(is_safe(&req(Method::POST), "GetItem"));
        assert!(!is_safe(&req(Method::POST), "PutItem"));
        assert!(!is_safe(&req(Method::POST), "ReceiveMessage"));
        assert!(!is_safe(&req(Method::PUT), "PutObject"));
        assert!(!is_safe(&req(Method::DELETE), "DeleteObject"));
        assert!(!is_safe(&req(Method::PATCH), "GetItem"));
    }

    #[test]
    fn an_idempotency_token_makes_a_write_safe_but_never_an_upload_part() {
        let mut put = req(Method::PUT);
        put.extensions_mut().insert(IdempotencyToken);
        assert!(is_safe(&put, "RenameObject"));
        assert!(!is_safe(&put, "UploadPart"));
        let mut post = req(Method::POST);
        post.extensions_mut().insert(IdempotencyToken);
        assert!(is_safe(&post, "TransactWriteItems"));
    }

    #[test]
    fn writes_to_s3_express_buckets_are_never_hedged() {
        let mut put = req(Method::PUT);
        put.extensions_mut().insert(IdempotencyToken);
        put.extensions_mut()
            .insert(EndpointParams::new().str("Bucket", "data--use1-az4--x-s3"));
        assert!(!is_safe(&put, "RenameObject"));
        let mut get = req(Method::GET);
        get.extensions_mut()
            .insert(EndpointParams::new().str("Bucket", "data--use1-az4--x-s3"));
        assert!(is_safe(&get, "GetObject"));
    }

    #[test]
    fn streams_cannot_be_sent_twice() {
        let body = SdkBody::from_stream(http_body_util::Full::new(bytes::Bytes::from("x")));
        let get = Request::get("/").body(body).unwrap();
        assert!(!is_safe(&get, "GetObject"));
    }

    #[test]
    fn the_config_narrows_and_extends_the_lists() {
        let config = HedgeConfig::new()
            .only(["GetObject", "MyRead"])
            .read_only("MyRead");
        assert!(safe(&req(Method::GET), "GetObject", &config));
        assert!(!safe(&req(Method::GET), "ListObjectsV2", &config));
        assert!(safe(&req(Method::POST), "MyRead", &config));
        let config = HedgeConfig::new().read_only("MyPut").never("GetObject");
        assert!(!safe(&req(Method::PUT), "MyPut", &config));
        assert!(!safe(&req(Method::GET), "GetObject", &config));
    }
}
