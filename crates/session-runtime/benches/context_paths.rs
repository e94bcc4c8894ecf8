//! What `operationContextParams` cost a request: DynamoDB BatchWriteItem (25 puts of 6
//! attributes into 2 tables, `ResourceArnList = keys(RequestItems)`) written from DynamoDB's
//! vendored model as it is, and from the same model with its `operationContextParams`
//! taken out, so the only difference is reading the input through JSON and the JMESPath.
//!
//! `cargo bench -p session-runtime --bench context_paths`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use session_runtime::shapes::Service;
use session_runtime::value::Value;
use session_runtime::wire::request;

fn services() -> (&'static Service, &'static Service) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../models/dynamodb/service-2.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let with = session_runtime::model::build("dynamodb", &text, &Default::default()).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&text).unwrap();
    for op in model["operations"].as_object_mut().unwrap().values_mut() {
        op.as_object_mut().unwrap().remove("operationContextParams");
    }
    let without =
        session_runtime::model::build("dynamodb", &model.to_string(), &Default::default()).unwrap();
    let op = |s: &'static Service| s.operation("BatchWriteItem").unwrap();
    assert!(!op(with).context_paths.is_empty());
    assert!(op(without).context_paths.is_empty());
    (with, without)
}

fn batch() -> Value {
    let put = |i: usize| {
        json!({"PutRequest": {"Item": {
            "pk": {"S": format!("user#{i}")},
            "sk": {"S": "profile"},
            "name": {"S": format!("User number {i}")},
            "visits": {"N": format!("{}", i * 17)},
            "active": {"BOOL": i.is_multiple_of(2)},
            "tags": {"SS": ["a", "b", "c"]},
        }}})
    };
    let half = |from: usize| (from..from + 12).map(put).collect::<Vec<_>>();
    Value::from_json(&json!({"RequestItems": {
        "users": half(0),
        "arn:aws:dynamodb:us-east-1:123456789012:table/archive": half(12).into_iter().chain([put(24)]).collect::<Vec<_>>(),
    }}))
}

fn bench(c: &mut Criterion) {
    let (with, without) = services();
    let input = batch();
    let settings = session_core::settings::Settings::default();
    let token = String::new;
    let mut group = c.benchmark_group("BatchWriteItem 25 puts");
    for (name, service) in [("with context paths", with), ("without", without)] {
        let op = service.operation("BatchWriteItem").unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let built = request::build(
                    service,
                    op,
                    black_box(&input),
                    request::Context {
                        token: &token,
                        settings: &settings,
                        stream: None,
                    },
                )
                .unwrap();
                black_box(built)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
