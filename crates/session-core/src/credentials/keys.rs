use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use zeroize::Zeroizing;

/// An access key pair, an optional session token and expiry, and where they came from.
///
/// Cloning is cheap (an `Arc` inside). `Debug` never shows the secret or the token, and the
/// secret memory is zeroed when the last clone is dropped.
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<Inner>,
}

struct Inner {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expiry: Option<SystemTime>,
    source: String,
}

impl Credentials {
    /// Credentials from their parts. `source` says where they came from, for people reading
    /// `session credentials` or logs (e.g. `"env (AWS_ACCESS_KEY_ID)"`).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        source: impl Into<String>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                access_key_id: access_key_id.into(),
                secret_access_key: Zeroizing::new(secret_access_key.into()),
                session_token: session_token.map(Zeroizing::new),
                expiry,
                source: source.into(),
            }),
        }
    }

    /// The access key id (not a secret: it identifies the key, like a user name).
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The secret access key. Keep it out of logs.
    pub fn secret_access_key(&self) -> &str {
        &self.inner.secret_access_key
    }

    /// The session token of temporary credentials. Keep it out of logs.
    pub fn session_token(&self) -> Option<&str> {
        self.inner.session_token.as_deref().map(String::as_str)
    }

    /// When temporary credentials stop working; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }

    /// Where these credentials came from.
    pub fn source(&self) -> &str {
        &self.inner.source
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.inner.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.inner.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.inner.expiry)
            .field("source", &self.inner.source)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new(
            "AKIDEXAMPLE",
            "s3cr3t-value",
            Some("t0k3n-value".into()),
            None,
            "test",
        );
        let s = format!("{c:?} {c:#?}");
        assert!(s.contains("AKIDEXAMPLE"));
        assert!(!s.contains("s3cr3t-value"), "{s}");
        assert!(!s.contains("t0k3n-value"), "{s}");
        assert_eq!(c.secret_access_key(), "s3cr3t-value");
        assert_eq!(c.session_token(), Some("t0k3n-value"));
    }
}
