//! Unit tests of the engine: what each step of an attempt hands on, when, and on which path.
//!
//! These are unit tests: the HTTP client is an in-process capturing STUB ([`Capture`], given
//! to [`ClientBuilder::http_client`]) that records each request as it reached the exchange
//! and answers from a script; no socket is opened. The stack against servers is tested in
//! `tests/` and in the service crates. Time is paused where a test is about time limits:
//! with no I/O, tokio's clock moves only to the next timer, so nothing depends on speed.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use session_core::credentials::{
    Credentials, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};
use session_core::{Env, Session};
use session_endpoints::RuleSet;
use tokio::sync::Notify;
use tower::util::MapRequestLayer;

use crate::body::SdkBody;
use crate::client::{Client, ClientBuilder, OperationMeta, ServiceInfo};
use crate::endpoint::EndpointParams;
use crate::error::{Error, Kind};
use crate::errors::ErrorsOnSuccess;
use crate::protocol::Protocol;
use crate::retry::RetryConfig;
use crate::trace::OperationName;

fn sqs_rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::from_json(include_str!(
            "../../../../../models/sqs/endpoint-rule-set-1.json"
        ))
        .unwrap()
    })
}

fn s3_rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::from_json(include_str!(
            "../../../../../models/s3/endpoint-rule-set-1.json"
        ))
        .unwrap()
    })
}

/// An SQS-like JSON service.
static SQS: ServiceInfo = ServiceInfo {
    service_id: "SQS",
    signing_name: "sqs",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: crate::client::Rules::Lazy(sqs_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-11-05",
    auth: &[],
    roles: None,
};

/// An S3-like REST-XML service (endpoint parameters, 200s that may hide errors).
static S3: ServiceInfo = ServiceInfo {
    service_id: "S3",
    signing_name: "s3",
    protocol: Protocol::RestXml,
    endpoint_rules: crate::client::Rules::Lazy(s3_rules),
    region_when_unset: Some("us-east-1"),
    s3_signing: true,
    api_version: "2006-03-01",
    auth: &[],
    roles: None,
};

/// A session with explicit keys in `us-east-1`, plus `settings`; nothing from the machine.
fn session(settings: &[(&str, &str)]) -> Session {
    let mut builder = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("engine-test-secret");
    for (name, value) in settings {
        builder = builder.setting(*name, *value);
    }
    builder.build().unwrap()
}

/// What a stage saw of a request's extensions and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    uri: String,
    host: Option<String>,
    attempt: Option<String>,
    /// The [`OperationName`] extension.
    operation: Option<&'static str>,
    /// The key id of a [`Credentials`] extension.
    credentials: Option<String>,
    /// The [`ErrorsOnSuccess`] extension.
    errors_on_success: bool,
    /// How many extensions the request carries.
    extensions: usize,
    /// Whether the request carries a SigV4 signature.
    signed: bool,
    /// The key id the signature names (`Credential=<key id>/...`).
    signed_by: Option<String>,
}

impl Seen {
    fn of(req: &Request<SdkBody>) -> Self {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let ext = req.extensions();
        Self {
            uri: req.uri().to_string(),
            host: header("host"),
            attempt: header("amz-sdk-request"),
            operation: ext.get::<OperationName>().map(|o| o.0),
            credentials: ext
                .get::<Credentials>()
                .map(|c| c.access_key_id().to_owned()),
            errors_on_success: ext.get::<ErrorsOnSuccess>().is_some(),
            extensions: ext.len(),
            signed: header("authorization").is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 ")),
            signed_by: header("authorization").and_then(|a| {
                let (_, rest) = a.split_once("Credential=")?;
                Some(rest.split('/').next()?.to_owned())
            }),
        }
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// What the stub answers to the n-th request (from 0): status and body.
type Script = Arc<dyn Fn(usize) -> (u16, &'static str) + Send + Sync>;

/// The capturing stub HTTP client: records each request it is given, answers from `script`.
#[derive(Clone)]
struct Capture {
    log: Log,
    script: Script,
}

impl Capture {
    fn new(script: impl Fn(usize) -> (u16, &'static str) + Send + Sync + 'static) -> Self {
        Self {
            log: Log::default(),
            script: Arc::new(script),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
}

impl tower_service::Service<Request<SdkBody>> for Capture {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = std::future::Ready<Result<Response<SdkBody>, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let n = {
            let mut log = self.log.lock().unwrap();
            log.push(Seen::of(&req));
            log.len() - 1
        };
        let (status, body) = (self.script)(n);
        let mut resp = Response::new(SdkBody::from(body));
        *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
        std::future::ready(Ok(resp))
    }
}

/// A before- or after-signing layer that records what it sees and passes the request on.
fn recording(
    log: &Log,
) -> MapRequestLayer<impl Fn(Request<SdkBody>) -> Request<SdkBody> + Clone + Send + Sync> {
    let log = log.clone();
    MapRequestLayer::new(move |req: Request<SdkBody>| {
        log.lock().unwrap().push(Seen::of(&req));
        req
    })
}

/// The engine's two attempt paths.
#[derive(Debug, Clone, Copy)]
enum Path {
    /// No layer inside the attempt: signing and the exchange in line.
    Inline,
    /// A layer before signing (recording into the log given): the layered segment.
    Layered,
}

const PATHS: [Path; 2] = [Path::Inline, Path::Layered];

/// A builder for `info` on `path`, sending through `capture`, with `max` attempts and
/// millisecond backoff. On the layered path, `before` records what the before-signing layer
/// saw.
fn builder(
    path: Path,
    session: &Session,
    info: &'static ServiceInfo,
    capture: &Capture,
    max: u32,
    before: &Log,
) -> ClientBuilder {
    let builder = Client::builder(session, info)
        .http_client(capture.clone())
        .retry(
            RetryConfig::standard()
                .max_attempts(max)
                .initial_backoff(Duration::from_millis(1)),
        );
    match path {
        Path::Inline => builder,
        Path::Layered => builder.layer_before_signing(recording(before)),
    }
}

fn json_request() -> Request<SdkBody> {
    Request::post("/")
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .body(SdkBody::from("{}"))
        .unwrap()
}

/// The endpoint comes from the operation's facts, once, before the retry loop; every attempt
/// gets it applied. A retry here is rebuilt from a closure that knows nothing of endpoints
/// (no parameters, no extensions, a relative URI), so if any attempt resolved its own
/// endpoint it would land on the bucket-less endpoint instead of the bucket's.
#[tokio::test(start_paused = true)]
async fn the_operations_endpoint_is_applied_to_every_attempt() {
    for path in PATHS {
        let capture = Capture::new(|n| if n < 2 { (503, "") } else { (200, "<ok/>") });
        let before = Log::default();
        let client = builder(path, &session(&[]), &S3, &capture, 3, &before)
            .build()
            .unwrap();
        let build = || Ok(Request::get("/photo.jpg").body(SdkBody::empty()).unwrap());
        let meta = OperationMeta::named("GetObject")
            .endpoint_params(EndpointParams::new().str("Bucket", "bucket-a"));
        let resp = client.send_rebuilding(&build, meta).await.unwrap();
        assert_eq!(resp.status(), 200, "{path:?}");
        let seen = capture.seen();
        assert_eq!(seen.len(), 3, "{path:?}");
        for (n, s) in seen.iter().enumerate() {
            assert_eq!(
                s.uri, "https://bucket-a.s3.us-east-1.amazonaws.com/photo.jpg",
                "{path:?} attempt {n}"
            );
            assert_eq!(
                s.host.as_deref(),
                Some("bucket-a.s3.us-east-1.amazonaws.com")
            );
            assert_eq!(s.attempt, Some(format!("attempt={}; max=3", n + 1)));
            assert!(s.signed, "{path:?} attempt {n}");
        }

        // The same for a host prefix, on retries that resend a copy of the request.
        let capture = Capture::new(|n| if n < 2 { (503, "") } else { (200, "{}") });
        let client = builder(path, &session(&[]), &SQS, &capture, 3, &before)
            .build()
            .unwrap();
        let meta = OperationMeta::named("SendMessage").host_prefix(Some("data.".into()));
        client.send_operation(json_request(), meta).await.unwrap();
        let hosts: Vec<_> = capture.seen().into_iter().map(|s| s.host).collect();
        assert_eq!(
            hosts,
            vec![Some("data.sqs.us-east-1.amazonaws.com".to_owned()); 3],
            "{path:?}"
        );
    }
}

/// A credentials provider (a stub) that says when it is asked and answers only when told.
#[derive(Debug, Default)]
struct Gated {
    asked: Notify,
    open: Notify,
}

impl ProvideCredentials for Gated {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(async move {
            self.asked.notify_one();
            self.open.notified().await;
            Ok(Credentials::new(
                "AKIDLATE",
                "late-secret",
                None,
                None,
                "gated",
            ))
        })
    }
}

/// With nothing cached, the attempt waits for the provider, sends nothing meanwhile, and signs
/// with what arrives. The wait is not part of the attempt: the attempt's timer starts once
/// it has signed, so a provider slower than the attempt timeout costs no attempt.
#[tokio::test(start_paused = true)]
async fn a_request_waiting_for_credentials_signs_once_they_arrive() {
    for path in PATHS {
        let gated = Arc::new(Gated::default());
        let capture = Capture::new(|_| (200, "{}"));
        let before = Log::default();
        let client = builder(path, &session(&[]), &SQS, &capture, 1, &before)
            .credentials_provider(gated.clone() as SharedCredentialsProvider)
            .attempt_timeout(Some(Duration::from_secs(1)))
            .build()
            .unwrap();
        let sending = tokio::spawn({
            let client = client.clone();
            async move {
                client
                    .send_operation(json_request(), OperationMeta::named("SendMessage"))
                    .await
                    .map(|r| r.status())
            }
        });
        gated.asked.notified().await;
        assert!(
            capture.seen().is_empty(),
            "{path:?}: sent before credentials"
        );
        assert!(before.lock().unwrap().is_empty(), "{path:?}");
        // Five (paused) seconds of waiting for credentials, five attempt timeouts' worth.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(capture.seen().is_empty(), "{path:?}");
        gated.open.notify_one();
        assert_eq!(sending.await.unwrap().unwrap(), 200, "{path:?}");
        let seen = capture.seen();
        assert_eq!(seen.len(), 1, "{path:?}");
        assert!(seen[0].signed, "{path:?}");
        assert_eq!(seen[0].signed_by.as_deref(), Some("AKIDLATE"), "{path:?}");
    }
}

/// An anonymous client sends without any signature, on both paths, and its layers see no
/// credentials.
#[tokio::test]
async fn anonymous_clients_send_unsigned() {
    for path in PATHS {
        let capture = Capture::new(|_| (200, "{}"));
        let before = Log::default();
        let client = builder(path, &session(&[]), &SQS, &capture, 1, &before)
            .anonymous()
            .build()
            .unwrap();
        client
            .send_operation(
                json_request(),
                OperationMeta::named("AssumeRoleWithWebIdentity"),
            )
            .await
            .unwrap();
        let seen = capture.seen();
        assert_eq!(seen.len(), 1, "{path:?}");
        assert!(!seen[0].signed, "{path:?}");
        assert_eq!(seen[0].credentials, None, "{path:?}");
        if let Path::Layered = path {
            let before = before.lock().unwrap();
            assert_eq!(before.len(), 1);
            assert_eq!(before[0].credentials, None);
        }
    }
}

/// The in-line path passes the operation's facts beside the request: the exchange gets a
/// request whose one extension is the operation's name, for a user's HTTP client (this
/// test's capture is one). The layered segment's stages read them from extensions, so
/// there the engine attaches the operation name, the credentials and `ErrorsOnSuccess`;
/// signing takes the credentials out (nothing after it sees them) and the exchange takes
/// `ErrorsOnSuccess`.
#[tokio::test]
async fn only_the_layered_segment_gets_extensions() {
    let meta = || OperationMeta::named("CopyObject").errors_on_success(true);

    let capture = Capture::new(|_| (200, "<ok/>"));
    let client = builder(
        Path::Inline,
        &session(&[]),
        &S3,
        &capture,
        1,
        &Log::default(),
    )
    .build()
    .unwrap();
    let req = Request::put("/k").body(SdkBody::empty()).unwrap();
    client.send_operation(req, meta()).await.unwrap();
    let seen = capture.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].extensions, 1, "{:?}", seen[0]);
    assert_eq!(
        (
            seen[0].operation,
            seen[0].credentials.clone(),
            seen[0].errors_on_success
        ),
        (Some("CopyObject"), None, false),
        "only the name"
    );
    assert!(seen[0].signed);

    let capture = Capture::new(|_| (200, "<ok/>"));
    let (before, after) = (Log::default(), Log::default());
    let client = builder(Path::Layered, &session(&[]), &S3, &capture, 1, &before)
        .layer_after_signing(recording(&after))
        .build()
        .unwrap();
    let req = Request::put("/k").body(SdkBody::empty()).unwrap();
    client.send_operation(req, meta()).await.unwrap();
    let before = before.lock().unwrap().clone();
    let after = after.lock().unwrap().clone();
    let sent = capture.seen();
    assert_eq!((before.len(), after.len(), sent.len()), (1, 1, 1));
    let facts = |s: &Seen| {
        (
            s.operation,
            s.credentials.clone(),
            s.errors_on_success,
            s.signed,
        )
    };
    assert_eq!(
        facts(&before[0]),
        (
            Some("CopyObject"),
            Some("AKIDEXAMPLE".to_owned()),
            true,
            false
        )
    );
    assert_eq!(facts(&after[0]), (Some("CopyObject"), None, true, true));
    assert_eq!(facts(&sent[0]), (Some("CopyObject"), None, false, true));
    // Every stage saw the final URL.
    for s in [&before[0], &after[0], &sent[0]] {
        assert_eq!(s.uri, "https://s3.us-east-1.amazonaws.com/k");
    }
}

/// An endpoint the rules refuse, and a host prefix that makes no valid host, fail the
/// operation before any attempt reaches a layer or the HTTP client, and are not retried.
#[tokio::test]
async fn endpoint_errors_fail_before_anything_is_sent() {
    for path in PATHS {
        let capture = Capture::new(|_| (200, "{}"));
        let before = Log::default();
        let s = session(&[("endpoint_url", "http://127.0.0.1:1")]);
        let client = builder(path, &s, &SQS, &capture, 3, &before)
            .build()
            .unwrap();
        // SQS's rules: "FIPS and custom endpoint are not supported".
        let meta = OperationMeta::named("SendMessage")
            .endpoint_params(EndpointParams::new().bool("UseFIPS", true));
        let e = client
            .send_operation(json_request(), meta)
            .await
            .unwrap_err();
        assert!(e.is_endpoint(), "{path:?}: {e:?}");

        let meta = OperationMeta::named("SendMessage").host_prefix(Some("not a host/".into()));
        let e = client
            .send_operation(json_request(), meta)
            .await
            .unwrap_err();
        assert!(e.is_request(), "{path:?}: {e:?}");

        assert!(capture.seen().is_empty(), "{path:?}");
        assert!(before.lock().unwrap().is_empty(), "{path:?}");
    }
}

/// Whether a 200 may hide an error reaches the exchange on both paths (beside the request in
/// line, as an extension through the segment).
#[tokio::test]
async fn errors_on_success_reaches_the_exchange_on_both_paths() {
    const HIDDEN: &str =
        "<Error><Code>AccessDenied</Code><Message>no</Message><RequestId>r1</RequestId></Error>";
    for path in PATHS {
        let capture = Capture::new(|_| (200, HIDDEN));
        let client = builder(path, &session(&[]), &S3, &capture, 1, &Log::default())
            .build()
            .unwrap();
        let copy = || Request::put("/k").body(SdkBody::empty()).unwrap();
        let e = client
            .send_operation(
                copy(),
                OperationMeta::named("CopyObject").errors_on_success(true),
            )
            .await
            .unwrap_err();
        let s = e.service_error().unwrap();
        assert_eq!(
            (s.status(), s.code()),
            (200, Some("AccessDenied")),
            "{path:?}"
        );

        // Without the flag the same answer is a success, its body untouched.
        let resp = client
            .send_operation(copy(), OperationMeta::named("PutObject"))
            .await
            .unwrap();
        assert_eq!(
            resp.into_body().collect().await.unwrap(),
            HIDDEN,
            "{path:?}"
        );
    }
}

/// The operation timeout wraps the retry loop, so it also ends a backoff: with a backoff far
/// longer than the limit, the operation fails at the limit, after one attempt.
#[tokio::test(start_paused = true)]
async fn the_operation_timeout_covers_backoff() {
    for path in PATHS {
        // The jitter is random: a fixed seed and a huge bound keep the first delay well past
        // the one-second limit.
        fastrand::seed(7);
        let capture = Capture::new(|_| (503, ""));
        let before = Log::default();
        let hour = Duration::from_secs(3600);
        let client = builder(path, &session(&[]), &SQS, &capture, 3, &before)
            .retry(
                RetryConfig::standard()
                    .max_attempts(3)
                    .initial_backoff(hour)
                    .max_backoff(hour),
            )
            .operation_timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        let e = client
            .send_operation(json_request(), OperationMeta::named("SendMessage"))
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert_eq!(e.kind(), Kind::OperationTimeout, "{path:?}: {e:?}");
        assert_eq!(capture.seen().len(), 1, "{path:?}");
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_millis(1100),
            "{path:?}: {took:?}"
        );
    }
}

#[test]
fn clients_of_one_service_and_region_share_what_follows_from_the_session() {
    let session = session(&[]);
    let a = Client::new(&session, &SQS).unwrap();
    let b = Client::new(&session, &SQS).unwrap();
    assert!(Arc::ptr_eq(&a.inner.resolver, &b.inner.resolver));
    assert_eq!(a.inner.user_agent, b.inner.user_agent);
    // Another region, another service, another session: their own.
    let west = ClientBuilder::<Client>::new(&session, &SQS)
        .region("us-west-2")
        .build()
        .unwrap();
    assert!(!Arc::ptr_eq(&a.inner.resolver, &west.inner.resolver));
    let s3 = Client::new(&session, &S3).unwrap();
    assert!(!Arc::ptr_eq(&a.inner.resolver, &s3.inner.resolver));
    let other = Client::new(&self::session(&[]), &SQS).unwrap();
    assert!(!Arc::ptr_eq(&a.inner.resolver, &other.inner.resolver));
    // And the shared state is right for each.
    let host = |c: &Client| c.inner.resolver.resolve(None).unwrap().url();
    assert_eq!(host(&b), "https://sqs.us-east-1.amazonaws.com");
    assert_eq!(host(&west), "https://sqs.us-west-2.amazonaws.com");
}
