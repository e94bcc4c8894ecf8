//! Bodies that are cut short, too long, badly chunked, malformed, or an error inside a 200.

use std::time::Duration;

use session_testkit::faults::{At, Fault, FaultServer, Script};

use crate::support::fixtures::*;
use crate::support::{assert_one_operation, assert_same_request_sent, operations};
use crate::support::{s3, sqs, sts, Clock, Path};

/// A 200 whose `Content-Length` promises more than is sent before the close: an incomplete
/// answer, retried like a connection error.
async fn truncated_success_body_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        sts_identity().truncate_body(40),
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
scenario!(truncated_success_body_then_success);

/// A truncated 503 body: the attempt failed either way, and is retried.
async fn truncated_error_body_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        sqs_error(503, "ServiceUnavailable", "Service is unavailable").truncate_body(10),
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
scenario!(truncated_error_body_then_success);

/// More bytes than `Content-Length` (here a whole smuggled response) after a 200: the
/// answer is the declared body, and the connection holding the rest is not reused, so the
/// next operation gets its own answer.
async fn over_long_body_does_not_leak_into_the_next_answer(path: Path) {
    let smuggled = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 2\r\n\r\n{}";
    let server = FaultServer::start(Script::queue([
        sqs_queues().extra_body(smuggled),
        sqs_queues(),
    ]))
    .await
    .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    queues(&sqs).await.unwrap();
    queues(&sqs).await.unwrap();
    clock.within(Duration::from_secs(2));
    let ops = operations(&server);
    assert_eq!(ops.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1]);
    assert_ne!(ops[0][0].connection, ops[1][0].connection);
}
scenario!(over_long_body_does_not_leak_into_the_next_answer);

/// A chunked 200 with a malformed chunk-size line: an incomplete answer, retried.
async fn bad_chunk_in_a_success_body_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_listing().bad_chunk(64),
        s3_listing().chunked(64),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(bad_chunk_in_a_success_body_then_success);

/// A chunked 500 with a malformed chunk: retried, and the chunked 200 that follows is read.
async fn bad_chunk_in_an_error_body_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_error(500, "InternalError", "We encountered an internal error.").bad_chunk(40),
        s3_listing().chunked(50),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(bad_chunk_in_an_error_body_then_success);

/// A 400 whose JSON is cut off: still a service error with its status, not retried.
async fn malformed_json_error_is_a_service_error(path: Path) {
    let server = FaultServer::start(Script::always(Fault::json(
        400,
        r#"{"__type":"com.amazonaws.sqs#QueueDoes"#,
    )))
    .await
    .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    let e = send(&sqs).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let s = e.service_error().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(s.status(), 400);
    assert_one_operation(&server, 1);
}
scenario!(malformed_json_error_is_a_service_error);

/// HTML error pages from a proxy in front of the service (S3 502, STS 503): retried by
/// status, then the real answer.
async fn html_error_pages_from_a_proxy_are_retried(path: Path) {
    let page =
        "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
    let server = FaultServer::start(Script::queue([Fault::html(502, page), s3_listing()]))
        .await
        .unwrap();
    let clock = Clock::start();
    list(&s3(&server.session(), path, 3)).await.unwrap();
    assert_one_operation(&server, 2);

    let server = FaultServer::start(Script::queue([
        Fault::html(503, "<html><body>Service Unavailable</body></html>"),
        sts_identity(),
    ]))
    .await
    .unwrap();
    identity(&sts(&server.session(), path, 3)).await.unwrap();
    assert_one_operation(&server, 2);
    clock.within(Duration::from_secs(2));
}
scenario!(html_error_pages_from_a_proxy_are_retried);

/// A 500 whose XML is broken: retried by status until `max_attempts`, then a service error
/// with the status.
async fn malformed_xml_500_exhausts_the_attempts(path: Path) {
    let server = FaultServer::start(Script::always(Fault::xml(
        500,
        "<?xml version=\"1.0\"?><Error><Code>Internal",
    )))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    let e = list(&s3).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let s = e.service_error().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(s.status(), 500);
    assert_one_operation(&server, 3);
}
scenario!(malformed_xml_500_exhausts_the_attempts);

/// A complete 200 whose JSON does not parse: a response error, not retried (another
/// attempt would get the same answer).
async fn malformed_success_json_is_a_response_error(path: Path) {
    let server = FaultServer::start(Script::always(Fault::json(200, r#"{"QueueUrls": ["#)))
        .await
        .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    let e = queues(&sqs).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let stack = e.as_stack().unwrap_or_else(|| panic!("{e:?}"));
    assert!(stack.is_response(), "{e:?}");
    assert_one_operation(&server, 1);
}
scenario!(malformed_success_json_is_a_response_error);

/// `CopyObject` answered 200 with an `InternalError` body: an error, retried, and the copy
/// confirmed once.
async fn copy_object_error_inside_a_200_is_retried(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_error_in_200("InternalError"),
        s3_copied(),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    copy(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_same_request_sent(&server, 2);
}
scenario!(copy_object_error_inside_a_200_is_retried);

/// `CompleteMultipartUpload` answered 200, whitespace, then `<Error>InternalError`:
/// retried; the second answer completes the upload.
async fn complete_multipart_error_inside_a_200_is_retried(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_error_in_200("InternalError"),
        s3_completed(),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    complete(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    let seen = assert_same_request_sent(&server, 2);
    assert!(seen[1].body_text().contains("<PartNumber>2</PartNumber>"));
}
scenario!(complete_multipart_error_inside_a_200_is_retried);

/// `CompleteMultipartUpload` answered 200 with `<Error>AccessDenied`: an error with that
/// code, not retried.
async fn complete_multipart_access_denied_inside_a_200_is_not_retried(path: Path) {
    let server = FaultServer::start(Script::always(s3_error_in_200("AccessDenied")))
        .await
        .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    let e = complete(&s3).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    assert_eq!(e.code(), Some("AccessDenied"), "{e:?}");
    assert_one_operation(&server, 1);
}
scenario!(complete_multipart_access_denied_inside_a_200_is_not_retried);

/// `CompleteMultipartUpload`'s connection reset while S3 sends whitespace: retried.
async fn complete_multipart_reset_while_assembling_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_completed().reset_at(At::Body(6)),
        s3_completed(),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    complete(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(complete_multipart_reset_while_assembling_then_success);
