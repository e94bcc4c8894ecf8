//! Counting attempts on the client side, for ports where no server sees them (refused,
//! unreachable): the engine opens one `attempt` span per attempt.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::{DefaultGuard, Interest};
use tracing::{Event, Metadata, Subscriber};

/// Counts the `attempt` spans opened on this thread while it lives (the scenarios run on a
/// current-thread runtime, so every poll of the client happens here).
pub(crate) struct AttemptSpans {
    count: Arc<AtomicU64>,
    _guard: DefaultGuard,
}

impl AttemptSpans {
    pub(crate) fn install() -> Self {
        let count = Arc::new(AtomicU64::new(0));
        let guard = tracing::subscriber::set_default(Counter {
            count: count.clone(),
        });
        Self {
            count,
            _guard: guard,
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }
}

struct Counter {
    count: Arc<AtomicU64>,
}

fn is_attempt(meta: &Metadata<'_>) -> bool {
    meta.is_span() && meta.name() == "attempt"
}

impl Subscriber for Counter {
    fn register_callsite(&self, _meta: &'static Metadata<'static>) -> Interest {
        // Asked per call: other threads' subscribers may want other callsites.
        Interest::sometimes()
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        is_attempt(meta)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        debug_assert!(is_attempt(span.metadata()));
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(n + 1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, _event: &Event<'_>) {}

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}
