//! Every shape against the three peers: SeaweedFS (`weed mini`), s3s-fs (checks payload
//! hashes and `x-amz-checksum-*`) and moto (signatures checked).

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use futures_util::StreamExt as _;
use session_transfer::{ChecksumAlgorithm, S3TransferExt as _, TransferConfig};
use support::*;

/// 0 bytes, 1 byte, exactly the threshold, threshold + 1, three parts: up and down, with
/// keys that need escaping.
async fn sizes(peer: Peer) {
    let session = session(peer);
    let tm = manager(&session, config_for(peer));
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "sizes").await;
    let dir = tempfile::tempdir().unwrap();
    let threshold = 5 * MIB;
    let cases: [(u64, &str); 5] = [
        (0, "empty"),
        (1, "one byte"),
        (threshold, "dir/exactly+threshold"),
        (threshold + 1, "ünïcödé/threshold plus one"),
        (2 * threshold + 12_345, "three parts/a+b c"),
    ];
    for (i, (len, key)) in cases.iter().enumerate() {
        let src = dir.path().join(format!("src{i}"));
        let data = pattern(*len, i as u8);
        write_file(&src, &data);
        let up = tm
            .upload_file(&src, &bucket, *key)
            .await
            .unwrap_or_else(|e| panic!("{peer:?} {key}: {e}"));
        assert_eq!(up.size, *len);
        let expect_parts = if *len < threshold {
            1
        } else {
            len.div_ceil(threshold) as u32
        };
        assert_eq!(up.parts, expect_parts, "{peer:?} {key}");
        assert_eq!(
            get(&s3, &bucket, key).await,
            data,
            "{peer:?} {key}: what S3 holds"
        );
        let dst = dir.path().join(format!("dst{i}"));
        let down = tm
            .download_file(&bucket, *key, &dst)
            .await
            .unwrap_or_else(|e| panic!("{peer:?} {key}: {e}"));
        assert_eq!(down.size, *len);
        assert!(same_file(&src, &dst), "{peer:?} {key}");
        assert!(temp_files(dir.path()).is_empty());
    }
    assert!(matches!(open_uploads(&s3, &bucket).await, None | Some(0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_seaweed() {
    sizes(Peer::Seaweed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_s3s_fs() {
    sizes(Peer::S3sFs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_moto() {
    sizes(Peer::Moto).await;
}

/// Each checksum algorithm, single and multipart: what the upload reports, and what the
/// download verifies against.
async fn checksums(peer: Peer) {
    let session = session(peer);
    for alg in [
        ChecksumAlgorithm::Crc64Nvme,
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Sha1,
        ChecksumAlgorithm::Sha256,
    ] {
        let tm = manager(&session, small_parts().checksum(alg));
        let s3 = tm.client().clone();
        let bucket = bucket(&s3, "sums").await;
        let dir = tempfile::tempdir().unwrap();
        for (len, key) in [(1000u64, "small"), (11 * MIB, "multi")] {
            let data = pattern(len, 7);
            let up = tm
                .upload_bytes(data.clone(), &bucket, key)
                .await
                .unwrap_or_else(|e| panic!("{peer:?} {alg:?} {key}: {e}"));
            let sum = up.checksum.clone().unwrap();
            assert_eq!(sum.algorithm, alg);
            let dst = dir.path().join(key);
            let result = tm.download_file(&bucket, key, &dst).await;
            let moto_mislabels = matches!(
                alg,
                ChecksumAlgorithm::Crc64Nvme | ChecksumAlgorithm::Crc32c
            );
            if peer == Peer::Moto && moto_mislabels && key == "multi" {
                // moto 5.2.5 stores a multipart object's CRC32 under the CRC64NVME or
                // CRC32C header: the download must refuse it, and leave no file behind.
                let e = result.unwrap_err();
                assert!(e.is_checksum_mismatch(), "{e}");
                assert!(!dst.exists());
                assert!(temp_files(dir.path()).is_empty());
                continue;
            }
            let down = result.unwrap_or_else(|e| panic!("{peer:?} {alg:?} {key}: {e}"));
            assert_eq!(std::fs::read(&dst).unwrap(), data);
            eprintln!(
                "{peer:?} {alg:?} {key}: sent {:?}, verified {:?}",
                sum, down.verified
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checksums_seaweed() {
    checksums(Peer::Seaweed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checksums_s3s_fs() {
    checksums(Peer::S3sFs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checksums_moto() {
    checksums(Peer::Moto).await;
}

/// Bytes, readers and streams of unknown length in; writers and streams out.
async fn streams(peer: Peer) {
    let session = session(peer);
    let tm = manager(&session, config_for(peer));
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "streams").await;
    for len in [0u64, 100, 5 * MIB, 12 * MIB + 3] {
        let data = pattern(len, 3);
        // A reader of unknown length (a pipe of sorts: 64 KiB chunks).
        let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = data
            .chunks(64 * 1024)
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect();
        let key = format!("stream-{len}");
        let up = tm
            .upload_stream(futures_util::stream::iter(chunks), &bucket, &key)
            .await
            .unwrap_or_else(|e| panic!("{peer:?} {len}: {e}"));
        assert_eq!(up.size, len);
        assert_eq!(get(&s3, &bucket, &key).await, data);
        // Into a writer.
        let wdir = tempfile::tempdir().unwrap();
        let wpath = wdir.path().join("w");
        let w = tokio::fs::File::create(&wpath).await.unwrap();
        tm.download_writer(&bucket, &key, w).await.unwrap();
        assert_eq!(
            std::fs::read(&wpath).unwrap(),
            data,
            "{peer:?} {len}: writer"
        );
        // As a stream, in order.
        let (handle, mut stream) = tm.download_stream(&bucket, &key).into_stream();
        let mut got = Vec::new();
        while let Some(chunk) = stream.next().await {
            got.extend_from_slice(&chunk.unwrap());
        }
        let out = handle.await.unwrap();
        assert_eq!(got, data, "{peer:?} {len}: stream");
        assert_eq!(out.size, len);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_seaweed() {
    streams(Peer::Seaweed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_s3s_fs() {
    streams(Peer::S3sFs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_moto() {
    streams(Peer::Moto).await;
}

/// Many small files up as a directory and back; filters; per-file progress.
async fn directories(peer: Peer) {
    let session = session(peer);
    let tm = manager(&session, config_for(peer).max_concurrency(8));
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "dirs").await;
    let src = tempfile::tempdir().unwrap();
    let n = if peer == Peer::Moto { 40 } else { 120 };
    for i in 0..n {
        let sub = src.path().join(format!("d{}", i % 4));
        std::fs::create_dir_all(&sub).unwrap();
        write_file(
            &sub.join(format!("file {i}+x.txt")),
            &pattern(1000 + i, i as u8),
        );
    }
    write_file(&src.path().join("skip.log"), b"not me");
    let files_done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let f = files_done.clone();
    let report = tm
        .upload_directory(src.path(), &bucket, "up")
        .exclude("*.log")
        .on_progress(Arc::new(move |e| {
            if matches!(e, session_transfer::ProgressEvent::FileDone { .. }) {
                f.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }))
        .await
        .unwrap();
    assert!(
        report.is_complete(),
        "{:?}",
        report.failed().collect::<Vec<_>>()
    );
    assert_eq!(report.files.len() as u64, n);
    assert_eq!(files_done.load(std::sync::atomic::Ordering::Relaxed), n);
    let dst = tempfile::tempdir().unwrap();
    let back = tm
        .download_directory(&bucket, "up/", dst.path())
        .await
        .unwrap();
    assert!(
        back.is_complete(),
        "{:?}",
        back.failed().collect::<Vec<_>>()
    );
    assert_eq!(back.files.len() as u64, n);
    for i in 0..n {
        let rel = format!("d{}/file {i}+x.txt", i % 4);
        assert_eq!(
            std::fs::read(dst.path().join(&rel)).unwrap(),
            pattern(1000 + i, i as u8),
            "{rel}"
        );
    }
    assert!(!dst.path().join("skip.log").exists());
    // Only one subdirectory, not recursive from the top.
    let only = tempfile::tempdir().unwrap();
    let r = tm
        .download_directory(&bucket, "up/d1", only.path())
        .recursive(false)
        .await
        .unwrap();
    assert_eq!(r.files.len() as u64, n / 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_seaweed() {
    directories(Peer::Seaweed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_s3s_fs() {
    directories(Peer::S3sFs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_moto() {
    directories(Peer::Moto).await;
}

/// Server-side copies: CopyObject, and UploadPartCopy with the threshold lowered.
async fn copies(peer: Peer) {
    let session = session(peer);
    let s3 = services_s3::S3Client::new(&session).unwrap();
    let bucket = bucket(&s3, "copy").await;
    let data = pattern(11 * MIB, 9);
    let tm = manager(&session, config_for(peer));
    tm.upload_bytes(data.clone(), &bucket, "src key+1")
        .await
        .unwrap();
    let one = tm
        .copy(&bucket, "src key+1", &bucket, "copied/one")
        .await
        .unwrap();
    assert_eq!(one.parts, 1);
    if peer == Peer::Moto {
        // moto 5.2.5 labels the copy's CRC32 as CRC64NVME, so a checked GET refuses it:
        // compare sizes only.
        let head = s3
            .head_object()
            .bucket(bucket.clone())
            .key("copied/one")
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_length, Some(data.len() as i64));
    } else {
        assert_eq!(get(&s3, &bucket, "copied/one").await, data);
    }
    let tm = manager(&session, config_for(peer).multipart_copy_threshold(5 * MIB));
    let many = tm
        .copy(&bucket, "src key+1", &bucket, "copied/many")
        .await
        .unwrap();
    assert_eq!(many.parts, 3);
    assert_eq!(get(&s3, &bucket, "copied/many").await, data);
    assert!(matches!(open_uploads(&s3, &bucket).await, None | Some(0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_seaweed() {
    copies(Peer::Seaweed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_s3s_fs() {
    copies(Peer::S3sFs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_moto() {
    copies(Peer::Moto).await;
}

/// boto3's entry points on the client and the resources.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_entry_points() {
    use session_transfer::{BucketTransferExt as _, ObjectTransferExt as _};
    let session = session(Peer::Seaweed);
    let s3 = services_s3::S3Client::new(&session).unwrap();
    let name = bucket(&s3, "boto").await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.txt");
    write_file(&src, b"hello transfer");
    s3.upload_file(&src, &name, "client").await.unwrap();
    let bucket = s3.resource().bucket(name.clone());
    bucket.upload_file(&src, "bucket").await.unwrap();
    let object = bucket.object("object");
    object.upload_file(&src).await.unwrap();
    object.download_file(dir.path().join("o")).await.unwrap();
    bucket
        .download_file("bucket", dir.path().join("b"))
        .await
        .unwrap();
    s3.download_file(&name, "client", dir.path().join("c"))
        .await
        .unwrap();
    bucket.copy(&name, "client", "copied").await.unwrap();
    for f in ["o", "b", "c"] {
        assert_eq!(
            std::fs::read(dir.path().join(f)).unwrap(),
            b"hello transfer"
        );
    }
    assert_eq!(get(&s3, &name, "copied").await, b"hello transfer");
    // Nothing secret in what a manager or a handle prints.
    let tm = s3.transfer_manager(TransferConfig::default());
    let secret = session_testkit::Seaweed::shared()
        .credentials()
        .secret_access_key()
        .to_owned();
    let handle = tm.upload_bytes(&b"x"[..], &name, "debug").start();
    assert!(!format!("{tm:?} {handle:?}").contains(&secret));
    handle.await.unwrap();
}
