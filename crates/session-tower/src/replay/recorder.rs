//! The recorder: an HTTP client that forwards to another and keeps each exchange, redacted.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use super::error::ReplayError;
use super::recording::{Exchange, Recording};
use super::redact::Redactions;
use crate::body::{BoxError, SdkBody};

/// An HTTP client (for [`ClientBuilder::http_client`](crate::ClientBuilder::http_client))
/// that sends through `inner` (such as [`Transport`](crate::transport::Transport)) and
/// records each exchange.
///
/// Each request body and response body is read whole (a streamed upload or download is
/// buffered), the exchange is redacted ([`Redactions`]) and kept, and the response is
/// handed on rebuilt from the bytes, unredacted. Secrets are replaced while the exchange
/// is copied, so the recording never holds them, not even in memory. Exchanges are kept
/// in the order their responses end. An error of `inner` is returned as it was (the
/// client classifies it as it would without the recorder) and nothing is kept for it.
///
/// Clones share the recording: keep one to [`save`](Self::save) after the client is done.
/// Set the redaction options before cloning.
pub struct Recorder<S> {
    inner: S,
    log: Arc<Mutex<Vec<Exchange>>>,
    redactions: Arc<Redactions>,
}

impl<S: Clone> Clone for Recorder<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            log: self.log.clone(),
            redactions: self.redactions.clone(),
        }
    }
}

impl<S> std::fmt::Debug for Recorder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("exchanges", &self.lock().len())
            .field("redactions", &self.redactions)
            .finish_non_exhaustive()
    }
}

impl<S> Recorder<S> {
    /// A recorder sending through `inner`, with the default [`Redactions`].
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            log: Arc::default(),
            redactions: Arc::default(),
        }
    }

    /// Replaces the redaction rules (the defaults are kept only if `redactions` has them,
    /// as [`Redactions::new`] does).
    pub fn redactions(mut self, redactions: Redactions) -> Self {
        self.redactions = Arc::new(redactions);
        self
    }

    /// Also redacts the values of body fields (and query parameters) named `name`, without
    /// regard to case ([`Redactions::field`]).
    pub fn redact_field(mut self, name: impl Into<String>) -> Self {
        let rules = Arc::make_mut(&mut self.redactions);
        *rules = std::mem::take(rules).field(name);
        self
    }

    /// Also redacts the header `name` ([`Redactions::header`]).
    pub fn redact_header(mut self, name: impl Into<String>) -> Self {
        let rules = Arc::make_mut(&mut self.redactions);
        *rules = std::mem::take(rules).header(name);
        self
    }

    /// Runs `hook` on each exchange after the built-in rules, before it is kept
    /// ([`Redactions::with`]).
    pub fn redact_with(mut self, hook: impl Fn(&mut Exchange) + Send + Sync + 'static) -> Self {
        let rules = Arc::make_mut(&mut self.redactions);
        *rules = std::mem::take(rules).with(hook);
        self
    }

    /// The exchanges recorded so far, first to last.
    pub fn recording(&self) -> Recording {
        Recording {
            exchanges: self.lock().clone(),
        }
    }

    /// Writes the exchanges recorded so far to `path` ([`Recording::save`]).
    ///
    /// # Errors
    /// The file cannot be written ([`ReplayError::is_io`]).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ReplayError> {
        self.recording().save(path)
    }

    /// Forgets the exchanges recorded so far.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        // Pushing is the only change, so a poisoned log is still a consistent one.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The future of a [`Recorder`] call.
pub type RecordFuture =
    Pin<Box<dyn Future<Output = Result<Response<SdkBody>, BoxError>> + Send + 'static>>;

impl<S> Service<Request<SdkBody>> for Recorder<S>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    type Response = Response<SdkBody>;
    /// The inner service's error boxed as it is (so the client's classification sees the
    /// same error), or the [`crate::Error`] of a body that failed while being read.
    type Error = BoxError;
    type Future = RecordFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<SdkBody>) -> RecordFuture {
        // The service that was made ready is the one called (tower's contract); the clone
        // stays behind for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let log = self.log.clone();
        let redactions = self.redactions.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let body = body.collect().await?;
            let request = redactions.request(&parts, &body);
            let sent = inner
                .call(Request::from_parts(parts, SdkBody::from_bytes(body)))
                .await
                .map_err(Into::into)?;
            let (parts, body) = sent.into_parts();
            let body = body.collect().await?;
            let mut exchange = Exchange {
                request,
                response: redactions.response(&parts, &body),
            };
            redactions.run_hooks(&mut exchange);
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(exchange);
            Ok(Response::from_parts(parts, SdkBody::from_bytes(body)))
        })
    }
}
