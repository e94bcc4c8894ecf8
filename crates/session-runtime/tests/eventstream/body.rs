//! The stream over bodies of exact pieces (no network: the pieces are the test's), for what
//! the stub cannot pin down: one byte per read, a body that ends inside a frame (an error,
//! never a wait), a body that fails, messages the model does not know.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::StreamBody;
use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::EventStream;
use session_tower::SdkBody;

use crate::support::{at, service, wire};

type Piece = Result<http_body::Frame<Bytes>, std::io::Error>;

fn body_of(pieces: Vec<Piece>) -> SdkBody {
    SdkBody::from_stream(StreamBody::new(futures_util::stream::iter(pieces)))
}

fn bytes_in(bytes: &Bytes, size: usize) -> Vec<Piece> {
    bytes
        .chunks(size)
        .map(|c| Ok(http_body::Frame::data(Bytes::copy_from_slice(c))))
        .collect()
}

/// The events of Lambda's InvokeWithResponseStream over `body`.
fn lambda_events(body: SdkBody) -> EventStream<Value> {
    let (service, _) = service("lambda");
    let op = service.operation("InvokeWithResponseStream").unwrap();
    EventStream::of_operation(service, op, body).unwrap()
}

fn chunk(data: &'static str) -> Message {
    Message::event("PayloadChunk", data)
}

async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("the stream answered without waiting for bytes that never come")
}

#[tokio::test]
async fn one_byte_per_read() {
    let wire = wire(&[chunk("a"), chunk("bc"), chunk("")]);
    let mut events = lambda_events(body_of(bytes_in(&wire, 1)));
    let mut got = Vec::new();
    while let Some(e) = within(events.recv()).await.unwrap() {
        got.push(at(&e, "PayloadChunk.Payload").as_bytes().unwrap().to_vec());
    }
    assert_eq!(got, [b"a".to_vec(), b"bc".to_vec(), Vec::new()]);
}

#[tokio::test]
async fn a_body_ending_inside_a_frame_is_an_error() {
    let wire = wire(&[chunk("whole"), chunk("cut")]);
    for cut in [wire.len() - 1, wire.len() - 10, wire.len() / 2 + 3] {
        let mut events = lambda_events(body_of(bytes_in(&wire.slice(..cut), 3)));
        assert!(within(events.recv()).await.unwrap().is_some());
        let e = within(events.recv()).await.unwrap_err();
        assert!(e.is_frame(), "{e:?}");
        let cause = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<session_eventstream::Error>())
            .unwrap();
        assert!(cause.is_truncated(), "{cause:?}");
        assert!(within(events.recv()).await.unwrap().is_none());
        assert!(events.is_done());
    }
}

#[tokio::test]
async fn a_failing_body_is_a_transport_error() {
    let wire = wire(&[chunk("first")]);
    let mut pieces = bytes_in(&wire, 7);
    pieces.push(Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "peer reset",
    )));
    let mut events = lambda_events(body_of(pieces));
    assert!(events.recv().await.unwrap().is_some());
    let e = events.recv().await.unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    assert!(
        session_testkit::error_chain(&e).contains("peer reset"),
        "{e}"
    );
    assert!(events.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn an_empty_body_has_no_events() {
    let mut events = lambda_events(SdkBody::empty());
    assert!(events.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn messages_the_model_does_not_know() {
    let wire = wire(&[
        Message::event("Heartbeat", "{}"),
        Message::new("no message type"),
        Message::new("").with_header(":message-type", "ping"),
        Message::new("").with_header(":message-type", "event"),
        chunk("still read"),
    ]);
    let mut events = lambda_events(body_of(bytes_in(&wire, 4096)));
    // An event type the union lacks: botocore's unknown member, with its name.
    let unknown = events.recv().await.unwrap().unwrap();
    assert_eq!(
        at(&unknown, "SDK_UNKNOWN_MEMBER.name").as_str(),
        Some("Heartbeat")
    );
    for _ in 0..3 {
        let e = events.recv().await.unwrap_err();
        assert!(e.is_decode(), "{e:?}");
        assert!(!e.is_frame() && !e.is_exception());
    }
    let last = events.recv().await.unwrap().unwrap();
    assert_eq!(
        at(&last, "PayloadChunk.Payload").as_bytes(),
        Some(&b"still read"[..])
    );
    assert!(events.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn the_stream_trait_and_debug() {
    use futures_util::StreamExt as _;
    let wire = wire(&[chunk("secret payload")]);
    let events = lambda_events(body_of(bytes_in(&wire, 5)));
    let debug = format!("{events:?}");
    assert!(
        debug.contains("InvokeWithResponseStreamResponseEvent"),
        "{debug}"
    );
    let all: Vec<_> = events.collect().await;
    assert_eq!(all.len(), 1);
    assert!(all[0].is_ok());
    let ended = EventStream::<Value>::default();
    assert!(ended.is_done());
}

#[tokio::test]
async fn errors_do_not_repeat_payloads() {
    let wire = wire(&[Message::exception(
        "AccessDenied",
        r#"{"message":"no","token":"SECRET-TOKEN-VALUE"}"#,
    )]);
    let mut events = lambda_events(body_of(bytes_in(&wire, 4096)));
    let e = events.recv().await.unwrap_err();
    assert!(e.is_exception());
    assert_eq!(e.message(), Some("no"));
    for shown in [
        format!("{e}"),
        format!("{e:?}"),
        session_testkit::error_chain(&e),
    ] {
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
