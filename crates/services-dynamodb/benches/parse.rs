//! What reading a DynamoDB Query answer costs, parse alone (no network, no stack): the typed
//! `QueryOutput` (every item as `AttributeValue`s) from the same bytes as a floor of plain
//! serde_json into hand-written types that mirror the wire (`{"S": ..}`, `{"N": ..}`, ...).
//! Pages of 100 and 1,000 items of six attributes (strings, a number, a boolean, a list and
//! a map).
//!
//! `cargo bench -p services-dynamodb --bench parse`. Figures in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde::Deserialize;
use services_dynamodb::types::QueryOutput;
use services_dynamodb::DynamoDb;
use session_runtime::typed::Modeled;

fn page(items: usize) -> Vec<u8> {
    let mut json = String::from(r#"{"Items":["#);
    for i in 0..items {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            r#"{{"pk":{{"S":"customer#{c:06}"}},"sk":{{"S":"order#2026-12-02T04:15:{s:02}#{i:06}"}},"#,
            c = i / 10,
            s = i % 60,
        ));
        json.push_str(&format!(
            r#""total":{{"N":"{}.{:02}"}},"paid":{{"BOOL":{}}},"#,
            100 + i * 7,
            i % 100,
            i % 3 != 0
        ));
        json.push_str(
            r#""tags":{"L":[{"S":"gift"},{"S":"express"}]},"address":{"M":{"city":{"S":"Lisbon"},"zip":{"S":"1100-148"},"floor":{"N":"3"}}}}"#,
        );
    }
    json.push_str(&format!(
        r#"],"Count":{items},"ScannedCount":{items},"LastEvaluatedKey":{{"pk":{{"S":"customer#000009"}},"sk":{{"S":"order#last"}}}}}}"#
    ));
    json.into_bytes()
}

fn parts() -> http::response::Parts {
    let resp = http::Response::builder()
        .status(200)
        .header("content-type", "application/x-amz-json-1.0")
        .header(
            "x-amzn-requestid",
            "LKH3Q1H3I8OCG1GFSOABNRBKDRVV4KQNSO5AEMVJF66Q9ASUAAJG",
        )
        .body(())
        .unwrap();
    resp.into_parts().0
}

/// The floor: the page in types a hand-written client would declare for it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct FloorPage {
    items: Vec<HashMap<String, FloorValue>>,
    count: i64,
    scanned_count: i64,
    last_evaluated_key: Option<HashMap<String, FloorValue>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
enum FloorValue {
    S(String),
    N(String),
    #[serde(rename = "BOOL")]
    Bool(bool),
    L(Vec<FloorValue>),
    M(HashMap<String, FloorValue>),
}

fn floor(body: &[u8]) -> FloorPage {
    serde_json::from_slice(body).unwrap()
}

fn bench(c: &mut Criterion) {
    let service = DynamoDb::tables();
    let op = service.operation("Query").unwrap();
    let parts = parts();
    let mut g = c.benchmark_group("parse Query");
    for items in [100, 1000] {
        let body = page(items);
        let typed: QueryOutput =
            session_runtime::wire::response::parse(service, op, &parts, &body).unwrap();
        assert_eq!(typed.items.as_ref().map(Vec::len), Some(items));
        assert_eq!(typed.count, Some(i32::try_from(items).unwrap()));
        let first = &typed.items.as_ref().unwrap()[0];
        assert_eq!(
            first["address"].m.as_ref().unwrap()["floor"].n.as_deref(),
            Some("3")
        );
        assert_eq!(floor(&body).items.len(), items);
        g.throughput(Throughput::Elements(items as u64));
        g.bench_with_input(BenchmarkId::new("serde floor", items), &body, |b, body| {
            b.iter(|| floor(black_box(body)))
        });
        g.bench_with_input(BenchmarkId::new("typed", items), &body, |b, body| {
            b.iter(|| {
                let out: QueryOutput =
                    session_runtime::wire::response::parse(service, op, &parts, black_box(body))
                        .unwrap();
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
