//! Connections that fail: reset or closed before the head, after it, mid-body; refused;
//! black-holed. The SDKs retry all of these as transient errors (the body of a
//! non-streaming answer is read inside the attempt), and a connect timeout bounds a port
//! that never answers.

use std::time::Duration;

use session_testkit::faults::{self, refused_addr, At, BlackHole, Fault, FaultServer, Script};

use crate::support::attempts::AttemptSpans;
use crate::support::fixtures::*;
use crate::support::{assert_one_operation, build, retries, s3, sqs, sts, Clock, Path};

/// RST right after the request was read: `SendMessage` is retried and confirmed once.
async fn reset_before_the_head_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        Fault::reset(),
        Fault::json(200, sqs_sent_body()),
    ]))
    .await
    .unwrap();
    let sqs = sqs(&server.session(), path, 3);
    let clock = Clock::start();
    send(&sqs).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
    assert_ne!(
        server.requests()[1].connection,
        0,
        "a reset connection is not reused"
    );
}
scenario!(reset_before_the_head_then_success);

/// The server closes (FIN) without answering, twice: STS succeeds on the third attempt.
async fn closed_before_the_head_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        Fault::close(),
        Fault::close(),
        sts_identity(),
    ]))
    .await
    .unwrap();
    let sts = sts(&server.session(), path, 3);
    let clock = Clock::start();
    identity(&sts).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 3);
}
scenario!(closed_before_the_head_then_success);

/// RST after a 200's head: the body is part of the attempt, so the SDKs retry.
async fn reset_after_the_head_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_listing().reset_at(At::AfterHead),
        s3_listing(),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(reset_after_the_head_then_success);

/// RST 12 bytes into a 200's body: retried like a connection error; the effect was
/// confirmed by the second answer only.
async fn reset_mid_body_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        Fault::json(200, sqs_sent_body()).reset_at(At::Body(12)),
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
scenario!(reset_mid_body_then_success);

/// RST in the middle of a 500's body: the error is incomplete, the attempt failed, and the
/// retry succeeds.
async fn reset_mid_error_body_then_success(path: Path) {
    let server = FaultServer::start(Script::queue([
        s3_error(500, "InternalError", "We encountered an internal error.").reset_at(At::Body(30)),
        s3_listing(),
    ]))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(reset_mid_error_body_then_success);

/// Nobody listens: a connect error after `max_attempts` attempts, at once.
async fn connection_refused(path: Path) {
    let url = format!("http://{}", refused_addr().unwrap());
    let session = faults::session_builder(&url).build().unwrap();
    let sqs = sqs(&session, path, 3);
    let attempts = AttemptSpans::install();
    let clock = Clock::start();
    let e = queues(&sqs).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let stack = e.as_stack().unwrap_or_else(|| panic!("{e:?}"));
    assert!(stack.is_connect(), "{e:?}");
    assert_eq!(attempts.count(), 3, "connect errors are retried");
}
scenario!(connection_refused);

/// A port whose backlog is full drops the connection attempt: the session's
/// `connect_timeout` (0.2 s) ends each of the 2 attempts.
async fn black_holed_port_hits_the_connect_timeout(path: Path) {
    let hole = BlackHole::full_backlog().await.unwrap();
    let session = faults::session_builder(&hole.url())
        .setting("connect_timeout", "0.2")
        .build()
        .unwrap();
    let sts = build(
        services_sts::StsClient::builder(&session)
            .retry(retries(2))
            .attempt_timeout(Some(Duration::from_secs(5))),
        path,
    );
    let attempts = AttemptSpans::install();
    let clock = Clock::start();
    let e = identity(&sts).await.unwrap_err();
    clock.at_least(Duration::from_millis(400));
    clock.within(Duration::from_secs(3));
    let stack = e.as_stack().unwrap_or_else(|| panic!("{e:?}"));
    assert!(stack.is_connect(), "{e:?}");
    assert_eq!(attempts.count(), 2);
    assert_eq!(hole.accepted(), 0);
}
scenario!(black_holed_port_hits_the_connect_timeout);

/// A port that accepts and never answers: the session's `read_timeout` (0.2 s) ends each
/// of the 3 attempts, each on a new connection.
async fn silent_port_hits_the_read_timeout(path: Path) {
    let hole = BlackHole::silent().await.unwrap();
    let session = faults::session_builder(&hole.url())
        .setting("read_timeout", "0.2")
        .build()
        .unwrap();
    let s3 = s3(&session, path, 3);
    let clock = Clock::start();
    let e = list(&s3).await.unwrap_err();
    clock.at_least(Duration::from_millis(600));
    clock.within(Duration::from_secs(3));
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(hole.accepted(), 3);
}
scenario!(silent_port_hits_the_read_timeout);
