use std::borrow::Cow;
use std::fmt;

use super::{
    CredentialsError, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};

/// Tries providers in order.
///
/// A provider whose error [`is_not_configured`](CredentialsError::is_not_configured) passes
/// to the next; any other error stops the chain and is returned, so a broken profile is
/// reported instead of silently falling through to, say, instance metadata. When no provider
/// is configured the error lists what each one said.
#[derive(Clone)]
pub struct CredentialsChain {
    providers: Vec<(Cow<'static, str>, SharedCredentialsProvider)>,
}

impl CredentialsChain {
    /// A chain that starts with `provider`.
    pub fn first_try(
        name: impl Into<Cow<'static, str>>,
        provider: SharedCredentialsProvider,
    ) -> Self {
        Self {
            providers: vec![(name.into(), provider)],
        }
    }

    /// Adds `provider` to try after the ones already in the chain.
    #[must_use]
    pub fn or_else(
        mut self,
        name: impl Into<Cow<'static, str>>,
        provider: SharedCredentialsProvider,
    ) -> Self {
        self.providers.push((name.into(), provider));
        self
    }

    /// The providers' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.providers.iter().map(|(n, _)| n.as_ref())
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(async move {
            let mut tried = Vec::with_capacity(self.providers.len());
            for (name, provider) in &self.providers {
                match provider.provide_credentials().await {
                    Ok(creds) => {
                        tracing::debug!(provider = %name, "credentials loaded");
                        return Ok(creds);
                    }
                    Err(e) if e.is_not_configured() => tried.push(format!("{name}: {e}")),
                    Err(e) => return Err(e),
                }
            }
            Err(CredentialsError::not_configured(format!(
                "no credentials found (tried {})",
                tried.join("; ")
            )))
        })
    }
}

/// A provider whose configuration is broken: it always returns that error.
#[derive(Debug, Clone)]
pub(crate) struct Failing {
    error: CredentialsError,
}

impl Failing {
    pub(crate) fn new(error: CredentialsError) -> Self {
        Self { error }
    }
}

impl ProvideCredentials for Failing {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(Err(self.error.clone()))
    }
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::credentials::{Credentials, StaticProvider};

    #[derive(Debug)]
    struct Fixed(Result<(), CredentialsError>, AtomicUsize);
    impl ProvideCredentials for Fixed {
        fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
            self.1.fetch_add(1, Ordering::SeqCst);
            ProvideCredentialsFuture::ready(match &self.0 {
                Ok(()) => Ok(Credentials::new("AK", "SK", None, None, "fixed")),
                Err(e) => Err(e.clone()),
            })
        }
    }

    fn fixed(r: Result<(), CredentialsError>) -> Arc<Fixed> {
        Arc::new(Fixed(r, AtomicUsize::new(0)))
    }

    #[tokio::test]
    async fn not_configured_passes_on_and_failure_stops() {
        let skip = fixed(Err(CredentialsError::not_configured("nothing here")));
        let fail = fixed(Err(CredentialsError::partial("half a key")));
        let ok = fixed(Ok(()));
        let chain = CredentialsChain::first_try("a", skip.clone())
            .or_else("b", fail.clone())
            .or_else("c", ok.clone());
        let e = chain.provide_credentials().await.unwrap_err();
        assert!(e.is_partial());
        assert_eq!(
            ok.1.load(Ordering::SeqCst),
            0,
            "chain must stop at the failure"
        );

        let chain = CredentialsChain::first_try("a", skip).or_else("c", ok);
        assert_eq!(chain.provide_credentials().await.unwrap().source(), "fixed");
    }

    #[tokio::test]
    async fn nothing_configured_lists_every_provider() {
        let chain = CredentialsChain::first_try(
            "env",
            fixed(Err(CredentialsError::not_configured("no vars"))),
        )
        .or_else(
            "profile",
            fixed(Err(CredentialsError::not_configured("no keys"))),
        );
        let e = chain.provide_credentials().await.unwrap_err();
        assert!(e.is_not_configured());
        assert!(
            e.to_string().contains("env: no vars; profile: no keys"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn static_provider_needs_no_allocation_path() {
        let p = StaticProvider::new(Credentials::new("AK", "SK", None, None, "explicit"));
        assert_eq!(p.provide_credentials().await.unwrap().access_key_id(), "AK");
    }
}
