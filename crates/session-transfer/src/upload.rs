//! Uploads: one PutObject below the multipart threshold; above it, CreateMultipartUpload,
//! parts read and sent in parallel (each with its checksum), and CompleteMultipartUpload
//! with the full-object checksum. A failure or a cancellation aborts the multipart upload,
//! unless a checkpoint keeps it for a resume.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use services_s3::types::ChecksumType;
use services_s3::ByteStream;
use session_tower::SdkBody;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::body::PartBody;
use crate::checkpoint::{self, Header, Journal, UploadHeader};
use crate::checksum::{b64, composite, model_algorithm, pick, set_checksum};
use crate::config::ChecksumAlgorithm;
use crate::error::{Kind, TransferError};
use crate::handle::TransferHandle;
use crate::manager::{Ctx, Options};
use crate::plan::{parts, upload_part_size};
use crate::request::{ObjectChecksum, UploadOutput, UploadRequest, UploadSource};
use crate::retry;
use crate::source::Positional;

pub(crate) fn start(req: UploadRequest) -> TransferHandle<UploadOutput> {
    let ctx = req.tm.ctx(req.options.callback.clone());
    let span = tracing::info_span!("upload", bucket = %req.bucket, key = %req.key);
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    TransferHandle::spawn(tracker, cancel, run(ctx, req).instrument(span))
}

pub(crate) async fn run(ctx: Ctx, req: UploadRequest) -> Result<UploadOutput, TransferError> {
    let target = Target {
        bucket: req.bucket,
        key: req.key,
        options: req.options,
    };
    match req.source {
        UploadSource::File(path) => {
            // A file below the threshold is opened, measured and read in one blocking
            // call (many small files are the common case of a directory upload).
            let threshold = ctx.shared.config.multipart_threshold;
            let permit = retry::or_cancel(
                &ctx.cancel,
                ctx.shared
                    .memory
                    .acquire(threshold.min(ctx.shared.memory.bytes())),
            )
            .await?;
            let (file, meta, small) =
                open_small(&path, threshold, ctx.shared.config.checksum).await?;
            if let Some((data, digest)) = small {
                ctx.tracker.set_total(meta.len(), Some(1));
                let out = put_single(&ctx, data, digest, &target).await;
                drop(permit);
                return out;
            }
            drop(permit);
            let src = Positional::File(
                Arc::new(file),
                Arc::from(path.as_path()),
                ctx.shared.buffers.clone(),
            );
            upload_known(&ctx, src, meta.len(), &target, Some((path, meta))).await
        }
        UploadSource::Bytes(b) => {
            let len = b.len() as u64;
            upload_known(&ctx, Positional::Bytes(b), len, &target, None).await
        }
        UploadSource::Reader(r) => crate::unknown::upload_unknown(&ctx, r, &target).await,
    }
}

type Opened = (std::fs::File, std::fs::Metadata, Option<(Bytes, Vec<u8>)>);

/// Opens a file; one below `threshold` is read whole, with its checksum.
async fn open_small(
    path: &std::path::Path,
    threshold: u64,
    alg: ChecksumAlgorithm,
) -> Result<Opened, TransferError> {
    let p = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Read as _;
        let (mut f, m) = open_now(&p)?;
        if m.len() >= threshold {
            return Ok((f, m, None));
        }
        let mut data = Vec::with_capacity(usize::try_from(m.len()).unwrap_or(0));
        f.read_to_end(&mut data)
            .map_err(|e| TransferError::io(format!("reading {}", p.display()), e))?;
        if data.len() as u64 != m.len() {
            return Err(TransferError::new(
                Kind::ObjectChanged,
                format!("{} changed size while it was read", p.display()),
            ));
        }
        let digest = crate::checksum::digest(alg, &data);
        Ok((f, m, Some((Bytes::from(data), digest))))
    })
    .await
    .map_err(|e| TransferError::invalid(format!("an open task failed: {e}")))?
}

fn open_now(p: &std::path::Path) -> Result<(std::fs::File, std::fs::Metadata), TransferError> {
    let f = std::fs::File::open(p)
        .map_err(|e| TransferError::io(format!("opening {}", p.display()), e))?;
    let m = f
        .metadata()
        .map_err(|e| TransferError::io(format!("reading the metadata of {}", p.display()), e))?;
    if !m.is_file() {
        return Err(TransferError::invalid(format!(
            "{} is not a regular file",
            p.display()
        )));
    }
    Ok((f, m))
}

pub(crate) async fn open(
    path: &std::path::Path,
) -> Result<(std::fs::File, std::fs::Metadata), TransferError> {
    let p = path.to_owned();
    tokio::task::spawn_blocking(move || open_now(&p))
        .await
        .map_err(|e| TransferError::invalid(format!("an open task failed: {e}")))?
}

pub(crate) struct Target {
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) options: Options,
}

/// A finished part.
#[derive(Debug, Clone)]
pub(crate) struct DonePart {
    pub(crate) number: u32,
    pub(crate) e_tag: Option<String>,
    pub(crate) digest: Vec<u8>,
    pub(crate) len: u64,
}

async fn upload_known(
    ctx: &Ctx,
    src: Positional,
    size: u64,
    target: &Target,
    file: Option<(std::path::PathBuf, std::fs::Metadata)>,
) -> Result<UploadOutput, TransferError> {
    let config = &ctx.shared.config;
    let alg = config.checksum;
    if size < config.multipart_threshold {
        ctx.tracker.set_total(size, Some(1));
        let (data, digest) = retry::or_cancel(&ctx.cancel, async {
            let _mem = ctx.shared.memory.acquire(size).await?;
            src.read(0, size, alg).await
        })
        .await?;
        return put_single(ctx, data, digest, target).await;
    }
    let part_size = upload_part_size(size, config.multipart_chunksize)?;
    let plan = parts(size, part_size);
    ctx.tracker.set_total(size, Some(plan.len() as u64));
    let upload_id = create(ctx, target).await?;
    let journal = match (&target.options.checkpoint, &file) {
        (Some(cp), Some((path, meta))) => Some(Arc::new(Journal::create(
            cp,
            &Header::Upload(UploadHeader {
                version: checkpoint::VERSION,
                bucket: target.bucket.clone(),
                key: target.key.clone(),
                source: std::path::absolute(path).unwrap_or_else(|_| path.clone()),
                size,
                mtime_ns: checkpoint::mtime_ns(meta),
                part_size,
                upload_id: upload_id.clone(),
                checksum: alg.name().to_owned(),
                content_type: target.options.content_type.clone(),
            }),
        )?)),
        _ => None,
    };
    let done = crate::parts::run_parts(
        ctx,
        &src,
        &plan,
        BTreeMap::new(),
        &upload_id,
        target,
        journal.clone(),
    )
    .await;
    finish(ctx, done, size, &upload_id, target, journal).await
}

/// Completes the upload from its parts, or aborts it after a failure (unless a checkpoint
/// keeps it for a resume).
pub(crate) async fn finish(
    ctx: &Ctx,
    done: Result<Vec<DonePart>, TransferError>,
    size: u64,
    upload_id: &str,
    target: &Target,
    journal: Option<Arc<Journal>>,
) -> Result<UploadOutput, TransferError> {
    let result = match done {
        Ok(parts) => crate::parts::complete(ctx, parts, size, upload_id, target).await,
        Err(e) => Err(e),
    };
    match (&result, &journal) {
        (Ok(_), Some(j)) => j.remove(),
        (Err(e), Some(j)) if e.is_cancelled() => {
            abort(ctx, upload_id, target).await;
            j.remove();
        }
        (Err(_), Some(_)) => {
            tracing::info!(
                upload_id,
                "upload failed; the checkpoint keeps it for a resume"
            );
        }
        (Err(_), None) => abort(ctx, upload_id, target).await,
        (Ok(_), None) => {}
    }
    result
}

pub(crate) async fn create(ctx: &Ctx, target: &Target) -> Result<String, TransferError> {
    let s3 = &ctx.shared.s3;
    let alg = ctx.shared.config.checksum;
    let out = retry::send(
        &ctx.shared,
        ctx.shared.upload_policy,
        &ctx.cancel,
        "CreateMultipartUpload",
        || {
            let mut call = s3
                .create_multipart_upload()
                .bucket(target.bucket.clone())
                .key(target.key.clone())
                .checksum_algorithm(model_algorithm(alg));
            if alg.is_full_object() {
                call = call.checksum_type(ChecksumType::FullObject);
            }
            if let Some(ct) = &target.options.content_type {
                call = call.content_type(ct.clone());
            }
            if !target.options.metadata.is_empty() {
                call = call.metadata(
                    target
                        .options
                        .metadata
                        .iter()
                        .cloned()
                        .collect::<std::collections::HashMap<_, _>>(),
                );
            }
            call.send()
        },
    )
    .await?;
    out.upload_id.ok_or_else(|| {
        TransferError::new(
            Kind::Service,
            "CreateMultipartUpload answered without an upload id",
        )
    })
}

/// Sends AbortMultipartUpload, even after a cancellation (with its own token).
pub(crate) async fn abort(ctx: &Ctx, upload_id: &str, target: &Target) {
    let s3 = &ctx.shared.s3;
    let token = CancellationToken::new();
    let r = retry::send(
        &ctx.shared,
        ctx.shared.upload_policy,
        &token,
        "AbortMultipartUpload",
        || {
            s3.abort_multipart_upload()
                .bucket(target.bucket.clone())
                .key(target.key.clone())
                .upload_id(upload_id.to_owned())
                .send()
        },
    )
    .await;
    match r {
        Ok(_) => tracing::info!(upload_id, "multipart upload aborted"),
        Err(e) => {
            tracing::warn!(upload_id, error = %e, "AbortMultipartUpload failed: the upload may be left behind")
        }
    }
}

/// Compares what S3 answered with what was computed: the full-object value, or the
/// composite one when that is the form S3 answered in.
pub(crate) fn confirm(
    alg: ChecksumAlgorithm,
    answered: Option<String>,
    full: Option<String>,
    digests: &[Vec<u8>],
    key: &str,
) -> Result<ObjectChecksum, TransferError> {
    let ours_composite = composite(alg, digests);
    match answered {
        Some(v) if v.contains('-') => {
            if v == ours_composite {
                Ok(ObjectChecksum {
                    algorithm: alg,
                    value: v,
                    full_object: false,
                })
            } else {
                Err(mismatch(key, alg, &v, &ours_composite))
            }
        }
        Some(v) => match &full {
            Some(f) if *f == v => Ok(ObjectChecksum {
                algorithm: alg,
                value: v,
                full_object: true,
            }),
            Some(f) => Err(mismatch(key, alg, &v, f)),
            None if v == ours_composite.split('-').next().unwrap_or_default() => {
                Ok(ObjectChecksum {
                    algorithm: alg,
                    value: ours_composite,
                    full_object: false,
                })
            }
            None => Err(mismatch(key, alg, &v, &ours_composite)),
        },
        None => Ok(match full {
            Some(f) => ObjectChecksum {
                algorithm: alg,
                value: f,
                full_object: true,
            },
            None => ObjectChecksum {
                algorithm: alg,
                value: ours_composite,
                full_object: false,
            },
        }),
    }
}

pub(crate) fn mismatch(
    key: &str,
    alg: ChecksumAlgorithm,
    theirs: &str,
    ours: &str,
) -> TransferError {
    TransferError::new(
        Kind::Checksum,
        format!(
            "{key}: S3 holds {} {theirs}, the bytes sent give {ours}",
            alg.name()
        ),
    )
}

pub(crate) async fn put_single(
    ctx: &Ctx,
    data: Bytes,
    digest: Vec<u8>,
    target: &Target,
) -> Result<UploadOutput, TransferError> {
    let alg = ctx.shared.config.checksum;
    let len = data.len() as u64;
    ctx.shared.throttle(len).await;
    let checksum = b64(&digest);
    let counted = Arc::new(AtomicU64::new(0));
    let s3 = &ctx.shared.s3;
    let out = retry::send(
        &ctx.shared,
        ctx.shared.upload_policy,
        &ctx.cancel,
        "PutObject",
        || {
            ctx.tracker.sub_bytes(counted.swap(0, Ordering::Relaxed));
            let body = if data.is_empty() {
                SdkBody::empty()
            } else {
                SdkBody::from_stream(PartBody::new(
                    data.clone(),
                    ctx.tracker.clone(),
                    counted.clone(),
                ))
            };
            let mut call = s3
                .put_object()
                .bucket(target.bucket.clone())
                .key(target.key.clone())
                .content_length(i64::try_from(len).unwrap_or(i64::MAX))
                .checksum_algorithm(model_algorithm(alg))
                .body(ByteStream::new(body));
            if let Some(ct) = &target.options.content_type {
                call = call.content_type(ct.clone());
            }
            if !target.options.metadata.is_empty() {
                call = call.metadata(
                    target
                        .options
                        .metadata
                        .iter()
                        .cloned()
                        .collect::<std::collections::HashMap<_, _>>(),
                );
            }
            set_checksum!(call, alg, checksum.clone()).send()
        },
    )
    .await?;
    ctx.tracker.part_done(1, len);
    let answered = pick(
        alg,
        out.checksum_crc32.as_ref(),
        out.checksum_crc32_c.as_ref(),
        out.checksum_crc64_nvme.as_ref(),
        out.checksum_sha1.as_ref(),
        out.checksum_sha256.as_ref(),
    );
    if let Some(a) = &answered {
        if *a != checksum {
            return Err(mismatch(&target.key, alg, a, &checksum));
        }
    }
    Ok(UploadOutput {
        bucket: target.bucket.clone(),
        key: target.key.clone(),
        size: len,
        e_tag: out.e_tag,
        checksum: Some(ObjectChecksum {
            algorithm: alg,
            value: checksum,
            full_object: true,
        }),
        parts: 1,
        upload_id: None,
        version_id: out.version_id,
    })
}
