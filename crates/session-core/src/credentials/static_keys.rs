//! Providers of long-term or pre-issued keys: explicit, environment, and profile static keys.

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};
use crate::env::Env;
use crate::profile::Section;

/// Always returns the same credentials (keys given in code).
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// A provider of exactly these credentials.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(Ok(self.credentials.clone()))
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
///
/// Read once when the provider is made (the session is one resolved configuration). Empty
/// values count as unset; one key without the other is a
/// [partial](CredentialsError::is_partial) error.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    result: Result<Credentials, CredentialsError>,
}

impl EnvironmentProvider {
    /// Reads the variables from `env`.
    pub fn new(env: &Env) -> Self {
        let key = env.get_non_empty("AWS_ACCESS_KEY_ID");
        let secret = env.get_non_empty("AWS_SECRET_ACCESS_KEY");
        let token = env.get_non_empty("AWS_SESSION_TOKEN");
        let result = match (key, secret) {
            (Some(key), Some(secret)) => Ok(Credentials::new(
                key,
                secret,
                token,
                None,
                "env (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
            )),
            (Some(_), None) => Err(CredentialsError::partial(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )),
            (None, Some(_)) => Err(CredentialsError::partial(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            )),
            (None, None) => Err(CredentialsError::not_configured(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            )),
        };
        Self { result }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(self.result.clone())
    }
}

/// Profile keys that mean "these credentials come from somewhere else", which this release
/// cannot resolve yet. Their presence must not fall through to static keys or to the next
/// provider: the user asked for something specific.
const DELEGATING_KEYS: &[&str] = &[
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// Static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) in the
/// selected profile, merged from both files.
#[derive(Debug, Clone)]
pub struct ProfileStaticProvider {
    result: Result<Credentials, CredentialsError>,
}

impl ProfileStaticProvider {
    /// Reads the keys of `profile` (`None`: no profile was selected or found).
    ///
    /// A profile that delegates (a role, web identity, SSO) gives an "unsupported" error:
    /// those providers need HTTP and are run by `session-tower`'s clients.
    pub fn new(profile: Option<&Section>) -> Self {
        Self {
            result: Self::resolve(profile, true),
        }
    }

    /// Reads only the keys of `profile`, whatever else it sets: the base of a role chain,
    /// where a source profile's own keys end the chain even if it names a role.
    pub fn keys_only(profile: Option<&Section>) -> Self {
        Self {
            result: Self::resolve(profile, false),
        }
    }

    fn resolve(
        profile: Option<&Section>,
        check_delegation: bool,
    ) -> Result<Credentials, CredentialsError> {
        let Some(profile) = profile else {
            return Err(CredentialsError::not_configured("no profile is selected"));
        };
        let name = profile.name();
        if let Some(p) = DELEGATING_KEYS
            .iter()
            .filter(|_| check_delegation)
            .find_map(|k| profile.property(k))
        {
            return Err(CredentialsError::unsupported(format!(
                "profile {name:?} sets {} ({}); that provider needs HTTP: resolve credentials through a client or session_tower::credentials::resolve",
                p.name(),
                p.location()
            )));
        }
        let key = profile
            .property("aws_access_key_id")
            .filter(|p| !p.value().is_empty());
        let secret = profile
            .property("aws_secret_access_key")
            .filter(|p| !p.value().is_empty());
        match (key, secret) {
            (Some(key), Some(secret)) => Ok(Credentials::new(
                key.value(),
                secret.value(),
                profile
                    .get("aws_session_token")
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
                None,
                format!("profile {name} ({})", key.location()),
            )),
            (Some(key), None) => Err(CredentialsError::partial(format!(
                "profile {name:?} has aws_access_key_id ({}) but no aws_secret_access_key",
                key.location()
            ))),
            (None, Some(secret)) => Err(CredentialsError::partial(format!(
                "profile {name:?} has aws_secret_access_key ({}) but no aws_access_key_id",
                secret.location()
            ))),
            (None, None) => Err(CredentialsError::not_configured(format!(
                "profile {name:?} has no static keys"
            ))),
        }
    }
}

impl ProvideCredentials for ProfileStaticProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::ready(self.result.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileSet;

    #[tokio::test]
    async fn env_provider_rules() {
        let full = Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AK"),
            ("AWS_SECRET_ACCESS_KEY", "SK"),
            ("AWS_SESSION_TOKEN", "TK"),
        ]);
        let c = EnvironmentProvider::new(&full)
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("AK", Some("TK")));

        let partial = Env::from_vars([("AWS_ACCESS_KEY_ID", "AK"), ("AWS_SECRET_ACCESS_KEY", "")]);
        let e = EnvironmentProvider::new(&partial)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(e.is_partial(), "{e}");

        let none = Env::from_vars([("AWS_ACCESS_KEY_ID", "")]);
        let e = EnvironmentProvider::new(&none)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(e.is_not_configured());
    }

    #[tokio::test]
    async fn profile_provider_rules() {
        let set = ProfileSet::parse(
            "config",
            "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = keys\n[profile half]\naws_access_key_id = AK",
            "credentials",
            "[keys]\naws_access_key_id = AK\naws_secret_access_key = SK\n[empty]\n",
        )
        .unwrap();
        let get = |n| ProfileStaticProvider::new(set.profile(n));
        let c = get("keys").provide_credentials().await.unwrap();
        assert_eq!(c.source(), "profile keys (credentials:2 [keys])");
        assert!(get("half")
            .provide_credentials()
            .await
            .unwrap_err()
            .is_partial());
        assert!(get("empty")
            .provide_credentials()
            .await
            .unwrap_err()
            .is_not_configured());
        let e = get("role").provide_credentials().await.unwrap_err();
        assert!(e.is_unsupported());
        assert!(e.to_string().contains("config:2"), "{e}");
    }
}
