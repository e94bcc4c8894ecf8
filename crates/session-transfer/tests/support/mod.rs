//! Helpers shared by the integration tests: peers, buckets, files with known content.

#![allow(dead_code, clippy::unwrap_used, unreachable_pub)]

use std::io::Write as _;
use std::path::Path;

use services_s3::S3Client;
use session_core::Session;
use session_transfer::{TransferConfig, TransferManager};

pub const MIB: u64 = 1024 * 1024;

/// The peers every shape runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Seaweed,
    S3sFs,
    Moto,
}

pub const ALL: [Peer; 3] = [Peer::Seaweed, Peer::S3sFs, Peer::Moto];

pub fn session(peer: Peer) -> Session {
    tokio::task::block_in_place(|| match peer {
        Peer::Seaweed => session_testkit::Seaweed::shared().session(None),
        Peer::S3sFs => session_testkit::S3sFs::shared().session(None),
        Peer::Moto => session_testkit::Moto::shared_with_auth().session(None),
    })
}

/// A fresh bucket (names are unique per test process and call).
pub async fn bucket(s3: &S3Client, tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "tx-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    s3.create_bucket()
        .bucket(name.clone())
        .send()
        .await
        .unwrap();
    name
}

pub fn manager(session: &Session, config: TransferConfig) -> TransferManager {
    TransferManager::from_session(session, config).unwrap()
}

/// A small config: 5 MiB parts (S3's minimum) from 5 MiB on, so a few MiB go multipart.
pub fn small_parts() -> TransferConfig {
    TransferConfig::default()
        .multipart_threshold(5 * MIB)
        .multipart_chunksize(5 * MIB)
        .max_concurrency(4)
}

/// Deterministic bytes: a position-dependent pattern (so misplaced ranges show).
pub fn pattern(len: u64, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed)
        .collect()
}

pub fn write_file(path: &Path, data: &[u8]) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(data).unwrap();
}

/// A sparse file of `len` bytes with a marker at its start, middle and end.
pub fn sparse_file(path: &Path, len: u64) {
    use std::os::unix::fs::FileExt as _;
    let f = std::fs::File::create(path).unwrap();
    f.set_len(len).unwrap();
    for at in [0, len / 2, len.saturating_sub(16)] {
        f.write_all_at(b"session-transfer", at).unwrap();
    }
}

/// Multipart uploads still open in `bucket`; `None` from a peer that cannot list them
/// (s3s-fs answers ListMultipartUploads 501: see `s3s_fs_open_uploads`).
pub async fn open_uploads(s3: &S3Client, bucket: &str) -> Option<usize> {
    match s3
        .list_multipart_uploads()
        .bucket(bucket.to_owned())
        .send()
        .await
    {
        Ok(out) => Some(out.uploads.map_or(0, |u| u.len())),
        Err(e) if e.service_error().is_some_and(|s| s.status() == 501) => None,
        Err(e) => panic!("ListMultipartUploads: {e}"),
    }
}

/// Open multipart uploads of an s3s-fs server: it keeps one `.upload-<id>.json` per
/// upload in its data directory until the upload is completed or aborted.
pub fn s3s_fs_open_uploads(data: &Path) -> usize {
    std::fs::read_dir(data)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(".upload-") && n.ends_with(".json")
        })
        .count()
}

/// The test config for a peer: [`small_parts`], with CRC32 against moto, which stores a
/// CRC32 under the CRC64NVME header for multipart objects (moto 5.2.5; see the
/// `checksums_moto` test, where that is caught).
pub fn config_for(peer: Peer) -> TransferConfig {
    match peer {
        Peer::Moto => small_parts().checksum(session_transfer::ChecksumAlgorithm::Crc32),
        _ => small_parts(),
    }
}

pub async fn get(s3: &S3Client, bucket: &str, key: &str) -> Vec<u8> {
    let out = s3
        .get_object()
        .bucket(bucket.to_owned())
        .key(key.to_owned())
        .send()
        .await
        .unwrap();
    out.body.unwrap().collect().await.unwrap().to_vec()
}

pub fn same_file(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

/// The files in `dir` whose names end in `.s3tmp` (temporary download files).
pub fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".s3tmp"))
        .collect()
}
