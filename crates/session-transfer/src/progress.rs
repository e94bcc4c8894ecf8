//! Progress: counters shared by a transfer's tasks, a watch channel with the latest
//! snapshot, and an optional callback. Byte counts are reported at most once per
//! `progress_interval`; part and file completions always.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

/// A snapshot of a transfer's progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes moved so far.
    pub bytes_done: u64,
    /// Bytes in all (unknown for a stream of unknown length, or before a listing ends).
    pub bytes_total: Option<u64>,
    /// Parts (or ranges) finished.
    pub parts_done: u64,
    /// Parts in all, when known.
    pub parts_total: Option<u64>,
    /// Files finished successfully (directory transfers).
    pub files_done: u64,
    /// Files that failed (directory transfers).
    pub files_failed: u64,
    /// Files in all, when known (directory transfers).
    pub files_total: Option<u64>,
}

/// What a progress callback receives.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// Bytes moved (rate-limited).
    Bytes(Progress),
    /// A part or range finished.
    PartDone {
        /// Its number, from 1.
        number: u32,
        /// Its size.
        bytes: u64,
    },
    /// A file of a directory transfer started.
    FileStarted {
        /// The object key.
        key: String,
        /// The local path.
        path: PathBuf,
    },
    /// A file of a directory transfer ended.
    FileDone {
        /// The object key.
        key: String,
        /// The local path.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// Why it failed, if it did.
        error: Option<String>,
    },
    /// The transfer ended (successfully or not): the final counts.
    Finished(Progress),
}

/// A progress callback. It runs on the transfer's tasks: keep it short.
pub type ProgressCallback = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

const UNKNOWN: u64 = u64::MAX;

pub(crate) struct Tracker {
    bytes: AtomicU64,
    total: AtomicU64,
    parts: AtomicU64,
    parts_total: AtomicU64,
    files: AtomicU64,
    files_failed: AtomicU64,
    files_total: AtomicU64,
    start: Instant,
    last_emit: AtomicU64,
    interval_ns: u64,
    tx: watch::Sender<Progress>,
    callback: Option<ProgressCallback>,
    parent: Option<Arc<Tracker>>,
}

fn known(v: u64) -> Option<u64> {
    (v != UNKNOWN).then_some(v)
}

impl Tracker {
    pub(crate) fn new(
        interval: std::time::Duration,
        callback: Option<ProgressCallback>,
    ) -> Arc<Self> {
        Arc::new(Self {
            bytes: AtomicU64::new(0),
            total: AtomicU64::new(UNKNOWN),
            parts: AtomicU64::new(0),
            parts_total: AtomicU64::new(UNKNOWN),
            files: AtomicU64::new(0),
            files_failed: AtomicU64::new(0),
            files_total: AtomicU64::new(UNKNOWN),
            start: Instant::now(),
            last_emit: AtomicU64::new(0),
            interval_ns: u64::try_from(interval.as_nanos()).unwrap_or(u64::MAX),
            tx: watch::channel(Progress::default()).0,
            callback,
            parent: None,
        })
    }

    /// A tracker of one file of a directory transfer: its bytes and parts count into
    /// `self` as well.
    pub(crate) fn child(self: &Arc<Self>) -> Arc<Self> {
        let mut t = Self::new(std::time::Duration::from_nanos(self.interval_ns), None);
        if let Some(inner) = Arc::get_mut(&mut t) {
            inner.parent = Some(self.clone());
        }
        t
    }

    pub(crate) fn snapshot(&self) -> Progress {
        Progress {
            bytes_done: self.bytes.load(Ordering::Relaxed),
            bytes_total: known(self.total.load(Ordering::Relaxed)),
            parts_done: self.parts.load(Ordering::Relaxed),
            parts_total: known(self.parts_total.load(Ordering::Relaxed)),
            files_done: self.files.load(Ordering::Relaxed),
            files_failed: self.files_failed.load(Ordering::Relaxed),
            files_total: known(self.files_total.load(Ordering::Relaxed)),
        }
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Progress> {
        self.tx.subscribe()
    }

    pub(crate) fn set_total(&self, bytes: u64, parts: Option<u64>) {
        self.total.store(bytes, Ordering::Relaxed);
        if let Some(p) = parts {
            self.parts_total.store(p, Ordering::Relaxed);
        }
    }

    pub(crate) fn set_files_total(&self, n: u64) {
        self.files_total.store(n, Ordering::Relaxed);
    }

    pub(crate) fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
        if let Some(p) = &self.parent {
            p.add_bytes(n);
        }
        self.maybe_emit();
    }

    /// Takes back bytes counted for an attempt that failed and will be sent again.
    pub(crate) fn sub_bytes(&self, n: u64) {
        let _ = self
            .bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_sub(n))
            });
        if let Some(p) = &self.parent {
            p.sub_bytes(n);
        }
    }

    pub(crate) fn part_done(&self, number: u32, bytes: u64) {
        self.parts.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = &self.parent {
            p.part_done(number, bytes);
        }
        if let Some(cb) = &self.callback {
            cb(&ProgressEvent::PartDone { number, bytes });
        }
        self.maybe_emit();
    }

    pub(crate) fn file_started(&self, key: &str, path: &std::path::Path) {
        if let Some(cb) = &self.callback {
            cb(&ProgressEvent::FileStarted {
                key: key.to_owned(),
                path: path.to_owned(),
            });
        }
    }

    pub(crate) fn file_done(
        &self,
        key: &str,
        path: &std::path::Path,
        bytes: u64,
        error: Option<String>,
    ) {
        if error.is_some() {
            self.files_failed.fetch_add(1, Ordering::Relaxed);
        } else {
            self.files.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(cb) = &self.callback {
            cb(&ProgressEvent::FileDone {
                key: key.to_owned(),
                path: path.to_owned(),
                bytes,
                error,
            });
        }
        self.emit();
    }

    pub(crate) fn finish(&self) {
        let p = self.snapshot();
        self.tx.send_replace(p);
        if let Some(cb) = &self.callback {
            cb(&ProgressEvent::Finished(p));
        }
    }

    fn maybe_emit(&self) {
        let now = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let last = self.last_emit.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= self.interval_ns
            && self
                .last_emit
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.emit();
        }
    }

    fn emit(&self) {
        let p = self.snapshot();
        self.tx.send_replace(p);
        if let Some(cb) = &self.callback {
            cb(&ProgressEvent::Bytes(p));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    #[test]
    fn bytes_are_rate_limited_and_parts_are_not() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let cb: ProgressCallback = Arc::new(move |e| s.lock().unwrap().push(format!("{e:?}")));
        let t = Tracker::new(Duration::from_secs(3600), Some(cb));
        t.set_total(100, Some(2));
        // The first report is due at once (nothing was reported yet)...
        std::thread::sleep(Duration::from_millis(1));
        for _ in 0..1000 {
            t.add_bytes(1);
        }
        t.part_done(1, 50);
        t.sub_bytes(10);
        t.finish();
        let seen = seen.lock().unwrap();
        let bytes = seen.iter().filter(|e| e.starts_with("Bytes")).count();
        assert!(bytes <= 1, "{seen:?}");
        assert_eq!(seen.iter().filter(|e| e.starts_with("PartDone")).count(), 1);
        let last = t.snapshot();
        assert_eq!(
            (last.bytes_done, last.bytes_total, last.parts_done),
            (990, Some(100), 1)
        );
        assert_eq!(*t.subscribe().borrow(), last);
    }
}
