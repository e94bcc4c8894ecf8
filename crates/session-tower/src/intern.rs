//! Process-wide copies of the few strings every request of a client carries.
//!
//! A header value or URL authority made from a `&'static str` is cloned without touching a
//! reference count; one made from a runtime string shares a count that every core's requests
//! increment and decrement, so the cache line moves between cores on every call. Clients'
//! user agents, attempt headers and fixed endpoint hosts are few and long-lived, so each
//! distinct string is kept once for the life of the process (a program that builds many
//! clients with the same settings stores nothing new). Per-request values (dates,
//! signatures, S3 per-bucket hosts) are never interned.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

/// At most this many distinct strings are interned; past it, callers get `None` and keep
/// their reference-counted value (a bound, so that no input can grow the set without end).
const MAX_INTERNED: usize = 4096;

/// `s` as a `'static` string shared by the whole process, or `None` when the set is full.
pub(crate) fn intern(s: &str) -> Option<&'static str> {
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = SET
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = set.get(s) {
        return Some(found);
    }
    if set.len() >= MAX_INTERNED {
        return None;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(leaked);
    Some(leaked)
}

/// `value` rebuilt from an interned copy of its text (same bytes, same sensitivity), or
/// unchanged when it is not text or the set is full.
pub(crate) fn header_value(value: http::HeaderValue) -> http::HeaderValue {
    let Some(text) = value.to_str().ok().and_then(intern) else {
        return value;
    };
    let mut interned = http::HeaderValue::from_static(text);
    interned.set_sensitive(value.is_sensitive());
    interned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_copy() {
        let a = intern("session-rs/0.1 test").unwrap();
        let b = intern(&String::from("session-rs/0.1 test")).unwrap();
        assert!(std::ptr::eq(a, b));
        let v = header_value(http::HeaderValue::from_str("attempt=1; max=3").unwrap());
        assert_eq!(v, "attempt=1; max=3");
    }
}
