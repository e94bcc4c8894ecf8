//! The body of one upload part: the part's bytes in 256 KiB frames, counted into progress
//! as hyper takes them. A streaming body, so it goes `UNSIGNED-PAYLOAD` (the part's own
//! checksum header protects it) and is never hashed again by the signer.

use session_tower::metrics::Direction;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use crate::progress::Tracker;

const FRAME: usize = 256 * 1024;

pub(crate) struct PartBody {
    data: Bytes,
    tracker: Arc<Tracker>,
    counted: Arc<std::sync::atomic::AtomicU64>,
}

impl PartBody {
    /// `counted` receives the bytes reported, so a failed attempt can take them back.
    pub(crate) fn new(
        data: Bytes,
        tracker: Arc<Tracker>,
        counted: Arc<std::sync::atomic::AtomicU64>,
    ) -> Self {
        Self {
            data,
            tracker,
            counted,
        }
    }
}

impl Body for PartBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.data.is_empty() {
            return Poll::Ready(None);
        }
        let n = self.data.len().min(FRAME);
        let chunk = self.data.split_to(n);
        self.tracker.add_bytes(n as u64);
        session_tower::metrics::record_transfer_bytes(Direction::Upload, n as u64);
        self.counted
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.len() as u64)
    }
}
