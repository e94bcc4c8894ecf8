use std::path::PathBuf;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::{Choice, Inner, Session};
use crate::credentials::{
    CredentialProcessProvider, Credentials, CredentialsChain, EnvironmentProvider,
    ProfileStaticProvider, SharedCredentialsProvider, StaticProvider,
};
use crate::env::Env;
use crate::error::{Error, Kind};
use crate::fs::Fs;
use crate::origin::Origin;
use crate::profile::{load_files, FileSpec, ProfileSet};
use crate::settings::{Inputs, Settings};

/// Builds a [`Session`]. Consuming and `#[must_use]`: every setter returns the builder, and
/// every error is reported by [`build`](SessionBuilder::build), never by a setter.
///
/// Inputs mirror boto3's `Session(...)`: keys, region and profile, plus
/// [`setting`](SessionBuilder::setting) for every other setting. For tests and embedding, the
/// environment and both files can be injected so nothing of the machine's own configuration
/// is read.
#[must_use]
#[derive(Default)]
pub struct SessionBuilder {
    access_key_id: Option<String>,
    secret_access_key: Option<Zeroizing<String>>,
    session_token: Option<Zeroizing<String>>,
    profile: Option<String>,
    settings: Vec<(String, String)>,
    env: Option<Env>,
    fs: Option<Fs>,
    config_file: FileSpec,
    credentials_file: FileSpec,
    credentials_provider: Option<SharedCredentialsProvider>,
}

impl SessionBuilder {
    /// Access key id to use instead of the credentials chain. Default: none (the chain
    /// decides). Must come with [`secret_access_key`](Self::secret_access_key).
    pub fn access_key_id(mut self, id: impl Into<String>) -> Self {
        self.access_key_id = Some(id.into());
        self
    }

    /// Secret access key to go with [`access_key_id`](Self::access_key_id). Default: none.
    pub fn secret_access_key(mut self, secret: impl Into<String>) -> Self {
        self.secret_access_key = Some(Zeroizing::new(secret.into()));
        self
    }

    /// Session token of temporary explicit keys. Default: none.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(Zeroizing::new(token.into()));
        self
    }

    /// Region; wins over `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile. Default: none.
    pub fn region(self, region: impl Into<String>) -> Self {
        self.setting("region", region)
    }

    /// Profile to select; wins over `AWS_PROFILE` and `AWS_DEFAULT_PROFILE`. Default:
    /// `default`. A named profile that exists in neither file fails the build.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Sets any setting by name (`retry_mode`, `max_attempts`, `s3.addressing_style`,
    /// `endpoint_url.s3`, ...; see [`known_settings`](crate::known_settings)). The value is
    /// checked by `build`, like a value from a file. Later calls for the same name win.
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.push((name.into(), value.into()));
        self
    }

    /// The environment to read instead of the process's. Default: the process environment.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// The file system to read files from. Default: the real one.
    pub fn fs(mut self, fs: Fs) -> Self {
        self.fs = Some(fs);
        self
    }

    /// Reads the config file from this path, which must exist. Default: `AWS_CONFIG_FILE`,
    /// else `~/.aws/config` (a missing file is empty; when the variable named it,
    /// [`Session::warnings`] says so).
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = FileSpec::Path(path.into());
        self
    }

    /// Uses this text as the config file; no file is read.
    pub fn config_file_contents(mut self, text: impl Into<String>) -> Self {
        self.config_file = FileSpec::Contents(text.into());
        self
    }

    /// Reads the credentials file from this path, which must exist. Default:
    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials` (a missing file is empty;
    /// when the variable named it, [`Session::warnings`] says so).
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = FileSpec::Path(path.into());
        self
    }

    /// Uses this text as the credentials file; no file is read.
    pub fn credentials_file_contents(mut self, text: impl Into<String>) -> Self {
        self.credentials_file = FileSpec::Contents(text.into());
        self
    }

    /// Uses this provider instead of explicit keys or the default chain.
    pub fn credentials_provider(mut self, provider: SharedCredentialsProvider) -> Self {
        self.credentials_provider = Some(provider);
        self
    }

    /// Reads the files, selects the profile, resolves and checks every setting.
    ///
    /// # Errors
    /// - a malformed file ([`Error::is_parse`], naming file and line);
    /// - a file named in code that does not exist ([`Error::is_file_missing`]), or a file
    ///   that cannot be read ([`Error::is_io`]);
    /// - a named profile that exists in neither file ([`Error::is_profile_not_found`]);
    /// - a setting with a bad value ([`Error::is_invalid_setting`]) or an unknown name
    ///   ([`Error::is_unknown_setting`]);
    /// - half an explicit key pair ([`Error::is_credentials`]).
    pub fn build(self) -> Result<Session, Error> {
        let env = self.env.unwrap_or_else(Env::process);
        let fs = self.fs.unwrap_or_else(Fs::real);

        let files = load_files(&self.config_file, &self.credentials_file, &env, &fs)?;
        let profiles = ProfileSet::from_files(&files)?;

        let (profile_name, profile_origin) = select_profile(self.profile, &env);
        let profile = profiles.profile(&profile_name);
        if profile.is_none() && !profile_origin.is_default() {
            return Err(Error::new(Kind::ProfileNotFound {
                name: profile_name,
                origin: profile_origin,
            }));
        }

        let mut warnings = profiles.warnings().to_vec();
        let settings = Settings::resolve(
            Inputs {
                env: &env,
                profile,
                profiles: &profiles,
                explicit: &self.settings,
            },
            &mut warnings,
        )?;
        for w in &warnings[profiles.warnings().len()..] {
            tracing::warn!(target: "session_core::session", "{w}");
        }

        let (credentials, choice): (SharedCredentialsProvider, Choice) =
            match self.credentials_provider {
                Some(provider) => (provider, Choice::Custom),
                None => match explicit_credentials(
                    self.access_key_id,
                    self.secret_access_key,
                    self.session_token,
                )? {
                    Some(creds) => {
                        let id = creds.access_key_id().to_owned();
                        (Arc::new(StaticProvider::new(creds)), Choice::Explicit(id))
                    }
                    None => (
                        Arc::new(
                            CredentialsChain::first_try(
                                "env",
                                Arc::new(EnvironmentProvider::new(&env)),
                            )
                            .or_else("profile", profile_provider(profile)),
                        ),
                        Choice::Chain,
                    ),
                },
            };

        Ok(Session {
            inner: Arc::new(Inner {
                choice,
                shared: std::sync::Mutex::new(Vec::new()),
                profile_name,
                profile_origin,
                profiles,
                settings,
                credentials,
                env,
                fs,
                warnings,
            }),
        })
    }
}

/// The selected profile's provider: `credential_process` when the profile names one (and no
/// role, web identity or SSO, which come first in the SDKs' order and need providers of a
/// later release), else its static keys.
fn profile_provider(profile: Option<&crate::profile::Section>) -> SharedCredentialsProvider {
    const FIRST: &[&str] = &[
        "role_arn",
        "web_identity_token_file",
        "sso_session",
        "sso_start_url",
    ];
    if let Some(p) = profile.filter(|p| !FIRST.iter().any(|k| p.property(k).is_some())) {
        if let Some(cmd) = p.property("credential_process") {
            let origin = format!("profile {}, {}", p.name(), cmd.location());
            return match CredentialProcessProvider::new(cmd.value(), origin) {
                Ok(provider) => Arc::new(provider),
                Err(e) => Arc::new(crate::credentials::Failing::new(e)),
            };
        }
    }
    Arc::new(ProfileStaticProvider::new(profile))
}

/// Explicit > `AWS_PROFILE` > `AWS_DEFAULT_PROFILE` > `default`.
fn select_profile(explicit: Option<String>, env: &Env) -> (String, Origin) {
    if let Some(name) = explicit {
        return (name, Origin::Explicit);
    }
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Some(name) = env.get_non_empty(var) {
            return (name, Origin::Env { var: var.into() });
        }
    }
    ("default".to_owned(), Origin::Default)
}

fn explicit_credentials(
    key: Option<String>,
    secret: Option<Zeroizing<String>>,
    token: Option<Zeroizing<String>>,
) -> Result<Option<Credentials>, Error> {
    let fail = |message: &str| {
        Err(Error::new(Kind::Credentials {
            message: message.to_owned(),
        }))
    };
    match (key, secret) {
        (Some(key), Some(secret)) => Ok(Some(Credentials::new(
            key,
            secret.as_str(),
            token.map(|t| t.as_str().to_owned()),
            None,
            "explicit",
        ))),
        (Some(_), None) => fail("access_key_id was set without secret_access_key"),
        (None, Some(_)) => fail("secret_access_key was set without access_key_id"),
        (None, None) if token.is_some() => fail("session_token was set without access keys"),
        (None, None) => Ok(None),
    }
}
