//! The token chain and its simple sources: an explicit token and the environment.

use std::fmt;
use std::sync::Arc;

use session_core::credentials::{sso_token_source, CredentialsError};
use session_core::{Env, Session};
use zeroize::Zeroizing;

use super::{ProvideToken, ProvideTokenFuture, SharedTokenProvider, SsoTokenProvider, Token};
use crate::transport::Transport;

/// A token given in code: always this one.
#[derive(Debug, Clone)]
pub struct StaticToken {
    token: Token,
}

impl StaticToken {
    /// Always gives `token` (source `explicit`, no expiry).
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: Token::new(token, None, "explicit"),
        }
    }

    /// Always gives `token` as it is.
    pub fn from_token(token: Token) -> Self {
        Self { token }
    }
}

impl ProvideToken for StaticToken {
    fn provide_token(&self) -> ProvideTokenFuture<'_> {
        let token = self.token.clone();
        Box::pin(std::future::ready(Ok(token)))
    }
}

/// The environment variable that holds a service's bearer token:
/// `AWS_BEARER_TOKEN_` and the service's signing name in upper case, with spaces and `-` as
/// `_` (the SDKs' naming: `bedrock` → `AWS_BEARER_TOKEN_BEDROCK`).
///
/// ```
/// assert_eq!(session_tower::token::bearer_env_var("bedrock"), "AWS_BEARER_TOKEN_BEDROCK");
/// assert_eq!(session_tower::token::bearer_env_var("code-catalyst"), "AWS_BEARER_TOKEN_CODE_CATALYST");
/// ```
pub fn bearer_env_var(signing_name: &str) -> String {
    let name: String = signing_name
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    format!("AWS_BEARER_TOKEN_{name}")
}

/// A token from one environment variable of the session's environment, read at each call
/// (a blank value counts as unset).
pub struct EnvToken {
    var: String,
    env: Env,
}

impl EnvToken {
    /// Reads `var` from `env`.
    pub fn new(var: impl Into<String>, env: Env) -> Self {
        Self {
            var: var.into(),
            env,
        }
    }

    /// The variable it reads.
    pub fn var(&self) -> &str {
        &self.var
    }

    /// Whether the variable is set now.
    pub fn is_set(&self) -> bool {
        self.env.get_non_empty(&self.var).is_some()
    }

    fn load(&self) -> Result<Token, CredentialsError> {
        match self.env.get_non_empty(&self.var).map(Zeroizing::new) {
            Some(value) => Ok(Token::new(
                value.trim(),
                None,
                format!("env ({})", self.var),
            )),
            None => Err(CredentialsError::not_configured(format!(
                "{} is not set",
                self.var
            ))),
        }
    }
}

impl ProvideToken for EnvToken {
    fn provide_token(&self) -> ProvideTokenFuture<'_> {
        Box::pin(std::future::ready(self.load()))
    }
}

impl fmt::Debug for EnvToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvToken").field("var", &self.var).finish()
    }
}

/// Token providers tried in order: one that is not configured passes to the next; one that
/// is configured but fails stops the chain with its error (as credentials chains do).
#[derive(Clone)]
pub struct TokenChain {
    providers: Vec<(String, SharedTokenProvider)>,
    /// Some source is set up (an explicit token, the variable, an SSO session).
    configured: bool,
    /// The user asked for bearer auth: an explicit token or provider, or the variable.
    preferred: bool,
}

impl TokenChain {
    /// Tries `providers` (each with a name for messages) in order. A chain made this way
    /// counts as configured when it has any provider, and as the user's preference.
    pub fn new(providers: Vec<(String, SharedTokenProvider)>) -> Self {
        let configured = !providers.is_empty();
        Self {
            providers,
            configured,
            preferred: configured,
        }
    }

    /// Whether some source is set up, so bearer auth is usable.
    pub fn is_configured(&self) -> bool {
        self.configured
    }

    /// Whether the user asked for bearer auth (an explicit token, or
    /// `AWS_BEARER_TOKEN_<NAME>`): where an operation allows bearer auth, it then goes
    /// before SigV4.
    pub fn is_preferred(&self) -> bool {
        self.preferred
    }

    async fn load(&self) -> Result<Token, CredentialsError> {
        let mut skipped = Vec::new();
        for (name, provider) in &self.providers {
            match provider.provide_token().await {
                Ok(token) => return Ok(token),
                Err(e) if e.is_not_configured() => skipped.push(format!("{name}: {e}")),
                Err(e) => return Err(e),
            }
        }
        let tried = if skipped.is_empty() {
            String::new()
        } else {
            format!(" (tried {})", skipped.join("; "))
        };
        Err(CredentialsError::not_configured(format!(
            "no bearer token: give one to the client builder (bearer_token), set the \
             service's AWS_BEARER_TOKEN_* variable, or use a profile with sso_session and run \
             `aws sso login`{tried}"
        )))
    }
}

impl ProvideToken for TokenChain {
    fn provide_token(&self) -> ProvideTokenFuture<'_> {
        Box::pin(self.load())
    }
}

impl fmt::Debug for TokenChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.providers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("TokenChain")
            .field("providers", &names)
            .field("configured", &self.configured)
            .finish()
    }
}

/// A provider that always fails with one configuration error: an `[sso-session]` that is
/// named but broken fails the calls that need a token, not the building of every client.
#[derive(Debug)]
struct Broken(CredentialsError);

impl ProvideToken for Broken {
    fn provide_token(&self) -> ProvideTokenFuture<'_> {
        Box::pin(std::future::ready(Err(self.0.clone())))
    }
}

/// The token chain of a client of the service signing as `signing_name`, from `session`:
/// `explicit` alone when given; else `AWS_BEARER_TOKEN_<SIGNING NAME>`, then the profile's
/// `sso_session` token (refreshed through SSO-OIDC over `transport`; the session's endpoint
/// for service id `SSO OIDC`, if one is configured, replaces
/// `https://oidc.{sso_region}.amazonaws.com`). Nothing is read from disk until a token is
/// needed.
pub fn default_chain(
    session: &Session,
    signing_name: &str,
    explicit: Option<SharedTokenProvider>,
    transport: Transport,
) -> TokenChain {
    if let Some(provider) = explicit {
        return TokenChain::new(vec![("explicit".to_owned(), provider)]);
    }
    let env = EnvToken::new(bearer_env_var(signing_name), session.env().clone());
    let preferred = env.is_set();
    let mut providers: Vec<(String, SharedTokenProvider)> =
        vec![(env.var().to_owned(), Arc::new(env))];
    let mut configured = preferred;
    match sso_token_source(session.profiles(), session.profile_name()) {
        Ok(None) => {}
        Ok(Some(source)) => {
            configured = true;
            let mut provider =
                SsoTokenProvider::new(source, session.env(), session.fs(), transport);
            if let Some(url) = session.settings().endpoint_url("SSO OIDC") {
                provider = provider.oidc_endpoint(url.value().to_string());
            }
            providers.push(("sso_session".to_owned(), Arc::new(provider)));
        }
        Err(e) => {
            configured = true;
            providers.push(("sso_session".to_owned(), Arc::new(Broken(e))));
        }
    }
    TokenChain {
        providers,
        configured,
        preferred,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn env_then_chain_errors() {
        let env = Env::from_vars([("AWS_BEARER_TOKEN_BEDROCK", " tok-env \n")]);
        let t = EnvToken::new(bearer_env_var("bedrock"), env.clone())
            .provide_token()
            .await
            .unwrap();
        assert_eq!(t.as_str(), "tok-env");
        assert_eq!(t.source(), "env (AWS_BEARER_TOKEN_BEDROCK)");

        let missing = EnvToken::new("AWS_BEARER_TOKEN_X", env);
        assert!(!missing.is_set());
        let chain = TokenChain::new(vec![("env".into(), Arc::new(missing))]);
        let e = chain.provide_token().await.unwrap_err();
        assert!(e.is_not_configured());
        let text = e.to_string();
        assert!(text.contains("AWS_BEARER_TOKEN_X is not set"), "{text}");
        assert!(text.contains("aws sso login"), "{text}");
    }

    #[tokio::test]
    async fn a_configured_failure_stops_the_chain() {
        let broken = Broken(CredentialsError::provider_failed("bad sso-session", "bad"));
        let chain = TokenChain::new(vec![
            ("broken".into(), Arc::new(broken)),
            ("static".into(), Arc::new(StaticToken::new("never"))),
        ]);
        let e = chain.provide_token().await.unwrap_err();
        assert!(e.is_provider_failed(), "{e}");
        assert!(format!("{chain:?}").contains("broken"));
    }
}
