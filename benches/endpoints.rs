//! What endpoint resolution costs: one `resolve` per request for typical S3, SQS and STS
//! calls, and the one-time load of a rule set. Run with `cargo bench -p session-endpoints`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use session_endpoints::{Params, RuleSet};

/// A vendored rule set from `models/` (the library ships none).
#[allow(clippy::unwrap_used)]
fn rules(svc: &str) -> session_endpoints::RuleSet {
    let path = format!(
        "{}/../../models/{svc}/endpoint-rule-set-1.json",
        env!("CARGO_MANIFEST_DIR")
    );
    session_endpoints::RuleSet::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn benches(c: &mut Criterion) {
    let s3 = &rules("s3");
    let sqs = &rules("sqs");
    let sts = &rules("sts");

    // What an SDK passes for GetObject on a virtual-hostable bucket.
    let s3_virtual_host = Params::new()
        .str("Region", "us-west-2")
        .str("Bucket", "my-example-bucket")
        .str("Key", "photos/2026/cat.jpg")
        .bool("UseFIPS", false)
        .bool("UseDualStack", false)
        .bool("ForcePathStyle", false)
        .bool("Accelerate", false)
        .bool("UseArnRegion", true)
        .bool("DisableMultiRegionAccessPoints", false);
    c.bench_function("resolve s3 virtual-host GetObject", |b| {
        b.iter(|| s3.resolve(black_box(&s3_virtual_host)))
    });

    let s3_access_point = Params::new()
        .str("Region", "us-west-2")
        .str(
            "Bucket",
            "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint",
        )
        .bool("UseFIPS", false)
        .bool("UseDualStack", false);
    c.bench_function("resolve s3 access-point ARN", |b| {
        b.iter(|| s3.resolve(black_box(&s3_access_point)))
    });

    let s3_custom = Params::new()
        .str("Region", "us-east-1")
        .str("Bucket", "bucket")
        .str("Endpoint", "http://127.0.0.1:9000")
        .bool("ForcePathStyle", true);
    c.bench_function("resolve s3 custom endpoint, path style", |b| {
        b.iter(|| s3.resolve(black_box(&s3_custom)))
    });

    let sqs_params = Params::new()
        .str("Region", "us-east-1")
        .bool("UseFIPS", false)
        .bool("UseDualStack", false);
    c.bench_function("resolve sqs", |b| {
        b.iter(|| sqs.resolve(black_box(&sqs_params)))
    });

    let sts_params = Params::new()
        .str("Region", "eu-west-1")
        .bool("UseFIPS", false)
        .bool("UseDualStack", false)
        .bool("UseGlobalEndpoint", false);
    c.bench_function("resolve sts", |b| {
        b.iter(|| sts.resolve(black_box(&sts_params)))
    });

    c.bench_function("build params + resolve s3", |b| {
        b.iter(|| {
            let params = Params::new()
                .str("Region", "us-west-2")
                .str("Bucket", black_box("my-example-bucket"));
            s3.resolve(&params)
        })
    });

    let s3_json = include_str!("../models/s3/endpoint-rule-set-1.json");
    c.bench_function("load s3 rule set (parse + compile)", |b| {
        b.iter(|| RuleSet::from_json(black_box(s3_json)))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
