//! Against a SeaweedFS cluster (master, three volume servers, filer, S3 gateway;
//! replication `001`: every volume on two servers): a round trip, a volume server killed
//! in the middle of an upload and of a download, and (ignored by default: it moves 5 GiB)
//! a 5 GiB sparse file.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use session_testkit::SeaweedCluster;
use session_transfer::TransferConfig;
use support::*;

fn cluster() -> SeaweedCluster {
    tokio::task::block_in_place(|| SeaweedCluster::start(3, "001")).unwrap()
}

async fn wait_for(handle: &session_transfer::TransferHandle<impl Send>, bytes: u64) {
    let start = Instant::now();
    while handle.progress().bytes_done < bytes {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no progress: {:?}",
            handle.progress()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volume_server_killed_mid_transfer() {
    let mut cluster = cluster();
    let session = cluster.session(None);
    let tm = manager(&session, small_parts());
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "cluster").await;

    // A plain round trip first: the cluster works, replicated.
    let data = pattern(24 * MIB, 21);
    tm.upload_bytes(data.clone(), &bucket, "before")
        .await
        .unwrap();
    assert_eq!(get(&s3, &bucket, "before").await, data);

    // An upload that loses a volume server a third of the way in.
    let slow = manager(
        &session,
        small_parts().max_bandwidth(12 * MIB).max_concurrency(2),
    );
    let up_data = pattern(40 * MIB, 22);
    let up = slow
        .upload_bytes(up_data.clone(), &bucket, "during-upload")
        .start();
    wait_for(&up, 12 * MIB).await;
    assert!(cluster.kill_volume(0));
    let outcome = up.await;
    match &outcome {
        Ok(out) => {
            eprintln!(
                "upload with a volume server killed: completed ({} parts)",
                out.parts
            );
            assert_eq!(
                get(&s3, &bucket, "during-upload").await,
                up_data,
                "completed, and intact"
            );
        }
        Err(e) => {
            eprintln!("upload with a volume server killed: failed: {e}");
            assert!(e.is_service(), "{e}");
            assert_eq!(
                open_uploads(&s3, &bucket).await,
                Some(0),
                "a failed upload is aborted"
            );
        }
    }

    // With one volume server gone, every volume still has a replica: reads succeed once
    // the master has dropped the dead server (until then SeaweedFS may send a read to it
    // and answer 500; CI saw that once).
    tokio::task::block_in_place(|| cluster.wait_topology(Duration::from_secs(30))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let one_down = manager(&session, small_parts())
        .download_file(&bucket, "before", dir.path().join("one-down"))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", cluster.logs_tail(4000)));
    assert!(one_down.verified.is_some());
    assert_eq!(std::fs::read(dir.path().join("one-down")).unwrap(), data);

    // A download that loses a second volume server midway: `before` was written with
    // both replicas on live servers or one on the dead one; reads go to a replica left.
    let dst = dir.path().join("before");
    let down = slow.download_file(&bucket, "before", &dst).start();
    wait_for(&down, 8 * MIB).await;
    assert!(cluster.kill_volume(1));
    match down.await {
        Ok(out) => {
            eprintln!(
                "download with a second volume server killed: completed, verified {:?}",
                out.verified
            );
            assert_eq!(std::fs::read(&dst).unwrap(), data);
        }
        Err(e) => {
            eprintln!("download with a second volume server killed: failed: {e}");
            assert!(
                !dst.exists(),
                "a failed download leaves no file under its name"
            );
            assert!(temp_files(dir.path()).is_empty());
        }
    }
    assert_eq!(cluster.live_volumes(), 1);
}

/// 5 GiB + 1 byte from a sparse file up to the cluster and back through a stream to a
/// sink, checksummed both ways. Moves 5 GiB each way (about 10 GiB written by the
/// cluster with its replicas): run it with `--ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "moves 5 GiB each way; run explicitly"]
async fn five_gib_sparse_file() {
    let cluster = cluster();
    let session = cluster.session(None);
    let tm = manager(&session, TransferConfig::default());
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "five").await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sparse.bin");
    let len = 5 * 1024 * MIB + 1;
    sparse_file(&src, len);
    let start = Instant::now();
    let up = tm.upload_file(&src, &bucket, "five").await.unwrap();
    let up_secs = start.elapsed().as_secs_f64();
    assert_eq!(up.size, len);
    assert_eq!(up.parts, 641);
    let start = Instant::now();
    let (handle, mut stream) = tm.download_stream(&bucket, "five").into_stream();
    let mut n = 0u64;
    while let Some(chunk) = stream.next().await {
        n += chunk.unwrap().len() as u64;
    }
    let down = handle.await.unwrap();
    let down_secs = start.elapsed().as_secs_f64();
    assert_eq!(n, len);
    eprintln!(
        "5 GiB + 1: up {up_secs:.1} s ({:.0} MiB/s), down {down_secs:.1} s ({:.0} MiB/s), verified {:?}",
        len as f64 / MIB as f64 / up_secs,
        len as f64 / MIB as f64 / down_secs,
        down.verified
    );
    assert!(down.verified.is_some());
}
