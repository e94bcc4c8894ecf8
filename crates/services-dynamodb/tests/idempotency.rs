//! An operation with an idempotency-token member is marked as such for the layers around
//! it (the hedge decides on that mark: such a write may be sent twice); others are not.
//! Against moto, with a recording layer around each operation.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::Request;
use services_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use services_dynamodb::DynamoDbClient;
use session_testkit::Moto;
use session_tower::client::BoxedStage;
use session_tower::hedge::IdempotencyToken;
use session_tower::SdkBody;

/// Notes, per operation (its `x-amz-target`), whether the request carried the mark.
#[derive(Clone, Default)]
struct Marks(Arc<Mutex<Vec<(String, bool)>>>);

#[derive(Clone)]
struct Recording {
    inner: BoxedStage,
    marks: Marks,
}

impl tower::Layer<BoxedStage> for Marks {
    type Service = Recording;

    fn layer(&self, inner: BoxedStage) -> Recording {
        Recording {
            inner,
            marks: self.clone(),
        }
    }
}

impl tower::Service<Request<SdkBody>> for Recording {
    type Response = <BoxedStage as tower::Service<Request<SdkBody>>>::Response;
    type Error = <BoxedStage as tower::Service<Request<SdkBody>>>::Error;
    type Future = <BoxedStage as tower::Service<Request<SdkBody>>>::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let target = req.headers()["x-amz-target"].to_str().unwrap().to_owned();
        let marked = req.extensions().get::<IdempotencyToken>().is_some();
        self.marks.0.lock().unwrap().push((target, marked));
        self.inner.call(req)
    }
}

#[tokio::test]
async fn writes_with_a_client_request_token_are_marked_reads_are_not() {
    let moto = Moto::shared_with_auth();
    let marks = Marks::default();
    let ddb = DynamoDbClient::builder(&moto.session(None))
        .layer_around_operation(marks.clone())
        .build()
        .unwrap();
    support::pk(ddb.create_table().table_name("tokens"))
        .send()
        .await
        .unwrap();
    let item = HashMap::from([("pk".to_owned(), AttributeValue::s("a"))]);
    // No token given: one is filled in, and the mark is there all the same.
    ddb.transact_write_items()
        .transact_items(vec![TransactWriteItem {
            put: Some(Put {
                table_name: Some("tokens".into()),
                item: Some(item.clone()),
                ..Default::default()
            }),
            ..Default::default()
        }])
        .send()
        .await
        .unwrap();
    ddb.get_item()
        .table_name("tokens")
        .key(item)
        .send()
        .await
        .unwrap();
    let marks = marks.0.lock().unwrap().clone();
    let of = |op: &str| {
        marks
            .iter()
            .find(|(t, _)| t.ends_with(op))
            .map(|(_, m)| *m)
            .unwrap_or_else(|| panic!("{op} not seen: {marks:?}"))
    };
    assert!(of(".TransactWriteItems"), "{marks:?}");
    assert!(!of(".GetItem"), "{marks:?}");
    assert!(!of(".CreateTable"), "{marks:?}");
}
