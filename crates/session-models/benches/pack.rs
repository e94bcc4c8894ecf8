//! What the model pack costs a first client: opening it (parsing the index), and
//! decompressing one service's files. Run with `cargo bench -p session-models`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use session_models::{FileKind, Pack};

static PACK: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
));

fn benches(c: &mut Criterion) {
    c.bench_function("open the pack (index of 429 services)", |b| {
        b.iter(|| Pack::from_bytes(black_box(PACK)))
    });
    let pack = Pack::from_bytes(PACK).expect("the vendored pack opens");
    for (service, kind) in [
        ("s3", FileKind::Service),
        ("s3", FileKind::EndpointRuleSet),
        ("sqs", FileKind::Service),
        ("sqs", FileKind::EndpointRuleSet),
        ("ec2", FileKind::Service),
    ] {
        let entry = pack.service(service).expect("in the pack");
        c.bench_function(&format!("read {service} {kind}"), |b| {
            b.iter(|| entry.file(black_box(kind)))
        });
    }
}

criterion_group!(benches_group, benches);
criterion_main!(benches_group);
