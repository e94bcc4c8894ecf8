//! The transfer manager's metrics (`session-transfer` records them): bytes moved on the
//! wire by direction, and parts in flight. Bytes are counted as they move, a resent part's
//! twice (a progress bar takes them back; the wire carried them), and parts counted
//! already in a checkpoint not at all.

use super::names::{TRANSFER_BYTES, TRANSFER_DIRECTION, TRANSFER_PARTS_IN_FLIGHT};

/// Which way a transfer's bytes go: the [`TRANSFER_DIRECTION`] attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To S3 (PutObject, UploadPart).
    Upload,
    /// From S3 (ranged GetObject).
    Download,
    /// Within S3 (UploadPartCopy, CopyObject: no bytes through the client).
    Copy,
}

impl Direction {
    /// The attribute's value: `upload`, `download`, `copy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Upload => "upload",
            Direction::Download => "download",
            Direction::Copy => "copy",
        }
    }
}

/// Counts `bytes` moved `direction` ([`TRANSFER_BYTES`]). Without the `metrics` feature,
/// does nothing.
#[inline]
pub fn record_transfer_bytes(direction: Direction, bytes: u64) {
    #[cfg(feature = "metrics")]
    metrics::counter!(TRANSFER_BYTES, TRANSFER_DIRECTION => direction.as_str()).increment(bytes);
    #[cfg(not(feature = "metrics"))]
    let _ = (direction, bytes, TRANSFER_BYTES, TRANSFER_DIRECTION);
}

/// A part on its way ([`TRANSFER_PARTS_IN_FLIGHT`] one higher until it is dropped, whether
/// the part succeeded, failed or was cancelled).
#[derive(Debug)]
#[must_use = "the part counts as in flight while the guard lives"]
pub struct PartInFlight {
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    direction: Direction,
}

/// Marks one part of `direction` in flight until the guard is dropped.
#[inline]
pub fn transfer_part(direction: Direction) -> PartInFlight {
    #[cfg(feature = "metrics")]
    metrics::gauge!(TRANSFER_PARTS_IN_FLIGHT, TRANSFER_DIRECTION => direction.as_str())
        .increment(1.0);
    #[cfg(not(feature = "metrics"))]
    let _ = TRANSFER_PARTS_IN_FLIGHT;
    PartInFlight { direction }
}

impl Drop for PartInFlight {
    #[inline]
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        metrics::gauge!(TRANSFER_PARTS_IN_FLIGHT, TRANSFER_DIRECTION => self.direction.as_str())
            .decrement(1.0);
    }
}
