//! S3 region redirects (301 `PermanentRedirect`, 307 `TemporaryRedirect`, with
//! `x-amz-bucket-region`). With the endpoint from the rules, the SDKs that follow them
//! re-sign for the bucket's region, resend, and remember the region for the bucket; with a
//! configured `endpoint_url` there is nowhere else to go, so the error names the region.

use std::net::SocketAddr;
use std::time::Duration;

use http::Request;
use session_core::{Env, Session};
use session_testkit::error_chain;
use session_testkit::faults::{Fault, FaultServer, Script, SeenRequest};
use session_tower::transport::Transport;
use session_tower::SdkBody;
use tower::Service as _;

use crate::support::fixtures::*;
use crate::support::{assert_one_operation, build, retries, s3, Clock, Path};

const BUCKET_REGION: &str = "eu-west-1";

/// Stands in for DNS: every request goes to the fault server over plain HTTP, its URL's
/// host kept in the `Host` header (which was signed), so the endpoint stays the one the
/// rules chose (`fault-bucket.s3.<region>.amazonaws.com`).
fn routed_to(
    addr: SocketAddr,
) -> impl tower::Service<
    Request<SdkBody>,
    Response = http::Response<SdkBody>,
    Error = session_tower::Error,
    Future = impl Send + 'static,
> + Clone
       + Send
       + Sync
       + 'static {
    let transport = Transport::builder().build().expect("transport");
    tower::service_fn(move |mut req: Request<SdkBody>| {
        let mut transport = transport.clone();
        let target = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        *req.uri_mut() = format!("http://{addr}{target}").parse().expect("uri");
        async move { transport.call(req).await }
    })
}

/// A session with no `endpoint_url`, so S3's endpoint comes from the rules (isolated from
/// the machine's configuration; the testkit's session helpers always set an endpoint).
fn rules_session(server: &FaultServer) -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id(server.credentials().access_key_id())
        .secret_access_key(server.credentials().secret_access_key())
        .build()
        .expect("session")
}

fn in_bucket_region(req: &SeenRequest) -> bool {
    req.host()
        .is_some_and(|h| h.contains(&format!(".{BUCKET_REGION}.")))
        && req
            .header("authorization")
            .is_some_and(|a| a.contains(&format!("/{BUCKET_REGION}/s3/aws4_request")))
}

/// A server that redirects with `status` unless the request is for the bucket's region.
fn redirecting(status: u16) -> Script {
    Script::from_fn(move |req| {
        if in_bucket_region(req) {
            s3_listing()
        } else {
            Fault::s3_redirect(status, BUCKET, BUCKET_REGION)
        }
    })
}

/// Follows a `status` redirect: the second attempt goes to the bucket's region, signed for
/// it; the next operation on the bucket goes there directly (the bucket-region cache).
async fn follows(status: u16, path: Path) {
    let server = FaultServer::start(redirecting(status)).await.unwrap();
    let s3 = build(
        services_s3::S3Client::builder(&rules_session(&server))
            .retry(retries(3))
            .http_client(routed_to(server.addr())),
        path,
    );
    let clock = Clock::start();
    list(&s3).await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "{:?}", crate::support::summary(&seen));
    assert!(!in_bucket_region(&seen[0]));
    assert!(in_bucket_region(&seen[1]), "{:?}", seen[1].headers);
    list(&s3).await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert!(
        in_bucket_region(&seen[2]),
        "the bucket's region is remembered"
    );
    clock.within(Duration::from_secs(2));
}

/// 301 `PermanentRedirect` to another region, endpoint from the rules: followed.
async fn s3_permanent_redirect_is_followed(path: Path) {
    follows(301, path).await;
}
scenario!(s3_permanent_redirect_is_followed);

/// 307 `TemporaryRedirect` to another region, endpoint from the rules: followed.
async fn s3_temporary_redirect_is_followed(path: Path) {
    follows(307, path).await;
}
scenario!(s3_temporary_redirect_is_followed);

/// A redirect from a configured `endpoint_url`: not followed (there is no other endpoint
/// to go to), sent once, and the error keeps the region header.
async fn s3_redirect_from_an_endpoint_url_is_not_followed(path: Path) {
    let server = FaultServer::start(Fault::s3_redirect(301, BUCKET, BUCKET_REGION))
        .await
        .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    let e = list(&s3).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let s = e.service_error().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!((s.status(), s.code()), (301, Some("PermanentRedirect")));
    assert_eq!(
        s.headers()
            .get("x-amz-bucket-region")
            .and_then(|v| v.to_str().ok()),
        Some(BUCKET_REGION)
    );
    assert_one_operation(&server, 1);
}
scenario!(s3_redirect_from_an_endpoint_url_is_not_followed);

/// `HeadBucket` redirected (no body, the region only in `x-amz-bucket-region`) from a
/// configured `endpoint_url`: the error's text names the bucket's region.
async fn s3_redirect_error_names_the_region(path: Path) {
    let server = FaultServer::start(
        Fault::status(301)
            .header("x-amz-bucket-region", BUCKET_REGION)
            .header("x-amz-request-id", "head-301"),
    )
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let e = s3.head_bucket().bucket(BUCKET).send().await.unwrap_err();
    assert_eq!(e.service_error().map(|s| s.status()), Some(301), "{e:?}");
    let text = error_chain(&e);
    assert!(text.contains(BUCKET_REGION), "{text}");
    assert_one_operation(&server, 1);
}
scenario!(s3_redirect_error_names_the_region);

/// A redirect that names no region (no header, no `<Region>`), endpoint from the rules:
/// one `HeadBucket` asks, its 301 names the region in `x-amz-bucket-region`, and the
/// listing is sent there (boto3's fallback). Three requests, within the retry budget of one.
async fn s3_redirect_without_a_region_asks_head_bucket(path: Path) {
    let server = FaultServer::start(Script::from_fn(|req| {
        if in_bucket_region(req) {
            s3_listing()
        } else if req.method == "HEAD" {
            Fault::status(301).header("x-amz-bucket-region", BUCKET_REGION)
        } else {
            Fault::status(301)
                .header("content-type", "application/xml")
                .body("<Error><Code>PermanentRedirect</Code><Message>elsewhere</Message></Error>")
        }
    }))
    .await
    .unwrap();
    let s3 = build(
        services_s3::S3Client::builder(&rules_session(&server))
            .retry(retries(1))
            .http_client(routed_to(server.addr())),
        path,
    );
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    let seen = server.requests();
    let methods: Vec<&str> = seen.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        ["GET", "HEAD", "GET"],
        "{:?}",
        crate::support::summary(&seen)
    );
    assert!(
        !in_bucket_region(&seen[1]),
        "asked where the redirect came from"
    );
    assert!(in_bucket_region(&seen[2]));
}
scenario!(s3_redirect_without_a_region_asks_head_bucket);
