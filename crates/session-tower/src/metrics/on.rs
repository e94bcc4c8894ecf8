//! The recording side, with the `metrics` feature: handles registered once per recorder
//! and (service, operation), then used directly.
//!
//! `metrics`' macros register a key with the recorder on every use (a hash and a map
//! lookup in the recorder, per value recorded). A call records about ten values, so the
//! handles of one (service, operation) are registered together on first use and kept:
//! leaked, so that a call holds a `&'static` (no reference count shared between cores).
//! They are bound to the recorder that was current then; a different recorder (one
//! installed later, or a thread-local one in a test) gets handles of its own. Each thread
//! keeps the few handle sets it uses in front of the process-wide map, so a call takes no
//! lock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use metrics::{counter, gauge, histogram, Counter, Gauge, Histogram, Recorder, Unit};

use super::names::*;

/// The recorder now in force, as an address (what handles are bound to).
fn recorder_id() -> usize {
    metrics::with_recorder(|r: &dyn Recorder| (r as *const dyn Recorder).cast::<()>() as usize)
}

/// A start time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stopwatch(Instant);

impl Stopwatch {
    #[inline]
    pub(crate) fn start() -> Self {
        Self(Instant::now())
    }

    fn secs(self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

/// The handles of one (service, operation).
struct OpInstruments {
    call_duration: Histogram,
    attempts: Counter,
    errors: Counter,
    attempt_duration: Histogram,
    serialization: Histogram,
    deserialization: Histogram,
    endpoint: Histogram,
    signing: Histogram,
    identity: Histogram,
    throttled: Counter,
    quota_available: Gauge,
    quota_exhausted: Counter,
    hedge_sent: Counter,
    hedge_won: Counter,
    hedge_skipped_budget: Counter,
    hedge_skipped_quota: Counter,
}

impl OpInstruments {
    fn register(service: &'static str, op: &'static str) -> Self {
        let svc = (RPC_SERVICE, service);
        let m = (RPC_METHOD, op);
        macro_rules! labeled {
            ($kind:ident, $name:expr) => {
                $kind!($name, svc.0 => svc.1, m.0 => m.1)
            };
        }
        Self {
            call_duration: labeled!(histogram, CALL_DURATION),
            attempts: labeled!(counter, CALL_ATTEMPTS),
            errors: labeled!(counter, CALL_ERRORS),
            attempt_duration: labeled!(histogram, CALL_ATTEMPT_DURATION),
            serialization: labeled!(histogram, CALL_SERIALIZATION_DURATION),
            deserialization: labeled!(histogram, CALL_DESERIALIZATION_DURATION),
            endpoint: labeled!(histogram, CALL_RESOLVE_ENDPOINT_DURATION),
            signing: labeled!(histogram, CALL_AUTH_SIGNING_DURATION),
            identity: labeled!(histogram, CALL_AUTH_RESOLVE_IDENTITY_DURATION),
            throttled: labeled!(counter, RETRY_THROTTLED),
            // The quota is the client's, not the operation's.
            quota_available: gauge!(RETRY_QUOTA_AVAILABLE, svc.0 => svc.1),
            quota_exhausted: labeled!(counter, RETRY_QUOTA_EXHAUSTED),
            hedge_sent: labeled!(counter, HEDGE_SENT),
            hedge_won: labeled!(counter, HEDGE_WON),
            hedge_skipped_budget: counter!(HEDGE_SKIPPED, svc.0 => svc.1, m.0 => m.1, REASON => BUDGET),
            hedge_skipped_quota: counter!(HEDGE_SKIPPED, svc.0 => svc.1, m.0 => m.1, REASON => QUOTA),
        }
    }
}

/// The handles of the pool and the credentials cache (no attributes of a call).
struct Globals {
    idle: Gauge,
    acquired: Gauge,
    acquire_duration: Histogram,
    opened: Counter,
    tls_handshake: Histogram,
    ttfb: Histogram,
    cache_hits: Counter,
    cache_misses: Counter,
    refresh: [[Counter; 2]; 2],
}

impl Globals {
    fn register() -> Self {
        let refresh = |mode: &'static str, outcome: &'static str| {
            counter!(IDENTITY_CACHE_REFRESHES, MODE => mode, OUTCOME => outcome)
        };
        Self {
            idle: gauge!(CONNECTIONS_USAGE, STATE => IDLE),
            acquired: gauge!(CONNECTIONS_USAGE, STATE => ACQUIRED),
            acquire_duration: histogram!(CONNECTIONS_ACQUIRE_DURATION),
            opened: counter!(CONNECTIONS_OPENED),
            tls_handshake: histogram!(CONNECTIONS_TLS_HANDSHAKE_DURATION),
            ttfb: histogram!(TIME_TO_FIRST_BYTE),
            cache_hits: counter!(IDENTITY_CACHE_HITS),
            cache_misses: counter!(IDENTITY_CACHE_MISSES),
            refresh: [
                [refresh(BLOCKING, OK), refresh(BLOCKING, ERROR)],
                [refresh(BACKGROUND, OK), refresh(BACKGROUND, ERROR)],
            ],
        }
    }
}

/// Gives units and descriptions to the current recorder (exporters show them).
pub(crate) fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    let s = Unit::Seconds;
    describe_histogram!(CALL_DURATION, s, "Overall call duration, retries included, until the response head");
    describe_counter!(CALL_ATTEMPTS, Unit::Count, "The number of attempts for an operation call");
    describe_counter!(CALL_ERRORS, Unit::Count, "The number of calls that result in an error");
    describe_histogram!(CALL_ATTEMPT_DURATION, s, "One attempt: credentials, signing, sending and the response head");
    describe_histogram!(CALL_SERIALIZATION_DURATION, s, "The time it takes to serialize a request");
    describe_histogram!(CALL_DESERIALIZATION_DURATION, s, "The time it takes to deserialize a response");
    describe_histogram!(CALL_RESOLVE_ENDPOINT_DURATION, s, "The time it takes to resolve an endpoint");
    describe_histogram!(CALL_AUTH_SIGNING_DURATION, s, "The time it takes to sign a request");
    describe_histogram!(CALL_AUTH_RESOLVE_IDENTITY_DURATION, s, "The time it takes to get credentials for a request");
    describe_gauge!(CONNECTIONS_USAGE, Unit::Count, "Pooled connections by state (idle, acquired)");
    describe_histogram!(CONNECTIONS_ACQUIRE_DURATION, s, "The time a request takes to get a ready connection");
    describe_counter!(CONNECTIONS_OPENED, Unit::Count, "New connections opened");
    describe_histogram!(CONNECTIONS_TLS_HANDSHAKE_DURATION, s, "TLS handshake of a new connection");
    describe_histogram!(TIME_TO_FIRST_BYTE, s, "From the request on a ready connection to the response head");
    describe_gauge!(RETRY_QUOTA_AVAILABLE, Unit::Count, "Retry quota left");
    describe_counter!(RETRY_THROTTLED, Unit::Count, "Attempts answered with a throttling error");
    describe_counter!(RETRY_QUOTA_EXHAUSTED, Unit::Count, "Retries not made because the retry quota was spent");
    describe_counter!(IDENTITY_CACHE_HITS, Unit::Count, "Credentials served from the cache without waiting");
    describe_counter!(IDENTITY_CACHE_MISSES, Unit::Count, "Callers that waited for credentials");
    describe_counter!(IDENTITY_CACHE_REFRESHES, Unit::Count, "Calls to the credentials provider");
    describe_counter!(HEDGE_SENT, Unit::Count, "Hedged requests sent");
    describe_counter!(HEDGE_WON, Unit::Count, "Calls the hedged request answered first");
    describe_counter!(HEDGE_SKIPPED, Unit::Count, "Hedges due but not sent");
}

/// Handle sets by recorder and (service, operation), for the whole process.
#[derive(Default)]
struct Registry {
    ops: HashMap<(usize, &'static str, &'static str), &'static OpInstruments>,
    globals: HashMap<usize, &'static Globals>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

/// The process-wide lookup (a thread's first use of a handle set): registers and describes
/// with a recorder seen for the first time.
fn registered<T>(lookup: impl FnOnce(&mut Registry, bool) -> T, recorder: usize) -> T {
    let mut guard = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let registry = guard.get_or_insert_with(Registry::default);
    let new_recorder = !registry.globals.contains_key(&recorder);
    if new_recorder {
        describe();
        let globals: &'static Globals = Box::leak(Box::new(Globals::register()));
        registry.globals.insert(recorder, globals);
    }
    lookup(registry, new_recorder)
}

/// A thread's recent handle sets: a few entries compared by address.
const THREAD_CACHE: usize = 16;

type OpKey = (usize, usize, usize);

thread_local! {
    static OPS: RefCell<Vec<(OpKey, &'static OpInstruments)>> = const { RefCell::new(Vec::new()) };
    static GLOBALS: RefCell<Option<(usize, &'static Globals)>> = const { RefCell::new(None) };
}

fn op_instruments(service: &'static str, op: &'static str) -> &'static OpInstruments {
    let recorder = recorder_id();
    let key = (recorder, service.as_ptr() as usize, op.as_ptr() as usize);
    let cached = OPS.with(|ops| {
        ops.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, i)| *i)
    });
    if let Some(found) = cached {
        return found;
    }
    let found = registered(
        |registry, _| {
            *registry
                .ops
                .entry((recorder, service, op))
                .or_insert_with(|| Box::leak(Box::new(OpInstruments::register(service, op))))
        },
        recorder,
    );
    OPS.with(|ops| {
        let mut ops = ops.borrow_mut();
        if ops.len() >= THREAD_CACHE {
            ops.remove(0);
        }
        ops.push((key, found));
    });
    found
}

fn globals() -> &'static Globals {
    let recorder = recorder_id();
    if let Some((id, g)) = GLOBALS.with(|g| *g.borrow()) {
        if id == recorder {
            return g;
        }
    }
    let found = registered(|registry, _| registry.globals[&recorder], recorder);
    GLOBALS.with(|g| *g.borrow_mut() = Some((recorder, found)));
    found
}

/// One (service, operation)'s instruments: a `&'static`, copied freely.
#[derive(Clone, Copy)]
pub(crate) struct Operation(&'static OpInstruments);

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("metrics::Operation")
    }
}

impl Operation {
    pub(crate) fn of(service: &'static str, operation: &'static str) -> Self {
        Self(op_instruments(service, operation))
    }

    pub(crate) fn endpoint(self, since: Stopwatch) {
        self.0.endpoint.record(since.secs());
    }

    pub(crate) fn identity(self, since: Stopwatch) {
        self.0.identity.record(since.secs());
    }

    pub(crate) fn signing(self, since: Stopwatch) {
        self.0.signing.record(since.secs());
    }

    pub(crate) fn serialization(self, took: Duration) {
        self.0.serialization.record(took.as_secs_f64());
    }

    pub(crate) fn deserialization(self, took: Duration) {
        self.0.deserialization.record(took.as_secs_f64());
    }

    pub(crate) fn attempt(self, since: Stopwatch) {
        self.0.attempt_duration.record(since.secs());
        self.0.attempts.increment(1);
    }

    pub(crate) fn call(self, since: Stopwatch, failed: bool) {
        self.0.call_duration.record(since.secs());
        if failed {
            self.0.errors.increment(1);
        }
    }

    pub(crate) fn throttled(self) {
        self.0.throttled.increment(1);
    }

    pub(crate) fn quota(self, available: u32) {
        self.0.quota_available.set(f64::from(available));
    }

    pub(crate) fn quota_exhausted(self) {
        self.0.quota_exhausted.increment(1);
    }

    pub(crate) fn hedge_sent(self) {
        self.0.hedge_sent.increment(1);
    }

    pub(crate) fn hedge_won(self) {
        self.0.hedge_won.increment(1);
    }

    pub(crate) fn hedge_skipped(self, budget: bool) {
        if budget {
            self.0.hedge_skipped_budget.increment(1);
        } else {
            self.0.hedge_skipped_quota.increment(1);
        }
    }
}

/// The pool's and the credentials cache's recording points.
pub(crate) mod global {
    use super::{globals, Stopwatch};
    use std::time::Duration;

    pub(crate) fn acquired(since: Stopwatch) {
        globals().acquire_duration.record(since.secs());
    }

    pub(crate) fn opened(tls_handshake: Option<Duration>) {
        let g = globals();
        g.opened.increment(1);
        if let Some(took) = tls_handshake {
            g.tls_handshake.record(took.as_secs_f64());
        }
    }

    pub(crate) fn first_byte(since: Stopwatch) {
        globals().ttfb.record(since.secs());
    }

    pub(crate) fn idle_changed(by: i8) {
        globals().idle.increment(f64::from(by));
    }

    pub(crate) fn acquired_changed(by: i8) {
        globals().acquired.increment(f64::from(by));
    }

    pub(crate) fn cache_hit() {
        globals().cache_hits.increment(1);
    }

    pub(crate) fn cache_miss() {
        globals().cache_misses.increment(1);
    }

    pub(crate) fn refreshed(background: bool, ok: bool) {
        globals().refresh[usize::from(background)][usize::from(!ok)].increment(1);
    }
}

/// A connection carrying a request or its response: counted as acquired until it goes back
/// to the idle list ([`InUse::into_idle`]) or is dropped (closed).
#[derive(Debug)]
pub(crate) struct InUse(());

impl InUse {
    pub(crate) fn new(from_idle: bool) -> Self {
        if from_idle {
            global::idle_changed(-1);
        }
        global::acquired_changed(1);
        Self(())
    }

    /// The connection went back to the idle list.
    pub(crate) fn into_idle(self) {
        global::idle_changed(1);
        // Drop counts it out of the acquired ones.
    }
}

impl Drop for InUse {
    fn drop(&mut self) {
        global::acquired_changed(-1);
    }
}

/// An idle connection dropped from the idle list (dead, expired).
pub(crate) fn idle_dropped() {
    global::idle_changed(-1);
}
