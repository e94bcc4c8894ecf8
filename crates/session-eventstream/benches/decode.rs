//! Decoding throughput: a stream of event frames (three headers, as S3 Select's `Records`
//! events carry) fed to the decoder in 16 KiB chunks, the way a response body arrives.
//! With 64 KiB payloads nearly every frame spans chunks (copied once); with 1 KiB
//! payloads most frames lie inside a chunk (zero-copy) and per-message costs dominate.
//! A third case feeds 64 KiB-payload frames in 1 MiB chunks (mostly zero-copy).
//!
//! `cargo bench -p session-eventstream --bench decode`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use session_eventstream::{Decoder, Message};

/// About 8 MiB of frames, cut into `chunk_len` pieces.
fn stream(payload_len: usize, chunk_len: usize) -> (Vec<Bytes>, usize, usize) {
    let payload: Vec<u8> = (0..payload_len).map(|i| (i % 251) as u8).collect();
    let frame = Message::event("Records", payload)
        .with_header(":content-type", "application/octet-stream")
        .encode()
        .unwrap();
    let frames = (8 << 20) / frame.len();
    let mut wire = Vec::with_capacity(frames * frame.len());
    for _ in 0..frames {
        wire.extend_from_slice(&frame);
    }
    let wire = Bytes::from(wire);
    let chunks = (0..wire.len())
        .step_by(chunk_len)
        .map(|at| wire.slice(at..(at + chunk_len).min(wire.len())))
        .collect();
    (chunks, wire.len(), frames)
}

fn decode_all(chunks: &[Bytes]) -> usize {
    let mut decoder = Decoder::new();
    let mut payload_bytes = 0;
    for chunk in chunks {
        decoder.push(chunk.clone());
        while let Some(message) = decoder.next_message().unwrap() {
            payload_bytes += black_box(message).payload().len();
        }
    }
    decoder.finish().unwrap();
    payload_bytes
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (name, payload_len, chunk_len) in [
        ("64KiB payloads, 16KiB chunks", 64 << 10, 16 << 10),
        ("1KiB payloads, 16KiB chunks", 1 << 10, 16 << 10),
        ("64KiB payloads, 1MiB chunks", 64 << 10, 1 << 20),
    ] {
        let (chunks, wire_len, frames) = stream(payload_len, chunk_len);
        assert_eq!(decode_all(&chunks), frames * payload_len);
        group.throughput(Throughput::Bytes(wire_len as u64));
        group.bench_function(name, |b| b.iter(|| decode_all(black_box(&chunks))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
