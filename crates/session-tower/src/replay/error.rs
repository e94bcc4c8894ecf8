//! The one error of record and replay: files that cannot be read or parsed, and requests
//! the recording does not expect.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why loading, saving or replaying failed.
///
/// Opaque: ask with the `is_*` predicates; the `Display` text says what happened (for a
/// mismatch: the exchange's index, what it expected, what came, and the first difference)
/// and may change. Never holds a secret: recorded values are redacted, and a value of a
/// secret field in the request is shown as the marker.
///
/// Through a client, a replayer's error is [`Error::is_layer`](crate::Error::is_layer)
/// (not retried), with this error as its [`source`](std::error::Error::source).
pub struct ReplayError {
    kind: Kind,
    message: String,
    path: Option<PathBuf>,
    index: Option<usize>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Io,
    Malformed,
    Mismatch,
    Exhausted,
    Unfinished,
    Body,
}

impl ReplayError {
    pub(super) fn io(doing: &str, path: &Path, e: std::io::Error) -> Self {
        Self {
            kind: Kind::Io,
            message: format!("{doing} {}: {e}", path.display()),
            path: Some(path.to_owned()),
            index: None,
            source: Some(Box::new(e)),
        }
    }

    pub(super) fn malformed(path: Option<&Path>, what: String) -> Self {
        let message = match path {
            Some(p) => format!("{} is not a recording: {what}", p.display()),
            None => format!("not a recording: {what}"),
        };
        Self {
            kind: Kind::Malformed,
            message,
            path: path.map(Path::to_owned),
            index: None,
            source: None,
        }
    }

    pub(super) fn mismatch(index: usize, message: String) -> Self {
        Self {
            kind: Kind::Mismatch,
            message,
            path: None,
            index: Some(index),
            source: None,
        }
    }

    pub(super) fn exhausted(index: usize, request: &str) -> Self {
        Self {
            kind: Kind::Exhausted,
            message: format!(
                "replay: exchange {index} requested ({request}), but the recording has only \
                 {index} exchanges"
            ),
            path: None,
            index: Some(index),
            source: None,
        }
    }

    pub(super) fn no_unused(request: &str, used: usize) -> Self {
        Self {
            kind: Kind::Exhausted,
            message: format!(
                "replay: {request} requested, but all {used} exchanges of the recording are used"
            ),
            path: None,
            index: None,
            source: None,
        }
    }

    pub(super) fn unfinished(problems: &[String]) -> Self {
        Self {
            kind: Kind::Unfinished,
            message: format!("replay not finished:\n  {}", problems.join("\n  ")),
            path: None,
            index: None,
            source: None,
        }
    }

    pub(super) fn body(e: crate::Error) -> Self {
        Self {
            kind: Kind::Body,
            message: format!("replay: reading the request body: {e}"),
            path: None,
            index: None,
            source: Some(Box::new(e)),
        }
    }

    /// A file could not be read or written.
    pub fn is_io(&self) -> bool {
        self.kind == Kind::Io
    }

    /// A file or text is not a recording (invalid JSON, members, version, base64, or an
    /// exchange that cannot be replayed).
    pub fn is_malformed(&self) -> bool {
        self.kind == Kind::Malformed
    }

    /// A request differed from the exchange the replayer expected (in order), or matched
    /// no unused exchange (in any order).
    pub fn is_mismatch(&self) -> bool {
        self.kind == Kind::Mismatch
    }

    /// A request came after every exchange of the recording was used.
    pub fn is_exhausted(&self) -> bool {
        self.kind == Kind::Exhausted
    }

    /// From [`Replayer::assert_done`](super::Replayer::assert_done): exchanges were left
    /// unused, or requests did not match.
    pub fn is_unfinished(&self) -> bool {
        self.kind == Kind::Unfinished
    }

    /// The request's streamed body failed while the replayer read it.
    pub fn is_body(&self) -> bool {
        self.kind == Kind::Body
    }

    /// The file, for a file that could not be read, written or parsed.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The index (from 0) of the exchange a request was matched against, for a mismatch or
    /// a request past the end.
    pub fn index(&self) -> Option<usize> {
        self.index
    }
}

impl Clone for ReplayError {
    /// A copy without the source (an I/O error is not `Clone`); the message keeps its text.
    fn clone(&self) -> Self {
        Self {
            kind: self.kind,
            message: self.message.clone(),
            path: self.path.clone(),
            index: self.index,
            source: None,
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}
