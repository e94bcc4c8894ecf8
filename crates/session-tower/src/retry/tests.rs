use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::{Request, Response};
use tower::{service_fn, ServiceExt};
use tower_service::Service;

use super::ids::invocation_id;
use super::policy::Resend;
use super::*;
use crate::body::SdkBody;
use crate::clock::Clock;
use crate::error::ServiceError;
use crate::error::{Error, Kind};

type Script = Arc<Mutex<Vec<Result<u16, Error>>>>;

type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A stub inner service (not a real server): answers from a script and records the
/// headers of each attempt.
#[allow(clippy::type_complexity)]
fn scripted(
    script: Vec<Result<u16, Error>>,
) -> (
    impl Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error, Future = impl Send>
        + Clone
        + Send
        + 'static,
    Seen,
) {
    let script: Script = Arc::new(Mutex::new(script.into_iter().rev().collect()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let svc = service_fn(move |req: Request<SdkBody>| {
        let h = |n| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        seen2
            .lock()
            .unwrap()
            .push((h("amz-sdk-invocation-id"), h("amz-sdk-request")));
        let next = script.lock().unwrap().pop().expect("script exhausted");
        async move {
            next.map(|status| {
                let mut r = Response::new(SdkBody::empty());
                *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
                r
            })
        }
    });
    (svc, seen)
}

fn service_err(status: u16, code: &str) -> Error {
    Error::service(ServiceError::new(status, Some(code.into()), None, None))
}

fn policy(max: u32) -> RetryPolicy {
    RetryPolicy::standard(RetryConfig::standard().max_attempts(max), Clock::default())
}

/// One operation through `policy`'s retry loop, each attempt sent to a clone of `svc`.
async fn run<S>(
    policy: &RetryPolicy,
    svc: S,
    req: Request<SdkBody>,
) -> Result<Response<SdkBody>, Error>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error> + Clone,
{
    policy
        .drive(
            req,
            Resend::Copy,
            crate::metrics::Operation::of("test", "Test"),
            false,
            None,
            |req, _attempt, _redirected| svc.clone().oneshot(req),
        )
        .await
}

fn req() -> Request<SdkBody> {
    Request::new(SdkBody::from("payload"))
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_retried_with_attempt_headers() {
    let (svc, seen) = scripted(vec![Err(service_err(503, "ServiceUnavailable")), Ok(200)]);
    let resp = run(&policy(3), svc, req()).await.unwrap();
    assert_eq!(resp.status(), 200);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].1, "attempt=1; max=3");
    assert_eq!(seen[1].1, "attempt=2; max=3");
    assert_eq!(seen[0].0, seen[1].0, "one invocation id per operation");
    assert_eq!(seen[0].0.len(), 36);
}

#[tokio::test(start_paused = true)]
async fn non_retryable_errors_return_at_once() {
    let (svc, seen) = scripted(vec![Err(service_err(400, "ValidationError"))]);
    let e = run(&policy(3), svc, req()).await.unwrap_err();
    assert_eq!(e.service_error().unwrap().code(), Some("ValidationError"));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn max_attempts_bounds_the_loop() {
    let errs = (0..5)
        .map(|_| Err(service_err(500, "InternalError")))
        .collect();
    let (svc, seen) = scripted(errs);
    let e = run(&policy(4), svc, req()).await.unwrap_err();
    assert!(e.is_service());
    assert_eq!(seen.lock().unwrap().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn streaming_bodies_are_sent_once() {
    let (svc, seen) = scripted(vec![Err(Error::new(Kind::Io))]);
    let body = SdkBody::from_stream(http_body_util::Full::new(bytes::Bytes::from_static(b"x")));
    let e = run(&policy(3), svc, Request::new(body)).await.unwrap_err();
    assert!(e.is_io());
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_quota_stops_a_retry_storm() {
    let policy = policy(2);
    let mut attempts = 0;
    for _ in 0..150 {
        let (svc, seen) = scripted(
            (0..2)
                .map(|_| Err(service_err(500, "InternalError")))
                .collect(),
        );
        let _ = run(&policy, svc, req()).await;
        attempts += seen.lock().unwrap().len();
    }
    // 500 / 5 = 100 retries allowed, then every operation gets one attempt.
    assert_eq!(attempts, 150 + 100);
}

#[tokio::test(start_paused = true)]
async fn clock_skew_is_corrected_then_retried() {
    let clock = Clock::default();
    let server_time = SystemTime::now() + Duration::from_secs(3600);
    let skew = Error::service(
        ServiceError::new(403, Some("RequestTimeTooSkewed".into()), None, None)
            .with_server_time(Some(server_time)),
    );
    let (svc, seen) = scripted(vec![Err(skew), Ok(200)]);
    let retry = RetryPolicy::standard(RetryConfig::standard(), clock.clone());
    assert!(run(&retry, svc, req()).await.is_ok());
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(clock.now() > SystemTime::now() + Duration::from_secs(3500));
}

#[test]
fn backoff_is_full_jitter_capped() {
    let c = RetryConfig::standard();
    for retry in 1..12 {
        let bound = Duration::from_secs(1u64 << (retry - 1)).min(Duration::from_secs(20));
        for _ in 0..50 {
            assert!(c.backoff(retry) <= bound);
        }
    }
    let total: Duration = (0..200).map(|_| c.backoff(10)).sum();
    assert!(
        total > Duration::from_secs(200 * 5),
        "jitter should spread up to the cap"
    );
}

#[test]
fn invocation_ids_are_version_4_uuids() {
    let a = invocation_id();
    let s = a.to_str().unwrap();
    assert_eq!(s.len(), 36);
    for (i, c) in s.char_indices() {
        if matches!(i, 8 | 13 | 18 | 23) {
            assert_eq!(c, '-', "{s}");
        } else {
            assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{s}");
        }
    }
    assert_eq!(&s[14..15], "4", "{s}");
    assert!("89ab".contains(&s[19..20]), "{s}");
    assert_ne!(a, invocation_id());
}
