//! What a first dynamic client pays for its tables: `model::build` over botocore's
//! `service-2.json` of Lambda (a mid-size model) and EC2 (the largest), beside the floor of
//! reading the same JSON with serde_json into nothing (`IgnoredAny`: every byte scanned, no
//! value kept).
//!
//! `cargo bench -p session-runtime --bench model_build`. Figures in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

fn model(name: &str) -> String {
    let path = format!(
        "{}/../../models/{name}/service-2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("model_build");
    // Each build leaks its tables (they live for the process, as a client's do): few samples.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(2));
    for name in ["lambda", "ec2"] {
        let text = model(name);
        g.bench_function(format!("{name}/scan_only"), |b| {
            b.iter(|| {
                serde_json::from_str::<serde::de::IgnoredAny>(black_box(&text)).unwrap();
            });
        });
        g.bench_function(format!("{name}/build"), |b| {
            b.iter(|| {
                session_runtime::model::build(name, black_box(&text), &Default::default()).unwrap()
            });
        });
    }
    g.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
