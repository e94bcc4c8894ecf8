//! The one error type of this crate: opaque, with `is_*` predicates and a `source()` chain.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why a model file could not be had: an unknown service, a corrupt pack or file, or an
/// I/O failure.
///
/// The message says which service, file or pack member is at fault; for an unknown
/// service it lists the known names closest to the one asked for.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    message: String,
    source: Option<io::Error>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    UnknownService { name: String, close: Vec<String> },
    Corrupt,
    Io { path: PathBuf },
}

impl Error {
    pub(crate) fn unknown_service(
        name: &str,
        close: Vec<String>,
        known: usize,
        from: &str,
    ) -> Self {
        let mut message = format!("unknown service `{name}` ({known} services in {from})");
        if !close.is_empty() {
            message.push_str("; close names: ");
            message.push_str(&close.join(", "));
        }
        Self::new(
            Kind::UnknownService {
                name: name.to_owned(),
                close,
            },
            message,
            None,
        )
    }

    pub(crate) fn corrupt(message: impl Into<String>, source: Option<io::Error>) -> Self {
        Self::new(Kind::Corrupt, message.into(), source)
    }

    pub(crate) fn io(path: &Path, doing: &str, source: io::Error) -> Self {
        Self::new(
            Kind::Io {
                path: path.to_owned(),
            },
            format!("{doing} {}", path.display()),
            Some(source),
        )
    }

    fn new(kind: Kind, message: String, source: Option<io::Error>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message,
                source,
            }),
        }
    }

    /// No service of that name: see [`close_names`](Self::close_names).
    pub fn is_unknown_service(&self) -> bool {
        matches!(self.inner.kind, Kind::UnknownService { .. })
    }

    /// The pack, or a model file, is damaged or not what it claims to be (bad magic,
    /// checksum, length, gzip data, UTF-8, ...). The message names the member or file.
    pub fn is_corrupt(&self) -> bool {
        self.inner.kind == Kind::Corrupt
    }

    /// A file or folder could not be read; [`source`](StdError::source) is the I/O error.
    pub fn is_io(&self) -> bool {
        matches!(self.inner.kind, Kind::Io { .. })
    }

    /// For an unknown service, the service asked for.
    pub fn service(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::UnknownService { name, .. } => Some(name),
            _ => None,
        }
    }

    /// For an unknown service, the known names closest to it, best first (at most five;
    /// maybe none).
    pub fn close_names(&self) -> &[String] {
        match &self.inner.kind {
            Kind::UnknownService { close, .. } => close,
            _ => &[],
        }
    }

    /// For an I/O error, the path that could not be read.
    pub fn path(&self) -> Option<&Path> {
        match &self.inner.kind {
            Kind::Io { path } => Some(path),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
