//! One instance of a peer per test process, for tests that can share a server.

use std::sync::OnceLock;

use crate::error::Error;

/// The instance in `cell`, started with `start` on first use.
///
/// A static is never dropped; the server's watchdog kills it when the test process exits.
///
/// # Panics
///
/// If `start` fails, now or on the first call (the message carries the reason).
pub(crate) fn shared<T>(
    cell: &'static OnceLock<Result<T, String>>,
    what: &str,
    start: fn() -> Result<T, Error>,
) -> &'static T {
    match cell.get_or_init(|| start().map_err(|e| e.to_string())) {
        Ok(peer) => peer,
        Err(e) => panic!("session-testkit: the shared {what} is unavailable: {e}"),
    }
}
