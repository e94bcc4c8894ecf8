//! Ordered delivery of a download (to a writer or as a stream): ranges fetched ahead in
//! parallel, as many as the memory budget holds, handed over in order.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tracing::Instrument as _;

use crate::checksum::PartHasher;
use crate::download::{head, plan, verify, ObjectInfo};
use crate::error::{Kind, TransferError};
use crate::handle::TransferHandle;
use crate::manager::Ctx;
use crate::range::{fetch_range, RangeSink};
use crate::request::{DownloadOutput, DownloadRequest};

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

/// Ordered delivery: ranges fetched ahead in parallel (as many as the memory budget
/// holds), sent to `tx` in order, then the checksum verdict.
pub(crate) async fn produce(
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
