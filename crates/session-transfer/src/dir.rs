//! Directory transfers: the files of a directory (or the objects under a prefix), several
//! at once, each through the single-file path. Every file's outcome is reported; what
//! succeeded stays when others fail.

use std::path::{Path, PathBuf};

use futures_util::{StreamExt as _, TryStreamExt as _};
use tracing::Instrument as _;

use crate::error::TransferError;
use crate::handle::TransferHandle;
use crate::manager::{Ctx, TransferManager};
use crate::request::{
    DirectoryDownload, DirectoryReport, DirectoryUpload, DownloadRequest, DownloadTarget,
    FileOutcome, Selection, UploadRequest, UploadSource,
};

fn selected(sel: &Selection, rel: &str) -> bool {
    (sel.include.is_empty() || sel.include.iter().any(|g| crate::glob::matches(g, rel)))
        && !sel.exclude.iter().any(|g| crate::glob::matches(g, rel))
}

/// `prefix` and `rel` joined by one `/` (none after an empty prefix or one ending in `/`).
pub fn join_key(prefix: &str, rel: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{rel}")
    } else {
        format!("{prefix}/{rel}")
    }
}

/// The files under `dir` (relative paths with `/`), regular files only; symlinks to
/// files are followed, symlinked directories are not entered.
pub fn walk(dir: &Path, recursive: bool) -> Result<Vec<(String, PathBuf, u64)>, TransferError> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((d, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .map_err(|e| TransferError::io(format!("listing {}", d.display()), e))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| TransferError::io(format!("listing {}", d.display()), e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(TransferError::invalid(format!(
                    "{} has a name that is not UTF-8 (no key can be made of it)",
                    entry.path().display()
                )));
            };
            let r = if rel.is_empty() {
                name.to_owned()
            } else {
                format!("{rel}/{name}")
            };
            let ft = entry
                .file_type()
                .map_err(|e| TransferError::io("reading a file type", e))?;
            if ft.is_dir() {
                if recursive {
                    stack.push((entry.path(), r));
                }
            } else {
                let meta = std::fs::metadata(entry.path());
                if let Ok(m) = meta.filter(|m| m.is_file()) {
                    out.push((r, entry.path(), m.len()));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

trait FilterOk<T> {
    fn filter(self, f: impl FnOnce(&T) -> bool) -> std::io::Result<T>;
}

impl<T> FilterOk<T> for std::io::Result<T> {
    fn filter(self, f: impl FnOnce(&T) -> bool) -> std::io::Result<T> {
        match self {
            Ok(v) if f(&v) => Ok(v),
            Ok(_) => Err(std::io::Error::other("not a regular file")),
            Err(e) => Err(e),
        }
    }
}

fn child(ctx: &Ctx) -> Ctx {
    Ctx {
        shared: ctx.shared.clone(),
        tracker: ctx.tracker.child(),
        cancel: ctx.cancel.child_token(),
    }
}

pub(crate) fn start_upload(req: DirectoryUpload) -> TransferHandle<DirectoryReport> {
    let ctx = req.tm.ctx(req.options.callback.clone());
    let span = tracing::info_span!("upload_directory", dir = %req.dir.display(), bucket = %req.bucket, prefix = %req.prefix);
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    TransferHandle::spawn(tracker, cancel, upload(ctx, req).instrument(span))
}

async fn upload(ctx: Ctx, req: DirectoryUpload) -> Result<DirectoryReport, TransferError> {
    let (dir, recursive) = (req.dir.clone(), req.selection.recursive);
    let files = tokio::task::spawn_blocking(move || walk(&dir, recursive))
        .await
        .map_err(|e| TransferError::invalid(format!("a listing task failed: {e}")))??;
    let files: Vec<_> = files
        .into_iter()
        .filter(|(rel, _, _)| selected(&req.selection, rel))
        .collect();
    ctx.tracker.set_total(files.iter().map(|f| f.2).sum(), None);
    ctx.tracker.set_files_total(files.len() as u64);
    let at_once = ctx.shared.config.effective_concurrency();
    let tm = req.tm.clone();
    let outcomes = futures_util::stream::iter(files)
        .map(|(rel, path, size)| {
            let (ctx, tm, bucket) = (ctx.clone(), tm.clone(), req.bucket.clone());
            let key = join_key(&req.prefix, &rel);
            let mut options = req.options.clone();
            options.callback = None;
            async move {
                ctx.tracker.file_started(&key, &path);
                let one = UploadRequest {
                    tm,
                    source: UploadSource::File(path.clone()),
                    bucket,
                    key: key.clone(),
                    options,
                };
                let r = crate::upload::run(child(&ctx), one).await;
                finish_file(&ctx, key, path, size, r.map(|_| ()))
            }
        })
        .buffer_unordered(at_once)
        .collect::<Vec<_>>()
        .await;
    if ctx.cancel.is_cancelled() {
        return Err(TransferError::cancelled());
    }
    Ok(DirectoryReport { files: outcomes })
}

fn finish_file(
    ctx: &Ctx,
    key: String,
    path: PathBuf,
    bytes: u64,
    r: Result<(), TransferError>,
) -> FileOutcome {
    let error = r.err();
    ctx.tracker
        .file_done(&key, &path, bytes, error.as_ref().map(ToString::to_string));
    FileOutcome {
        key,
        path,
        bytes,
        error,
    }
}

/// The path under `dir` for a key's remainder after the prefix; `None` for a key that
/// would leave the directory (`..`, an absolute path) or has an empty segment.
pub fn local_path(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = dir.to_owned();
    for seg in rel.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || seg.contains('\0') {
            return None;
        }
        p.push(seg);
    }
    Some(p)
}

pub(crate) fn start_download(req: DirectoryDownload) -> TransferHandle<DirectoryReport> {
    let ctx = req.tm.ctx(req.options.callback.clone());
    let span = tracing::info_span!("download_directory", bucket = %req.bucket, prefix = %req.prefix, dir = %req.dir.display());
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    TransferHandle::spawn(tracker, cancel, download(ctx, req).instrument(span))
}

/// One object of a listing.
pub(crate) struct Listed {
    pub(crate) key: String,
    pub(crate) size: u64,
    pub(crate) e_tag: Option<String>,
    pub(crate) last_modified: Option<i64>,
}

/// Every object under `prefix`.
pub(crate) async fn list(
    tm: &TransferManager,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<Listed>, TransferError> {
    let items: Vec<_> = tm
        .client()
        .list_objects_v2()
        .bucket(bucket.to_owned())
        .prefix(prefix.to_owned())
        .into_paginator()
        .items()
        .try_collect()
        .await
        .map_err(|e| TransferError::operation(format!("ListObjectsV2 {bucket}/{prefix}"), e))?;
    Ok(items
        .into_iter()
        .filter_map(|o| {
            Some(Listed {
                key: o.key?,
                size: o.size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                e_tag: o.e_tag,
                last_modified: o.last_modified.map(|t| t.secs()),
            })
        })
        .collect())
}

/// The part of `key` below `prefix`, as a relative path (a prefix that is not a
/// "directory" also drops the `/` that follows it).
pub fn relative<'a>(prefix: &str, key: &'a str) -> &'a str {
    let rest = key.strip_prefix(prefix).unwrap_or(key);
    if prefix.is_empty() || prefix.ends_with('/') {
        rest
    } else {
        rest.strip_prefix('/').unwrap_or(rest)
    }
}

async fn download(ctx: Ctx, req: DirectoryDownload) -> Result<DirectoryReport, TransferError> {
    let listed =
        crate::retry::or_cancel(&ctx.cancel, list(&req.tm, &req.bucket, &req.prefix)).await?;
    let mut outcomes = Vec::new();
    let mut todo = Vec::new();
    for o in listed {
        if o.key.ends_with('/') {
            continue; // a "folder" marker, not a file
        }
        let rel = relative(&req.prefix, &o.key).to_owned();
        if (!req.selection.recursive && rel.contains('/')) || !selected(&req.selection, &rel) {
            continue;
        }
        match local_path(&req.dir, &rel) {
            Some(path) => todo.push((o, path)),
            None => {
                let e = TransferError::invalid(format!(
                    "the key {:?} does not map to a path inside {}",
                    o.key,
                    req.dir.display()
                ));
                outcomes.push(finish_file(&ctx, o.key, req.dir.clone(), o.size, Err(e)));
            }
        }
    }
    ctx.tracker
        .set_total(todo.iter().map(|(o, _)| o.size).sum(), None);
    ctx.tracker
        .set_files_total((todo.len() + outcomes.len()) as u64);
    let at_once = ctx.shared.config.effective_concurrency();
    let tm = req.tm.clone();
    let done = futures_util::stream::iter(todo)
        .map(|(o, path)| {
            let (ctx, tm, bucket) = (ctx.clone(), tm.clone(), req.bucket.clone());
            async move {
                ctx.tracker.file_started(&o.key, &path);
                let r = async {
                    // The download creates the file's directory.
                    let mut one = DownloadRequest::new(
                        tm,
                        bucket,
                        o.key.clone(),
                        DownloadTarget::File(path.clone()),
                    );
                    one.known = Some((o.size, o.e_tag.clone()));
                    crate::download::run(child(&ctx), one).await.map(|_| ())
                }
                .await;
                finish_file(&ctx, o.key, path, o.size, r)
            }
        })
        .buffer_unordered(at_once)
        .collect::<Vec<_>>()
        .await;
    outcomes.extend(done);
    if ctx.cancel.is_cancelled() {
        return Err(TransferError::cancelled());
    }
    Ok(DirectoryReport { files: outcomes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_paths() {
        assert_eq!(join_key("", "a/b"), "a/b");
        assert_eq!(join_key("p", "a"), "p/a");
        assert_eq!(join_key("p/", "a"), "p/a");
        assert_eq!(relative("p", "p/a/b"), "a/b");
        assert_eq!(relative("p/", "p/a"), "a");
        let d = Path::new("/d");
        assert_eq!(local_path(d, "a/b c+"), Some(PathBuf::from("/d/a/b c+")));
        assert_eq!(local_path(d, "../etc/passwd"), None);
        assert_eq!(local_path(d, "/abs"), None);
        assert_eq!(local_path(d, "a//b"), None);
    }

    #[test]
    fn walk_filters_and_recursion() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub/deep")).unwrap();
        for f in ["a.txt", "b.bin", "sub/c.txt", "sub/deep/d.txt"] {
            std::fs::write(dir.path().join(f), f).unwrap();
        }
        let all: Vec<String> = walk(dir.path(), true)
            .unwrap()
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(all, ["a.txt", "b.bin", "sub/c.txt", "sub/deep/d.txt"]);
        let top: Vec<String> = walk(dir.path(), false)
            .unwrap()
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(top, ["a.txt", "b.bin"]);
        let sel = Selection {
            recursive: true,
            include: vec!["**/*.txt".into()],
            exclude: vec!["sub/deep/**".into()],
        };
        let picked: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .filter(|r| selected(&sel, r))
            .collect();
        assert_eq!(picked, ["a.txt", "sub/c.txt"]);
    }
}
