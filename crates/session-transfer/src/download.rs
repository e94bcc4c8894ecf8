//! Downloads: HeadObject (size, ETag, checksum), then one GET below the threshold or
//! ranged GETs in parallel, every request pinned to the ETag with If-Match. A range whose
//! body breaks resumes from the byte it reached. Files are written in place into a
//! temporary file, renamed once the whole object matches its checksum; writers and
//! streams get the ranges in order.

use std::collections::BTreeMap;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::StreamExt as _;
use http_body_util::BodyExt as _;
use services_s3::types::{ChecksumMode, ChecksumType};
use tokio::io::AsyncWriteExt as _;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::Instrument as _;

use crate::checkpoint::{self, DownloadHeader, Header, Journal, Record};
use crate::checksum::{b64, combine, composite, first_present, PartHasher};
use crate::config::ChecksumAlgorithm;
use crate::error::{Kind, TransferError};
use crate::handle::TransferHandle;
use crate::manager::Ctx;
use crate::plan::{parts, Part};
use crate::request::{DownloadOutput, DownloadRequest, DownloadTarget, ObjectChecksum};
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

/// The chunks of a download, in order. The last item is an error if the transfer failed
/// (a checksum mismatch included).
pub struct ObjectStream {
    rx: mpsc::Receiver<Result<Bytes, TransferError>>,
}

impl futures_core::Stream for ObjectStream {
    type Item = Result<Bytes, TransferError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl std::fmt::Debug for ObjectStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ObjectStream")
    }
}

pub(crate) fn start_stream(req: DownloadRequest) -> (TransferHandle<DownloadOutput>, ObjectStream) {
    let ctx = req.tm.ctx(req.options.callback.clone());
    let span = tracing::info_span!("download", bucket = %req.bucket, key = %req.key);
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    let (tx, rx) = mpsc::channel(1);
    let DownloadRequest {
        bucket, key, known, ..
    } = req;
    let handle = TransferHandle::spawn(
        tracker,
        cancel,
        async move {
            let info = match head(&ctx, &bucket, &key, known).await {
                Ok(i) => i,
                Err(e) => {
                    let _ = tx
                        .send(Err(TransferError::new(Kind::Service, e.to_string())))
                        .await;
                    return Err(e);
                }
            };
            produce(ctx, info, tx).await
        }
        .instrument(span),
    );
    (handle, ObjectStream { rx })
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
fn plan(ctx: &Ctx, info: &ObjectInfo) -> (Vec<Part>, bool, Option<ChecksumAlgorithm>) {
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
fn verify(
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

/// Where a range's bytes go.
pub(crate) enum RangeSink {
    /// Positional writes, coalesced into 1 MiB buffers.
    File {
        file: Arc<std::fs::File>,
        path: Arc<Path>,
        buf: Vec<u8>,
        at: u64,
    },
    /// Collected into a pooled buffer of the range's size (ordered downloads, small files):
    /// the buffer, the range's first byte.
    Memory(crate::pool::PoolBuf, u64),
}

const WRITE_BUFFER: usize = 1024 * 1024;

impl RangeSink {
    async fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), TransferError> {
        match self {
            Self::File { buf, at, .. } => {
                if buf.is_empty() {
                    *at = offset;
                }
                buf.extend_from_slice(data);
                if buf.len() >= WRITE_BUFFER {
                    self.flush().await?;
                }
                Ok(())
            }
            Self::Memory(buf, base) => {
                let at = usize::try_from(offset - *base).unwrap_or(usize::MAX);
                match buf.as_mut_slice().get_mut(at..at + data.len()) {
                    Some(dst) => {
                        dst.copy_from_slice(data);
                        Ok(())
                    }
                    None => Err(TransferError::new(
                        Kind::ObjectChanged,
                        "a range came back longer than asked",
                    )),
                }
            }
        }
    }

    async fn flush(&mut self) -> Result<(), TransferError> {
        if let Self::File {
            file,
            path,
            buf,
            at,
        } = self
        {
            if buf.is_empty() {
                return Ok(());
            }
            let data = std::mem::replace(buf, Vec::with_capacity(WRITE_BUFFER));
            let (file, path, offset) = (file.clone(), path.clone(), *at);
            let back = tokio::task::spawn_blocking(move || {
                file.write_all_at(&data, offset)
                    .map_err(|e| TransferError::io(format!("writing {}", path.display()), e))
                    .map(|()| data)
            })
            .await
            .map_err(|e| TransferError::invalid(format!("a write task failed: {e}")))??;
            // Keep the allocation for the next buffer.
            let mut back = back;
            back.clear();
            *buf = back;
        }
        Ok(())
    }
}

/// One range (or the whole object) into `sink`, resuming from the byte reached when the
/// body breaks; the range's digest when `alg` is given.
pub(crate) async fn fetch_range(
    ctx: &Ctx,
    info: &ObjectInfo,
    part: Part,
    whole: bool,
    alg: Option<ChecksumAlgorithm>,
    sink: &mut RangeSink,
) -> Result<Option<Vec<u8>>, TransferError> {
    let s3 = &ctx.shared.s3;
    let policy = ctx.shared.download_policy;
    let end = part.offset + part.len;
    let mut pos = part.offset;
    let mut hasher = alg.map(PartHasher::new);
    let mut breaks = 0u32;
    let _permit = retry::or_cancel(&ctx.cancel, async {
        ctx.shared
            .requests
            .acquire()
            .await
            .map_err(|_| TransferError::cancelled())
    })
    .await?;
    loop {
        let range = (!(whole && pos == part.offset)).then(|| format!("bytes={pos}-{}", end - 1));
        let what = format!("GetObject {}", range.as_deref().unwrap_or("(whole)"));
        let out = retry::send_with(&ctx.shared, policy, &ctx.cancel, &what, false, || {
            let mut call = s3
                .get_object()
                .bucket(info.bucket.clone())
                .key(info.key.clone());
            if let Some(r) = &range {
                call = call.range(r.clone());
            }
            if let Some(e) = &info.e_tag {
                call = call.if_match(e.clone());
            }
            call.send()
        })
        .await?;
        if whole
            && out
                .content_length
                .and_then(|l| u64::try_from(l).ok())
                .is_some_and(|l| l != part.len)
        {
            return Err(TransferError::new(
                Kind::ObjectChanged,
                format!(
                    "{}: the object's size changed during the download",
                    info.key
                ),
            ));
        }
        let mut body = out.body.map(|b| b.take()).unwrap_or_default();
        let mut broke: Option<String> = None;
        loop {
            let frame = retry::or_cancel(&ctx.cancel, async { Ok(body.frame().await) }).await?;
            let Some(frame) = frame else { break };
            match frame {
                Ok(f) => {
                    let Ok(data) = f.into_data() else { continue };
                    let n = data.len() as u64;
                    if pos + n > end {
                        return Err(TransferError::new(
                            Kind::ObjectChanged,
                            format!("{}: a range came back longer than asked", info.key),
                        ));
                    }
                    if let Some(h) = hasher.as_mut() {
                        h.update(&data);
                    }
                    sink.write(pos, &data).await?;
                    pos += n;
                    ctx.tracker.add_bytes(n);
                    ctx.shared.throttle(n).await;
                }
                Err(e) => {
                    broke = Some(e.to_string());
                    break;
                }
            }
        }
        sink.flush().await?;
        match broke {
            None if pos == end => {
                ctx.tracker.part_done(part.number, part.len);
                return Ok(hasher.map(PartHasher::finish));
            }
            Some(why) if pos == end => {
                // The whole body arrived and the stack's own check of it failed.
                return Err(TransferError::new(
                    Kind::Checksum,
                    format!("{}: {why}", info.key),
                ));
            }
            why => {
                breaks += 1;
                let why = why.unwrap_or_else(|| "the body ended early".to_owned());
                if breaks >= policy.attempts
                    || !retry::backoff(&ctx.shared, policy, breaks, false, &ctx.cancel).await?
                {
                    return Err(TransferError::new(
                        Kind::Service,
                        format!(
                            "{}: the body broke at byte {pos} of {end} ({why}); attempts exhausted",
                            info.key
                        ),
                    ));
                }
                tracing::debug!(pos, end, why, "range broke; resuming from the byte reached");
            }
        }
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

pub(crate) enum Reread {
    Whole(Vec<u8>),
    Parts(Vec<(Vec<u8>, u64)>),
}

/// Hashes a downloaded file from its start: whole, or per part for a composite checksum.
pub(crate) async fn hash_file(
    path: &Path,
    alg: ChecksumAlgorithm,
    parts: Option<&[Part]>,
) -> Result<Reread, TransferError> {
    let path = path.to_owned();
    let parts = parts.map(<[Part]>::to_vec);
    tokio::task::spawn_blocking(move || {
        let f = std::fs::File::open(&path)
            .map_err(|e| TransferError::io(format!("opening {}", path.display()), e))?;
        let mut buf = vec![0u8; WRITE_BUFFER];
        let mut read_into =
            |h: &mut PartHasher, offset: u64, len: u64| -> Result<(), TransferError> {
                let mut at = offset;
                while at < offset + len {
                    let n = usize::try_from((offset + len - at).min(WRITE_BUFFER as u64))
                        .unwrap_or(WRITE_BUFFER);
                    f.read_exact_at(&mut buf[..n], at)
                        .map_err(|e| TransferError::io(format!("reading {}", path.display()), e))?;
                    h.update(&buf[..n]);
                    at += n as u64;
                }
                Ok(())
            };
        match parts {
            Some(parts) => {
                let mut out = Vec::with_capacity(parts.len());
                for p in parts {
                    let mut h = PartHasher::new(alg);
                    read_into(&mut h, p.offset, p.len)?;
                    out.push((h.finish(), p.len));
                }
                Ok(Reread::Parts(out))
            }
            None => {
                let len = f
                    .metadata()
                    .map_err(|e| TransferError::io("reading a file's size", e))?
                    .len();
                let mut h = PartHasher::new(alg);
                read_into(&mut h, 0, len)?;
                Ok(Reread::Whole(h.finish()))
            }
        }
    })
    .await
    .map_err(|e| TransferError::invalid(format!("a hash task failed: {e}")))?
}

/// Ordered delivery: ranges fetched ahead in parallel (as many as the memory budget
/// holds), sent to `tx` in order, then the checksum verdict.
async fn produce(
    ctx: Ctx,
    info: ObjectInfo,
    tx: mpsc::Sender<Result<Bytes, TransferError>>,
) -> Result<DownloadOutput, TransferError> {
    let result = produce_inner(&ctx, &info, &tx).await;
    if let Err(e) = &result {
        // Stops the ranges still in flight.
        ctx.cancel.cancel();
        let _ = tx
            .send(Err(TransferError::new(Kind::Service, e.to_string())))
            .await;
    }
    result
}

async fn produce_inner(
    ctx: &Ctx,
    info: &ObjectInfo,
    tx: &mpsc::Sender<Result<Bytes, TransferError>>,
) -> Result<DownloadOutput, TransferError> {
    let (ranges, whole, alg) = plan(ctx, info);
    ctx.tracker.set_total(info.size, Some(ranges.len() as u64));
    let range_size = ranges.first().map_or(1, |p| p.len.max(1));
    // Ranges in flight, one in the channel, one with the reader: all within the budget.
    let in_budget = usize::try_from(ctx.shared.memory.bytes() / range_size).unwrap_or(1);
    let window = ctx
        .shared
        .config
        .effective_concurrency()
        .min(in_budget.saturating_sub(2))
        .max(1);
    let sequential = info
        .expected
        .as_ref()
        .is_some_and(|c| c.full_object && !c.algorithm.is_full_object());
    let mut seq_hasher = if sequential {
        alg.map(PartHasher::new)
    } else {
        None
    };
    let range_alg = if sequential { None } else { alg };
    let shared_info = Arc::new(info.clone());
    let mut fetches = futures_util::stream::iter(ranges.clone())
        .map(|part| {
            let (ctx, info) = (ctx.clone(), shared_info.clone());
            tokio::spawn(async move {
                let mem = ctx.shared.memory.acquire(part.len).await?;
                let cap = usize::try_from(part.len).unwrap_or(0);
                let mut sink = RangeSink::Memory(ctx.shared.buffers.take(cap), part.offset);
                let d = fetch_range(&ctx, &info, part, whole, range_alg, &mut sink).await?;
                let data = match sink {
                    RangeSink::Memory(m, _) => m.freeze(),
                    RangeSink::File { .. } => Bytes::new(),
                };
                Ok::<_, TransferError>((data, d, part.len, mem))
            })
        })
        .buffered(window);
    let mut digests = Vec::with_capacity(ranges.len());
    while let Some(r) = fetches.next().await {
        let (data, d, len, mem) =
            r.map_err(|e| TransferError::invalid(format!("a range task failed: {e}")))??;
        if let Some(h) = seq_hasher.as_mut() {
            h.update(&data);
        }
        digests.push((d.unwrap_or_default(), len));
        if tx.send(Ok(data)).await.is_err() {
            return Err(TransferError::cancelled());
        }
        drop(mem);
    }
    let verified = verify(info, &digests, seq_hasher.map(PartHasher::finish))?;
    Ok(DownloadOutput {
        bucket: info.bucket.clone(),
        key: info.key.clone(),
        size: info.size,
        e_tag: info.e_tag.clone(),
        verified,
        path: None,
        parts: u32::try_from(ranges.len()).unwrap_or(u32::MAX),
    })
}
