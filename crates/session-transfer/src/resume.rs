//! Resuming from a checkpoint after the process that started a transfer stopped: the
//! parts or ranges not recorded are sent again, and the whole object is verified at the
//! end (the source file or the downloaded file is read again for it).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use services_s3::types::ChecksumMode;
use tracing::Instrument as _;

use crate::checkpoint::{self, DownloadHeader, Header, Journal, UploadHeader};
use crate::checksum::{b64, combine, composite, unb64};
use crate::config::ChecksumAlgorithm;
use crate::download::{self, ObjectInfo};
use crate::error::{Kind, TransferError};
use crate::handle::TransferHandle;
use crate::manager::{Ctx, Options, TransferManager};
use crate::plan::parts;
use crate::progress::ProgressCallback;
use crate::request::{ObjectChecksum, Resumed, UploadOutput};
use crate::reread::{hash_file, Reread};
use crate::retry;
use crate::source::Positional;
use crate::upload::{self, DonePart, Target};

pub(crate) fn start(
    tm: TransferManager,
    path: PathBuf,
    callback: Option<ProgressCallback>,
) -> TransferHandle<Resumed> {
    let ctx = tm.ctx(callback);
    let span = tracing::info_span!("resume", checkpoint = %path.display());
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    TransferHandle::spawn(tracker, cancel, run(tm, ctx, path).instrument(span))
}

async fn run(tm: TransferManager, ctx: Ctx, path: PathBuf) -> Result<Resumed, TransferError> {
    let p = path.clone();
    let loaded = tokio::task::spawn_blocking(move || checkpoint::load(&p))
        .await
        .map_err(|e| TransferError::invalid(format!("a checkpoint task failed: {e}")))??;
    let done = loaded.done;
    match loaded.header {
        Header::Upload(h) => resume_upload(tm, ctx, &path, h, done)
            .await
            .map(Resumed::Upload),
        Header::Download(h) => resume_download(ctx, &path, h, done)
            .await
            .map(Resumed::Download),
    }
}

/// A context whose checksum is the checkpoint's (the manager may have another default).
fn with_checksum(tm: &TransferManager, ctx: Ctx, alg: ChecksumAlgorithm) -> Ctx {
    if tm.config().get_checksum() == alg {
        return ctx;
    }
    let other = TransferManager::new(tm.client().clone(), tm.config().clone().checksum(alg));
    Ctx {
        shared: other.shared.clone(),
        ..ctx
    }
}

async fn resume_upload(
    tm: TransferManager,
    ctx: Ctx,
    cp: &std::path::Path,
    h: UploadHeader,
    records: BTreeMap<u32, checkpoint::Record>,
) -> Result<UploadOutput, TransferError> {
    let alg = ChecksumAlgorithm::from_name(&h.checksum).ok_or_else(|| {
        TransferError::checkpoint(format!("unknown checksum {} in the checkpoint", h.checksum))
    })?;
    let ctx = with_checksum(&tm, ctx, alg);
    let (file, meta) = upload::open(&h.source).await?;
    if meta.len() != h.size || checkpoint::mtime_ns(&meta) != h.mtime_ns {
        return Err(TransferError::new(
            Kind::ObjectChanged,
            format!(
                "{} changed since the checkpoint was written (size or mtime)",
                h.source.display()
            ),
        ));
    }
    let plan = parts(h.size, h.part_size);
    let mut done = BTreeMap::new();
    for (n, r) in records {
        let (Some(part), Some(digest)) = (
            plan.get(n as usize - 1),
            r.checksum.as_deref().and_then(unb64),
        ) else {
            continue;
        };
        ctx.tracker.add_bytes(part.len);
        done.insert(
            n,
            DonePart {
                number: n,
                e_tag: r.e_tag,
                digest,
                len: part.len,
            },
        );
    }
    ctx.tracker.set_total(h.size, Some(plan.len() as u64));
    tracing::info!(done = done.len(), of = plan.len(), upload_id = %h.upload_id, "resuming the upload");
    let target = Target {
        bucket: h.bucket.clone(),
        key: h.key.clone(),
        options: Options {
            content_type: h.content_type.clone(),
            ..Options::default()
        },
    };
    let src = Positional::File(
        Arc::new(file),
        Arc::from(h.source.as_path()),
        ctx.shared.buffers.clone(),
    );
    let journal = Arc::new(Journal::append_to(cp)?);
    let result = crate::parts::run_parts(
        &ctx,
        &src,
        &plan,
        done,
        &h.upload_id,
        &target,
        Some(journal.clone()),
    )
    .await;
    let out = upload::finish(&ctx, result, h.size, &h.upload_id, &target, Some(journal)).await?;
    // The whole object, from the file as it is now, against what S3 holds.
    let reread = hash_file(
        &h.source,
        alg,
        (!alg.is_full_object()).then_some(plan.as_slice()),
    )
    .await?;
    let ours = match reread {
        Reread::Whole(d) => b64(&d),
        Reread::Parts(p) => composite(alg, &p.into_iter().map(|(d, _)| d).collect::<Vec<_>>()),
    };
    let theirs = out
        .checksum
        .as_ref()
        .map(|c| c.value.clone())
        .unwrap_or_default();
    let theirs_full = out.checksum.as_ref().is_some_and(|c| c.full_object);
    if alg.is_full_object() && theirs_full && ours != theirs {
        return Err(TransferError::new(
            Kind::Checksum,
            format!(
                "{}: the file gives {ours}, the completed object {theirs}",
                h.key
            ),
        ));
    }
    if !alg.is_full_object() && ours != theirs {
        return Err(TransferError::new(
            Kind::Checksum,
            format!(
                "{}: the file gives {ours}, the completed object {theirs}",
                h.key
            ),
        ));
    }
    Ok(out)
}

async fn resume_download(
    ctx: Ctx,
    cp: &std::path::Path,
    h: DownloadHeader,
    records: BTreeMap<u32, checkpoint::Record>,
) -> Result<crate::DownloadOutput, TransferError> {
    let s3 = &ctx.shared.s3;
    let head = retry::send(
        &ctx.shared,
        ctx.shared.download_policy,
        &ctx.cancel,
        "HeadObject",
        || {
            s3.head_object()
                .bucket(h.bucket.clone())
                .key(h.key.clone())
                .checksum_mode(ChecksumMode::Enabled)
                .send()
        },
    )
    .await?;
    let fail = |why: String| {
        let _ = std::fs::remove_file(&h.temp);
        let _ = std::fs::remove_file(cp);
        TransferError::new(Kind::ObjectChanged, why)
    };
    if head.e_tag != h.e_tag
        || head.content_length.and_then(|l| u64::try_from(l).ok()) != Some(h.size)
    {
        return Err(fail(format!(
            "{}: the object changed since the checkpoint was written",
            h.key
        )));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&h.temp)
        .map_err(|e| {
            TransferError::checkpoint(format!("the partial file {} is gone", h.temp.display()))
                .with_source(e)
        })?;
    let expected = h.checksum.as_ref().and_then(|(a, v)| {
        Some(ObjectChecksum {
            algorithm: ChecksumAlgorithm::from_name(a)?,
            full_object: !v.contains('-'),
            value: v.clone(),
        })
    });
    let ranges = parts(h.size, h.range_size.max(1));
    let done: BTreeMap<u32, Vec<u8>> = records
        .into_iter()
        .filter(|(n, _)| (*n as usize) <= ranges.len())
        .map(|(n, r)| (n, r.checksum.as_deref().and_then(unb64).unwrap_or_default()))
        .collect();
    for n in done.keys() {
        ctx.tracker.add_bytes(ranges[*n as usize - 1].len);
    }
    tracing::info!(
        done = done.len(),
        of = ranges.len(),
        "resuming the download"
    );
    let info = ObjectInfo {
        bucket: h.bucket.clone(),
        key: h.key.clone(),
        size: h.size,
        e_tag: h.e_tag.clone(),
        expected,
        part_size: None,
    };
    let journal = Arc::new(Journal::append_to(cp)?);
    let _ = combine; // full-object CRCs are checked by reading the file again below
    download::file_ranges(
        &ctx,
        info,
        Arc::new(file),
        h.temp.clone(),
        &h.dest,
        ranges,
        h.size == 0,
        done,
        Some(journal),
        true,
    )
    .await
}
