//! The recording side without the `metrics` feature: every type is empty and every
//! function does nothing, so the calls in the stack compile to nothing (no clock read, no
//! lookup, no branch).

use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Stopwatch;

impl Stopwatch {
    #[inline(always)]
    pub(crate) fn start() -> Self {
        Self
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Operation;

#[allow(clippy::unused_self)]
impl Operation {
    #[inline(always)]
    pub(crate) fn of(_service: &'static str, _operation: &'static str) -> Self {
        Self
    }
    #[inline(always)]
    pub(crate) fn endpoint(self, since: Stopwatch) -> Stopwatch {
        since
    }
    #[inline(always)]
    pub(crate) fn identity(self, since: Stopwatch) -> Stopwatch {
        since
    }
    #[inline(always)]
    pub(crate) fn signing(self, _since: Stopwatch) {}
    #[inline(always)]
    pub(crate) fn serialization(self, _took: Duration) {}
    #[inline(always)]
    pub(crate) fn deserialization(self, _took: Duration) {}
    #[inline(always)]
    pub(crate) fn attempt_started(self) {}
    #[inline(always)]
    pub(crate) fn attempt(self, _since: Stopwatch) {}
    #[inline(always)]
    pub(crate) fn call(self, _since: Stopwatch, _failed: bool) {}
    #[inline(always)]
    pub(crate) fn throttled(self) {}
    #[inline(always)]
    pub(crate) fn quota(self, _available: u32) {}
    #[inline(always)]
    pub(crate) fn quota_exhausted(self) {}
    #[inline(always)]
    pub(crate) fn hedge_sent(self) {}
    #[inline(always)]
    pub(crate) fn hedge_won(self) {}
    #[inline(always)]
    pub(crate) fn hedge_skipped(self, _budget: bool) {}
}

pub(crate) mod global {
    use super::Stopwatch;
    use std::time::Duration;

    #[inline(always)]
    pub(crate) fn acquired(since: Stopwatch) -> Stopwatch {
        since
    }
    #[inline(always)]
    pub(crate) fn opened(_tls_handshake: Option<Duration>) {}
    #[inline(always)]
    pub(crate) fn first_byte(_since: Stopwatch) {}
    #[inline(always)]
    pub(crate) fn cache_hit() {}
    #[inline(always)]
    pub(crate) fn cache_miss() {}
    #[inline(always)]
    pub(crate) fn refreshed(_background: bool, _ok: bool) {}
}

#[derive(Debug)]
pub(crate) struct InUse;

impl InUse {
    #[inline(always)]
    pub(crate) fn new(_from_idle: bool) -> Self {
        Self
    }
    #[inline(always)]
    pub(crate) fn into_idle(self) {}
}

#[inline(always)]
pub(crate) fn idle_dropped() {}

#[inline(always)]
pub(crate) fn describe() {}
