//! The transfer manager, end to end with a progress bar: starts SeaweedFS (`weed mini`,
//! installed on first run into `target/peers`), uploads a 96 MiB file in parallel parts,
//! downloads it back through ranged GETs, copies it server-side, and uploads a directory.
//!
//! ```text
//! cargo run -p session-transfer --example transfer
//! ```

#![allow(clippy::print_stdout)] // printing is this example's job

use std::io::Write as _;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use session_transfer::{ProgressEvent, TransferConfig, TransferHandle, TransferManager};

/// Draws a handle's progress on a bar until it ends.
async fn with_bar<T>(
    label: &str,
    handle: TransferHandle<T>,
) -> Result<T, session_transfer::TransferError> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(label.to_owned());
    let mut rx = handle.subscribe();
    let b = bar.clone();
    let watcher = tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let p = *rx.borrow();
            if let Some(t) = p.bytes_total {
                b.set_length(t);
            }
            b.set_position(p.bytes_done);
        }
    });
    let out = handle.await;
    watcher.abort();
    bar.finish();
    out
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("starting SeaweedFS (first run installs it into target/peers, ~10 s) ...");
    let weed = tokio::task::spawn_blocking(session_testkit::Seaweed::start).await??;
    let session = weed.session(None);
    let tm = TransferManager::from_session(&session, TransferConfig::default())?;
    tm.client()
        .create_bucket()
        .bucket("transfers")
        .send()
        .await?;

    let dir = tempfile::tempdir()?;
    let src = dir.path().join("data.bin");
    let mut f = std::fs::File::create(&src)?;
    for i in 0..96u32 {
        f.write_all(&vec![(i % 251) as u8; 1 << 20])?;
    }
    drop(f);

    let up = with_bar(
        "upload",
        tm.upload_file(&src, "transfers", "data.bin").start(),
    )
    .await?;
    println!(
        "uploaded {} bytes in {} parts, checksum {:?}",
        up.size, up.parts, up.checksum
    );

    let dst = dir.path().join("back.bin");
    let down = with_bar(
        "download",
        tm.download_file("transfers", "data.bin", &dst).start(),
    )
    .await?;
    println!(
        "downloaded {} bytes in {} ranges, verified against {:?}",
        down.size, down.parts, down.verified
    );
    assert_eq!(std::fs::read(&src)?, std::fs::read(&dst)?);

    let copy = tm
        .copy("transfers", "data.bin", "transfers", "copy/data.bin")
        .await?;
    println!(
        "copied server-side: {} bytes, ETag {:?}",
        copy.size, copy.e_tag
    );

    let tree = dir.path().join("tree");
    for i in 0..20 {
        let d = tree.join(format!("part{}", i % 4));
        std::fs::create_dir_all(&d)?;
        std::fs::write(
            d.join(format!("file {i}.txt")),
            format!("file number {i}\n"),
        )?;
    }
    let files = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = files.clone();
    let report = tm
        .upload_directory(&tree, "transfers", "tree/")
        .on_progress(Arc::new(move |e| {
            if let ProgressEvent::FileDone { error: None, .. } = e {
                seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }))
        .await?;
    println!(
        "directory: {} files uploaded ({} reported by the callback), {} failed",
        report.succeeded().count(),
        files.load(std::sync::atomic::Ordering::Relaxed),
        report.failed().count()
    );
    Ok(())
}
