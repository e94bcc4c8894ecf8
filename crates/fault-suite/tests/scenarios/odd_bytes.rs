//! Heads too large for any client, and bytes that are not UTF-8 where text is expected:
//! errors, never panics, never loops.

use std::time::Duration;

use session_testkit::faults::{Fault, FaultServer, Script};

use crate::support::fixtures::*;
use crate::support::{assert_one_operation, s3, sqs, Clock, Path};

/// A 16 KiB header (large metadata) is an ordinary answer.
async fn a_large_header_within_limits_is_fine(path: Path) {
    let server = FaultServer::start(sqs_queues().huge_header("x-amz-meta-padding", 16 * 1024))
        .await
        .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    queues(&sqs).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 1);
}
scenario!(a_large_header_within_limits_is_fine);

/// A 1 MiB header, and 500 headers: heads no HTTP client accepts. Each is a connection or
/// response error (not a service error, not a hang) within `max_attempts`.
async fn oversized_heads_are_errors(path: Path) {
    let mut many = s3_listing();
    for i in 0..500 {
        many = many.header(&format!("x-amz-meta-h{i}"), "v");
    }
    for plan in [s3_listing().huge_header("x-amz-meta-huge", 1 << 20), many] {
        let server = FaultServer::start(Script::always(plan)).await.unwrap();
        let s3 = s3(&server.session(), path, 3);
        let clock = Clock::start();
        let e = list(&s3).await.unwrap_err();
        clock.within(Duration::from_secs(3));
        let stack = e.as_stack().unwrap_or_else(|| panic!("{e:?}"));
        assert!(stack.is_io() || stack.is_response(), "{e:?}");
        let attempts = server.request_count();
        assert!((1..=3).contains(&attempts), "{attempts} attempts");
    }
}
scenario!(oversized_heads_are_errors);

/// Header values that are not UTF-8 (a request id, metadata): the answer is still read.
async fn non_utf8_header_values_are_tolerated(path: Path) {
    let server = FaultServer::start(
        s3_listing()
            .header_bytes(b"x-amz-id-2", b"\xff\xfe\x80")
            .header_bytes(b"x-amz-meta-name", b"caf\xe9"),
    )
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 1);
}
scenario!(non_utf8_header_values_are_tolerated);

/// Error bodies with bytes that are not UTF-8 (JSON and XML): still service errors with
/// their status, not retried.
async fn non_utf8_error_bodies_are_service_errors(path: Path) {
    let json =
        b"{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"no queue \xff\xfe\"}";
    let server = FaultServer::start(Fault::json(400, json.to_vec()))
        .await
        .unwrap();
    let clock = Clock::start();
    let e = send(&sqs(&server.session(), path, 3)).await.unwrap_err();
    assert_eq!(e.service_error().map(|s| s.status()), Some(400), "{e:?}");
    assert_one_operation(&server, 1);

    let xml = b"<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>no bucket \xff\xfe</Message></Error>";
    let server = FaultServer::start(
        Fault::xml(404, xml.to_vec()).header_bytes(b"x-amz-request-id", b"\xffid"),
    )
    .await
    .unwrap();
    let e = list(&s3(&server.session(), path, 3)).await.unwrap_err();
    assert_eq!(e.service_error().map(|s| s.status()), Some(404), "{e:?}");
    assert_one_operation(&server, 1);
    clock.within(Duration::from_secs(2));
}
scenario!(non_utf8_error_bodies_are_service_errors);

/// A 200 listing with a key that is not UTF-8: either read (the byte replaced) or a
/// response error; never a panic, never retried (the same answer would come again).
async fn non_utf8_success_body_is_handled(path: Path) {
    // A lone continuation byte where the `@` is.
    let bad: Vec<u8> = s3_listing_body()
        .replace("report.csv", "report-@.csv")
        .bytes()
        .map(|b| if b == b'@' { 0x80 } else { b })
        .collect();
    let server = FaultServer::start(Fault::xml(200, bad)).await.unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    match s3.list_objects_v2().bucket(BUCKET).send().await {
        Ok(out) => {
            let key = out.contents.unwrap_or_default()[0].key.clone();
            assert_eq!(key.as_deref(), Some("report-\u{FFFD}.csv"));
        }
        Err(e) => {
            let stack = e.as_stack().unwrap_or_else(|| panic!("{e:?}"));
            assert!(stack.is_response(), "{e:?}");
        }
    }
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 1);
}
scenario!(non_utf8_success_body_is_handled);
