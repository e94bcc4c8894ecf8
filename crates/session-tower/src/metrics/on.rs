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
use std::sync::{Mutex, OnceLock, PoisonError};
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

    /// The seconds since, and now as the start of what follows: one clock read for the end
    /// of one stage and the start of the next (a read costs 20–45 ns on this VM).
    fn lap(self) -> (f64, Stopwatch) {
        let now = Instant::now();
        (
            now.saturating_duration_since(self.0).as_secs_f64(),
            Stopwatch(now),
        )
    }
}

/// The handles of one (service, operation). Those of every call are registered at once;
/// the others (the call glue's, retries', hedges') on first use, so that an exporter does
/// not list a zero for every operation that never retried or hedged.
struct OpInstruments {
    service: &'static str,
    op: &'static str,
    call_duration: Histogram,
    attempts: Counter,
    errors: Counter,
    attempt_duration: Histogram,
    endpoint: Histogram,
    signing: Histogram,
    identity: Histogram,
    serialization: OnceLock<Histogram>,
    deserialization: OnceLock<Histogram>,
    throttled: OnceLock<Counter>,
    quota_available: OnceLock<Gauge>,
    quota_exhausted: OnceLock<Counter>,
    hedge_sent: OnceLock<Counter>,
    hedge_won: OnceLock<Counter>,
    hedge_skipped_budget: OnceLock<Counter>,
    hedge_skipped_quota: OnceLock<Counter>,
}

macro_rules! labeled {
    ($kind:ident, $name:expr, $service:expr, $op:expr $(, $k:expr => $v:expr)*) => {
        $kind!($name, RPC_SERVICE => $service, RPC_METHOD => $op $(, $k => $v)*)
    };
}

impl OpInstruments {
    fn register(service: &'static str, op: &'static str) -> Self {
        Self {
            service,
            op,
            call_duration: labeled!(histogram, CALL_DURATION, service, op),
            attempts: labeled!(counter, CALL_ATTEMPTS, service, op),
            errors: labeled!(counter, CALL_ERRORS, service, op),
            attempt_duration: labeled!(histogram, CALL_ATTEMPT_DURATION, service, op),
            endpoint: labeled!(histogram, CALL_RESOLVE_ENDPOINT_DURATION, service, op),
            signing: labeled!(histogram, CALL_AUTH_SIGNING_DURATION, service, op),
            identity: labeled!(histogram, CALL_AUTH_RESOLVE_IDENTITY_DURATION, service, op),
            serialization: OnceLock::new(),
            deserialization: OnceLock::new(),
            throttled: OnceLock::new(),
            quota_available: OnceLock::new(),
            quota_exhausted: OnceLock::new(),
            hedge_sent: OnceLock::new(),
            hedge_won: OnceLock::new(),
            hedge_skipped_budget: OnceLock::new(),
            hedge_skipped_quota: OnceLock::new(),
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
        let refresh = |mode: &'static str, outcome: &'static str| counter!(IDENTITY_CACHE_REFRESHES, MODE => mode, OUTCOME => outcome);
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
    describe_histogram!(
        CALL_DURATION,
        s,
        "Overall call duration, retries included, until the response head"
    );
    describe_counter!(
        TRANSFER_BYTES,
        Unit::Bytes,
        "Bytes the transfer manager moved, by direction"
    );
    describe_gauge!(
        TRANSFER_PARTS_IN_FLIGHT,
        Unit::Count,
        "Parts the transfer manager has on their way, by direction"
    );
    describe_counter!(
        CALL_ATTEMPTS,
        Unit::Count,
        "The number of attempts for an operation call"
    );
    describe_counter!(
        CALL_ERRORS,
        Unit::Count,
        "The number of calls that result in an error"
    );
    describe_histogram!(
        CALL_ATTEMPT_DURATION,
        s,
        "One attempt: credentials, signing, sending and the response head"
    );
    describe_histogram!(
        CALL_SERIALIZATION_DURATION,
        s,
        "The time it takes to serialize a request"
    );
    describe_histogram!(
        CALL_DESERIALIZATION_DURATION,
        s,
        "The time it takes to deserialize a response"
    );
    describe_histogram!(
        CALL_RESOLVE_ENDPOINT_DURATION,
        s,
        "The time it takes to resolve an endpoint"
    );
    describe_histogram!(
        CALL_AUTH_SIGNING_DURATION,
        s,
        "The time it takes to sign a request"
    );
    describe_histogram!(
        CALL_AUTH_RESOLVE_IDENTITY_DURATION,
        s,
        "The time it takes to get credentials for a request"
    );
    describe_gauge!(
        CONNECTIONS_USAGE,
        Unit::Count,
        "Pooled connections by state (idle, acquired)"
    );
    describe_histogram!(
        CONNECTIONS_ACQUIRE_DURATION,
        s,
        "The time a request takes to get a ready connection"
    );
    describe_counter!(CONNECTIONS_OPENED, Unit::Count, "New connections opened");
    describe_histogram!(
        CONNECTIONS_TLS_HANDSHAKE_DURATION,
        s,
        "TLS handshake of a new connection"
    );
    describe_histogram!(
        TIME_TO_FIRST_BYTE,
        s,
        "From the request on a ready connection to the response head"
    );
    describe_gauge!(RETRY_QUOTA_AVAILABLE, Unit::Count, "Retry quota left");
    describe_counter!(
        RETRY_THROTTLED,
        Unit::Count,
        "Attempts answered with a throttling error"
    );
    describe_counter!(
        RETRY_QUOTA_EXHAUSTED,
        Unit::Count,
        "Retries not made because the retry quota was spent"
    );
    describe_counter!(
        IDENTITY_CACHE_HITS,
        Unit::Count,
        "Credentials served from the cache without waiting"
    );
    describe_counter!(
        IDENTITY_CACHE_MISSES,
        Unit::Count,
        "Callers that waited for credentials"
    );
    describe_counter!(
        IDENTITY_CACHE_REFRESHES,
        Unit::Count,
        "Calls to the credentials provider"
    );
    describe_counter!(HEDGE_SENT, Unit::Count, "Hedged requests sent");
    describe_counter!(
        HEDGE_WON,
        Unit::Count,
        "Calls the hedged request answered first"
    );
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

    /// Records the endpoint's resolution since `since`; returns now.
    pub(crate) fn endpoint(self, since: Stopwatch) -> Stopwatch {
        let (took, now) = since.lap();
        self.0.endpoint.record(took);
        now
    }

    /// Records the credentials' resolution since `since`; returns now (where signing
    /// starts).
    pub(crate) fn identity(self, since: Stopwatch) -> Stopwatch {
        let (took, now) = since.lap();
        self.0.identity.record(took);
        now
    }

    pub(crate) fn signing(self, since: Stopwatch) {
        self.0.signing.record(since.secs());
    }

    pub(crate) fn serialization(self, took: Duration) {
        let i = self.0;
        i.serialization
            .get_or_init(|| labeled!(histogram, CALL_SERIALIZATION_DURATION, i.service, i.op))
            .record(took.as_secs_f64());
    }

    pub(crate) fn deserialization(self, took: Duration) {
        let i = self.0;
        i.deserialization
            .get_or_init(|| labeled!(histogram, CALL_DESERIALIZATION_DURATION, i.service, i.op))
            .record(took.as_secs_f64());
    }

    /// An attempt starts: counted now, so that one cancelled (a hedge's loser) counts too.
    pub(crate) fn attempt_started(self) {
        self.0.attempts.increment(1);
    }

    pub(crate) fn attempt(self, since: Stopwatch) {
        self.0.attempt_duration.record(since.secs());
    }

    pub(crate) fn call(self, since: Stopwatch, failed: bool) {
        self.0.call_duration.record(since.secs());
        if failed {
            self.0.errors.increment(1);
        }
    }

    pub(crate) fn throttled(self) {
        let i = self.0;
        i.throttled
            .get_or_init(|| labeled!(counter, RETRY_THROTTLED, i.service, i.op))
            .increment(1);
    }

    pub(crate) fn quota(self, available: u32) {
        let i = self.0;
        // The quota is the client's, not the operation's: by service only.
        i.quota_available
            .get_or_init(|| gauge!(RETRY_QUOTA_AVAILABLE, RPC_SERVICE => i.service))
            .set(f64::from(available));
    }

    pub(crate) fn quota_exhausted(self) {
        let i = self.0;
        i.quota_exhausted
            .get_or_init(|| labeled!(counter, RETRY_QUOTA_EXHAUSTED, i.service, i.op))
            .increment(1);
    }

    pub(crate) fn hedge_sent(self) {
        let i = self.0;
        i.hedge_sent
            .get_or_init(|| labeled!(counter, HEDGE_SENT, i.service, i.op))
            .increment(1);
    }

    pub(crate) fn hedge_won(self) {
        let i = self.0;
        i.hedge_won
            .get_or_init(|| labeled!(counter, HEDGE_WON, i.service, i.op))
            .increment(1);
    }

    pub(crate) fn hedge_skipped(self, budget: bool) {
        let i = self.0;
        let (slot, reason) = if budget {
            (&i.hedge_skipped_budget, BUDGET)
        } else {
            (&i.hedge_skipped_quota, QUOTA)
        };
        slot.get_or_init(|| labeled!(counter, HEDGE_SKIPPED, i.service, i.op, REASON => reason))
            .increment(1);
    }
}

/// The pool's and the credentials cache's recording points.
pub(crate) mod global {
    use super::{globals, Stopwatch};
    use std::time::Duration;

    /// Records the wait for a connection since `since`; returns now (where sending starts).
    pub(crate) fn acquired(since: Stopwatch) -> Stopwatch {
        let (took, now) = since.lap();
        globals().acquire_duration.record(took);
        now
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

#[cfg(test)]
mod tests {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    use super::*;

    fn attempts_in(recorder: &DebuggingRecorder) -> u64 {
        recorder
            .snapshotter()
            .snapshot()
            .into_vec()
            .into_iter()
            .filter(|(k, ..)| k.key().name() == CALL_ATTEMPTS)
            .map(|(.., v)| match v {
                DebugValue::Counter(n) => n,
                _ => 0,
            })
            .sum()
    }

    #[test]
    fn handles_follow_the_recorder_in_force() {
        let (first, second) = (DebuggingRecorder::new(), DebuggingRecorder::new());
        let since = Stopwatch::start();
        metrics::with_local_recorder(&first, || {
            Operation::of("Test", "Op").attempt_started();
            Operation::of("Test", "Op").attempt_started();
        });
        // A recorder installed later gets handles of its own, not the first one's.
        metrics::with_local_recorder(&second, || Operation::of("Test", "Op").attempt_started());
        // And none recorded while no recorder was in force reached either.
        Operation::of("Test", "Op").attempt_started();
        let _ = since;
        assert_eq!(attempts_in(&first), 2);
        assert_eq!(attempts_in(&second), 1);
    }

    #[test]
    fn connections_move_between_acquired_and_idle() {
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            let a = InUse::new(false);
            let b = InUse::new(false);
            a.into_idle();
            let c = InUse::new(true);
            drop(b);
            drop(c);
        });
        let gauges: Vec<(String, f64)> = recorder
            .snapshotter()
            .snapshot()
            .into_vec()
            .into_iter()
            .filter_map(|(k, .., v)| match v {
                DebugValue::Gauge(g) => {
                    let state = k.key().labels().map(|l| l.value().to_owned()).collect();
                    Some((state, g.0))
                }
                _ => None,
            })
            .collect();
        // a went idle then was taken again as c; b and c closed.
        assert!(gauges.contains(&(IDLE.to_owned(), 0.0)), "{gauges:?}");
        assert!(gauges.contains(&(ACQUIRED.to_owned(), 0.0)), "{gauges:?}");
    }

    #[tokio::test]
    async fn the_tls_handshake_is_the_time_after_the_tcp_connect() {
        use tower::ServiceExt as _;
        let tcp = super::super::TcpTimed(tower::service_fn(|()| async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, std::convert::Infallible>(())
        }));
        let connect = async move {
            tcp.oneshot(()).await?;
            // The "handshake".
            tokio::time::sleep(Duration::from_millis(40)).await;
            Ok::<_, std::convert::Infallible>(())
        };
        let (out, handshake) = super::super::TlsTiming::measure(connect, true).await;
        assert!(out.is_ok());
        let handshake = handshake.unwrap();
        assert!(handshake >= Duration::from_millis(35), "{handshake:?}");
        assert!(handshake < Duration::from_secs(2), "{handshake:?}");
        let (_, none) = super::super::TlsTiming::measure(async {}, false).await;
        assert!(none.is_none(), "plain HTTP has no handshake");
    }
}
