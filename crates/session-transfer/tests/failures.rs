//! Failures: cancellation (no multipart upload left), a changed object (If-Match), a
//! directory transfer with a failing file, and a body cut mid-range (resumed from the
//! byte reached, through a fault-injecting proxy in front of SeaweedFS: no installable
//! server breaks its own bodies on cue).

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use session_transfer::TransferConfig;
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

async fn wait_for_bytes(handle: &session_transfer::TransferHandle<impl Send>, bytes: u64) {
    let mut rx = handle.subscribe();
    for _ in 0..600 {
        if rx.borrow().bytes_done >= bytes {
            return;
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), rx.changed()).await;
    }
    panic!("no progress: {:?}", handle.progress());
}

/// Cancels a bandwidth-limited multipart upload once a part is out, then lists the
/// bucket's multipart uploads: none are left.
async fn cancel_mid_upload(
    peer: Peer,
    s3s_data: Option<&std::path::Path>,
    session: session_core::Session,
) {
    let config = config_for(peer).max_bandwidth(8 * MIB).max_concurrency(2);
    let tm = manager(&session, config);
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "cancel").await;
    let handle = tm
        .upload_bytes(pattern(40 * MIB, 1), &bucket, "big")
        .start();
    wait_for_bytes(&handle, 6 * MIB).await;
    handle.cancel();
    let e = handle.await.unwrap_err();
    assert!(e.is_cancelled(), "{e}");
    match (open_uploads(&s3, &bucket).await, s3s_data) {
        (Some(n), _) => assert_eq!(n, 0, "{peer:?}: uploads left after a cancel"),
        (None, Some(data)) => assert_eq!(s3s_fs_open_uploads(data), 0, "{peer:?}: uploads left"),
        (None, None) => panic!("{peer:?} cannot list its uploads"),
    }
    let head = s3
        .head_object()
        .bucket(bucket.clone())
        .key("big")
        .send()
        .await;
    assert!(head.is_err(), "{peer:?}: a cancelled upload left an object");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_upload_seaweed() {
    cancel_mid_upload(Peer::Seaweed, None, session(Peer::Seaweed)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_upload_moto() {
    cancel_mid_upload(Peer::Moto, None, session(Peer::Moto)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_upload_s3s_fs() {
    // Its own server: its open uploads are counted in its data directory.
    let server = tokio::task::block_in_place(|| session_testkit::S3sFs::start().unwrap());
    cancel_mid_upload(Peer::S3sFs, Some(server.data_dir()), server.session(None)).await;
}

/// The object is replaced while it downloads: the pinned ETag fails the next range, and
/// no file (complete-looking or temporary) is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_object_fails_the_download() {
    let session = session(Peer::Seaweed);
    let tm = manager(
        &session,
        small_parts().max_bandwidth(8 * MIB).max_concurrency(1),
    );
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "changed").await;
    manager(&session, small_parts())
        .upload_bytes(pattern(30 * MIB, 1), &bucket, "obj")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("obj");
    let handle = tm.download_file(&bucket, "obj", &dst).start();
    wait_for_bytes(&handle, 2 * MIB).await;
    // A small replacement (one PUT) lands well before the throttled download ends, even
    // on a loaded machine; a 30 MiB multipart one could lose that race.
    manager(&session, small_parts())
        .upload_bytes(pattern(MIB, 2), &bucket, "obj")
        .await
        .unwrap();
    let e = handle.await.unwrap_err();
    assert!(e.is_object_changed(), "{e}");
    assert!(!dst.exists());
    assert!(temp_files(dir.path()).is_empty());
}

/// A directory download where one key cannot be written (a file and a directory of the
/// same name): that file fails, every other one succeeds and stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_failure_reports_each_file() {
    let session = session(Peer::Seaweed);
    let tm = manager(&session, TransferConfig::default().max_concurrency(1));
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "partial").await;
    for key in ["p/a.txt", "p/clash", "p/clash/inner.txt", "p/z.txt"] {
        s3.put_object()
            .bucket(bucket.clone())
            .key(key)
            .body(key.to_owned())
            .send()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let report = tm
        .download_directory(&bucket, "p/", dir.path().join("out"))
        .await
        .unwrap();
    let failed: Vec<&str> = report.failed().map(|f| f.key.as_str()).collect();
    let ok: Vec<&str> = report.succeeded().map(|f| f.key.as_str()).collect();
    eprintln!("failed {failed:?}, ok {ok:?}");
    assert!(!report.is_complete());
    assert!(ok.contains(&"p/a.txt") && ok.contains(&"p/z.txt"), "{ok:?}");
    // One of the clashing pair fails (which one depends on the order they ran in).
    let clash_failed = failed.iter().filter(|k| k.starts_with("p/clash")).count();
    assert_eq!(clash_failed, 1, "{failed:?}");
    assert_eq!(
        std::fs::read(dir.path().join("out/a.txt")).unwrap(),
        b"p/a.txt"
    );
    assert_eq!(
        std::fs::read(dir.path().join("out/z.txt")).unwrap(),
        b"p/z.txt"
    );
}

/// A TCP proxy that cuts the first connection whose responses pass `cut_after` bytes,
/// and keeps the text of every request head it forwards.
struct CuttingProxy {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

async fn cutting_proxy(upstream: std::net::SocketAddr, cut_after: u64) -> CuttingProxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let armed = Arc::new(AtomicBool::new(true));
    let reqs = requests.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (reqs, armed) = (reqs.clone(), armed.clone());
            tokio::spawn(async move {
                let server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = cr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        if let Some(head) = std::str::from_utf8(&buf[..n])
                            .ok()
                            .filter(|t| t.starts_with("GET "))
                        {
                            reqs.lock().unwrap().push(head.to_lowercase());
                        }
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
                let sent = AtomicU64::new(0);
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = sr.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    let total = sent.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
                    if total > cut_after && armed.swap(false, Ordering::Relaxed) {
                        break; // drops both halves: the response is cut mid-body
                    }
                }
                up.abort();
            });
        }
    });
    CuttingProxy { addr, requests }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_body_resumes_from_the_byte_reached() {
    let weed = tokio::task::block_in_place(session_testkit::Seaweed::shared);
    let direct = weed.session(None);
    let s3 = services_s3::S3Client::new(&direct).unwrap();
    let bucket = bucket(&s3, "cut").await;
    let data = pattern(12 * MIB, 5);
    manager(&direct, small_parts())
        .upload_bytes(data.clone(), &bucket, "obj")
        .await
        .unwrap();

    let proxy = cutting_proxy(weed.addr(), 3 * MIB).await;
    let via = session_testkit::session_for(
        &format!("http://{}", proxy.addr),
        weed.region(),
        weed.credentials(),
        None,
    );
    let config = TransferConfig::default()
        .multipart_threshold(8 * MIB)
        .multipart_chunksize(8 * MIB)
        .max_concurrency(1)
        .retry_backoff(Duration::from_millis(10));
    let tm = manager(&via, config);
    let dir = tempfile::tempdir().unwrap();
    let out = tm
        .download_file(&bucket, "obj", dir.path().join("obj"))
        .await
        .unwrap();
    assert_eq!(std::fs::read(dir.path().join("obj")).unwrap(), data);
    assert!(out.verified.is_some(), "the object's checksum was checked");
    let requests = proxy.requests.lock().unwrap().clone();
    let ranges: Vec<String> = requests
        .iter()
        .filter_map(|r| {
            r.lines()
                .find(|l| l.starts_with("range:"))
                .map(str::to_owned)
        })
        .collect();
    eprintln!("{ranges:?}");
    // The first response broke after ~3 MiB and resumed there: a range that starts
    // inside one of the planned 8 MiB ranges, not at its start.
    let resumed = ranges
        .iter()
        .filter_map(|r| {
            r.strip_prefix("range: bytes=")?
                .split('-')
                .next()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .any(|start| start % (8 * MIB) != 0);
    assert!(resumed, "{ranges:?}");
    assert!(
        requests.iter().all(|r| r.contains("if-match:")),
        "every GET is pinned to the ETag"
    );
}
