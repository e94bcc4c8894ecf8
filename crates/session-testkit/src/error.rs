//! The error type of the harness.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// How many lines of a log file an error carries.
pub(crate) const TAIL_LINES: usize = 40;

/// Why installing, starting or talking to a peer failed.
///
/// The `Display` text names the step that failed and, where there is one, the tail of the
/// relevant log (pip, `cargo install`, or the server's stderr). The exact wording is not part
/// of the API; use the `is_*` predicates to branch.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    what: String,
    log: Option<(PathBuf, String)>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Installing a peer (venv, pip, cargo install) failed.
    Install,
    /// Spawning the server failed, or it exited before it was ready.
    Start,
    /// The server did not become ready in time.
    Timeout,
    /// A bootstrap request to the server failed or was answered unexpectedly.
    Bootstrap,
}

impl Error {
    pub(crate) fn new(kind: Kind, what: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                what: what.into(),
                log: None,
                source: None,
            }),
        }
    }

    /// Attaches the tail of the log at `path` (read now; a missing log is noted as such).
    pub(crate) fn with_log(mut self, path: &Path) -> Self {
        let tail = tail_of(path, TAIL_LINES);
        self.inner.log = Some((path.to_path_buf(), tail));
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn io(kind: Kind, what: impl Into<String>, source: io::Error) -> Self {
        Self::new(kind, what).with_source(source)
    }

    /// Installing the peer (Python venv, pip, `cargo install`) failed.
    pub fn is_install(&self) -> bool {
        self.inner.kind == Kind::Install
    }

    /// The server could not be spawned, or it exited before it became ready.
    pub fn is_start(&self) -> bool {
        self.inner.kind == Kind::Start
    }

    /// The server did not become ready in time.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == Kind::Timeout
    }

    /// A bootstrap call to a running server (creating credentials, reset) failed.
    pub fn is_bootstrap(&self) -> bool {
        self.inner.kind == Kind::Bootstrap
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug is what `unwrap`/`expect` print in a failing test: make it the readable text.
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.what)?;
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        if let Some((path, tail)) = &self.inner.log {
            write!(
                f,
                "\n--- last lines of {} ---\n{}",
                path.display(),
                tail.trim_end()
            )?;
        }
        Ok(())
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

/// The last `lines` lines of a (text) log file, or a note saying why there are none.
pub(crate) fn tail_of(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            let start = all.len().saturating_sub(lines);
            if all.is_empty() {
                "(empty)".to_owned()
            } else {
                all[start..].join("\n")
            }
        }
        Err(e) => format!("(cannot read: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn display_carries_log_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("x.log");
        let body: String = (0..100).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&log, body).expect("write");
        let e = Error::new(Kind::Install, "pip failed").with_log(&log);
        let text = e.to_string();
        assert!(text.starts_with("pip failed"));
        assert!(text.contains("line 99"));
        assert!(!text.contains("line 59\n"));
        assert!(e.is_install() && !e.is_start());
    }
}
