//! `session sync`: copies the files that differ between a directory and a prefix (either
//! way). A file differs when it is missing on the other side, its size differs, or the
//! source is newer (`--compare size-mtime`, the default), or, with `--compare checksum`,
//! when its full-object checksum differs from the one S3 holds.

use std::collections::HashMap;
use std::path::Path;

use futures_util::StreamExt as _;
use services_s3::types::ChecksumMode;
use session_transfer::{ChecksumAlgorithm, TransferManager};

use super::args::TransferArgs;
use super::chain;
use super::location::Location;
use super::run_cp::manager;

struct Remote {
    size: u64,
    modified: Option<i64>,
}

fn mtime(p: &Path) -> Option<i64> {
    let m = std::fs::metadata(p).ok()?.modified().ok()?;
    i64::try_from(m.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs()).ok()
}

/// The file's checksum in `alg`, base64.
fn file_checksum(p: &Path, alg: ChecksumAlgorithm) -> Option<String> {
    use base64::Engine as _;
    let data = std::fs::read(p).ok()?;
    let mut h = match alg {
        ChecksumAlgorithm::Crc32 => session_runtime::checksum::Algorithm::Crc32,
        ChecksumAlgorithm::Crc32c => session_runtime::checksum::Algorithm::Crc32c,
        ChecksumAlgorithm::Crc64Nvme => session_runtime::checksum::Algorithm::Crc64Nvme,
        ChecksumAlgorithm::Sha1 => session_runtime::checksum::Algorithm::Sha1,
        ChecksumAlgorithm::Sha256 => session_runtime::checksum::Algorithm::Sha256,
    }
    .hasher();
    h.update(&data);
    Some(base64::engine::general_purpose::STANDARD.encode(h.finish()))
}

/// S3's full-object checksum of an object, if it holds one.
async fn remote_checksum(
    tm: &TransferManager,
    bucket: &str,
    key: &str,
) -> Option<(ChecksumAlgorithm, String)> {
    let h = tm
        .client()
        .head_object()
        .bucket(bucket.to_owned())
        .key(key.to_owned())
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .ok()?;
    [
        (ChecksumAlgorithm::Crc64Nvme, h.checksum_crc64_nvme),
        (ChecksumAlgorithm::Crc32c, h.checksum_crc32_c),
        (ChecksumAlgorithm::Crc32, h.checksum_crc32),
        (ChecksumAlgorithm::Sha256, h.checksum_sha256),
        (ChecksumAlgorithm::Sha1, h.checksum_sha1),
    ]
    .into_iter()
    .find_map(|(a, v)| v.filter(|v| !v.contains('-')).map(|v| (a, v)))
}

async fn differs(
    tm: &TransferManager,
    args: &TransferArgs,
    local: &Path,
    remote: Option<&Remote>,
    upload: bool,
    bucket: &str,
    key: &str,
) -> bool {
    let Some(r) = remote else { return true };
    let Ok(meta) = std::fs::metadata(local) else {
        return true;
    };
    if meta.len() != r.size {
        return true;
    }
    if args.compare_checksum {
        if let Some((alg, theirs)) = remote_checksum(tm, bucket, key).await {
            let path = local.to_owned();
            let ours = tokio::task::spawn_blocking(move || file_checksum(&path, alg))
                .await
                .ok()
                .flatten();
            return ours.as_deref() != Some(theirs.as_str());
        }
    }
    match (mtime(local), r.modified) {
        (Some(l), Some(m)) if upload => l > m,
        (Some(l), Some(m)) => m > l,
        _ => true,
    }
}

pub(crate) async fn run(args: &TransferArgs) -> Result<(), String> {
    let tm = manager(args)?;
    let (Some(src), Some(dst)) = (&args.src, &args.dst) else {
        return Err("SRC and DST are required".into());
    };
    let (dir, bucket, prefix, upload) = match (src, dst) {
        (Location::Local(d), Location::S3 { bucket, key }) => {
            (d.clone(), bucket.clone(), key.clone(), true)
        }
        (Location::S3 { bucket, key }, Location::Local(d)) => {
            (d.clone(), bucket.clone(), key.clone(), false)
        }
        _ => return Err("sync copies between a directory and s3://bucket/prefix".into()),
    };
    let err = |e: session_transfer::TransferError| chain(&e);
    let listed = session_transfer::listing::list(&tm, &bucket, &prefix)
        .await
        .map_err(err)?;
    let remote: HashMap<String, Remote> = listed
        .into_iter()
        .filter(|(k, ..)| !k.ends_with('/'))
        .map(|(k, size, _, modified)| (k, Remote { size, modified }))
        .collect();
    let selected = |rel: &str| {
        (args.include.is_empty() || args.include.iter().any(|g| glob_match(g, rel)))
            && !args.exclude.iter().any(|g| glob_match(g, rel))
    };
    // (relative path, key, local path)
    let mut candidates = Vec::new();
    if upload {
        let d = dir.clone();
        let files = tokio::task::spawn_blocking(move || session_transfer::listing::walk(&d, true))
            .await
            .map_err(|e| e.to_string())?
            .map_err(err)?;
        for (rel, path, _) in files.into_iter().filter(|(rel, ..)| selected(rel)) {
            candidates.push((
                rel.clone(),
                session_transfer::listing::join_key(&prefix, &rel),
                path,
            ));
        }
    } else {
        for key in remote.keys() {
            let rel = session_transfer::listing::relative(&prefix, key).to_owned();
            if !selected(&rel) {
                continue;
            }
            match session_transfer::listing::local_path(&dir, &rel) {
                Some(path) => candidates.push((rel, key.clone(), path)),
                None => eprintln!(
                    "sync: skipped {key:?}: it maps to no path inside {}",
                    dir.display()
                ),
            }
        }
    }
    candidates.sort();
    let mut todo = Vec::new();
    for (rel, key, path) in candidates {
        if differs(&tm, args, &path, remote.get(&key), upload, &bucket, &key).await {
            todo.push((rel, key, path));
        }
    }
    let verb = if upload { "upload" } else { "download" };
    if args.dry_run {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        for (_, key, path) in &todo {
            if upload {
                let _ = writeln!(
                    out,
                    "(dry run) {verb}: {} to s3://{bucket}/{key}",
                    path.display()
                );
            } else {
                let _ = writeln!(
                    out,
                    "(dry run) {verb}: s3://{bucket}/{key} to {}",
                    path.display()
                );
            }
        }
        eprintln!("sync: {} to {verb} (dry run: nothing copied)", todo.len());
        return Ok(());
    }
    let at_once = args.concurrency.unwrap_or(10);
    let results = futures_util::stream::iter(todo)
        .map(|(_, key, path)| {
            let (tm, bucket) = (tm.clone(), bucket.clone());
            async move {
                let r = if upload {
                    tm.upload_file(&path, &bucket, key.clone())
                        .await
                        .map(|_| ())
                } else {
                    if let Some(parent) = path.parent() {
                        let _ = tokio::fs::create_dir_all(parent).await;
                    }
                    tm.download_file(&bucket, key.clone(), &path)
                        .await
                        .map(|_| ())
                };
                if !args.quiet {
                    match &r {
                        Ok(()) => eprintln!("{verb}: {key}"),
                        Err(e) => eprintln!("{verb}: failed: {key}: {}", chain(e)),
                    }
                }
                r.is_ok()
            }
        })
        .buffer_unordered(at_once)
        .collect::<Vec<bool>>()
        .await;
    let failed = results.iter().filter(|ok| !**ok).count();
    eprintln!("sync: {} copied, {failed} failed", results.len() - failed);
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} files failed"))
    }
}

fn glob_match(pattern: &str, path: &str) -> bool {
    session_transfer::listing::glob_matches(pattern, path)
}
