//! [`HedgeLayer`], [`Hedge`] and their [`ResponseFuture`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::task::{Context, Poll};

use http::{Request, Response};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use tower::util::Oneshot;
use tower::ServiceExt;
use tower_layer::Layer;
use tower_service::Service;

use super::budget::Budget;
use super::config::HedgeConfig;
use super::eligible::safe;
use super::latency::Latencies;
use super::HedgedCopy;
use crate::body::SdkBody;
use crate::error::Error;
use crate::metrics::Operation;
use crate::trace::OperationName;

/// Sends a second copy of a slow call that is safe to repeat; the first answer wins and the
/// other copy is cancelled (its connection closed, never returned to the pool half-read).
///
/// Put it at the operation point of a client
/// ([`ClientBuilder::layer_around_operation`](crate::ClientBuilder::layer_around_operation)),
/// or let [`ClientBuilder::hedge`](crate::ClientBuilder::hedge) do so for chosen operations.
/// Clones share their latencies, budget and counts ([`HedgeLayer::stats`]).
///
/// ```
/// use session_tower::hedge::{HedgeConfig, HedgeLayer};
///
/// # fn build(session: &session_core::Session, info: &'static session_tower::ServiceInfo)
/// # -> Result<(), session_tower::Error> {
/// let hedge = HedgeLayer::new(HedgeConfig::new().only(["GetObject"]))?;
/// let client = session_tower::Client::builder(session, info)
///     .layer_around_operation(hedge.clone())
///     .build()?;
/// // ... calls ...
/// println!("{} hedges sent", hedge.stats().hedges_sent);
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct HedgeLayer {
    shared: Arc<Shared>,
}

/// What every clone of a hedge layer and its services share.
#[derive(Debug)]
struct Shared {
    config: HedgeConfig,
    /// For the metrics' `rpc.service` (`unknown` for a layer the client did not make).
    service: &'static str,
    latencies: RwLock<HashMap<&'static str, Arc<Mutex<Latencies>>>>,
    budget: Budget,
    calls: AtomicU64,
    sent: AtomicU64,
    won: AtomicU64,
    skipped_budget: AtomicU64,
    skipped_quota: AtomicU64,
}

/// What a hedge layer did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HedgeStats {
    /// Calls that could be hedged (safe to repeat).
    pub calls: u64,
    /// Second copies sent.
    pub hedges_sent: u64,
    /// Calls the second copy answered first.
    pub hedges_won: u64,
    /// Hedges due but not sent: the budget was spent.
    pub skipped_budget: u64,
    /// Hedges due but not sent: the client's retry quota showed an outage.
    pub skipped_quota: u64,
}

impl HedgeLayer {
    /// A hedge layer of its own (its own latencies and budget).
    ///
    /// # Errors
    /// An invalid configuration ([`HedgeConfig::validate`]).
    pub fn new(config: HedgeConfig) -> Result<Self, Error> {
        Self::for_service(config, "unknown")
    }

    /// The same, recording its metrics under `service`.
    pub(crate) fn for_service(config: HedgeConfig, service: &'static str) -> Result<Self, Error> {
        config.validate()?;
        Ok(Self {
            shared: Arc::new(Shared {
                budget: Budget::new(config.max_extra, config.window),
                config,
                service,
                latencies: RwLock::new(HashMap::new()),
                calls: AtomicU64::new(0),
                sent: AtomicU64::new(0),
                won: AtomicU64::new(0),
                skipped_budget: AtomicU64::new(0),
                skipped_quota: AtomicU64::new(0),
            }),
        })
    }

    /// The counts so far, of this layer and all its clones.
    pub fn stats(&self) -> HedgeStats {
        let s = &self.shared;
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        HedgeStats {
            calls: load(&s.calls),
            hedges_sent: load(&s.sent),
            hedges_won: load(&s.won),
            skipped_budget: load(&s.skipped_budget),
            skipped_quota: load(&s.skipped_quota),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &HedgeConfig {
        &self.shared.config
    }
}

impl<S> Layer<S> for HedgeLayer {
    type Service = Hedge<S>;

    fn layer(&self, inner: S) -> Hedge<S> {
        Hedge {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service of [`HedgeLayer`].
#[derive(Clone, Debug)]
pub struct Hedge<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl Shared {
    fn latencies(&self, operation: &'static str) -> Arc<Mutex<Latencies>> {
        let known = self
            .latencies
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(operation)
            .cloned();
        known.unwrap_or_else(|| {
            self.latencies
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(operation)
                .or_insert_with(|| Arc::new(Mutex::new(Latencies::new(&self.config))))
                .clone()
        })
    }
}

impl<S> Service<Request<SdkBody>> for Hedge<S>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error> + Clone,
{
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = ResponseFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<SdkBody>) -> ResponseFuture<S> {
        let operation = req
            .extensions()
            .get::<OperationName>()
            .map_or("unknown", |o| o.0);
        let copy = safe(&req, operation, &self.shared.config)
            .then(|| copy_of(&req))
            .flatten();
        let Some(copy) = copy else {
            return ResponseFuture {
                original: Some(self.inner.call(req)),
                race: None,
            };
        };
        let shared = &self.shared;
        shared.calls.fetch_add(1, Ordering::Relaxed);
        shared.budget.call();
        let latencies = shared.latencies(operation);
        let delay = latencies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .delay();
        // The copy goes to a clone of the inner service, readied when the hedge fires.
        let twin = self.inner.clone();
        ResponseFuture {
            original: Some(self.inner.call(req)),
            race: Some(Box::pin(Race {
                sleep: tokio::time::sleep(delay),
                hedge: None,
                waiting: Some((copy, twin)),
                first_error: None,
                counted: false,
                started: Instant::now(),
                latencies,
                shared: self.shared.clone(),
                ops: Operation::of(self.shared.service, operation),
            })),
        }
    }
}

/// A copy of `req` for the hedge: method, URI, version, headers, extensions (the
/// operation's facts) and body, marked as a hedged copy. `None` if the body cannot be sent
/// twice.
fn copy_of(req: &Request<SdkBody>) -> Option<Request<SdkBody>> {
    let body = req.body().try_clone()?;
    let mut copy = Request::new(body);
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    *copy.extensions_mut() = req.extensions().clone();
    copy.extensions_mut().insert(HedgedCopy);
    Some(copy)
}

pin_project! {
    /// The future of [`Hedge`]: the original call, and for a call that may be hedged the
    /// race with its copy.
    pub struct ResponseFuture<S>
    where
        S: Service<Request<SdkBody>>,
    {
        #[pin]
        original: Option<S::Future>,
        race: Option<Pin<Box<Race<S>>>>,
    }
}

pin_project! {
    /// The hedging state of one call (boxed: calls that are never hedged do not carry it).
    struct Race<S>
    where
        S: Service<Request<SdkBody>>,
    {
        #[pin]
        sleep: Sleep,
        #[pin]
        hedge: Option<Oneshot<S, Request<SdkBody>>>,
        // The copy and the service to send it to, until the delay is over.
        waiting: Option<(Request<SdkBody>, S)>,
        // The original's error while the copy is still out.
        first_error: Option<Error>,
        // Whether the copy was counted (sent, or refused by the retry quota).
        counted: bool,
        started: Instant,
        latencies: Arc<Mutex<Latencies>>,
        shared: Arc<Shared>,
        ops: Operation,
    }
}

/// An error that is the service's answer (it would be the same for the copy) rather than a
/// failure to get one.
fn is_answer(e: &Error) -> bool {
    e.is_service() && !e.is_throttling()
}

impl<S> Race<S>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error>,
{
    /// Notes how long the call took, from the original's start: for a call the copy won,
    /// a lower bound of the original's latency, which keeps slow calls slow in the
    /// percentile (dropping them would pull the delay down).
    fn finish(&self, result: &Result<Response<SdkBody>, Error>) {
        if result.as_ref().is_ok() || result.as_ref().err().is_some_and(is_answer) {
            let took = Instant::now().saturating_duration_since(self.started);
            self.latencies
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .record(took, &self.shared.config);
        }
    }

    /// Once the delay is over: sends the copy if the budget allows.
    fn poll_fire(self: Pin<&mut Self>, cx: &mut Context<'_>) {
        let mut this = self.project();
        if this.waiting.is_none() || this.sleep.as_mut().poll(cx).is_pending() {
            return;
        }
        let Some((copy, twin)) = this.waiting.take() else {
            return;
        };
        if this.first_error.is_some() {
            // The original already failed (after its own retries): no copy as a retry
            // beyond the client's attempts.
            return;
        }
        if !this.shared.budget.try_hedge() {
            this.shared.skipped_budget.fetch_add(1, Ordering::Relaxed);
            this.ops.hedge_skipped(true);
            return;
        }
        this.hedge.set(Some(twin.oneshot(copy)));
    }

    /// Polls the copy, if one is out. Ready when the call is over: with the result, and
    /// whether the copy won. `original_out`: the original may still answer.
    fn poll_copy(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        original_out: bool,
    ) -> Poll<(Result<Response<SdkBody>, Error>, bool)> {
        let mut this = self.project();
        let Some(hedge) = this.hedge.as_mut().as_pin_mut() else {
            if original_out {
                return Poll::Pending;
            }
            // The original failed and no copy is out.
            let e = this.first_error.take().unwrap_or_else(lost);
            return Poll::Ready((Err(e), false));
        };
        let polled = hedge.poll(cx);
        let refused = matches!(&polled, Poll::Ready(Err(e)) if e.is_retry_quota_exceeded());
        if !*this.counted {
            // Counted once the engine took the copy: it refuses it at once, on the first
            // poll, when the retry quota shows an outage.
            *this.counted = true;
            if refused {
                this.shared.skipped_quota.fetch_add(1, Ordering::Relaxed);
                this.ops.hedge_skipped(false);
            } else {
                this.shared.sent.fetch_add(1, Ordering::Relaxed);
                this.ops.hedge_sent();
            }
        }
        let Poll::Ready(result) = polled else {
            return Poll::Pending;
        };
        this.hedge.set(None);
        match result {
            Err(e) if !is_answer(&e) => {
                if original_out {
                    // The original may still answer.
                    return Poll::Pending;
                }
                Poll::Ready((Err(this.first_error.take().unwrap_or(e)), false))
            }
            result => {
                this.shared.won.fetch_add(1, Ordering::Relaxed);
                this.ops.hedge_won();
                Poll::Ready((result, true))
            }
        }
    }
}

fn lost() -> Error {
    Error::request("a hedged call lost both its copies")
}

impl<S> Future for ResponseFuture<S>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error>,
{
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if this.race.is_none() {
            // Not hedged: the original alone.
            return match this.original.as_pin_mut() {
                Some(f) => f.poll(cx),
                None => Poll::Ready(Err(Error::request("future polled after completion"))),
            };
        }
        if let Some(original) = this.original.as_mut().as_pin_mut() {
            if let Poll::Ready(result) = original.poll(cx) {
                this.original.set(None);
                let Some(race) = this.race.as_mut() else {
                    return Poll::Ready(result);
                };
                match result {
                    Err(e) if !is_answer(&e) && race.hedge.is_some() => {
                        // The copy may still answer.
                        *race.as_mut().project().first_error = Some(e);
                    }
                    result => {
                        race.finish(&result);
                        // Dropping the race cancels the copy.
                        *this.race = None;
                        return Poll::Ready(result);
                    }
                }
            }
        }
        let original_out = this.original.is_some();
        let Some(race) = this.race.as_mut() else {
            return Poll::Ready(Err(lost()));
        };
        race.as_mut().poll_fire(cx);
        let Poll::Ready((result, copy_won)) = race.as_mut().poll_copy(cx, original_out) else {
            return Poll::Pending;
        };
        if copy_won {
            race.finish(&result);
            // The original loses: cancelled now, its connection closed with it.
            this.original.set(None);
        }
        *this.race = None;
        Poll::Ready(result)
    }
}

/// The error of the engine's refusal of a hedged copy (the retry quota is below half).
pub(crate) fn quota_refused() -> Error {
    Error::with(
        crate::error::Kind::RetryQuota,
        "hedge not sent: the retry quota is below half",
    )
}
