//! A transfer's process is killed (SIGKILL) in the middle; another process resumes it
//! from the checkpoint file. The child is this test binary run again on the ignored
//! `child_transfer` test, with the transfer's parameters in its environment.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use session_transfer::{Resumed, TransferConfig};
use support::*;

const SIZE: u64 = 48 * MIB;

fn child_config() -> TransferConfig {
    // Slow enough to be killed in the middle: 8 MiB/s, 6 parts of 8 MiB.
    TransferConfig::default()
        .max_bandwidth(8 * MIB)
        .max_concurrency(2)
}

/// Runs in the child process only (see the module's doc).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child half of the restart tests; run by them, not on its own"]
async fn child_transfer() {
    let var = |n: &str| std::env::var(n).unwrap();
    let session = session_core::Session::builder()
        .env(session_core::Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id(var("CHILD_AK"))
        .secret_access_key(var("CHILD_SK"))
        .setting("endpoint_url", var("CHILD_ENDPOINT"))
        .build()
        .unwrap();
    let tm = manager(&session, child_config());
    let (bucket, key, path, cp) = (
        var("CHILD_BUCKET"),
        var("CHILD_KEY"),
        var("CHILD_PATH"),
        var("CHILD_CHECKPOINT"),
    );
    match var("CHILD_MODE").as_str() {
        "upload" => drop(
            tm.upload_file(&path, &bucket, &key)
                .checkpoint(&cp)
                .await
                .unwrap(),
        ),
        _ => drop(
            tm.download_file(&bucket, &key, &path)
                .checkpoint(&cp)
                .await
                .unwrap(),
        ),
    }
}

/// Starts the child and SIGKILLs it once its checkpoint records `parts` parts.
#[allow(clippy::too_many_arguments)]
fn run_and_kill(
    mode: &str,
    endpoint: &str,
    creds: &session_testkit::Credentials,
    bucket: &str,
    key: &str,
    path: &std::path::Path,
    cp: &std::path::Path,
    parts: usize,
) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_transfer", "--nocapture"])
        .env("CHILD_MODE", mode)
        .env("CHILD_ENDPOINT", endpoint)
        .env("CHILD_AK", creds.access_key_id())
        .env("CHILD_SK", creds.secret_access_key())
        .env("CHILD_BUCKET", bucket)
        .env("CHILD_KEY", key)
        .env("CHILD_PATH", path)
        .env("CHILD_CHECKPOINT", cp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let records = std::fs::read_to_string(cp)
            .map(|t| t.lines().count().saturating_sub(1))
            .unwrap_or(0);
        if records >= parts {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child ended before it was killed: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the child made no progress"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no abort, no cleanup runs
    let status = child.wait().unwrap();
    assert!(!status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_upload_resumes_from_its_checkpoint() {
    let weed = tokio::task::block_in_place(session_testkit::Seaweed::shared);
    let session = weed.session(None);
    let tm = manager(&session, TransferConfig::default());
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "killup").await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_file(&src, &pattern(SIZE, 11));
    let cp = dir.path().join("upload.checkpoint");
    tokio::task::block_in_place(|| {
        run_and_kill(
            "upload",
            weed.endpoint(),
            weed.credentials(),
            &bucket,
            "obj",
            &src,
            &cp,
            2,
        )
    });
    let before = std::fs::read_to_string(&cp).unwrap();
    assert!(
        !before.contains(weed.credentials().secret_access_key()),
        "no secret in a checkpoint"
    );
    let upload_id: String =
        serde_json::from_str::<serde_json::Value>(before.lines().next().unwrap()).unwrap()
            ["upload_id"]
            .as_str()
            .unwrap()
            .to_owned();
    assert_eq!(
        open_uploads(&s3, &bucket).await,
        Some(1),
        "the killed upload is still open"
    );
    let done_before = before.lines().count() - 1;
    let handle = tm.resume(&cp);
    let Resumed::Upload(out) = handle.await.unwrap() else {
        panic!("an upload checkpoint")
    };
    assert_eq!(
        out.upload_id.as_deref(),
        Some(upload_id.as_str()),
        "the same multipart upload was continued"
    );
    assert_eq!(out.size, SIZE);
    assert!(
        (2..6).contains(&done_before),
        "{done_before} parts were done before the kill"
    );
    assert_eq!(get(&s3, &bucket, "obj").await, pattern(SIZE, 11));
    assert!(
        !cp.exists(),
        "the checkpoint is removed once the upload completed"
    );
    assert_eq!(open_uploads(&s3, &bucket).await, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_download_resumes_from_its_checkpoint() {
    let weed = tokio::task::block_in_place(session_testkit::Seaweed::shared);
    let session = weed.session(None);
    let tm = manager(&session, TransferConfig::default());
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "killdown").await;
    tm.upload_bytes(pattern(SIZE, 12), &bucket, "obj")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("dst.bin");
    let cp = dir.path().join("download.checkpoint");
    tokio::task::block_in_place(|| {
        run_and_kill(
            "download",
            weed.endpoint(),
            weed.credentials(),
            &bucket,
            "obj",
            &dst,
            &cp,
            2,
        )
    });
    assert!(
        !dst.exists(),
        "a killed download leaves no file under the final name"
    );
    assert_eq!(
        temp_files(dir.path()).len(),
        1,
        "the partial file is kept for the resume"
    );
    let Resumed::Download(out) = tm.resume(&cp).await.unwrap() else {
        panic!("a download checkpoint")
    };
    assert_eq!(out.size, SIZE);
    assert!(
        out.verified.is_some(),
        "the whole file was checked against the object's checksum"
    );
    assert_eq!(std::fs::read(&dst).unwrap(), pattern(SIZE, 12));
    assert!(temp_files(dir.path()).is_empty());
    assert!(!cp.exists());
}

/// A checkpoint of another file's bytes: the resume refuses to mix them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_refuses_a_changed_source() {
    let weed = tokio::task::block_in_place(session_testkit::Seaweed::shared);
    let session = weed.session(None);
    let tm = manager(&session, TransferConfig::default());
    let s3 = tm.client().clone();
    let bucket = bucket(&s3, "changedsrc").await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_file(&src, &pattern(SIZE, 13));
    let cp = dir.path().join("upload.checkpoint");
    tokio::task::block_in_place(|| {
        run_and_kill(
            "upload",
            weed.endpoint(),
            weed.credentials(),
            &bucket,
            "obj",
            &src,
            &cp,
            1,
        )
    });
    write_file(&src, &pattern(SIZE + 1, 14));
    let e = tm.resume(&cp).await.unwrap_err();
    assert!(e.is_object_changed(), "{e}");
    std::fs::write(&cp, "garbage").unwrap();
    assert!(tm.resume(&cp).await.unwrap_err().is_checkpoint());
}
