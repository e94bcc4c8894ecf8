//! One group of at most 25 requests through `BatchWriteItem`, re-sending what comes back
//! as `UnprocessedItems` after a growing pause, until all are written or the service has
//! written nothing for too many rounds in a row.

use std::collections::HashMap;
use std::time::Duration;

use super::error::BatchWriteErrorKind;
use crate::types::WriteRequest;
use crate::DynamoDbClient;

/// How long to wait before re-sending unprocessed requests, and when to give up.
#[derive(Debug, Clone, Copy)]
pub(super) struct Backoff {
    pub(super) first: Duration,
    pub(super) max: Duration,
    /// Consecutive rounds with nothing written before giving up (at least 1).
    pub(super) max_stalled: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        // 50 ms doubling to 5 s: eight stalled rounds are about 11 s of waiting, long
        // enough for on-demand capacity to scale, short enough to notice a stuck table.
        Self {
            first: Duration::from_millis(50),
            max: Duration::from_secs(5),
            max_stalled: 8,
        }
    }
}

impl Backoff {
    /// The pause before re-send number `round` (0-based): doubling, capped.
    fn delay(&self, round: u32) -> Duration {
        let factor = 2u32.saturating_pow(round.min(31));
        self.first.saturating_mul(factor).min(self.max)
    }
}

/// Writes `in_flight` (emptied on success). On failure it holds what was not written:
/// the whole group if the call failed, else the last `UnprocessedItems`. Keeping the group
/// in the writer (not in this future) means a cancelled flush still knows what it held.
pub(super) async fn write_group(
    client: &DynamoDbClient,
    table: &str,
    in_flight: &mut Vec<WriteRequest>,
    backoff: &Backoff,
) -> Result<(), BatchWriteErrorKind> {
    let mut stalled = 0;
    let mut round = 0;
    while !in_flight.is_empty() {
        let sent = in_flight.len();
        let output = client
            .batch_write_item()
            .request_items(HashMap::from([(table.to_owned(), in_flight.clone())]))
            .send()
            .await
            .map_err(|e| BatchWriteErrorKind::Operation(Box::new(e)))?;
        // Only this table was sent; entries for any other are not ours to keep.
        let left = output
            .unprocessed_items
            .and_then(|mut tables| tables.remove(table))
            .unwrap_or_default();
        *in_flight = left;
        if in_flight.is_empty() {
            break;
        }
        // Progress is fewer requests left than were sent; a service answering with more
        // counts as stalled too, so the loop ends either way.
        stalled = if in_flight.len() < sent {
            0
        } else {
            stalled + 1
        };
        if stalled >= backoff.max_stalled.max(1) {
            return Err(BatchWriteErrorKind::Stalled { rounds: stalled });
        }
        tokio::time::sleep(backoff.delay(round)).await;
        round += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_and_are_capped() {
        let b = Backoff {
            first: Duration::from_millis(50),
            max: Duration::from_secs(1),
            max_stalled: 3,
        };
        let delays: Vec<_> = (0..7).map(|r| b.delay(r).as_millis()).collect();
        assert_eq!(delays, [50, 100, 200, 400, 800, 1000, 1000]);
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(1));
    }
}
