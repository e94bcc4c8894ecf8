//! The access key pair a peer accepts.

use std::fmt;

/// An access key id and secret access key for a peer (test credentials, but still kept out of
/// `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
}

impl Credentials {
    pub(crate) fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
        }
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .finish()
    }
}

/// A random key pair in the shape AWS uses (20-character id, 40-character secret).
pub(crate) fn random_credentials(prefix: &str) -> Credentials {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let pick = |alphabet: &[u8], n: usize| -> String {
        (0..n)
            .map(|_| {
                let i = crate::port::random_u64() % alphabet.len() as u64;
                char::from(alphabet[usize::try_from(i).unwrap_or(0)])
            })
            .collect()
    };
    let id = format!(
        "{prefix}{}",
        pick(ALPHABET, 20usize.saturating_sub(prefix.len()))
    );
    Credentials::new(id, pick(SECRET, 40))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let c = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let text = format!("{c:?}");
        assert!(text.contains("AKIDEXAMPLE"));
        assert!(!text.contains("wJalr"));
    }

    #[test]
    fn random_credentials_have_aws_shape() {
        let a = random_credentials("AKTK");
        let b = random_credentials("AKTK");
        assert_eq!(a.access_key_id().len(), 20);
        assert!(a.access_key_id().starts_with("AKTK"));
        assert_eq!(a.secret_access_key().len(), 40);
        assert_ne!(a, b);
    }
}
