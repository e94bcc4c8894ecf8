//! [`BatchWriteError`]: why a batch writer stopped, with every request it did not write.

use std::error::Error as StdError;
use std::fmt;

use session_runtime::OperationError;

use crate::item::ItemError;
use crate::operations::BatchWriteItemError;
use crate::types::WriteRequest;

/// Why a [`BatchWriter`](super::BatchWriter) call failed. Nothing is dropped: every
/// request the writer held and did not get written is in [`unprocessed`](Self::unprocessed)
/// (the writer is left empty, so a retry does not send them twice).
#[derive(Debug)]
pub struct BatchWriteError {
    table: String,
    kind: BatchWriteErrorKind,
    unprocessed: Vec<WriteRequest>,
}

/// What went wrong, for a [`BatchWriteError`].
#[derive(Debug)]
#[non_exhaustive]
pub enum BatchWriteErrorKind {
    /// A value given to `put`/`delete` does not convert to an item or key. Nothing was
    /// buffered for it, and the writer's buffer is untouched (`unprocessed` is empty).
    Item(ItemError),
    /// A `BatchWriteItem` call failed as a whole (after the client's own retries). Boxed:
    /// the operation error is large, and every `put` returns this type.
    Operation(Box<OperationError<BatchWriteItemError>>),
    /// The service kept returning every request of a call as `UnprocessedItems`, this many
    /// rounds in a row (each after a longer pause).
    Stalled {
        /// Consecutive rounds in which nothing was written.
        rounds: u32,
    },
}

impl BatchWriteError {
    pub(super) fn new(
        table: &str,
        kind: BatchWriteErrorKind,
        unprocessed: Vec<WriteRequest>,
    ) -> Self {
        Self {
            table: table.to_owned(),
            kind,
            unprocessed,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &BatchWriteErrorKind {
        &self.kind
    }

    /// The table written to.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The requests that were not written, in the order they were given: those of the
    /// call that failed (or stalled), then those still buffered behind it. Requests that
    /// failed as a whole call may or may not have been applied; puts and deletes can be
    /// sent again safely.
    pub fn unprocessed(&self) -> &[WriteRequest] {
        &self.unprocessed
    }

    /// The requests that were not written, taken out (to send again, or to keep).
    pub fn into_unprocessed(self) -> Vec<WriteRequest> {
        self.unprocessed
    }
}

impl fmt::Display for BatchWriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = &self.table;
        let left = self.unprocessed.len();
        match &self.kind {
            BatchWriteErrorKind::Item(_) => write!(
                f,
                "batch writer for {table}: a value does not convert to an item or key"
            ),
            BatchWriteErrorKind::Operation(_) => write!(
                f,
                "batch writer for {table}: BatchWriteItem failed; {left} request(s) not written"
            ),
            BatchWriteErrorKind::Stalled { rounds } => write!(
                f,
                "batch writer for {table}: nothing was written in {rounds} round(s) in a row; \
                 {left} request(s) not written"
            ),
        }
    }
}

impl StdError for BatchWriteError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            BatchWriteErrorKind::Item(e) => Some(e),
            BatchWriteErrorKind::Operation(e) => Some(&**e),
            BatchWriteErrorKind::Stalled { .. } => None,
        }
    }
}
