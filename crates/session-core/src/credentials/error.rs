use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Why a credentials provider gave no credentials.
///
/// Opaque: use the `is_*` predicates. Cloning is cheap, so a cached failure can be handed to
/// every waiter. Messages never contain secrets.
#[derive(Clone)]
pub struct CredentialsError {
    inner: Arc<Inner>,
}

struct Inner {
    kind: Kind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NotConfigured,
    Partial,
    Unsupported,
    ProviderFailed,
}

impl CredentialsError {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                kind,
                message: message.into(),
                source: None,
            }),
        }
    }

    /// This provider has nothing to offer here (no variables, no such profile keys); a chain
    /// moves on to the next provider.
    pub fn not_configured(message: impl Into<String>) -> Self {
        Self::new(Kind::NotConfigured, message)
    }

    /// Half a key pair (an access key id without its secret, or the reverse).
    pub fn partial(message: impl Into<String>) -> Self {
        Self::new(Kind::Partial, message)
    }

    /// The configuration asks for a provider this build cannot run.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(Kind::Unsupported, message)
    }

    /// A configured provider failed (bad response, timeout, failing command...).
    pub fn provider_failed(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                kind: Kind::ProviderFailed,
                message: message.into(),
                source: Some(source.into()),
            }),
        }
    }

    /// See [`CredentialsError::not_configured`].
    pub fn is_not_configured(&self) -> bool {
        self.inner.kind == Kind::NotConfigured
    }

    /// See [`CredentialsError::partial`].
    pub fn is_partial(&self) -> bool {
        self.inner.kind == Kind::Partial
    }

    /// See [`CredentialsError::unsupported`].
    pub fn is_unsupported(&self) -> bool {
        self.inner.kind == Kind::Unsupported
    }

    /// See [`CredentialsError::provider_failed`].
    pub fn is_provider_failed(&self) -> bool {
        self.inner.kind == Kind::ProviderFailed
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsError")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl StdError for CredentialsError {
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
    fn send_sync_pointer_sized() {
        fn check<T: Send + Sync + 'static>() {}
        check::<CredentialsError>();
        assert_eq!(
            std::mem::size_of::<CredentialsError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn source_chain() {
        let io = std::io::Error::other("boom");
        let e = CredentialsError::provider_failed("process failed", io);
        assert!(e.is_provider_failed());
        assert_eq!(e.source().unwrap().to_string(), "boom");
    }
}
