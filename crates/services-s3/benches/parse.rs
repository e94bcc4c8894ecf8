//! What reading a ListObjectsV2 answer costs, parse alone (no network, no stack): the
//! typed output (`ListObjectsV2Output`, every member, dates parsed, enums read) from the
//! same bytes as a floor of a plain quick-xml event loop that keeps each object's key,
//! size and ETag. Pages of 100 and 1,000 keys, built like S3's (moto's) answers.
//!
//! `cargo bench -p services-s3 --bench parse`. Figures in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quick_xml::events::Event;
use services_s3::types::ListObjectsV2Output;
use services_s3::S3;
use session_runtime::typed::Modeled;

fn page(keys: usize) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated>"#,
    );
    for i in 0..keys {
        xml.push_str(&format!(
            "<Contents><Key>logs/checkout/2026/11/01/api-03/part-{i:05}-1e414f9e52a242fc.json.gz</Key>\
             <LastModified>2026-12-02T04:15:16.000Z</LastModified>\
             <ETag>&quot;23b4057230c0c01a0659af6f5e4{i:05}&quot;</ETag>\
             <ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>{}</Size>\
             <StorageClass>STANDARD</StorageClass></Contents>",
            400 + i * 37
        ));
    }
    xml.push_str(&format!(
        "<Name>bench</Name><Prefix>logs/</Prefix><MaxKeys>{keys}</MaxKeys>\
         <KeyCount>{keys}</KeyCount></ListBucketResult>"
    ));
    xml.into_bytes()
}

fn parts() -> http::response::Parts {
    let resp = http::Response::builder()
        .status(200)
        .header("content-type", "application/xml")
        .header(
            "x-amzn-requestid",
            "loRfGzW4B6T53Qnps6N9FnGMExakalq47LpHTzv0CeXkuuBmuVWe",
        )
        .body(())
        .unwrap();
    resp.into_parts().0
}

/// The floor: key, size and ETag of each object, from quick-xml's events.
fn floor(body: &[u8]) -> Vec<(String, i64, String)> {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut out = Vec::new();
    let (mut key, mut size, mut etag) = (String::new(), 0, String::new());
    let mut field = 0u8;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                field = match e.local_name().as_ref() {
                    b"Key" => 1,
                    b"Size" => 2,
                    b"ETag" => 3,
                    _ => 0,
                }
            }
            Event::Text(t) => match field {
                1 => key = t.decode().unwrap().into_owned(),
                2 => size = t.decode().unwrap().parse().unwrap(),
                _ => {}
            },
            Event::GeneralRef(r) if field == 3 => {
                let _ = r;
                etag.push('"');
            }
            Event::End(e) => {
                if e.local_name().as_ref() == b"Contents" {
                    out.push((std::mem::take(&mut key), size, std::mem::take(&mut etag)));
                }
                field = 0;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let service = S3::tables();
    let op = service.operation("ListObjectsV2").unwrap();
    let parts = parts();
    let mut g = c.benchmark_group("parse ListObjectsV2");
    for keys in [100, 1000] {
        let body = page(keys);
        let typed: ListObjectsV2Output =
            session_runtime::wire::response::parse(service, op, &parts, &body).unwrap();
        assert_eq!(typed.contents.as_ref().map(Vec::len), Some(keys));
        assert_eq!(floor(&body).len(), keys);
        g.throughput(Throughput::Elements(keys as u64));
        g.bench_with_input(
            BenchmarkId::new("quick-xml floor", keys),
            &body,
            |b, body| b.iter(|| floor(black_box(body))),
        );
        g.bench_with_input(BenchmarkId::new("typed", keys), &body, |b, body| {
            b.iter(|| {
                let out: ListObjectsV2Output =
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
