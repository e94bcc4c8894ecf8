//! Server errors and throttling in the three protocols: retried with backoff (never waiting
//! out an hour-long `Retry-After`), stopped at `max_attempts`, bounded by the retry quota;
//! client errors sent once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use session_testkit::faults::{http_date, Fault, FaultServer, Script};

use crate::support::fixtures::*;
use crate::support::{assert_attempts_of_one_operation, assert_one_operation, operations};
use crate::support::{s3, sqs, sts, Clock, Path};

/// SQS `InternalError` (500), then success: `SendMessage` is retried once, as the same
/// request, and its effect confirmed once.
async fn sqs_internal_error_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        sqs_internal(),
        Fault::json(200, sqs_sent_body()),
    ]))
    .await
    .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    send(&sqs).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(sqs_internal_error_then_success);

/// SQS throttling with `Retry-After: 3600`: retried after the SDK's own backoff (the SDKs
/// cap or ignore the header), not an hour later.
async fn sqs_throttling_with_an_hour_long_retry_after(path: Path) {
    let server = FaultServer::start(Script::queue([
        sqs_throttled().retry_after("3600"),
        Fault::json(200, sqs_sent_body()),
    ]))
    .await
    .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    send(&sqs).await.unwrap();
    clock.within(Duration::from_secs(7));
    assert_one_operation(&server, 2);
}
scenario!(sqs_throttling_with_an_hour_long_retry_after);

/// STS `Throttling` in a query `<ErrorResponse>`, then success.
async fn sts_throttling_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        sts_error(400, "Throttling", "Rate exceeded"),
        sts_identity(),
    ]))
    .await
    .unwrap();
    let sts = sts(&server.session(), path, 3);
    let clock = Clock::start();
    identity(&sts).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(sts_throttling_then_success);

/// STS 503 with a `Retry-After` HTTP date an hour ahead: retried without waiting for it.
async fn sts_unavailable_with_a_retry_after_date(path: Path) {
    let in_an_hour = http_date(SystemTime::now() + Duration::from_secs(3600));
    let server = FaultServer::start(Script::queue([
        sts_error(503, "ServiceUnavailable", "Service is unavailable").retry_after(&in_an_hour),
        sts_identity(),
    ]))
    .await
    .unwrap();
    let sts = sts(&server.session(), path, 3);
    let clock = Clock::start();
    identity(&sts).await.unwrap();
    clock.within(Duration::from_secs(7));
    assert_one_operation(&server, 2);
}
scenario!(sts_unavailable_with_a_retry_after_date);

/// S3 `SlowDown` (503, XML), then success.
async fn s3_slow_down_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_error(503, "SlowDown", "Please reduce your request rate.").retry_after("1"),
        s3_listing(),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(3));
    assert_one_operation(&server, 2);
}
scenario!(s3_slow_down_then_success);

/// S3 `InternalError` on `PutObject`: the retry sends the same body again.
async fn s3_put_retried_with_the_same_body(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_error(500, "InternalError", "We encountered an internal error."),
        Fault::ok().header("etag", "\"5d41402abc4b2a76b9719d911017c592\""),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    let out = s3
        .put_object()
        .bucket(BUCKET)
        .key("once")
        .body("the object's bytes")
        .send()
        .await
        .unwrap();
    clock.within(Duration::from_secs(2));
    assert!(out.e_tag.is_some());
    let seen = assert_one_operation(&server, 2);
    assert!(seen[1].body_text().contains("the object's bytes"));
}
scenario!(s3_put_retried_with_the_same_body);

/// A service that always fails: SQS stops at `max_attempts` (3) with the last error.
async fn sqs_always_failing_stops_at_max_attempts(path: Path) {
    let server = FaultServer::start(Script::always(sqs_internal()))
        .await
        .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    let e = send(&sqs).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let s = e.service_error().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!((s.status(), s.code()), (500, Some("InternalError")));
    assert_one_operation(&server, 3);
}
scenario!(sqs_always_failing_stops_at_max_attempts);

/// Always throttled: STS (4 attempts) and S3 (5 attempts) stop at their `max_attempts`, and
/// the error says throttling.
async fn always_throttled_stops_at_max_attempts(path: Path) {
    let server = FaultServer::start(Script::always(sts_error(
        400,
        "Throttling",
        "Rate exceeded",
    )))
    .await
    .unwrap();
    let clock = Clock::start();
    let e = identity(&sts(&server.session(), path, 4))
        .await
        .unwrap_err();
    assert!(e.is_throttling(), "{e:?}");
    assert_one_operation(&server, 4);

    let server = FaultServer::start(Script::always(s3_error(
        503,
        "SlowDown",
        "Reduce your rate",
    )))
    .await
    .unwrap();
    let e = list(&s3(&server.session(), path, 5)).await.unwrap_err();
    assert!(e.is_throttling(), "{e:?}");
    assert_one_operation(&server, 5);
    clock.within(Duration::from_secs(4));
}
scenario!(always_throttled_stops_at_max_attempts);

/// The retry quota (500, 5 per retry): 50 failing operations of 3 attempts drain it, so the
/// next makes one attempt; 5 operations that succeed at once refill 5, enough for exactly
/// one retry more.
async fn retry_quota_drains_and_refills(path: Path) {
    let healthy = Arc::new(AtomicBool::new(false));
    let state = healthy.clone();
    let server = FaultServer::start(Script::from_fn(move |_| {
        if state.load(Ordering::SeqCst) {
            sqs_queues()
        } else {
            sqs_internal()
        }
    }))
    .await
    .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    let attempts_of = |ops: &[Vec<_>]| ops.iter().map(Vec::len).collect::<Vec<_>>();
    for _ in 0..50 {
        queues(&sqs).await.unwrap_err();
    }
    assert_eq!(attempts_of(&operations(&server)), [3; 50]);
    // Drained: no retry left.
    queues(&sqs).await.unwrap_err();
    queues(&sqs).await.unwrap_err();
    healthy.store(true, Ordering::SeqCst);
    for _ in 0..5 {
        queues(&sqs).await.unwrap();
    }
    healthy.store(false, Ordering::SeqCst);
    let e = queues(&sqs).await.unwrap_err();
    assert_eq!(e.service_error().map(|s| s.status()), Some(500), "{e:?}");
    queues(&sqs).await.unwrap_err();
    let ops = operations(&server);
    assert_eq!(attempts_of(&ops[50..]), [1, 1, 1, 1, 1, 1, 1, 2, 1]);
    for op in &ops {
        assert_attempts_of_one_operation(op);
    }
    clock.within(Duration::from_secs(10));
}
scenario!(retry_quota_drains_and_refills);

/// Client errors (SQS `QueueDoesNotExist`, S3 `NoSuchBucket`) are not retried: one
/// request each, so nothing is done twice.
async fn client_errors_are_sent_once(path: Path) {
    let server = FaultServer::start(Script::always(sqs_error(
        400,
        "QueueDoesNotExist",
        "The specified queue does not exist.",
    )))
    .await
    .unwrap();
    let clock = Clock::start();
    let e = send(&sqs(&server.session(), path, 3)).await.unwrap_err();
    assert_eq!(e.code(), Some("QueueDoesNotExist"), "{e:?}");
    assert_one_operation(&server, 1);

    let server = FaultServer::start(Script::always(s3_error(
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
    )))
    .await
    .unwrap();
    let e = list(&s3(&server.session(), path, 3)).await.unwrap_err();
    assert_eq!(e.code(), Some("NoSuchBucket"), "{e:?}");
    assert_one_operation(&server, 1);
    clock.within(Duration::from_secs(2));
}
scenario!(client_errors_are_sent_once);
