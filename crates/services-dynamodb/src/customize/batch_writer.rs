//! boto3's `table.batch_writer()`: puts and deletes buffered and sent with
//! `BatchWriteItem` in groups of at most 25, unprocessed requests re-sent with backoff.
//!
//! ```no_run
//! # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
//! #[derive(serde::Serialize)]
//! struct Row { pk: String, sk: u32 }
//!
//! let mut writer = table.batch_writer().overwrite_by_pkeys(["pk", "sk"]);
//! for sk in 0..100 {
//!     writer.put(&Row { pk: "p".into(), sk }).await?; // sends every 25
//! }
//! writer.delete(&serde_json::json!({"pk": "p", "sk": 3})).await?;
//! writer.close().await?; // sends the rest: always end with close() or flush()
//! # Ok(()) }
//! ```
//!
//! # Dropping a writer
//! Sending is async and `Drop` cannot wait, so **a writer dropped with requests still
//! buffered does not send them: they are lost.** The drop logs a `tracing` warning with
//! their number, but nothing else can tell. End every writer with
//! [`close`](BatchWriter::close) (or [`flush`](BatchWriter::flush)) and handle its error.
//! The same holds if a `put`, `delete` or `flush` future is dropped before it completes:
//! the group it was sending stays in the writer and is sent again by the next call (so
//! it may be written twice, which for puts and deletes is harmless), or counted in the
//! warning if the writer is dropped.
//!
//! # Differences from boto3
//! - Unprocessed requests are re-sent at once as their own call, after a pause that
//!   doubles each round (boto3 puts them back in the buffer and relies on the client's
//!   retries); after [`max_stalled_rounds`](BatchWriter::max_stalled_rounds) rounds in a
//!   row with nothing written the call fails with every request not written in the error.
//! - A call that fails leaves the writer empty and hands its requests back in the
//!   [`BatchWriteError`], instead of keeping them buffered.

use std::collections::HashMap;
use std::mem;
use std::time::Duration;

use serde::Serialize;

use crate::item::to_item;
use crate::resources::Table;
use crate::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};
use crate::DynamoDbClient;

mod error;
mod send;
#[cfg(test)]
mod tests;

pub use error::{BatchWriteError, BatchWriteErrorKind};

use send::Backoff;

/// The most requests one `BatchWriteItem` call takes.
const GROUP: usize = 25;

impl Table {
    /// A [`BatchWriter`] for this table (boto3's `table.batch_writer()`). Nothing is sent
    /// until 25 requests are buffered or it is flushed; **end it with
    /// [`close`](BatchWriter::close)**, since dropping it loses what is buffered.
    pub fn batch_writer(&self) -> BatchWriter {
        BatchWriter::new(self.client().clone(), self.name())
    }
}

/// Buffers puts and deletes for one table and writes them with `BatchWriteItem`, 25 per
/// call (see the [module docs](self)).
///
/// **Dropping a writer that still holds requests loses them** (with a `tracing` warning
/// giving their number): async sends cannot run in `Drop`. Call
/// [`close`](Self::close) or [`flush`](Self::flush) first.
#[must_use = "a BatchWriter sends nothing until it is flushed or closed"]
pub struct BatchWriter {
    client: DynamoDbClient,
    table: String,
    /// Requests not sent yet, in order; at most 25 between calls.
    buffer: Vec<WriteRequest>,
    /// The group being sent (or left by a send that was cancelled).
    in_flight: Vec<WriteRequest>,
    /// Key attribute names for de-duplication, when set.
    pkeys: Option<Vec<String>>,
    backoff: Backoff,
}

impl std::fmt::Debug for BatchWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchWriter")
            .field("table", &self.table)
            .field("buffered", &self.buffered())
            .field("overwrite_by_pkeys", &self.pkeys)
            .finish_non_exhaustive()
    }
}

impl BatchWriter {
    /// A writer for `table` through `client` (or use
    /// [`Table::batch_writer`](crate::resources::Table::batch_writer)).
    pub fn new(client: DynamoDbClient, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            buffer: Vec::with_capacity(GROUP),
            in_flight: Vec::new(),
            pkeys: None,
            backoff: Backoff::default(),
        }
    }

    /// De-duplicates by these key attributes (the table's partition and sort key): a put
    /// or delete of a key already buffered replaces the buffered request, as boto3's
    /// `overwrite_by_pkeys` does. Without it, two requests for one key in the same call
    /// make DynamoDB refuse the call. Only unsent requests are compared.
    pub fn overwrite_by_pkeys<S: Into<String>>(
        mut self,
        keys: impl IntoIterator<Item = S>,
    ) -> Self {
        self.pkeys = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// The pause before re-sending unprocessed requests: `first`, doubling each round, at
    /// most `max`. Default: 50 ms to 5 s.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff.first = first;
        self.backoff.max = max;
        self
    }

    /// How many rounds in a row may write nothing (the service returning every request as
    /// unprocessed) before the writer gives up with [`BatchWriteErrorKind::Stalled`].
    /// Default: 8; at least 1.
    pub fn max_stalled_rounds(mut self, rounds: u32) -> Self {
        self.backoff.max_stalled = rounds.max(1);
        self
    }

    /// The table written to.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Requests held and not yet written.
    pub fn buffered(&self) -> usize {
        self.buffer.len() + self.in_flight.len()
    }

    /// Buffers a put of `item` (a struct or map, see [`to_item`]); sends
    /// a call when 25 are buffered.
    ///
    /// # Errors
    /// `item` does not convert (nothing is buffered for it), or a call failed (see
    /// [`BatchWriteError`]).
    pub async fn put<T: Serialize + ?Sized>(&mut self, item: &T) -> Result<(), BatchWriteError> {
        let item = to_item(item).map_err(|e| self.item_error(e))?;
        self.put_item(item).await
    }

    /// Buffers a put of an item given as attribute values; sends a call when 25 are
    /// buffered.
    ///
    /// # Errors
    /// A call failed (see [`BatchWriteError`]).
    pub async fn put_item(
        &mut self,
        item: HashMap<String, AttributeValue>,
    ) -> Result<(), BatchWriteError> {
        self.write_request(WriteRequest {
            put_request: Some(PutRequest { item: Some(item) }),
            ..WriteRequest::default()
        })
        .await
    }

    /// Buffers a delete of the item with `key` (a struct or map of the key attributes);
    /// sends a call when 25 are buffered.
    ///
    /// # Errors
    /// `key` does not convert (nothing is buffered for it), or a call failed.
    pub async fn delete<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), BatchWriteError> {
        let key = to_item(key).map_err(|e| self.item_error(e))?;
        self.delete_item(key).await
    }

    /// Buffers a delete of the item with `key` given as attribute values; sends a call
    /// when 25 are buffered.
    ///
    /// # Errors
    /// A call failed (see [`BatchWriteError`]).
    pub async fn delete_item(
        &mut self,
        key: HashMap<String, AttributeValue>,
    ) -> Result<(), BatchWriteError> {
        self.write_request(WriteRequest {
            delete_request: Some(DeleteRequest { key: Some(key) }),
            ..WriteRequest::default()
        })
        .await
    }

    /// Buffers any write request (such as those handed back by a [`BatchWriteError`]);
    /// sends a call when 25 are buffered.
    ///
    /// # Errors
    /// A call failed (see [`BatchWriteError`]).
    pub async fn write_request(&mut self, request: WriteRequest) -> Result<(), BatchWriteError> {
        if let Some(pkeys) = &self.pkeys {
            if let Some(key) = key_of(&request, pkeys) {
                self.buffer
                    .retain(|old| key_of(old, pkeys).as_ref() != Some(&key));
            }
        }
        self.buffer.push(request);
        if self.buffer.len() >= GROUP {
            self.send_group().await?;
        }
        Ok(())
    }

    /// Sends everything buffered, 25 per call, and waits until it is written.
    ///
    /// # Errors
    /// A call failed or stalled; the error holds every request not written, and the
    /// writer is left empty.
    pub async fn flush(&mut self) -> Result<(), BatchWriteError> {
        while self.buffered() > 0 {
            self.send_group().await?;
        }
        Ok(())
    }

    /// Flushes and ends the writer: the way to finish with one.
    ///
    /// # Errors
    /// As [`flush`](Self::flush): every request not written is in the error.
    pub async fn close(mut self) -> Result<(), BatchWriteError> {
        self.flush().await
    }

    /// Sends the first group (a cancelled one first, if there is one).
    async fn send_group(&mut self) -> Result<(), BatchWriteError> {
        if self.in_flight.is_empty() {
            let n = self.buffer.len().min(GROUP);
            self.in_flight.extend(self.buffer.drain(..n));
        }
        let sent = send::write_group(
            &self.client,
            &self.table,
            &mut self.in_flight,
            &self.backoff,
        )
        .await;
        sent.map_err(|kind| {
            let mut unprocessed = mem::take(&mut self.in_flight);
            unprocessed.append(&mut self.buffer);
            BatchWriteError::new(&self.table, kind, unprocessed)
        })
    }

    fn item_error(&self, e: crate::ItemError) -> BatchWriteError {
        BatchWriteError::new(&self.table, BatchWriteErrorKind::Item(e), Vec::new())
    }
}

impl Drop for BatchWriter {
    fn drop(&mut self) {
        let lost = self.buffered();
        if lost > 0 {
            tracing::warn!(
                table = %self.table,
                lost,
                "BatchWriter dropped with {lost} write request(s) never sent: they are lost; \
                 end a writer with close().await"
            );
        }
    }
}

/// The values of the key attributes `pkeys` in a put's item or a delete's key; `None` if
/// one is missing (such a request is never treated as a duplicate).
fn key_of<'a>(request: &'a WriteRequest, pkeys: &[String]) -> Option<Vec<&'a AttributeValue>> {
    let attrs = match (&request.put_request, &request.delete_request) {
        (Some(put), _) => put.item.as_ref()?,
        (None, Some(delete)) => delete.key.as_ref()?,
        (None, None) => return None,
    };
    pkeys.iter().map(|k| attrs.get(k)).collect()
}
