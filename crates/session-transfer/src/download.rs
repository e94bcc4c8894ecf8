//! Downloads: HeadObject (size, ETag, checksum), then one GET below the threshold or
//! ranged GETs in parallel, every request pinned to the ETag with If-Match. A range whose
//! body breaks resumes from the byte it reached. Files are written in place into a
//! temporary file, renamed once the whole object matches its checksum; writers and
//! streams get the ranges in order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use services_s3::types::{ChecksumMode, ChecksumType};
use tokio::io::AsyncWriteExt as _;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::Instrument as _;

use crate::checkpoint::{self, DownloadHeader, Header, Journal, Record};
use crate::checksum::{b64, combine, composite, first_present};
use crate::config::ChecksumAlgorithm;
use crate::error::{Kind, TransferError};
use crate::handle::TransferHandle;
use crate::manager::Ctx;
use crate::ordered::produce;
use crate::plan::{parts, Part};
use crate::range::{fetch_range, RangeSink, WRITE_BUFFER};
use crate::request::{DownloadOutput, DownloadRequest, DownloadTarget, ObjectChecksum};
use crate::reread::{hash_file, Reread};
use crate::retry;

/// What HeadObject told about the object.
#[derive(Debug, Clone)]
pub(crate) struct ObjectInfo {
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) size: u64,
    pub(crate) e_tag: Option<String>,
    pub(crate) expected: Option<ObjectChecksum>,
    /// The part size of a composite checksum's parts (ranges are aligned to them).
    pub(crate) part_size: Option<u64>,
}

pub(crate) fn start(req: DownloadRequest) -> TransferHandle<DownloadOutput> {
    let ctx = req.tm.ctx(req.options.callback.clone());
    let span = tracing::info_span!("download", bucket = %req.bucket, key = %req.key);
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    TransferHandle::spawn(tracker, cancel, run(ctx, req).instrument(span))
}

pub(crate) async fn run(ctx: Ctx, req: DownloadRequest) -> Result<DownloadOutput, TransferError> {
    let DownloadRequest {
        bucket,
        key,
        target,
        options,
        known,
        ..
    } = req;
    let info = head(&ctx, &bucket, &key, known).await?;
    match target {
        DownloadTarget::File(path) => {
            to_file(&ctx, info, &path, options.checkpoint.as_deref()).await
        }
        DownloadTarget::Writer(mut w) => {
            let (tx, mut rx) = mpsc::channel(1);
            let producer = tokio::spawn(produce(ctx.clone(), info.clone(), tx));
            while let Some(chunk) = rx.recv().await {
                let chunk = chunk?;
                w.write_all(&chunk)
                    .await
                    .map_err(|e| TransferError::io("writing the download", e))?;
            }
            w.flush()
                .await
                .map_err(|e| TransferError::io("writing the download", e))?;
            producer
                .await
                .map_err(|e| TransferError::invalid(format!("the download task failed: {e}")))?
        }
        DownloadTarget::Stream => Err(TransferError::invalid(
            "use DownloadRequest::into_stream for a stream",
        )),
    }
}

/// HeadObject with checksum mode; for a composite checksum also part 1's size. `known`
/// (size, ETag from a listing) spares the HEAD for objects below the threshold.
pub(crate) async fn head(
    ctx: &Ctx,
    bucket: &str,
    key: &str,
    known: Option<(u64, Option<String>)>,
) -> Result<ObjectInfo, TransferError> {
    if let Some((size, e_tag)) = known {
        if size < ctx.shared.config.multipart_threshold {
            return Ok(ObjectInfo {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
                size,
                e_tag,
                expected: None,
                part_size: None,
            });
        }
    }
    let s3 = &ctx.shared.s3;
    let out = retry::send(
        &ctx.shared,
        ctx.shared.download_policy,
        &ctx.cancel,
        "HeadObject",
        || {
            s3.head_object()
                .bucket(bucket.to_owned())
                .key(key.to_owned())
                .checksum_mode(ChecksumMode::Enabled)
                .send()
        },
    )
    .await?;
    let size = out
        .content_length
        .and_then(|l| u64::try_from(l).ok())
        .ok_or_else(|| {
            TransferError::new(Kind::Service, format!("HeadObject of {key} gave no size"))
        })?;
    let expected = first_present(
        out.checksum_crc32.as_ref(),
        out.checksum_crc32_c.as_ref(),
        out.checksum_crc64_nvme.as_ref(),
        out.checksum_sha1.as_ref(),
        out.checksum_sha256.as_ref(),
    )
    .map(|(algorithm, value)| ObjectChecksum {
        full_object: !value.contains('-') && out.checksum_type != Some(ChecksumType::Composite),
        algorithm,
        value,
    });
    let mut expected = expected;
    let mut part_size = None;
    // A SHA of a multipart object is composite whatever its form (moto leaves out the
    // `-N`): the part layout tells.
    let sha_without_parts = expected.as_ref().is_some_and(|c| {
        c.full_object && !c.algorithm.is_full_object() && size >= crate::plan::MIN_PART
    });
    if expected.as_ref().is_some_and(|c| !c.full_object) || sha_without_parts {
        let p1 = retry::send(
            &ctx.shared,
            ctx.shared.download_policy,
            &ctx.cancel,
            "HeadObject part 1",
            || {
                s3.head_object()
                    .bucket(bucket.to_owned())
                    .key(key.to_owned())
                    .part_number(1)
                    .send()
            },
        )
        .await?;
        part_size = p1
            .content_length
            .and_then(|l| u64::try_from(l).ok())
            .filter(|l| *l > 0);
        if sha_without_parts {
            if p1.parts_count.is_some_and(|n| n > 1) {
                if let Some(c) = expected.as_mut() {
                    c.full_object = false;
                }
            } else {
                part_size = None;
            }
        }
    }
    Ok(ObjectInfo {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        size,
        e_tag: out.e_tag,
        expected,
        part_size,
    })
}

/// How the object is fetched: one GET, or ranges (aligned to the parts of a composite
/// checksum), and which algorithm each range is hashed with.
pub(crate) fn plan(ctx: &Ctx, info: &ObjectInfo) -> (Vec<Part>, bool, Option<ChecksumAlgorithm>) {
    let alg = info.expected.as_ref().map(|c| c.algorithm);
    match (&info.expected, info.part_size) {
        (Some(c), Some(ps)) if !c.full_object => (parts(info.size, ps), false, alg),
        _ if info.size < ctx.shared.config.multipart_threshold => {
            (parts(info.size, info.size.max(1)), true, alg)
        }
        _ => (
            parts(info.size, ctx.shared.config.multipart_chunksize),
            false,
            alg,
        ),
    }
}

/// Checks the ranges' digests against the object's checksum. `Ok(None)` when S3 holds no
/// checksum; `Err` on a mismatch; a full-object SHA over ranges cannot combine and is left
/// to `fallback` (a sequential pass).
pub(crate) fn verify(
    info: &ObjectInfo,
    digests: &[(Vec<u8>, u64)],
    sequential: Option<Vec<u8>>,
) -> Result<Option<ObjectChecksum>, TransferError> {
    let Some(expected) = &info.expected else {
        return Ok(None);
    };
    let alg = expected.algorithm;
    let got = if !expected.full_object {
        let d: Vec<Vec<u8>> = digests.iter().map(|(d, _)| d.clone()).collect();
        composite(alg, &d)
    } else if let Some(seq) = sequential {
        b64(&seq)
    } else if digests.len() == 1 {
        b64(&digests[0].0)
    } else if let Some(c) = combine(alg, digests) {
        b64(&c)
    } else {
        return Err(TransferError::invalid(
            "internal: a SHA over ranges needs a sequential pass",
        ));
    };
    // A composite value may come without its `-N` (moto).
    let same = got == expected.value
        || (!expected.full_object
            && !expected.value.contains('-')
            && got.split('-').next() == Some(&expected.value));
    if same {
        Ok(Some(expected.clone()))
    } else {
        Err(TransferError::new(
            Kind::Checksum,
            format!(
                "{}: S3 holds {} {}, the bytes downloaded give {got}",
                info.key,
                alg.name(),
                expected.value
            ),
        ))
    }
}

fn temp_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.join(format!(".{name}.{:08x}.s3tmp", fastrand::u32(..)))
}

/// Objects up to this size (fetched whole) are collected in memory and written with one
/// blocking call: create the directory, write the temporary file, rename it.
const SMALL: u64 = 1024 * 1024;

async fn small_to_file(
    ctx: &Ctx,
    info: ObjectInfo,
    dest: &Path,
) -> Result<DownloadOutput, TransferError> {
    let (ranges, _, alg) = plan(ctx, &info);
    let part = ranges[0];
    ctx.tracker.set_total(info.size, Some(1));
    let len = usize::try_from(info.size).unwrap_or(0);
    let mut sink = RangeSink::Memory(ctx.shared.buffers.take(len), 0);
    let d = fetch_range(ctx, &info, part, true, alg, &mut sink).await?;
    let verified = verify(&info, &[(d.unwrap_or_default(), info.size)], None)?;
    let RangeSink::Memory(buf, _) = sink else {
        return Err(TransferError::invalid("internal: a memory sink"));
    };
    let data = buf.freeze();
    let (temp, dest_owned) = (temp_path(dest), dest.to_owned());
    tokio::task::spawn_blocking(move || {
        if let Some(parent) = dest_owned.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| TransferError::io(format!("creating {}", parent.display()), e))?;
        }
        let write = || -> std::io::Result<()> {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)?;
            f.write_all(&data)?;
            std::fs::rename(&temp, &dest_owned)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            TransferError::io(format!("writing {}", dest_owned.display()), e)
        })
    })
    .await
    .map_err(|e| TransferError::invalid(format!("a write task failed: {e}")))??;
    Ok(DownloadOutput {
        bucket: info.bucket.clone(),
        key: info.key.clone(),
        size: info.size,
        e_tag: info.e_tag.clone(),
        verified,
        path: Some(dest.to_owned()),
        parts: 1,
    })
}

async fn to_file(
    ctx: &Ctx,
    info: ObjectInfo,
    dest: &Path,
    checkpoint: Option<&Path>,
) -> Result<DownloadOutput, TransferError> {
    if checkpoint.is_none() && info.size <= SMALL && plan(ctx, &info).1 {
        return small_to_file(ctx, info, dest).await;
    }
    let temp = temp_path(dest);
    let (file, temp) = create_temp(temp, info.size).await?;
    let journal = match checkpoint {
        Some(cp) => Some(Arc::new(Journal::create(
            cp,
            &Header::Download(DownloadHeader {
                version: checkpoint::VERSION,
                bucket: info.bucket.clone(),
                key: info.key.clone(),
                dest: std::path::absolute(dest).unwrap_or_else(|_| dest.to_owned()),
                temp: std::path::absolute(&temp).unwrap_or_else(|_| temp.clone()),
                size: info.size,
                e_tag: info.e_tag.clone(),
                range_size: plan(ctx, &info).0.first().map_or(0, |p| p.len),
                checksum: info
                    .expected
                    .as_ref()
                    .map(|c| (c.algorithm.name().to_owned(), c.value.clone())),
            }),
        )?)),
        None => None,
    };
    let (ranges, whole, _) = plan(ctx, &info);
    file_ranges(
        ctx,
        info,
        file,
        temp,
        dest,
        ranges,
        whole,
        BTreeMap::new(),
        journal,
        false,
    )
    .await
}

pub(crate) async fn create_temp(
    temp: PathBuf,
    size: u64,
) -> Result<(Arc<std::fs::File>, PathBuf), TransferError> {
    tokio::task::spawn_blocking(move || {
        if let Some(parent) = temp
            .parent()
            .filter(|p| !p.as_os_str().is_empty() && !p.exists())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| TransferError::io(format!("creating {}", parent.display()), e))?;
        }
        let f = std::fs::OpenOptions::new()
            .write(true)
            .read(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| TransferError::io(format!("creating {}", temp.display()), e))?;
        f.set_len(size)
            .map_err(|e| TransferError::io(format!("sizing {}", temp.display()), e))?;
        Ok((Arc::new(f), temp))
    })
    .await
    .map_err(|e| TransferError::invalid(format!("a file task failed: {e}")))?
}

/// Fetches the ranges not in `done` into the temporary file, verifies the object and
/// renames the file into place. After a failure the temporary file is removed, unless a
/// checkpoint keeps it for a resume.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn file_ranges(
    ctx: &Ctx,
    info: ObjectInfo,
    file: Arc<std::fs::File>,
    temp: PathBuf,
    dest: &Path,
    ranges: Vec<Part>,
    whole: bool,
    done: BTreeMap<u32, Vec<u8>>,
    journal: Option<Arc<Journal>>,
    reread: bool,
) -> Result<DownloadOutput, TransferError> {
    ctx.tracker.set_total(info.size, Some(ranges.len() as u64));
    let result: Result<DownloadOutput, TransferError> = async {
        let (_, _, alg) = plan(ctx, &info);
        // A full-object SHA does not combine over ranges: hash the file once at the end.
        let sequential = info
            .expected
            .as_ref()
            .is_some_and(|c| c.full_object && !c.algorithm.is_full_object())
            && !whole;
        let range_alg = if sequential { None } else { alg };
        let digests = file_parts(
            ctx,
            &info,
            &file,
            &temp,
            &ranges,
            whole,
            range_alg,
            done,
            journal.as_deref(),
        )
        .await?;
        let seq = if (sequential || reread) && info.expected.is_some() {
            Some(
                hash_file(
                    &temp,
                    alg.unwrap_or_default(),
                    info.expected
                        .as_ref()
                        .is_some_and(|c| !c.full_object)
                        .then_some(&ranges),
                )
                .await?,
            )
        } else {
            None
        };
        let verified = match seq {
            Some(Reread::Whole(d)) => verify(&info, &digests, Some(d))?,
            Some(Reread::Parts(d)) => verify(&info, &d, None)?,
            None => verify(&info, &digests, None)?,
        };
        let (t, d) = (temp.clone(), dest.to_owned());
        tokio::task::spawn_blocking(move || {
            std::fs::rename(&t, &d).map_err(|e| {
                TransferError::io(format!("renaming {} to {}", t.display(), d.display()), e)
            })
        })
        .await
        .map_err(|e| TransferError::invalid(format!("a rename task failed: {e}")))??;
        Ok(DownloadOutput {
            bucket: info.bucket.clone(),
            key: info.key.clone(),
            size: info.size,
            e_tag: info.e_tag.clone(),
            verified,
            path: Some(dest.to_owned()),
            parts: u32::try_from(ranges.len()).unwrap_or(u32::MAX),
        })
    }
    .await;
    match (&result, &journal) {
        (Ok(_), Some(j)) => j.remove(),
        (Err(e), Some(j))
            if !e.is_cancelled() && !e.is_checksum_mismatch() && !e.is_object_changed() =>
        {
            tracing::info!(temp = %temp.display(), "download failed; the checkpoint keeps it for a resume");
        }
        (Err(_), j) => {
            let _ = std::fs::remove_file(&temp);
            if let Some(j) = j {
                j.remove();
            }
        }
        (Ok(_), None) => {}
    }
    result
}

#[allow(clippy::too_many_arguments)]
async fn file_parts(
    ctx: &Ctx,
    info: &ObjectInfo,
    file: &Arc<std::fs::File>,
    temp: &Path,
    ranges: &[Part],
    whole: bool,
    alg: Option<ChecksumAlgorithm>,
    mut done: BTreeMap<u32, Vec<u8>>,
    journal: Option<&Journal>,
) -> Result<Vec<(Vec<u8>, u64)>, TransferError> {
    let window = ctx.shared.config.effective_concurrency() + 1;
    let path: Arc<Path> = Arc::from(temp);
    let info = Arc::new(info.clone());
    let pending: Vec<Part> = ranges
        .iter()
        .filter(|p| !done.contains_key(&p.number))
        .copied()
        .collect();
    let mut todo = pending.into_iter();
    let mut set: JoinSet<Result<(u32, Vec<u8>), TransferError>> = JoinSet::new();
    let spawn = |set: &mut JoinSet<_>, part: Part| {
        let (ctx, info, file, path) = (ctx.clone(), info.clone(), file.clone(), path.clone());
        let span = tracing::debug_span!(
            "range",
            number = part.number,
            offset = part.offset,
            len = part.len
        );
        set.spawn(
            async move {
                let _mem = ctx.shared.memory.acquire(WRITE_BUFFER as u64).await?;
                let mut sink = RangeSink::File {
                    file,
                    path,
                    buf: Vec::with_capacity(WRITE_BUFFER),
                    at: 0,
                };
                let d = fetch_range(&ctx, &info, part, whole, alg, &mut sink).await?;
                Ok((part.number, d.unwrap_or_default()))
            }
            .instrument(span),
        );
    };
    for part in todo.by_ref().take(window) {
        spawn(&mut set, part);
    }
    while let Some(r) = set.join_next().await {
        let (n, d) = match r {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                set.abort_all();
                while set.join_next().await.is_some() {}
                return Err(e);
            }
            Err(e) => {
                set.abort_all();
                while set.join_next().await.is_some() {}
                return Err(TransferError::invalid(format!("a range task failed: {e}")));
            }
        };
        if let Some(j) = journal {
            j.record(&Record {
                part: n,
                e_tag: None,
                checksum: Some(b64(&d)),
            })?;
        }
        done.insert(n, d);
        if let Some(next) = todo.next() {
            spawn(&mut set, next);
        }
    }
    Ok(ranges
        .iter()
        .map(|p| (done.remove(&p.number).unwrap_or_default(), p.len))
        .collect())
}
