//! The error returned when a session cannot be built.

use std::error::Error as StdError;
use std::fmt;

use crate::origin::Origin;

/// Why a [`Session`](crate::Session) could not be built.
///
/// Opaque on purpose: ask what happened with the `is_*` predicates and the accessors, and
/// do not parse the `Display` text, which may change. Messages name the file and line of a
/// malformed config file, and the origin of a bad setting; they never contain secrets.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    FileMissing {
        path: String,
        named_by: String,
    },
    Io {
        path: String,
    },
    ProfileNotFound {
        name: String,
        origin: Origin,
    },
    InvalidSetting {
        name: String,
        value: String,
        origin: Origin,
        reason: String,
    },
    UnknownSetting {
        name: String,
    },
    Credentials {
        message: String,
    },
}

impl Error {
    pub(crate) fn new(kind: Kind) -> Self {
        Self {
            inner: Box::new(Inner { kind, source: None }),
        }
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn parse(file: &str, line: usize, message: impl Into<String>) -> Self {
        Self::new(Kind::Parse {
            file: file.to_owned(),
            line,
            message: message.into(),
        })
    }

    pub(crate) fn invalid_setting(
        name: &str,
        value: &str,
        origin: &Origin,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(Kind::InvalidSetting {
            name: name.to_owned(),
            value: shorten(value),
            origin: origin.clone(),
            reason: reason.into(),
        })
    }

    /// A config or credentials file is malformed. [`Error::file`] and [`Error::line`] say
    /// where.
    pub fn is_parse(&self) -> bool {
        matches!(self.inner.kind, Kind::Parse { .. })
    }

    /// A file named in code (`SessionBuilder::config_file` / `credentials_file`) does not
    /// exist. (A missing file named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` is
    /// empty, as in the AWS SDKs, with a warning.)
    pub fn is_file_missing(&self) -> bool {
        matches!(self.inner.kind, Kind::FileMissing { .. })
    }

    /// A file exists but could not be read.
    pub fn is_io(&self) -> bool {
        matches!(self.inner.kind, Kind::Io { .. })
    }

    /// The selected profile exists in neither file.
    pub fn is_profile_not_found(&self) -> bool {
        matches!(self.inner.kind, Kind::ProfileNotFound { .. })
    }

    /// A setting has a value of the wrong type or out of range.
    pub fn is_invalid_setting(&self) -> bool {
        matches!(self.inner.kind, Kind::InvalidSetting { .. })
    }

    /// [`SessionBuilder::setting`](crate::SessionBuilder::setting) was given a name this
    /// library does not know.
    pub fn is_unknown_setting(&self) -> bool {
        matches!(self.inner.kind, Kind::UnknownSetting { .. })
    }

    /// The credentials given on the builder are incomplete (a key id without a secret, or
    /// the reverse).
    pub fn is_credentials(&self) -> bool {
        matches!(self.inner.kind, Kind::Credentials { .. })
    }

    /// The file a parse, missing-file or I/O error is about.
    pub fn file(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Parse { file, .. } => Some(file),
            Kind::FileMissing { path, .. } | Kind::Io { path } => Some(path),
            _ => None,
        }
    }

    /// The 1-based line of a parse error.
    pub fn line(&self) -> Option<usize> {
        match &self.inner.kind {
            Kind::Parse { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The setting an invalid- or unknown-setting error is about.
    pub fn setting_name(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::InvalidSetting { name, .. } | Kind::UnknownSetting { name } => Some(name),
            _ => None,
        }
    }

    /// Where the offending value came from, for invalid settings and unknown profiles.
    pub fn origin(&self) -> Option<&Origin> {
        match &self.inner.kind {
            Kind::InvalidSetting { origin, .. } | Kind::ProfileNotFound { origin, .. } => {
                Some(origin)
            }
            _ => None,
        }
    }
}

/// Bad values are echoed to help the user, but kept short and with control characters
/// escaped so that a pasted secret or a terminal escape sequence cannot do damage.
fn shorten(value: &str) -> String {
    const MAX: usize = 64;
    let mut s: String = value.chars().take(MAX).collect();
    if value.chars().count() > MAX {
        s.push('…');
    }
    s
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.kind {
            Kind::Parse {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: {message}"),
            Kind::FileMissing { path, named_by } => {
                write!(f, "{path}: file not found (named by {named_by})")
            }
            Kind::Io { path } => write!(f, "{path}: could not read file"),
            Kind::ProfileNotFound { name, origin } => write!(
                f,
                "profile {name:?} (selected by {origin}) was not found in the config or credentials file"
            ),
            Kind::InvalidSetting {
                name,
                value,
                origin,
                reason,
            } => write!(f, "invalid value {value:?} for {name} (from {origin}): {reason}"),
            Kind::UnknownSetting { name } => write!(f, "unknown setting {name:?}"),
            Kind::Credentials { message } => write!(f, "invalid explicit credentials: {message}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("session_core::Error");
        d.field("kind", &self.inner.kind);
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_and_pointer_sized() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn parse_error_names_file_and_line() {
        let e = Error::parse("/x/config", 7, "Expected a profile definition");
        assert!(e.is_parse());
        assert_eq!(e.file(), Some("/x/config"));
        assert_eq!(e.line(), Some(7));
        assert_eq!(e.to_string(), "/x/config:7: Expected a profile definition");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(200);
        let e = Error::invalid_setting("region", &long, &Origin::Explicit, "bad");
        assert!(e.to_string().len() < 150);
    }
}
