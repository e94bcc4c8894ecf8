//! [`TransferError`]: one opaque error for every transfer, with predicates for what went
//! wrong and the cause in `source()`.

use std::fmt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a transfer failed.
pub struct TransferError {
    kind: Kind,
    message: String,
    code: Option<String>,
    status: Option<u16>,
    source: Option<BoxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Cancelled,
    Io,
    Service,
    Checksum,
    ObjectChanged,
    Invalid,
    Checkpoint,
}

impl TransferError {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            code: None,
            status: None,
            source: None,
        }
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub(crate) fn cancelled() -> Self {
        Self::new(Kind::Cancelled, "the transfer was cancelled")
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::Invalid, message)
    }

    pub(crate) fn io(what: impl Into<String>, e: std::io::Error) -> Self {
        Self::new(Kind::Io, what).with_source(e)
    }

    pub(crate) fn checkpoint(what: impl Into<String>) -> Self {
        Self::new(Kind::Checkpoint, what)
    }

    /// A failed S3 call (after its retries), named by `what`.
    pub(crate) fn service(what: impl Into<String>, e: impl Into<BoxError>) -> Self {
        Self::new(Kind::Service, what).with_source(e)
    }

    /// Cancelled through the handle.
    pub fn is_cancelled(&self) -> bool {
        self.kind == Kind::Cancelled
    }

    /// A local file could not be read, written or renamed.
    pub fn is_io(&self) -> bool {
        self.kind == Kind::Io
    }

    /// An S3 request failed (the service's error or the connection's), after retries.
    pub fn is_service(&self) -> bool {
        self.kind == Kind::Service
    }

    /// The bytes do not match the object's checksum.
    pub fn is_checksum_mismatch(&self) -> bool {
        self.kind == Kind::Checksum
    }

    /// The object (or, on resume, the source file) changed during the transfer: the
    /// pinned ETag no longer matches (412), or the file's size or mtime moved.
    pub fn is_object_changed(&self) -> bool {
        self.kind == Kind::ObjectChanged
    }

    /// The request cannot be carried out as asked (bad key, object too large, part size
    /// above the memory budget, ...).
    pub fn is_invalid_input(&self) -> bool {
        self.kind == Kind::Invalid
    }

    /// A checkpoint file is unreadable, malformed, or of another transfer.
    pub fn is_checkpoint(&self) -> bool {
        self.kind == Kind::Checkpoint
    }

    /// The S3 error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The HTTP status of the service's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// A failed operation: its error, code and status.
    pub(crate) fn operation<E>(
        what: impl Into<String>,
        e: session_runtime::OperationError<E>,
    ) -> Self
    where
        E: session_runtime::ModeledError + Send + Sync + 'static,
    {
        let code = e.code().map(str::to_owned);
        let status = e.service_error().map(session_tower::ServiceError::status);
        let mut out = Self::service(what, e);
        out.code = code;
        out.status = status;
        out
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(s) = &self.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransferError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_and_display() {
        let e = TransferError::io("reading a.bin", std::io::Error::other("disk gone"));
        assert!(e.is_io() && !e.is_service());
        assert_eq!(e.to_string(), "reading a.bin: disk gone");
        assert!(std::error::Error::source(&e).is_some());
        let e = TransferError::service("UploadPart 3", std::io::Error::other("reset"));
        assert!(e.is_service() && e.code().is_none());
        assert!(TransferError::cancelled().is_cancelled());
    }
}
