//! [`TransferHandle`]: what every transfer returns. Await it for the result; cancel it; read
//! its progress.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::error::TransferError;
use crate::progress::{Progress, Tracker};

/// A running transfer. Awaiting it gives the outcome; dropping it lets the transfer run
/// on (use [`cancel`](Self::cancel) to stop it).
#[must_use = "a transfer handle does nothing unless awaited or cancelled"]
pub struct TransferHandle<T> {
    state: State<T>,
    cancel: CancellationToken,
    tracker: Arc<Tracker>,
}

enum State<T> {
    Running(JoinHandle<Result<T, TransferError>>),
    Failed(Option<TransferError>),
}

impl<T: Send + 'static> TransferHandle<T> {
    /// Runs `work` as a task of the current tokio runtime (outside one, the handle
    /// resolves to an error).
    pub(crate) fn spawn<F>(tracker: Arc<Tracker>, cancel: CancellationToken, work: F) -> Self
    where
        F: Future<Output = Result<T, TransferError>> + Send + 'static,
    {
        let state = match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let t = tracker.clone();
                State::Running(rt.spawn(async move {
                    let out = work.await;
                    t.finish();
                    out
                }))
            }
            Err(_) => State::Failed(Some(TransferError::invalid(
                "a transfer must be started inside a tokio runtime",
            ))),
        };
        Self {
            state,
            cancel,
            tracker,
        }
    }
}

impl<T> TransferHandle<T> {
    /// Stops the transfer: requests in flight are dropped, a multipart upload is aborted,
    /// a download's temporary file is removed. The handle then resolves to an error for
    /// which `is_cancelled()` holds (unless the transfer had already finished).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The latest counts.
    pub fn progress(&self) -> Progress {
        self.tracker.snapshot()
    }

    /// A receiver of progress snapshots (rate-limited; the last one is the final count).
    pub fn subscribe(&self) -> watch::Receiver<Progress> {
        self.tracker.subscribe()
    }

    /// The transfer has ended (awaiting returns at once).
    pub fn is_finished(&self) -> bool {
        match &self.state {
            State::Running(j) => j.is_finished(),
            State::Failed(_) => true,
        }
    }
}

impl<T> Future for TransferHandle<T> {
    type Output = Result<T, TransferError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().state {
            State::Running(j) => Pin::new(j).poll(cx).map(|r| match r {
                Ok(out) => out,
                Err(e) if e.is_cancelled() => Err(TransferError::cancelled()),
                Err(e) => Err(TransferError::invalid(format!(
                    "the transfer task failed: {e}"
                ))),
            }),
            State::Failed(e) => Poll::Ready(Err(e
                .take()
                .unwrap_or_else(|| TransferError::invalid("the handle was awaited twice")))),
        }
    }
}

impl<T> std::fmt::Debug for TransferHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferHandle")
            .field("progress", &self.progress())
            .field("finished", &self.is_finished())
            .finish()
    }
}
