//! [`Session`]: one resolved configuration, shared by every client made from it.

mod builder;
mod default;
mod explain;

use std::fmt;
use std::sync::Arc;

pub use builder::SessionBuilder;
pub use default::{default_session, set_default_session};
pub use explain::Explain;

use crate::credentials::{
    Credentials, CredentialsError, ProvideCredentials as _, SharedCredentialsProvider,
};
use crate::env::Env;
use crate::fs::Fs;
use crate::origin::Origin;
use crate::profile::{ProfileSet, Section};
use crate::settings::{ResolvedSetting, Settings};

/// One resolved configuration: profile, region, every other setting (each with its origin)
/// and a credentials provider.
///
/// `Session` is `Clone + Send + Sync` and cloning it is cheap (an `Arc` inside): unlike a
/// boto3 session, one `Session` may be shared by every task and thread; there is no need to
/// wrap it in an `Arc`. All files are read and every value is checked when the session is
/// built, so nothing made from a session parses or reads configuration again.
///
/// ```
/// use session_core::{Env, Session};
///
/// let session = Session::builder()
///     .env(Env::from_vars([("AWS_REGION", "eu-west-1")]))
///     .config_file_contents("[default]\nretry_mode = adaptive\n")
///     .credentials_file_contents("")
///     .build()?;
/// assert_eq!(session.region(), Some("eu-west-1"));
/// assert_eq!(session.settings().retry_mode().as_str(), "adaptive");
/// # Ok::<(), session_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

/// How the session's credentials provider was chosen.
pub(crate) enum CredentialsChoice<'a> {
    /// `SessionBuilder::credentials_provider`.
    Custom,
    /// Explicit keys, with this access key id.
    Explicit(&'a str),
    /// The default chain.
    Chain,
}

struct Inner {
    choice: Choice,
    shared: std::sync::Mutex<Vec<Arc<dyn std::any::Any + Send + Sync>>>,
    profile_name: String,
    profile_origin: Origin,
    profiles: ProfileSet,
    settings: Settings,
    credentials: SharedCredentialsProvider,
    env: Env,
    fs: Fs,
    warnings: Vec<String>,
}

#[derive(Debug)]
pub(crate) enum Choice {
    Custom,
    Explicit(String),
    Chain,
}

impl Session {
    pub(crate) fn credentials_choice(&self) -> CredentialsChoice<'_> {
        match &self.inner.choice {
            Choice::Custom => CredentialsChoice::Custom,
            Choice::Explicit(id) => CredentialsChoice::Explicit(id),
            Choice::Chain => CredentialsChoice::Chain,
        }
    }

    /// A builder for a session; see [`SessionBuilder`] for every input.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// A session from the process environment and the default files, like
    /// `boto3.Session()`.
    ///
    /// # Errors
    /// See [`SessionBuilder::build`].
    pub fn from_env() -> Result<Self, crate::Error> {
        Self::builder().build()
    }

    /// The selected profile's name; `"default"` when none was named.
    pub fn profile_name(&self) -> &str {
        &self.inner.profile_name
    }

    /// What selected the profile: explicit, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, or default.
    pub fn profile_origin(&self) -> &Origin {
        &self.inner.profile_origin
    }

    /// The selected profile's section, if it exists in either file.
    pub fn profile(&self) -> Option<&Section> {
        self.inner.profiles.profile(&self.inner.profile_name)
    }

    /// Everything parsed from the config and credentials files.
    pub fn profiles(&self) -> &ProfileSet {
        &self.inner.profiles
    }

    /// Names of every profile in the config and credentials files, sorted.
    pub fn available_profiles(&self) -> Vec<&str> {
        self.inner.profiles.profile_names().collect()
    }

    /// The resolved region, if any layer set one.
    pub fn region(&self) -> Option<&str> {
        self.inner.settings.region()
    }

    /// A resolved setting by name, with its origin; see [`Settings`] for typed getters.
    pub fn setting(&self, name: &str) -> Option<&ResolvedSetting> {
        self.inner.settings.get(name)
    }

    /// All resolved settings, with typed getters for the common ones.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Every resolved setting with its value and origin; `Display` prints a table.
    pub fn explain(&self) -> Explain<'_> {
        Explain::new(self)
    }

    /// Whether credentials come from the default chain (no explicit keys, no custom
    /// provider). Clients then run the whole chain, remote providers included (see
    /// `session_tower::credentials::default_chain`); otherwise they use
    /// [`credentials_provider`](Self::credentials_provider) as it is.
    pub fn uses_default_chain(&self) -> bool {
        matches!(self.inner.choice, Choice::Chain)
    }

    /// A handle that does not keep the session alive, for things the session itself owns
    /// (a provider inside the session's own credentials cache must not form a cycle).
    pub fn downgrade(&self) -> WeakSession {
        WeakSession {
            inner: Arc::downgrade(&self.inner),
        }
    }

    /// The session's own credentials provider: explicit keys, a custom provider, or the
    /// local part of the default chain (environment keys, then the profile's static keys or
    /// `credential_process`). Providers that need HTTP (roles, web identity, SSO, container,
    /// instance metadata) live in `session-tower`, whose clients run the whole chain.
    pub fn credentials_provider(&self) -> SharedCredentialsProvider {
        self.inner.credentials.clone()
    }

    /// Asks the session's own provider ([`Session::credentials_provider`]) for credentials:
    /// explicit keys, a custom provider, or the local part of the default chain only. The
    /// whole chain, as clients run it (roles, web identity, SSO, container, instance
    /// metadata), is `session.credentials()` from `aws_session::prelude`.
    ///
    /// # Errors
    /// When no provider is configured, or a configured one fails.
    pub async fn local_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.inner.credentials.provide_credentials().await
    }

    /// The environment this session was resolved from (for providers that read more later).
    pub fn env(&self) -> &Env {
        &self.inner.env
    }

    /// The file system this session reads (for providers that read more later).
    pub fn fs(&self) -> &Fs {
        &self.inner.fs
    }

    /// Session-wide state of another layer of the library (the connection pool and
    /// credentials cache that all clients of this session share), created by `init` on first
    /// use. One value per type.
    pub fn shared_state<T, F>(&self, init: F) -> Arc<T>
    where
        T: std::any::Any + Send + Sync,
        F: FnOnce() -> T,
    {
        let mut slots = self
            .inner
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = slots.iter().find_map(|s| s.clone().downcast::<T>().ok()) {
            return found;
        }
        let value = Arc::new(init());
        slots.push(value.clone());
        value
    }

    /// Things that were ignored while resolving (invalid names in files, unknown service
    /// keys, a file named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` that does not
    /// exist), one message each. They are also logged with `tracing` at WARN.
    pub fn warnings(&self) -> &[String] {
        &self.inner.warnings
    }
}

/// A [`Session`] that does not keep it alive; see [`Session::downgrade`].
#[derive(Clone)]
pub struct WeakSession {
    inner: std::sync::Weak<Inner>,
}

impl WeakSession {
    /// The session, if it still exists.
    pub fn upgrade(&self) -> Option<Session> {
        self.inner.upgrade().map(|inner| Session { inner })
    }
}

impl fmt::Debug for WeakSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WeakSession")
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("profile", &self.inner.profile_name)
            .field("region", &self.region())
            .field("settings", &self.inner.settings.iter().count())
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}
