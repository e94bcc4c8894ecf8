//! Uploads from a reader or stream of unknown length.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt as _;
use tokio::task::JoinSet;

use crate::error::TransferError;
use crate::manager::Ctx;
use crate::parts::send_part;
use crate::plan::{MAX_PART, MAX_PARTS, MIN_PART};
use crate::request::UploadOutput;
use crate::retry;
use crate::upload::{create, finish, put_single, DonePart, Target};

/// Reads up to `n` bytes (fewer only at the end of the reader).
async fn read_up_to<R: tokio::io::AsyncRead + Unpin + ?Sized>(
    r: &mut R,
    n: usize,
) -> Result<Bytes, TransferError> {
    let mut buf = BytesMut::with_capacity(n);
    while buf.len() < n {
        let read = r
            .read_buf(&mut buf)
            .await
            .map_err(|e| TransferError::io("reading the upload's source", e))?;
        if read == 0 {
            break;
        }
    }
    Ok(buf.freeze())
}

/// A source of unknown length: read in order, one part ahead per free request, parts sent
/// in parallel. Part sizes double every 1,000 parts so that 10,000 parts reach 5 TiB.
pub(crate) async fn upload_unknown(
    ctx: &Ctx,
    mut reader: Box<dyn tokio::io::AsyncRead + Send + Unpin>,
    target: &Target,
) -> Result<UploadOutput, TransferError> {
    let config = &ctx.shared.config;
    let alg = config.checksum;
    let threshold = usize::try_from(config.multipart_threshold).unwrap_or(usize::MAX);
    let mem = retry::or_cancel(
        &ctx.cancel,
        ctx.shared.memory.acquire(config.multipart_threshold),
    )
    .await?;
    let first = retry::or_cancel(&ctx.cancel, read_up_to(&mut reader, threshold)).await?;
    if first.len() < threshold {
        let digest = crate::checksum::digest(alg, &first);
        ctx.tracker.set_total(first.len() as u64, Some(1));
        let out = put_single(ctx, first, digest, target).await;
        drop(mem);
        return out;
    }
    let upload_id = create(ctx, target).await?;
    // The first buffer's permit goes with the parts cut from it.
    let result = unknown_parts(ctx, &mut reader, (first, Arc::new(mem)), &upload_id, target).await;
    let size = result.as_ref().map_or(0, |p| p.iter().map(|p| p.len).sum());
    if result.is_ok() {
        ctx.tracker.set_total(size, None);
    }
    finish(ctx, result, size, &upload_id, target, None).await
}

async fn unknown_parts(
    ctx: &Ctx,
    reader: &mut (dyn tokio::io::AsyncRead + Send + Unpin),
    first: (Bytes, Arc<tokio::sync::OwnedSemaphorePermit>),
    upload_id: &str,
    target: &Target,
) -> Result<Vec<DonePart>, TransferError> {
    let (first, first_permit) = first;
    let mut first_permit = Some(first_permit);
    let config = &ctx.shared.config;
    let base = config.multipart_chunksize.max(MIN_PART);
    let mut set: JoinSet<Result<DonePart, TransferError>> = JoinSet::new();
    let mut done = Vec::new();
    let mut number = 0u32;
    let mut pending = first;
    let mut eof = false;
    loop {
        let size = (base << (u64::from(number) / 1000).min(20)).min(MAX_PART);
        if u64::from(number) >= MAX_PARTS {
            return Err(TransferError::invalid(
                "the stream is longer than 10,000 parts allow",
            ));
        }
        let want = usize::try_from(size).unwrap_or(usize::MAX);
        // Bytes still in the first buffer are covered by its permit; only what is read
        // now takes more of the budget.
        let fresh = if pending.len() >= want || eof {
            0
        } else {
            size - pending.len() as u64
        };
        let mem = retry::or_cancel(&ctx.cancel, ctx.shared.memory.acquire(fresh)).await?;
        let from_first = if pending.is_empty() {
            None
        } else {
            first_permit.clone()
        };
        let data = if pending.len() >= want || eof {
            pending.split_to(want.min(pending.len()))
        } else {
            let more =
                retry::or_cancel(&ctx.cancel, read_up_to(reader, want - pending.len())).await?;
            eof = more.len() < want - pending.len();
            let mut joined = BytesMut::with_capacity(pending.len() + more.len());
            joined.extend_from_slice(&pending);
            joined.extend_from_slice(&more);
            pending = Bytes::new();
            joined.freeze()
        };
        if pending.is_empty() {
            first_permit = None; // the parts holding it release it when they finish
        }
        if data.is_empty() && number > 0 {
            break;
        }
        number += 1;
        let n = number;
        let (ctx2, upload_id, bucket, key) = (
            ctx.clone(),
            upload_id.to_owned(),
            target.bucket.clone(),
            target.key.clone(),
        );
        set.spawn(async move {
            let _mem = (mem, from_first);
            let len = data.len() as u64;
            let digest = crate::checksum::digest(ctx2.shared.config.checksum, &data);
            let e_tag = send_part(&ctx2, data, &digest, n, &upload_id, &bucket, &key).await?;
            Ok(DonePart {
                number: n,
                e_tag,
                digest,
                len,
            })
        });
        // Collect what finished; stop at the first failure.
        while let Some(r) = set.try_join_next() {
            done.push(joined(ctx, &mut set, r).await?);
        }
        if eof && pending.is_empty() {
            break;
        }
    }
    while let Some(r) = set.join_next().await {
        done.push(joined(ctx, &mut set, r).await?);
    }
    done.sort_by_key(|p| p.number);
    Ok(done)
}

async fn joined(
    ctx: &Ctx,
    set: &mut JoinSet<Result<DonePart, TransferError>>,
    r: Result<Result<DonePart, TransferError>, tokio::task::JoinError>,
) -> Result<DonePart, TransferError> {
    match r {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => {
            ctx.cancel_parts(set).await;
            Err(e)
        }
        Err(e) => {
            ctx.cancel_parts(set).await;
            Err(TransferError::invalid(format!("a part task failed: {e}")))
        }
    }
}
