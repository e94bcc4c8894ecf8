use http::HeaderMap;

use super::*;
use crate::protocol::Protocol;

/// An S3 error answer as the response stage parses it.
fn answer(status: u16, headers: &[(&'static str, &'static str)], body: &str) -> ServiceError {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, http::HeaderValue::from_static(value));
    }
    Protocol::RestXml.parse_error(status, &map, body.as_bytes())
}

fn s3_error(code: &str, extra: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>m</Message>{extra}<RequestId>r</RequestId></Error>")
}

const HEADER: (&str, &str) = ("x-amz-bucket-region", "eu-west-1");

#[test]
fn redirects_name_the_bucket_region_from_the_header() {
    for (status, code) in [
        (301, "PermanentRedirect"),
        (307, "TemporaryRedirect"),
        (302, "Found"),
        (400, "AuthorizationHeaderMalformed"),
    ] {
        let e = answer(status, &[HEADER], &s3_error(code, ""));
        assert_eq!(bucket_region(&e).as_deref(), Some("eu-west-1"), "{status}");
    }
    // HEAD answers have no body: the status and the header say it all.
    for status in [301, 400] {
        let e = answer(status, &[HEADER], "");
        assert_eq!(bucket_region(&e).as_deref(), Some("eu-west-1"), "{status}");
    }
}

#[test]
fn the_body_names_the_region_when_the_header_does_not() {
    let body = s3_error(
        "AuthorizationHeaderMalformed",
        "<Region>ap-southeast-2</Region>",
    );
    let e = answer(400, &[], &body);
    assert_eq!(bucket_region(&e).as_deref(), Some("ap-southeast-2"));
    // The header wins over the body.
    let e = answer(400, &[HEADER], &body);
    assert_eq!(bucket_region(&e).as_deref(), Some("eu-west-1"));
}

#[test]
fn other_errors_are_not_redirects() {
    // S3 sends the header on many answers; only a redirect means "go there".
    for (status, code) in [
        (403, "AccessDenied"),
        (404, "NoSuchBucket"),
        (400, "InvalidArgument"),
        (500, "InternalError"),
    ] {
        let e = answer(status, &[HEADER], &s3_error(code, ""));
        assert_eq!(bucket_region(&e), None, "{code}");
    }
    // A redirect that does not say where to: nothing known.
    let e = answer(301, &[], &s3_error("PermanentRedirect", ""));
    assert_eq!(bucket_region(&e), None);
    let e = answer(301, &[("x-amz-bucket-region", " ")], "");
    assert_eq!(bucket_region(&e), None);
}

#[test]
fn a_note_shows_in_the_error_text() {
    let mut e = answer(301, &[HEADER], "");
    e.note = Some("the bucket is in region eu-west-1".into());
    let text = Error::service(e).to_string();
    assert!(
        text.ends_with("HTTP 301 PermanentRedirect; the bucket is in region eu-west-1"),
        "{text}"
    );
}

// --- Through a client: the HTTP client is an in-process STUB that answers from the
// request's host (no socket: the fault suite runs the same against a server). ---

mod through_a_client {
    use std::sync::{Arc, Mutex};

    use http::{Request, Response};
    use session_core::{Env, Session};
    use session_endpoints::RuleSet;

    use crate::body::SdkBody;
    use crate::client::{Client, OperationMeta, ServiceInfo};
    use crate::endpoint::EndpointParams;
    use crate::error::Error;
    use crate::protocol::Protocol;
    use crate::retry::RetryConfig;

    fn s3_rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| {
            RuleSet::from_json(include_str!(
                "../../../../models/s3/endpoint-rule-set-1.json"
            ))
            .unwrap()
        })
    }

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

    /// What the stub saw: host, `amz-sdk-request`, and the credential scope's region.
    type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

    /// A client in `us-east-1` whose HTTP client redirects every request not sent to one of
    /// `homes` (hosts containing `.{region}.`) to the next region of `homes`.
    fn redirecting(
        settings: &[(&str, &str)],
        homes: &'static [&'static str],
        max: u32,
    ) -> (Client, Seen) {
        let mut session = Session::builder()
            .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDEXAMPLE")
            .secret_access_key("redirect-test-secret");
        for (name, value) in settings {
            session = session.setting(*name, *value);
        }
        let seen: Seen = Arc::default();
        let log = seen.clone();
        let stub = tower::service_fn(move |req: Request<SdkBody>| {
            let header = |n: &str| {
                req.headers()
                    .get(n)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let host = header("host");
            let scope = header("authorization")
                .split('/')
                .nth(2)
                .unwrap_or_default()
                .to_owned();
            let mut log = log.lock().unwrap();
            log.push((host.clone(), header("amz-sdk-request"), scope));
            let home = homes.get(log.len() - 1).or(homes.last()).copied().unwrap();
            let resp = if host.contains(&format!(".{home}.")) {
                Response::new(SdkBody::from("<ListBucketResult/>"))
            } else {
                let mut r = Response::new(SdkBody::empty());
                *r.status_mut() = http::StatusCode::MOVED_PERMANENTLY;
                r.headers_mut()
                    .insert("x-amz-bucket-region", home.parse().unwrap());
                r
            };
            std::future::ready(Ok::<_, Error>(resp))
        });
        let client = Client::builder(&session.build().unwrap(), &S3)
            .retry(RetryConfig::standard().max_attempts(max))
            .http_client(stub)
            .build()
            .unwrap();
        (client, seen)
    }

    fn list(bucket: &str) -> (Request<SdkBody>, OperationMeta) {
        let req = Request::get("/?list-type=2")
            .body(SdkBody::empty())
            .unwrap();
        let meta = OperationMeta::named("ListObjectsV2")
            .endpoint_params(EndpointParams::new().str("Bucket", bucket))
            .region_redirects(true);
        (req, meta)
    }

    async fn send(
        client: &Client,
        (req, meta): (Request<SdkBody>, OperationMeta),
    ) -> Result<u16, Error> {
        client
            .send_operation(req, meta)
            .await
            .map(|r| r.status().as_u16())
    }

    #[tokio::test]
    async fn followed_once_outside_the_retry_budget_and_remembered() {
        // No retries at all: the redirect's resend is not one.
        let (client, seen) = redirecting(&[], &["eu-west-1"], 1);
        assert_eq!(send(&client, list("bkt")).await.unwrap(), 200);
        assert_eq!(
            *seen.lock().unwrap(),
            [
                (
                    "bkt.s3.us-east-1.amazonaws.com".into(),
                    "attempt=1; max=1".into(),
                    "us-east-1".into()
                ),
                (
                    "bkt.s3.eu-west-1.amazonaws.com".into(),
                    "attempt=2; max=2".into(),
                    "eu-west-1".into()
                ),
            ]
        );
        // Clones share the cache: the next operation goes straight to the bucket's region.
        assert_eq!(send(&client.clone(), list("bkt")).await.unwrap(), 200);
        assert_eq!(seen.lock().unwrap()[2].0, "bkt.s3.eu-west-1.amazonaws.com");
        // Another bucket starts from the client's region.
        assert_eq!(send(&client, list("other")).await.unwrap(), 200);
        assert_eq!(
            seen.lock().unwrap()[3].0,
            "other.s3.us-east-1.amazonaws.com"
        );
    }

    /// A client in `us-east-1` whose HTTP client answers a GET outside `eu-west-1` with a
    /// redirect that names no region, and a HEAD with `head` (status, region header).
    fn asking(head: (u16, Option<&'static str>)) -> (Client, Arc<Mutex<Vec<String>>>) {
        let session = Session::builder()
            .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDEXAMPLE")
            .secret_access_key("redirect-test-secret")
            .build()
            .unwrap();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = seen.clone();
        let stub = tower::service_fn(move |req: Request<SdkBody>| {
            let host = req.headers()["host"].to_str().unwrap().to_owned();
            log.lock().unwrap().push(format!("{} {host}", req.method()));
            let mut r = Response::new(SdkBody::empty());
            if req.method() == http::Method::HEAD {
                *r.status_mut() = http::StatusCode::from_u16(head.0).unwrap();
                if let Some(region) = head.1 {
                    r.headers_mut()
                        .insert("x-amz-bucket-region", region.parse().unwrap());
                }
            } else if host.contains(".eu-west-1.") {
                *r.body_mut() = SdkBody::from("<ListBucketResult/>");
            } else {
                *r.status_mut() = http::StatusCode::MOVED_PERMANENTLY;
            }
            std::future::ready(Ok::<_, Error>(r))
        });
        let client = Client::builder(&session, &S3)
            .retry(RetryConfig::standard().max_attempts(1))
            .http_client(stub)
            .build()
            .unwrap();
        (client, seen)
    }

    #[tokio::test]
    async fn a_redirect_without_a_region_asks_with_head_bucket_once() {
        // S3 names the region on a HeadBucket's redirect (or 403) even where a GET's
        // redirect did not.
        for status in [301, 403, 200] {
            let (client, seen) = asking((status, Some("eu-west-1")));
            assert_eq!(send(&client, list("bkt")).await.unwrap(), 200, "{status}");
            assert_eq!(
                *seen.lock().unwrap(),
                [
                    "GET bkt.s3.us-east-1.amazonaws.com",
                    "HEAD bkt.s3.us-east-1.amazonaws.com",
                    "GET bkt.s3.eu-west-1.amazonaws.com",
                ],
                "{status}"
            );
            // Remembered like a region the redirect named.
            assert_eq!(send(&client, list("bkt")).await.unwrap(), 200);
            assert_eq!(seen.lock().unwrap().len(), 4);
        }
        // No region in the HeadBucket's answer either: the redirect comes back as it came,
        // after one question.
        let (client, seen) = asking((403, None));
        let e = send(&client, list("bkt")).await.unwrap_err();
        assert_eq!(e.service_error().unwrap().status(), 301);
        assert_eq!(seen.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_second_redirect_is_returned_naming_the_region() {
        let (client, seen) = redirecting(&[], &["eu-west-1", "us-west-2"], 3);
        let e = send(&client, list("bkt")).await.unwrap_err();
        assert_eq!(seen.lock().unwrap().len(), 2);
        assert_eq!(e.service_error().unwrap().status(), 301);
        assert!(
            e.to_string().contains("the bucket is in region us-west-2"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn not_followed_from_a_configured_endpoint_or_without_the_flag() {
        let (client, seen) = redirecting(
            &[("endpoint_url", "https://s3.example.com")],
            &["eu-west-1"],
            3,
        );
        let e = send(&client, list("bkt")).await.unwrap_err();
        assert_eq!(seen.lock().unwrap().len(), 1);
        assert!(
            e.to_string().contains("the bucket is in region eu-west-1"),
            "{e}"
        );

        // An operation that does not ask for redirects (not S3's) gets the plain error.
        let (client, seen) = redirecting(&[], &["eu-west-1"], 3);
        let (req, mut meta) = list("bkt");
        meta.region_redirects = false;
        let e = send(&client, (req, meta)).await.unwrap_err();
        assert_eq!(seen.lock().unwrap().len(), 1);
        assert!(!e.to_string().contains("eu-west-1"), "{e}");
    }
}
