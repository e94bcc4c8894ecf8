//! `session cp`.

use services_s3::S3Client;
use session_transfer::{DirectoryReport, Resumed, TransferConfig, TransferManager};

use super::args::TransferArgs;
use super::chain;
use super::location::Location;
use super::progress::follow;

pub(crate) fn manager(args: &TransferArgs) -> Result<TransferManager, String> {
    let mut b = session_core::Session::builder();
    if let Some(p) = &args.profile {
        b = b.profile(p);
    }
    let session = b.build().map_err(|e| chain(&e))?;
    let client = S3Client::new(&session).map_err(|e| chain(&e))?;
    let mut config = TransferConfig::default();
    if let Some(n) = args.part_size {
        config = config.multipart_chunksize(n).multipart_threshold(n);
    }
    if let Some(n) = args.concurrency {
        config = config.max_concurrency(n);
    }
    if let Some(c) = args.checksum {
        config = config.checksum(c);
    }
    Ok(TransferManager::new(client, config))
}

/// The key for a file copied to `s3://bucket/key`: `key` itself, or `key` + the file's
/// name when `key` is empty or ends with `/` (as `aws s3 cp` does).
fn key_for(key: &str, src: &std::path::Path) -> String {
    let name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if key.is_empty() || key.ends_with('/') {
        format!("{key}{name}")
    } else {
        key.to_owned()
    }
}

/// The path for an object copied to a local `dst`: inside it when it is a directory.
fn path_for(dst: &std::path::Path, key: &str) -> std::path::PathBuf {
    if dst.is_dir() || dst.as_os_str().to_string_lossy().ends_with('/') {
        dst.join(key.rsplit('/').next().unwrap_or(key))
    } else {
        dst.to_owned()
    }
}

pub(crate) fn report(label: &str, r: &DirectoryReport) -> Result<(), String> {
    for f in r.failed() {
        eprintln!(
            "{label}: failed: {} ({}): {}",
            f.key,
            f.path.display(),
            f.error.as_ref().map(|e| chain(e)).unwrap_or_default()
        );
    }
    let failed = r.failed().count();
    eprintln!(
        "{label}: {} files, {} bytes, {failed} failed",
        r.files.len(),
        r.bytes()
    );
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} of {} files failed", r.files.len()))
    }
}

pub(crate) async fn run(args: &TransferArgs) -> Result<(), String> {
    let tm = manager(args)?;
    let (Some(src), Some(dst)) = (&args.src, &args.dst) else {
        return Err("SRC and DST are required".into());
    };
    let label = format!("{} -> {}", src.show(), dst.show());
    let q = args.quiet;
    let err = |e: session_transfer::TransferError| chain(&e);
    match (src, dst, args.recursive) {
        (Location::Local(_), Location::Local(_), _) => {
            Err("one of SRC and DST must be s3://".into())
        }
        (Location::Local(dir), Location::S3 { bucket, key }, true) => {
            let mut up = tm.upload_directory(dir, bucket, key.clone());
            for g in &args.include {
                up = up.include(g.clone());
            }
            for g in &args.exclude {
                up = up.exclude(g.clone());
            }
            report(&label, &follow(&label, up.start(), q).await.map_err(err)?)
        }
        (Location::S3 { bucket, key }, Location::Local(dir), true) => {
            let mut down = tm.download_directory(bucket, key.clone(), dir);
            for g in &args.include {
                down = down.include(g.clone());
            }
            for g in &args.exclude {
                down = down.exclude(g.clone());
            }
            report(&label, &follow(&label, down.start(), q).await.map_err(err)?)
        }
        (
            Location::S3 {
                bucket: sb,
                key: sk,
            },
            Location::S3 {
                bucket: db,
                key: dk,
            },
            true,
        ) => {
            let listed = session_transfer::listing::list(&tm, sb, sk)
                .await
                .map_err(err)?;
            let mut failed = 0;
            for (key, _, _, _) in &listed {
                let rel = session_transfer::listing::relative(sk, key);
                let to = session_transfer::listing::join_key(dk, rel);
                if let Err(e) = tm.copy(sb, key.clone(), db, to.clone()).await {
                    failed += 1;
                    eprintln!("{label}: failed: {key} -> {to}: {}", chain(&e));
                }
            }
            eprintln!("{label}: {} objects, {failed} failed", listed.len());
            if failed == 0 {
                Ok(())
            } else {
                Err(format!("{failed} copies failed"))
            }
        }
        (Location::Local(path), Location::S3 { bucket, key }, false) => {
            let key = key_for(key, path);
            let handle = match &args.resume {
                Some(cp) if cp.exists() => tm.resume(cp),
                Some(cp) => {
                    let h = tm.upload_file(path, bucket, key).checkpoint(cp).start();
                    return follow(&label, h, q)
                        .await
                        .map(|o| done(q, &label, o.size, o.checksum.map(|c| c.value)))
                        .map_err(err);
                }
                None => {
                    let h = tm.upload_file(path, bucket, key).start();
                    return follow(&label, h, q)
                        .await
                        .map(|o| done(q, &label, o.size, o.checksum.map(|c| c.value)))
                        .map_err(err);
                }
            };
            resumed(&label, follow(&label, handle, q).await.map_err(err)?, q);
            Ok(())
        }
        (Location::S3 { bucket, key }, Location::Local(path), false) => {
            if key.is_empty() || key.ends_with('/') {
                return Err(format!(
                    "{} names no object (use --recursive for a prefix)",
                    src.show()
                ));
            }
            let path = path_for(path, key);
            let handle = match &args.resume {
                Some(cp) if cp.exists() => tm.resume(cp),
                Some(cp) => {
                    let h = tm
                        .download_file(bucket, key.clone(), &path)
                        .checkpoint(cp)
                        .start();
                    return follow(&label, h, q)
                        .await
                        .map(|o| done(q, &label, o.size, o.verified.map(|c| c.value)))
                        .map_err(err);
                }
                None => {
                    let h = tm.download_file(bucket, key.clone(), &path).start();
                    return follow(&label, h, q)
                        .await
                        .map(|o| done(q, &label, o.size, o.verified.map(|c| c.value)))
                        .map_err(err);
                }
            };
            resumed(&label, follow(&label, handle, q).await.map_err(err)?, q);
            Ok(())
        }
        (
            Location::S3 {
                bucket: sb,
                key: sk,
            },
            Location::S3 {
                bucket: db,
                key: dk,
            },
            false,
        ) => {
            let dk = if dk.is_empty() || dk.ends_with('/') {
                format!("{dk}{}", sk.rsplit('/').next().unwrap_or(sk))
            } else {
                dk.clone()
            };
            let out = follow(&label, tm.copy(sb, sk.clone(), db, dk).start(), q)
                .await
                .map_err(err)?;
            done(q, &label, out.size, None);
            Ok(())
        }
    }
}

fn done(quiet: bool, label: &str, size: u64, checksum: Option<String>) {
    if !quiet {
        match checksum {
            Some(c) => eprintln!("{label}: done, {size} bytes, checksum {c}"),
            None => eprintln!("{label}: done, {size} bytes"),
        }
    }
}

fn resumed(label: &str, r: Resumed, quiet: bool) {
    match r {
        Resumed::Upload(o) => done(quiet, label, o.size, o.checksum.map(|c| c.value)),
        Resumed::Download(o) => done(quiet, label, o.size, o.verified.map(|c| c.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_aws_s3_cp() {
        let p = std::path::Path::new("/x/a.bin");
        assert_eq!(key_for("", p), "a.bin");
        assert_eq!(key_for("dir/", p), "dir/a.bin");
        assert_eq!(key_for("k", p), "k");
        assert_eq!(
            path_for(std::path::Path::new("out.bin"), "d/k"),
            std::path::PathBuf::from("out.bin")
        );
    }
}
