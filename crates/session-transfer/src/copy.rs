//! Server-side copies: CopyObject up to the multipart copy threshold (5 GiB, its limit),
//! UploadPartCopy in parallel above it; the source is pinned with `x-amz-copy-source-if-match`.

use session_tower::metrics::{self, Direction};
use std::sync::Arc;

use services_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::task::JoinSet;
use tracing::Instrument as _;

use crate::checksum::model_algorithm;
use crate::error::{Kind, TransferError};
use crate::handle::TransferHandle;
use crate::manager::Ctx;
use crate::plan::{parts, upload_part_size};
use crate::request::{CopyOutput, CopyRequest};
use crate::retry;
use crate::upload::{abort, Target};

pub(crate) fn start(req: CopyRequest) -> TransferHandle<CopyOutput> {
    let ctx = req.tm.ctx(req.options.callback.clone());
    let span = tracing::info_span!("copy", source = %format!("{}/{}", req.source_bucket, req.source_key), bucket = %req.bucket, key = %req.key);
    let (tracker, cancel) = (ctx.tracker.clone(), ctx.cancel.clone());
    TransferHandle::spawn(tracker, cancel, run(ctx, req).instrument(span))
}

/// `bucket/key` with the key percent-encoded (S3 decodes `x-amz-copy-source`).
pub(crate) fn copy_source(bucket: &str, key: &str) -> String {
    let mut out = String::with_capacity(bucket.len() + key.len() + 1);
    out.push_str(bucket);
    out.push('/');
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn run(ctx: Ctx, req: CopyRequest) -> Result<CopyOutput, TransferError> {
    let s3 = &ctx.shared.s3;
    let shared = &ctx.shared;
    let head = retry::send(
        shared,
        shared.upload_policy,
        &ctx.cancel,
        "HeadObject (copy source)",
        || {
            s3.head_object()
                .bucket(req.source_bucket.clone())
                .key(req.source_key.clone())
                .send()
        },
    )
    .await?;
    let size = head
        .content_length
        .and_then(|l| u64::try_from(l).ok())
        .unwrap_or(0);
    let source = copy_source(&req.source_bucket, &req.source_key);
    ctx.tracker.set_total(size, None);
    if size <= shared.config.multipart_copy_threshold {
        let out = retry::send(
            shared,
            shared.upload_policy,
            &ctx.cancel,
            "CopyObject",
            || {
                let mut call = s3
                    .copy_object()
                    .bucket(req.bucket.clone())
                    .key(req.key.clone())
                    .copy_source(source.clone())
                    .checksum_algorithm(model_algorithm(shared.config.checksum));
                if let Some(e) = &head.e_tag {
                    call = call.copy_source_if_match(e.clone());
                }
                call.send()
            },
        )
        .await?;
        ctx.tracker.add_bytes(size);
        metrics::record_transfer_bytes(Direction::Copy, size);
        ctx.tracker.part_done(1, size);
        return Ok(CopyOutput {
            e_tag: out.copy_object_result.and_then(|r| r.e_tag),
            size,
            parts: 1,
        });
    }
    let target = Target {
        bucket: req.bucket.clone(),
        key: req.key.clone(),
        options: req.options.clone(),
    };
    let upload_id = retry::send(
        shared,
        shared.upload_policy,
        &ctx.cancel,
        "CreateMultipartUpload",
        || {
            s3.create_multipart_upload()
                .bucket(req.bucket.clone())
                .key(req.key.clone())
                .send()
        },
    )
    .await?
    .upload_id
    .ok_or_else(|| {
        TransferError::new(
            Kind::Service,
            "CreateMultipartUpload answered without an upload id",
        )
    })?;
    let part_size = upload_part_size(size, shared.config.multipart_chunksize)?;
    let plan = parts(size, part_size);
    ctx.tracker.set_total(size, Some(plan.len() as u64));
    let result = copy_parts(&ctx, &req, &source, head.e_tag.clone(), &plan, &upload_id).await;
    let result = match result {
        Ok(completed) => {
            let n = completed.len();
            retry::send(
                shared,
                shared.upload_policy,
                &ctx.cancel,
                "CompleteMultipartUpload",
                || {
                    s3.complete_multipart_upload()
                        .bucket(req.bucket.clone())
                        .key(req.key.clone())
                        .upload_id(upload_id.clone())
                        .multipart_upload(CompletedMultipartUpload {
                            parts: Some(completed.clone()),
                        })
                        .send()
                },
            )
            .await
            .map(|out| CopyOutput {
                e_tag: out.e_tag,
                size,
                parts: u32::try_from(n).unwrap_or(u32::MAX),
            })
        }
        Err(e) => Err(e),
    };
    if result.is_err() {
        abort(&ctx, &upload_id, &target).await;
    }
    result
}

async fn copy_parts(
    ctx: &Ctx,
    req: &CopyRequest,
    source: &str,
    e_tag: Option<String>,
    plan: &[crate::plan::Part],
    upload_id: &str,
) -> Result<Vec<CompletedPart>, TransferError> {
    let window = ctx.shared.config.effective_concurrency() + 1;
    let shared_args = Arc::new((
        req.bucket.clone(),
        req.key.clone(),
        source.to_owned(),
        e_tag,
        upload_id.to_owned(),
    ));
    let mut todo = plan.iter().copied();
    let mut set: JoinSet<Result<CompletedPart, TransferError>> = JoinSet::new();
    let spawn = |set: &mut JoinSet<_>, part: crate::plan::Part| {
        let (ctx, a) = (ctx.clone(), shared_args.clone());
        set.spawn(async move {
            let (bucket, key, source, e_tag, upload_id) = &*a;
            let s3 = &ctx.shared.s3;
            let what = format!("UploadPartCopy {}", part.number);
            let _in_flight = metrics::transfer_part(Direction::Copy);
            let out = retry::send(
                &ctx.shared,
                ctx.shared.upload_policy,
                &ctx.cancel,
                &what,
                || {
                    let mut call = s3
                        .upload_part_copy()
                        .bucket(bucket.clone())
                        .key(key.clone())
                        .upload_id(upload_id.clone())
                        .part_number(i32::try_from(part.number).unwrap_or(i32::MAX))
                        .copy_source(source.clone())
                        .copy_source_range(format!("bytes={}-{}", part.offset, part.last()));
                    if let Some(e) = e_tag {
                        call = call.copy_source_if_match(e.clone());
                    }
                    call.send()
                },
            )
            .await?;
            ctx.tracker.add_bytes(part.len);
            metrics::record_transfer_bytes(Direction::Copy, part.len);
            ctx.tracker.part_done(part.number, part.len);
            Ok(CompletedPart {
                e_tag: out.copy_part_result.and_then(|r| r.e_tag),
                part_number: Some(i32::try_from(part.number).unwrap_or(i32::MAX)),
                ..CompletedPart::default()
            })
        });
    };
    for p in todo.by_ref().take(window) {
        spawn(&mut set, p);
    }
    let mut done = Vec::with_capacity(plan.len());
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(p)) => done.push(p),
            Ok(Err(e)) => {
                set.abort_all();
                return Err(e);
            }
            Err(e) => {
                set.abort_all();
                return Err(TransferError::invalid(format!("a copy task failed: {e}")));
            }
        }
        if let Some(p) = todo.next() {
            spawn(&mut set, p);
        }
    }
    done.sort_by_key(|p| p.part_number);
    Ok(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_source_encodes_the_key() {
        assert_eq!(
            super::copy_source("b", "a b+c/ü.txt"),
            "b/a%20b%2Bc/%C3%BC.txt"
        );
    }
}
