//! The parts of a multipart upload: read and sent in parallel (as requests and the
//! memory budget allow), recorded in the checkpoint, then completed with every part's
//! checksum and the whole object's.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use services_s3::types::{ChecksumType, CompletedMultipartUpload, CompletedPart};
use services_s3::ByteStream;
use session_tower::SdkBody;
use tokio::task::JoinSet;
use tracing::Instrument as _;

use crate::body::PartBody;
use crate::checkpoint::{Journal, Record};
use crate::checksum::{b64, combine, model_algorithm, pick, set_checksum};
use crate::config::ChecksumAlgorithm;
use crate::error::TransferError;
use crate::manager::Ctx;
use crate::plan::Part;
use crate::request::UploadOutput;
use crate::retry;
use crate::source::Positional;
use crate::upload::{confirm, DonePart, Target};

/// Uploads the parts of `plan` not in `done`, `concurrency` at a time (and as the memory
/// budget allows), recording each in the journal. Stops at the first failure.
pub(crate) async fn run_parts(
    ctx: &Ctx,
    src: &Positional,
    plan: &[Part],
    mut done: BTreeMap<u32, DonePart>,
    upload_id: &str,
    target: &Target,
    journal: Option<Arc<Journal>>,
) -> Result<Vec<DonePart>, TransferError> {
    let window = ctx.shared.config.effective_concurrency() + 1;
    let pending: Vec<Part> = plan
        .iter()
        .filter(|p| !done.contains_key(&p.number))
        .copied()
        .collect();
    let mut todo = pending.into_iter();
    let mut set: JoinSet<Result<DonePart, TransferError>> = JoinSet::new();
    let spawn = |set: &mut JoinSet<_>, part: Part| {
        let (ctx, src, upload_id) = (ctx.clone(), src.clone(), upload_id.to_owned());
        let (bucket, key) = (target.bucket.clone(), target.key.clone());
        let span = tracing::debug_span!("part", number = part.number, len = part.len);
        set.spawn(
            async move {
                let (data, digest) = retry::or_cancel(&ctx.cancel, async {
                    let mem = ctx.shared.memory.acquire(part.len).await?;
                    let (d, g) = src
                        .read(part.offset, part.len, ctx.shared.config.checksum)
                        .await?;
                    Ok(((d, mem), g))
                })
                .await?;
                let (data, _mem) = data;
                let e_tag =
                    send_part(&ctx, data, &digest, part.number, &upload_id, &bucket, &key).await?;
                Ok(DonePart {
                    number: part.number,
                    e_tag,
                    digest,
                    len: part.len,
                })
            }
            .instrument(span),
        );
    };
    for part in todo.by_ref().take(window) {
        spawn(&mut set, part);
    }
    while let Some(joined) = set.join_next().await {
        let part = match joined {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                ctx.cancel_parts(&mut set).await;
                return Err(e);
            }
            Err(e) => {
                ctx.cancel_parts(&mut set).await;
                return Err(TransferError::invalid(format!("a part task failed: {e}")));
            }
        };
        if let Some(j) = &journal {
            j.record(&Record {
                part: part.number,
                e_tag: part.e_tag.clone(),
                checksum: Some(b64(&part.digest)),
            })?;
        }
        done.insert(part.number, part);
        if let Some(next) = todo.next() {
            spawn(&mut set, next);
        }
    }
    Ok(done.into_values().collect())
}

impl Ctx {
    pub(crate) async fn cancel_parts<T: 'static>(&self, set: &mut JoinSet<T>) {
        set.abort_all();
        while set.join_next().await.is_some() {}
    }
}

/// One UploadPart with retries; its bytes count into progress as they are sent.
pub(crate) async fn send_part(
    ctx: &Ctx,
    data: Bytes,
    digest: &[u8],
    number: u32,
    upload_id: &str,
    bucket: &str,
    key: &str,
) -> Result<Option<String>, TransferError> {
    let alg = ctx.shared.config.checksum;
    let len = data.len() as u64;
    ctx.shared.throttle(len).await;
    let checksum = b64(digest);
    let counted = Arc::new(AtomicU64::new(0));
    let s3 = &ctx.shared.s3;
    let what = format!("UploadPart {number}");
    let _in_flight =
        session_tower::metrics::transfer_part(session_tower::metrics::Direction::Upload);
    let out = retry::send(
        &ctx.shared,
        ctx.shared.upload_policy,
        &ctx.cancel,
        &what,
        || {
            ctx.tracker.sub_bytes(counted.swap(0, Ordering::Relaxed));
            let body = SdkBody::from_stream(PartBody::new(
                data.clone(),
                ctx.tracker.clone(),
                counted.clone(),
            ));
            let call = s3
                .upload_part()
                .bucket(bucket.to_owned())
                .key(key.to_owned())
                .upload_id(upload_id.to_owned())
                .part_number(i32::try_from(number).unwrap_or(i32::MAX))
                .content_length(i64::try_from(len).unwrap_or(i64::MAX))
                .checksum_algorithm(model_algorithm(alg))
                .body(ByteStream::new(body));
            set_checksum!(call, alg, checksum.clone()).send()
        },
    )
    .await;
    match out {
        Ok(out) => {
            ctx.tracker.part_done(number, len);
            Ok(out.e_tag)
        }
        Err(e) => {
            ctx.tracker.sub_bytes(counted.swap(0, Ordering::Relaxed));
            Err(e)
        }
    }
}

pub(crate) async fn complete(
    ctx: &Ctx,
    parts: Vec<DonePart>,
    size: u64,
    upload_id: &str,
    target: &Target,
) -> Result<UploadOutput, TransferError> {
    let alg = ctx.shared.config.checksum;
    let full = combine(
        alg,
        &parts
            .iter()
            .map(|p| (p.digest.clone(), p.len))
            .collect::<Vec<_>>(),
    )
    .map(|d| b64(&d));
    let digests: Vec<Vec<u8>> = parts.iter().map(|p| p.digest.clone()).collect();
    let completed: Vec<CompletedPart> = parts
        .iter()
        .map(|p| {
            let mut c = CompletedPart {
                e_tag: p.e_tag.clone(),
                part_number: Some(i32::try_from(p.number).unwrap_or(i32::MAX)),
                ..CompletedPart::default()
            };
            let v = Some(b64(&p.digest));
            match alg {
                ChecksumAlgorithm::Crc64Nvme => c.checksum_crc64_nvme = v,
                ChecksumAlgorithm::Crc32 => c.checksum_crc32 = v,
                ChecksumAlgorithm::Crc32c => c.checksum_crc32_c = v,
                ChecksumAlgorithm::Sha1 => c.checksum_sha1 = v,
                ChecksumAlgorithm::Sha256 => c.checksum_sha256 = v,
            }
            c
        })
        .collect();
    let s3 = &ctx.shared.s3;
    let out = retry::send(
        &ctx.shared,
        ctx.shared.upload_policy,
        &ctx.cancel,
        "CompleteMultipartUpload",
        || {
            let mut call = s3
                .complete_multipart_upload()
                .bucket(target.bucket.clone())
                .key(target.key.clone())
                .upload_id(upload_id.to_owned())
                .multipart_upload(CompletedMultipartUpload {
                    parts: Some(completed.clone()),
                });
            if let Some(full) = &full {
                call =
                    set_checksum!(call, alg, full.clone()).checksum_type(ChecksumType::FullObject);
            }
            call.send()
        },
    )
    .await?;
    let answered = pick(
        alg,
        out.checksum_crc32.as_ref(),
        out.checksum_crc32_c.as_ref(),
        out.checksum_crc64_nvme.as_ref(),
        out.checksum_sha1.as_ref(),
        out.checksum_sha256.as_ref(),
    );
    let checksum = confirm(alg, answered, full, &digests, &target.key)?;
    Ok(UploadOutput {
        bucket: target.bucket.clone(),
        key: target.key.clone(),
        size,
        e_tag: out.e_tag,
        checksum: Some(checksum),
        parts: u32::try_from(parts.len()).unwrap_or(u32::MAX),
        upload_id: Some(upload_id.to_owned()),
        version_id: out.version_id,
    })
}
