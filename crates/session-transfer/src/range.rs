//! One range of a download: a GET pinned with If-Match, its body written where it
//! belongs (in place in a file, or into a buffer), resumed from the byte reached when the
//! body breaks.

use session_tower::metrics::{self, Direction};
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::Arc;

use http_body_util::BodyExt as _;

use crate::checksum::PartHasher;
use crate::config::ChecksumAlgorithm;
use crate::download::ObjectInfo;
use crate::error::{Kind, TransferError};
use crate::manager::Ctx;
use crate::plan::Part;
use crate::retry;

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

pub(crate) const WRITE_BUFFER: usize = 1024 * 1024;

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
    let _in_flight = metrics::transfer_part(Direction::Download);
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
                    metrics::record_transfer_bytes(Direction::Download, n);
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
