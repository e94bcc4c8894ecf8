//! One request with the manager's retries: a request permit per attempt, backoff with full
//! jitter, the retry quota, and cancellation between and during attempts.

use std::future::Future;

use session_runtime::{ModeledError, OperationError};
use tokio_util::sync::CancellationToken;

use crate::error::{Kind, TransferError};
use crate::limits::RetryPolicy;
use crate::manager::Shared;

/// Worth another attempt: a timeout, a broken connection, throttling, a 5xx.
pub(crate) fn retryable<E: ModeledError>(e: &OperationError<E>) -> bool {
    if e.is_timeout() || e.is_throttling() {
        return true;
    }
    if let Some(s) = e.as_stack() {
        return s.is_io() || s.is_connect() || s.is_timeout();
    }
    e.service_error()
        .is_some_and(|s| s.is_transient() || s.is_throttling() || s.status() >= 500)
}

/// The If-Match of a ranged GET failed: the object is not the one the transfer started on.
pub(crate) fn precondition_failed<E: ModeledError>(e: &OperationError<E>) -> bool {
    e.service_error()
        .is_some_and(|s| s.status() == 412 || s.code() == Some("PreconditionFailed"))
}

/// Waits for `fut` unless the transfer is cancelled first.
pub(crate) async fn or_cancel<T>(
    cancel: &CancellationToken,
    fut: impl Future<Output = Result<T, TransferError>>,
) -> Result<T, TransferError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(TransferError::cancelled()),
        out = fut => out,
    }
}

/// Sleeps before retry `retry` (1-based), taking from the quota; false when the quota is
/// spent (the caller gives up).
pub(crate) async fn backoff(
    shared: &Shared,
    policy: RetryPolicy,
    retry: u32,
    timeout: bool,
    cancel: &CancellationToken,
) -> Result<bool, TransferError> {
    if !shared.quota.try_take(if timeout { 10 } else { 5 }) {
        return Ok(false);
    }
    or_cancel(cancel, async {
        tokio::time::sleep(policy.backoff(retry)).await;
        Ok(())
    })
    .await?;
    Ok(true)
}

/// Sends `attempt()` until it succeeds, fails for good, or the attempts run out. `what`
/// names the request in errors and spans.
pub(crate) async fn send<T, E, F, Fut>(
    shared: &Shared,
    policy: RetryPolicy,
    cancel: &CancellationToken,
    what: &str,
    attempt: F,
) -> Result<T, TransferError>
where
    E: ModeledError,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, OperationError<E>>>,
{
    send_with(shared, policy, cancel, what, true, attempt).await
}

/// [`send`], taking a request permit per attempt only when `permit` (a caller that holds
/// one for longer, e.g. while it reads a response body, passes false).
pub(crate) async fn send_with<T, E, F, Fut>(
    shared: &Shared,
    policy: RetryPolicy,
    cancel: &CancellationToken,
    what: &str,
    permit: bool,
    mut attempt: F,
) -> Result<T, TransferError>
where
    E: ModeledError,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, OperationError<E>>>,
{
    let mut retried = 0u32;
    loop {
        let result = or_cancel(cancel, async {
            let _permit = if permit {
                Some(
                    shared
                        .requests
                        .acquire()
                        .await
                        .map_err(|_| TransferError::cancelled())?,
                )
            } else {
                None
            };
            Ok(attempt().await)
        })
        .await?;
        match result {
            Ok(v) => {
                shared.quota.give(if retried > 0 { 5 } else { 1 });
                return Ok(v);
            }
            Err(e) if precondition_failed(&e) => {
                return Err(TransferError::new(
                    Kind::ObjectChanged,
                    format!("{what}: the object changed during the transfer (its ETag no longer matches)"),
                )
                .with_source(e));
            }
            Err(e)
                if retryable(&e)
                    && retried + 1 < policy.attempts
                    && backoff(shared, policy, retried + 1, e.is_timeout(), cancel).await? =>
            {
                tracing::debug!(what, retry = retried + 1, error = %e, "retrying");
                retried += 1;
            }
            Err(e) => return Err(TransferError::operation(what.to_owned(), e)),
        }
    }
}
