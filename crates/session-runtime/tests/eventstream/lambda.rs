//! Lambda InvokeWithResponseStream (REST-JSON): the output's status and headers bound as
//! usual, `PayloadChunk` events whose blob payload is the event payload, an
//! `InvokeComplete` event read from a JSON payload. The union has no error member, so an
//! exception is unmodeled. Against the STUB server: no installable server streams Lambda
//! responses.

use bytes::Bytes;
use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::wire::eventstream::call_value_events;

use crate::support::{at, client, drain, pieces, runtime, wire, Reply, Stub, SPLIT};

fn chunk(data: &[u8]) -> Message {
    Message::event("PayloadChunk", Bytes::copy_from_slice(data))
        .with_header(":content-type", "application/octet-stream")
}

fn complete() -> Message {
    Message::event("InvokeComplete", r#"{"LogResult":"U1RBUlQgUmVxdWVzdElk"}"#)
        .with_header(":content-type", "application/json")
}

fn input() -> Value {
    Value::map()
        .with("FunctionName", "streamer")
        .with("Payload", Value::Blob(Bytes::from_static(b"{\"n\":3}")))
}

#[test]
fn chunks_and_the_completion_with_the_bound_headers() {
    runtime().block_on(async {
        // A chunk larger than any piece, so it arrives over many reads.
        let big: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let body = wire(&[chunk(b"{\"part\":1}"), chunk(&big), complete()]);
        let reply = Reply::events(pieces(&body, SPLIT)).header("x-amz-executed-version", "7");
        let stub = Stub::start(reply).await;
        let (client, service) = client("lambda", &stub.endpoint());
        let op = service.operation("InvokeWithResponseStream").unwrap();
        let (output, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        assert_eq!(at(&output, "StatusCode").as_i64(), Some(200));
        assert_eq!(at(&output, "ExecutedVersion").as_str(), Some("7"));
        assert_eq!(
            at(&output, "ResponseStreamContentType").as_str(),
            Some("application/vnd.amazon.eventstream")
        );
        assert!(output.get("EventStream").is_none());
        let (got, end) = drain(&mut events).await;
        assert!(end.is_none(), "{end:?}");
        assert_eq!(got.len(), 3);
        assert_eq!(
            at(&got[0], "PayloadChunk.Payload").as_bytes(),
            Some(&b"{\"part\":1}"[..])
        );
        assert_eq!(
            at(&got[1], "PayloadChunk.Payload").as_bytes(),
            Some(&big[..])
        );
        assert_eq!(
            at(&got[2], "InvokeComplete.LogResult").as_str(),
            Some("U1RBUlQgUmVxdWVzdElk")
        );
        assert!(got[2].get("PayloadChunk").is_none());

        let seen = stub.seen();
        assert_eq!(
            seen[0].line,
            "POST /2021-11-15/functions/streamer/response-streaming-invocations"
        );
        assert_eq!(seen[0].body, b"{\"n\":3}");
    });
}

#[test]
fn an_exception_the_union_does_not_name_ends_the_stream() {
    runtime().block_on(async {
        let body = wire(&[
            chunk(b"partial"),
            Message::exception(
                "ServiceException",
                r#"{"Message":"the function failed mid-stream"}"#,
            )
            .with_header(":content-type", "application/json"),
            chunk(b"never read"),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("lambda", &stub.endpoint());
        let op = service.operation("InvokeWithResponseStream").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the exception");
        assert!(e.is_exception() && !e.is_modeled(), "{e:?}");
        assert_eq!(e.code(), Some("ServiceException"));
        assert_eq!(e.message(), Some("the function failed mid-stream"));
        assert!(e.exception::<Value>().is_none());
        assert!(events.recv().await.unwrap().is_none());
    });
}

#[test]
fn a_bad_crc_is_a_frame_error() {
    runtime().block_on(async {
        let mut body = wire(&[chunk(b"good"), chunk(b"bad payload")]).to_vec();
        let last_payload_byte = body.len() - 5;
        body[last_payload_byte] ^= 1;
        let stub = Stub::start(Reply::events(pieces(&body.into(), SPLIT))).await;
        let (client, service) = client("lambda", &stub.endpoint());
        let op = service.operation("InvokeWithResponseStream").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the CRC error");
        assert!(e.is_frame(), "{e:?}");
        assert!(session_testkit::error_chain(&e).contains("CRC"), "{e}");
    });
}

#[test]
fn a_connection_dropped_mid_frame_is_a_transport_error() {
    runtime().block_on(async {
        let body = wire(&[chunk(b"whole"), chunk(b"cut short by the server")]);
        let mut reply = Reply::events(pieces(&body.slice(..body.len() - 9), &[4096]));
        reply.complete = false;
        let stub = Stub::start(reply).await;
        let (client, service) = client("lambda", &stub.endpoint());
        let op = service.operation("InvokeWithResponseStream").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the failed read");
        assert!(e.is_transport(), "{e:?}");
        assert!(events.recv().await.unwrap().is_none());
    });
}
