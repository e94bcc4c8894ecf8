//! The replayer: an HTTP client that answers from a recording and never opens a socket.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use super::error::ReplayError;
use super::matching::{Incoming, Rules};
use super::recording::{Exchange, Recording};
use crate::body::SdkBody;

/// An HTTP client (for [`ClientBuilder::http_client`](crate::ClientBuilder::http_client))
/// that answers each request with the response of a recorded exchange.
///
/// By default the exchanges are used in order: each request must match the next one
/// (method, path, query parameters, headers, body; see the [module docs](super) for what is
/// ignored). With [`any_order`](Self::any_order), a request takes the first unused
/// exchange it matches. A request that matches nothing fails with a [`ReplayError`] naming
/// the exchange and the first difference ([`ReplayError::is_mismatch`]; past the end,
/// [`ReplayError::is_exhausted`]); a mismatched request uses no exchange. Through a
/// client the error is [`Error::is_layer`](crate::Error::is_layer), which is not retried.
///
/// Clones share the recording and what has been used, so keep one to call
/// [`assert_done`](Self::assert_done) after the client is done. Set options before cloning.
#[derive(Clone)]
pub struct Replayer {
    state: Arc<Mutex<State>>,
    rules: Arc<Rules>,
    any_order: bool,
}

struct State {
    exchanges: Vec<Exchange>,
    used: Vec<bool>,
    /// In order: the exchange the next request must match.
    next: usize,
    /// Every failed request's message, for `assert_done`.
    problems: Vec<String>,
}

impl std::fmt::Debug for Replayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Replayer")
            .field("exchanges", &state.exchanges.len())
            .field("used", &state.used.iter().filter(|u| **u).count())
            .field("any_order", &self.any_order)
            .finish_non_exhaustive()
    }
}

impl Replayer {
    /// A replayer of `recording`, in order.
    pub fn new(recording: Recording) -> Self {
        let used = vec![false; recording.exchanges.len()];
        Self {
            state: Arc::new(Mutex::new(State {
                exchanges: recording.exchanges,
                used,
                next: 0,
                problems: Vec::new(),
            })),
            rules: Arc::new(Rules::default()),
            any_order: false,
        }
    }

    /// A replayer of the recording in the file at `path`.
    ///
    /// # Errors
    /// As [`Recording::load`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ReplayError> {
        Recording::load(path).map(Self::new)
    }

    /// Matches each request with the first unused exchange it matches, wherever it is in
    /// the recording (for concurrent calls, whose order varies).
    pub fn any_order(mut self) -> Self {
        self.any_order = true;
        self
    }

    /// Does not compare the header `name` either (besides the
    /// [`IGNORED_HEADERS`](super::IGNORED_HEADERS)).
    pub fn ignore_header(mut self, name: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.rules)
            .ignored_headers
            .push(name.into().to_ascii_lowercase());
        self
    }

    /// How many exchanges have not been used yet.
    pub fn remaining(&self) -> usize {
        self.lock().used.iter().filter(|u| !**u).count()
    }

    /// `Ok` when every exchange was used and every request matched.
    ///
    /// # Errors
    /// [`ReplayError::is_unfinished`], listing each failed request (with its first
    /// difference) and each unused exchange.
    pub fn assert_done(&self) -> Result<(), ReplayError> {
        let state = self.lock();
        let mut problems = state.problems.clone();
        for (i, exchange) in state.exchanges.iter().enumerate() {
            if !state.used[i] {
                problems.push(format!(
                    "exchange {i} ({}) was not used",
                    Incoming::of_recorded(&exchange.request).describe()
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ReplayError::unfinished(&problems))
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves the state consistent (every
        // change is one assignment), so a poisoned lock is used as it is.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The response for `incoming`, and the exchange marked used; or the error, noted.
    fn answer(&self, incoming: &Incoming) -> Result<Response<SdkBody>, ReplayError> {
        let mut state = self.lock();
        let chosen = if self.any_order {
            self.find_unused(&state, incoming)
        } else {
            self.check_next(&state, incoming)
        };
        match chosen {
            Ok(i) => {
                state.used[i] = true;
                state.next = i + 1;
                response(i, &state.exchanges[i])
            }
            Err(e) => {
                state.problems.push(e.to_string());
                Err(e)
            }
        }
    }

    fn check_next(&self, state: &State, incoming: &Incoming) -> Result<usize, ReplayError> {
        let i = state.next;
        let Some(exchange) = state.exchanges.get(i) else {
            return Err(ReplayError::exhausted(i, &incoming.describe()));
        };
        match self.rules.difference(&exchange.request, incoming) {
            None => Ok(i),
            Some(difference) => Err(ReplayError::mismatch(
                i,
                format!(
                    "replay: exchange {i} expected {}, got {}: {difference}",
                    Incoming::of_recorded(&exchange.request).describe(),
                    incoming.describe()
                ),
            )),
        }
    }

    fn find_unused(&self, state: &State, incoming: &Incoming) -> Result<usize, ReplayError> {
        let unused = || (0..state.exchanges.len()).filter(|i| !state.used[*i]);
        if let Some(i) = unused().find(|i| {
            self.rules
                .difference(&state.exchanges[*i].request, incoming)
                .is_none()
        }) {
            return Ok(i);
        }
        // The closest candidate for the message: the same operation if there is one.
        let described = incoming.describe();
        let closest = unused()
            .find(|i| Incoming::of_recorded(&state.exchanges[*i].request).describe() == described)
            .or_else(|| unused().next());
        let Some(i) = closest else {
            return Err(ReplayError::no_unused(&described, state.exchanges.len()));
        };
        let request = &state.exchanges[i].request;
        let difference = self.rules.difference(request, incoming).unwrap_or_default();
        Err(ReplayError::mismatch(
            i,
            format!(
                "replay: no unused exchange matches {described}; closest is exchange {i}, {}: \
                 {difference}",
                Incoming::of_recorded(request).describe()
            ),
        ))
    }
}

/// The recorded response as HTTP, its headers as recorded.
fn response(i: usize, exchange: &Exchange) -> Result<Response<SdkBody>, ReplayError> {
    // Checked on load, but a recording built in memory may hold anything.
    exchange
        .check()
        .map_err(|what| ReplayError::malformed(None, format!("exchange {i}: {what}")))?;
    let recorded = &exchange.response;
    let mut builder = Response::builder().status(recorded.status);
    for (name, value) in &recorded.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(SdkBody::from_bytes(recorded.body.clone()))
        .map_err(|e| ReplayError::malformed(None, format!("exchange {i}: {e}")))
}

/// The future of a [`Replayer`] call.
pub type ReplayFuture =
    Pin<Box<dyn Future<Output = Result<Response<SdkBody>, ReplayError>> + Send + 'static>>;

impl Service<Request<SdkBody>> for Replayer {
    type Response = Response<SdkBody>;
    type Error = ReplayError;
    type Future = ReplayFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ReplayError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> ReplayFuture {
        let this = self.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let body = body.collect().await.map_err(ReplayError::body)?;
            this.answer(&Incoming::of(&parts, body))
        })
    }
}
