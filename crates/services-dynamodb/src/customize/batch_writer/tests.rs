//! The batch writer against a stub transport: grouping, re-sending `UnprocessedItems`,
//! giving up with every request kept, de-duplication. No network.

#![allow(clippy::unwrap_used)]

use std::future::Ready;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use serde_json::{json, Value};
use session_core::{Env, Session};
use session_tower::{Error, SdkBody};

use super::*;

const TABLE: &str = "stub-table";

type Answer = Box<dyn FnMut(usize, &Value) -> (u16, Value) + Send>;

/// Answers each `BatchWriteItem` with `answer(call number, request JSON)` and keeps the
/// requests it saw.
#[derive(Clone)]
struct Stub {
    seen: Arc<Mutex<Vec<Value>>>,
    answer: Arc<Mutex<Answer>>,
}

impl Stub {
    fn new(answer: impl FnMut(usize, &Value) -> (u16, Value) + Send + 'static) -> Self {
        Self {
            seen: Arc::default(),
            answer: Arc::new(Mutex::new(Box::new(answer))),
        }
    }

    /// The write requests of each call, for the table.
    fn calls(&self) -> Vec<Vec<Value>> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .map(|r| r["RequestItems"][TABLE].as_array().unwrap().clone())
            .collect()
    }
}

impl tower_service::Service<Request<SdkBody>> for Stub {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = Ready<Result<Response<SdkBody>, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let body: Value = serde_json::from_slice(req.body().bytes().unwrap_or_default()).unwrap();
        let n = {
            let mut seen = self.seen.lock().unwrap();
            seen.push(body.clone());
            seen.len() - 1
        };
        let (status, answer) = (self.answer.lock().unwrap())(n, &body);
        let mut resp = Response::new(SdkBody::from(answer.to_string()));
        *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
        resp.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-amz-json-1.0"),
        );
        std::future::ready(Ok(resp))
    }
}

fn writer(stub: &Stub) -> BatchWriter {
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDBATCHWRITER")
        .secret_access_key("batch-writer-secret")
        .setting("max_attempts", "1")
        .build()
        .unwrap();
    let client = DynamoDbClient::builder(&session)
        .http_client(stub.clone())
        .build()
        .unwrap();
    BatchWriter::new(client, TABLE).backoff(Duration::from_millis(1), Duration::from_millis(4))
}

#[derive(serde::Serialize)]
struct Row {
    pk: String,
    v: u32,
}

fn row(i: u32) -> Row {
    Row {
        pk: format!("item-{i}"),
        v: i,
    }
}

fn ids(requests: &[Value]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            let put = &r["PutRequest"]["Item"]["pk"]["S"];
            let delete = &r["DeleteRequest"]["Key"]["pk"]["S"];
            put.as_str().or(delete.as_str()).unwrap().to_owned()
        })
        .collect()
}

fn written_ids(requests: &[WriteRequest]) -> Vec<String> {
    ids(&requests
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect::<Vec<_>>())
}

#[tokio::test]
async fn unprocessed_items_are_resent_and_only_they() {
    let stub = Stub::new(|n, body| match n {
        // First call: items 1 and 3 come back unprocessed.
        0 => {
            let sent = body["RequestItems"][TABLE].as_array().unwrap();
            let back = vec![sent[1].clone(), sent[3].clone()];
            (200, json!({ "UnprocessedItems": { TABLE: back } }))
        }
        _ => (200, json!({ "UnprocessedItems": {} })),
    });
    let mut w = writer(&stub);
    for i in 0..5 {
        w.put(&row(i)).await.unwrap();
    }
    assert_eq!(w.buffered(), 5);
    w.close().await.unwrap();
    let calls = stub.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        ids(&calls[0]),
        ["item-0", "item-1", "item-2", "item-3", "item-4"]
    );
    assert_eq!(ids(&calls[1]), ["item-1", "item-3"]);
    // Re-sent exactly as they came back, attributes and all.
    assert_eq!(calls[1][1]["PutRequest"]["Item"]["v"]["N"], "3");
}

#[tokio::test]
async fn groups_of_at_most_25_and_put_sends_when_full() {
    let stub = Stub::new(|_, _| (200, json!({})));
    let mut w = writer(&stub);
    for i in 0..24 {
        w.put(&row(i)).await.unwrap();
    }
    assert!(
        stub.calls().is_empty(),
        "nothing is sent before 25 are buffered"
    );
    w.put(&row(24)).await.unwrap();
    assert_eq!(stub.calls().len(), 1);
    assert_eq!(w.buffered(), 0);
    for i in 25..60 {
        w.put(&row(i)).await.unwrap();
    }
    w.flush().await.unwrap();
    let sizes: Vec<_> = stub.calls().iter().map(Vec::len).collect();
    assert_eq!(sizes, [25, 25, 10]);
    let all: Vec<_> = stub.calls().iter().flat_map(|c| ids(c)).collect();
    assert_eq!(
        all,
        (0..60).map(|i| format!("item-{i}")).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_service_that_never_writes_gives_back_every_item() {
    let stub = Stub::new(|_, body| {
        let sent = body["RequestItems"][TABLE].clone();
        (200, json!({ "UnprocessedItems": { TABLE: sent } }))
    });
    let mut w = writer(&stub).max_stalled_rounds(3);
    for i in 0..20 {
        w.put(&row(i)).await.unwrap();
    }
    w.delete(&json!({"pk": "item-99"})).await.unwrap();
    let e = w.close().await.unwrap_err();
    assert!(
        matches!(e.kind(), BatchWriteErrorKind::Stalled { rounds: 3 }),
        "{e:?}"
    );
    assert_eq!(stub.calls().len(), 3);
    let mut want: Vec<_> = (0..20).map(|i| format!("item-{i}")).collect();
    want.push("item-99".into());
    assert_eq!(written_ids(e.unprocessed()), want);
    assert!(e.to_string().contains("21 request(s) not written"), "{e}");
    assert_eq!(e.table(), TABLE);
}

#[tokio::test]
async fn a_stall_in_the_first_group_keeps_the_rest_of_the_buffer_too() {
    let stub = Stub::new(|_, body| {
        let sent = body["RequestItems"][TABLE].clone();
        (200, json!({ "UnprocessedItems": { TABLE: sent } }))
    });
    let mut w = writer(&stub).max_stalled_rounds(1);
    for i in 0..24 {
        w.put(&row(i)).await.unwrap();
    }
    // The 25th fills the group: that put sends, stalls, and hands back all 25.
    let e = w.put(&row(24)).await.unwrap_err();
    assert_eq!(e.unprocessed().len(), 25);
    assert_eq!(
        w.buffered(),
        0,
        "the error owns them now, the writer is empty"
    );
    // The writer goes on working.
    w.write_request(e.into_unprocessed().remove(0))
        .await
        .unwrap();
    assert_eq!(w.buffered(), 1);
    let e = w.flush().await.unwrap_err();
    assert_eq!(written_ids(e.unprocessed()), ["item-0"]);
}

#[tokio::test]
async fn progress_resets_the_stall_count() {
    // Each call writes exactly one request: never two stalled rounds in a row.
    let stub = Stub::new(|_, body| {
        let sent = body["RequestItems"][TABLE].as_array().unwrap();
        let back: Vec<_> = sent.iter().skip(1).cloned().collect();
        (200, json!({ "UnprocessedItems": { TABLE: back } }))
    });
    let mut w = writer(&stub).max_stalled_rounds(1);
    for i in 0..4 {
        w.put(&row(i)).await.unwrap();
    }
    w.flush().await.unwrap();
    let sizes: Vec<_> = stub.calls().iter().map(Vec::len).collect();
    assert_eq!(sizes, [4, 3, 2, 1]);
}

#[tokio::test]
async fn a_failed_call_gives_back_its_requests() {
    let stub = Stub::new(|_, _| {
        (
            400,
            json!({"__type": "com.amazonaws.dynamodb.v20120810#ValidationException",
                   "message": "bad"}),
        )
    });
    let mut w = writer(&stub);
    for i in 0..3 {
        w.put(&row(i)).await.unwrap();
    }
    let e = w.flush().await.unwrap_err();
    match e.kind() {
        BatchWriteErrorKind::Operation(op) => assert_eq!(op.code(), Some("ValidationException")),
        other => panic!("{other:?}"),
    }
    assert_eq!(written_ids(e.unprocessed()), ["item-0", "item-1", "item-2"]);
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn overwrite_by_pkeys_keeps_the_last_request_per_key() {
    let stub = Stub::new(|_, _| (200, json!({})));
    let mut w = writer(&stub).overwrite_by_pkeys(["pk"]);
    w.put(&row(1)).await.unwrap();
    w.put(&row(2)).await.unwrap();
    w.put(&Row {
        pk: "item-1".into(),
        v: 100,
    })
    .await
    .unwrap();
    w.delete(&json!({"pk": "item-2"})).await.unwrap();
    // A request without the key attribute is never taken for a duplicate.
    w.put(&json!({"other": 1})).await.unwrap();
    w.put(&json!({"other": 1})).await.unwrap();
    assert_eq!(w.buffered(), 4);
    w.close().await.unwrap();
    let calls = stub.calls();
    assert_eq!(calls.len(), 1);
    let sent = &calls[0];
    assert_eq!(sent[0]["PutRequest"]["Item"]["v"]["N"], "100");
    assert_eq!(sent[1]["DeleteRequest"]["Key"]["pk"]["S"], "item-2");
    assert_eq!(sent.len(), 4);
}

#[tokio::test]
async fn a_value_that_is_no_item_is_an_error_and_nothing_is_lost() {
    let stub = Stub::new(|_, _| (200, json!({})));
    let mut w = writer(&stub);
    w.put(&row(1)).await.unwrap();
    let e = w.put(&42).await.unwrap_err();
    assert!(matches!(e.kind(), BatchWriteErrorKind::Item(_)), "{e:?}");
    assert!(e.unprocessed().is_empty());
    assert_eq!(w.buffered(), 1);
    w.close().await.unwrap();
    assert_eq!(stub.calls().len(), 1);
}

#[test]
fn dropping_a_writer_with_buffered_requests_warns_with_their_number() {
    let captured = session_testkit::LogCapture::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .finish();
    let stub = Stub::new(|_, _| (200, json!({})));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let mut closed = writer(&stub);
            closed.put(&row(0)).await.unwrap();
            closed.close().await.unwrap();
            let mut dropped = writer(&stub);
            for i in 0..3 {
                dropped.put(&row(i)).await.unwrap();
            }
            drop(dropped);
        });
    });
    let text = captured.text();
    assert_eq!(
        text.lines().count(),
        1,
        "only the dropped writer warns: {text}"
    );
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("3 write request(s) never sent"), "{text}");
    assert!(text.contains(TABLE), "{text}");
}

#[test]
fn errors_are_send_sync_static_and_futures_send() {
    fn check<T: Send + Sync + 'static + std::error::Error>() {}
    check::<BatchWriteError>();
    check::<crate::ItemCallError<crate::operations::PutItemError>>();
    // Writers are used from spawned tasks: their futures must be `Send`.
    fn send<F: std::future::Future + Send>(_: F) {}
    let stub = Stub::new(|_, _| (200, json!({})));
    let mut w = writer(&stub);
    send(w.put(&row(0)));
    send(w.flush());
    send(w.close());
}
