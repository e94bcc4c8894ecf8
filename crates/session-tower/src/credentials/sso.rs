//! IAM Identity Center (SSO) credentials; the behaviour is documented on [`SsoProvider`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use http::{HeaderName, HeaderValue, Request, StatusCode, Uri};
use session_core::credentials::{
    parse_rfc3339, Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
};
use session_core::settings::is_valid_region;
use session_core::{Env, Fs};
use zeroize::Zeroizing;

use super::remote::{self, NoAnswer};
use crate::body::SdkBody;
use crate::protocol::rpc::percent_encode;
use crate::protocol::Protocol;
use crate::transport::Transport;

const BEARER_HEADER: HeaderName = HeaderName::from_static("x-amz-sso_bearer_token");
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const ATTEMPTS: u32 = 2;

/// What an SSO profile names: the portal's start URL and region, the account and role, and
/// optionally the `[sso-session]` it uses.
#[derive(Debug, Clone)]
pub struct SsoConfig {
    start_url: String,
    sso_region: String,
    account_id: String,
    role_name: String,
    sso_session: Option<String>,
    portal_endpoint: Option<String>,
    profile: Option<String>,
}

impl SsoConfig {
    /// `sso_start_url`, `sso_region`, `sso_account_id` and `sso_role_name`.
    pub fn new(
        start_url: impl Into<String>,
        sso_region: impl Into<String>,
        account_id: impl Into<String>,
        role_name: impl Into<String>,
    ) -> Self {
        Self {
            start_url: start_url.into(),
            sso_region: sso_region.into(),
            account_id: account_id.into(),
            role_name: role_name.into(),
            sso_session: None,
            portal_endpoint: None,
            profile: None,
        }
    }

    /// The `[sso-session NAME]` the profile uses; its name, not the start URL, then names
    /// the token cache file.
    #[must_use]
    pub fn sso_session(mut self, name: impl Into<String>) -> Self {
        self.sso_session = Some(name.into());
        self
    }

    /// The portal's base URL instead of `https://portal.sso.{sso_region}.amazonaws.com`
    /// (the session's endpoint for service id `SSO`, if one is configured).
    #[must_use]
    pub fn portal_endpoint(mut self, url: impl Into<String>) -> Self {
        self.portal_endpoint = Some(url.into());
        self
    }

    /// The profile's name, so errors can say `aws sso login --profile NAME`.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }
}

/// Credentials from the IAM Identity Center (SSO) portal, with the access token that
/// `aws sso login` left in the token cache.
///
/// The token is read at every call from `~/.aws/sso/cache/<sha1>.json`, where the SHA-1 (in
/// lowercase hex) is of the `sso_session` name when the profile uses an `[sso-session]`,
/// else of the start URL, as the AWS CLI and SDKs name the file. `~` is `HOME` from the
/// session's environment. The file's `accessToken` and `expiresAt` are used; `expiresAt` is
/// read leniently (RFC 3339 with `Z` or an offset, or the CLI's older `UTC` suffix).
///
/// Then `GET {portal}/federation/credentials?account_id=…&role_name=…` with the token in
/// `x-amz-sso_bearer_token`; the portal is `https://portal.sso.{sso_region}.amazonaws.com`
/// unless an endpoint for the `SSO` service is configured.
///
/// Not done here: refreshing the access token with the cached refresh token (SSO-OIDC
/// `CreateToken`); an expired token asks for `aws sso login` instead.
///
/// `Debug` shows the configuration and the token cache file, never the token.
pub struct SsoProvider {
    config: SsoConfig,
    portal: String,
    cache_file: Option<PathBuf>,
    fs: Fs,
    transport: Transport,
}

impl SsoProvider {
    /// A provider for `config`. `env` gives `HOME` (where the token cache is) and `fs` is
    /// what the token cache is read through.
    ///
    /// # Errors
    /// An empty start URL, account id or role name, an invalid `sso_region`, or a portal
    /// endpoint that is not an absolute `http`/`https` URL.
    pub fn new(
        config: SsoConfig,
        env: &Env,
        fs: &Fs,
        transport: Transport,
    ) -> Result<Self, CredentialsError> {
        let invalid =
            |what: String| CredentialsError::provider_failed(what, "invalid SSO configuration");
        for (name, value) in [
            ("sso_start_url", &config.start_url),
            ("sso_account_id", &config.account_id),
            ("sso_role_name", &config.role_name),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("SSO configuration: {name} is empty")));
            }
        }
        if !is_valid_region(&config.sso_region) {
            return Err(invalid(format!(
                "SSO configuration: sso_region {:?} is not a valid region",
                remote::clean(&config.sso_region, &[])
            )));
        }
        let portal = match &config.portal_endpoint {
            Some(url) => {
                let uri: Option<Uri> = url.parse().ok();
                let ok = uri.as_ref().is_some_and(|u| {
                    matches!(u.scheme_str(), Some("http" | "https"))
                        && u.host().is_some_and(|h| !h.is_empty())
                        && u.query().is_none()
                });
                if !ok {
                    return Err(invalid(format!(
                        "SSO configuration: the portal endpoint {url:?} is not an absolute http:// or https:// URL"
                    )));
                }
                url.trim_end_matches('/').to_owned()
            }
            None => format!("https://portal.sso.{}.amazonaws.com", config.sso_region),
        };
        let key = config.sso_session.as_deref().unwrap_or(&config.start_url);
        let cache_file = env.get_non_empty("HOME").map(|home| {
            Path::new(&home)
                .join(".aws")
                .join("sso")
                .join("cache")
                .join(format!("{}.json", sha1_hex(key)))
        });
        Ok(Self {
            config,
            portal,
            cache_file,
            fs: fs.clone(),
            transport,
        })
    }

    /// The token cache file this provider reads (`None` without `HOME`).
    pub fn token_cache_file(&self) -> Option<&Path> {
        self.cache_file.as_deref()
    }

    fn fail(&self, what: String) -> CredentialsError {
        CredentialsError::provider_failed(
            format!(
                "SSO (account {}, role {}): {what}",
                self.config.account_id, self.config.role_name
            ),
            what,
        )
    }

    fn login_command(&self) -> String {
        match (&self.config.sso_session, &self.config.profile) {
            (Some(session), _) => format!("aws sso login --sso-session {session}"),
            (None, Some(profile)) => format!("aws sso login --profile {profile}"),
            (None, None) => "aws sso login".to_owned(),
        }
    }

    /// What the token belongs to, for messages.
    fn token_owner(&self) -> String {
        match &self.config.sso_session {
            Some(session) => format!("sso-session {session}"),
            None => format!("start URL {}", self.config.start_url),
        }
    }

    /// The access token from the cache, if present and not expired.
    fn access_token(&self) -> Result<Zeroizing<String>, CredentialsError> {
        let login = self.login_command();
        let Some(path) = &self.cache_file else {
            return Err(self.fail(format!(
                "cannot find the SSO token cache (~/.aws/sso/cache) because HOME is not set; set HOME and run `{login}`"
            )));
        };
        let shown = path.display();
        let bytes = match self.fs.read(path) {
            Ok(Some(bytes)) => Zeroizing::new(bytes),
            Ok(None) => {
                return Err(self.fail(format!(
                    "no cached SSO token for {} ({shown} does not exist): run `{login}`",
                    self.token_owner()
                )))
            }
            Err(e) => {
                return Err(self.fail(format!(
                    "the SSO token cache {shown} could not be read ({e})"
                )))
            }
        };
        let token = parse_token(&bytes, SystemTime::now()).map_err(|why| {
            self.fail(format!(
                "the cached SSO token in {shown} {why}: run `{login}`"
            ))
        })?;
        Ok(token)
    }

    fn request(&self, token: &str) -> Result<Request<SdkBody>, CredentialsError> {
        let uri = format!(
            "{}/federation/credentials?account_id={}&role_name={}",
            self.portal,
            percent_encode(&self.config.account_id, false),
            percent_encode(&self.config.role_name, false)
        );
        let mut value = HeaderValue::from_str(token).map_err(|_| {
            self.fail(format!(
                "the cached SSO token is not a valid header value: run `{}`",
                self.login_command()
            ))
        })?;
        value.set_sensitive(true);
        Request::get(uri)
            .header(BEARER_HEADER, value)
            .header(http::header::ACCEPT, "application/json")
            .body(SdkBody::empty())
            .map_err(|e| self.fail(format!("could not build the request: {e}")))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let token = self.access_token()?;
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(remote::backoff(attempt - 1)).await;
            }
            let req = self.request(&token)?;
            let answer = match remote::fetch(&self.transport, req, ATTEMPT_TIMEOUT).await {
                Ok(answer) => answer,
                Err(NoAnswer::TooLarge) => return Err(self.fail(NoAnswer::TooLarge.reason())),
                Err(no) => {
                    last = format!("{}: {}", self.portal, no.reason());
                    continue;
                }
            };
            let status = answer.status;
            if status.is_success() {
                return parse_role_credentials(&answer.body, &self.config)
                    .map_err(|why| self.fail(why));
            }
            let detail = remote::describe_error(&answer, &[&token]);
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                last = detail;
                continue;
            }
            let code = Protocol::RestJson
                .parse_error(status.as_u16(), &answer.headers, &answer.body)
                .code()
                .map(str::to_owned);
            let login = self.login_command();
            let what = if status == StatusCode::UNAUTHORIZED
                || code.as_deref() == Some("UnauthorizedException")
            {
                format!("the SSO token is not valid or has expired ({detail}): run `{login}`")
            } else if status == StatusCode::FORBIDDEN {
                format!(
                    "the SSO portal refused the role ({detail}): check sso_account_id and \
                     sso_role_name, or run `{login}` if the token is stale"
                )
            } else {
                format!("GetRoleCredentials failed: {detail}")
            };
            return Err(self.fail(what));
        }
        Err(self.fail(format!(
            "no answer from the SSO portal: {last} (after {ATTEMPTS} attempts)"
        )))
    }
}

/// Lowercase hex SHA-1, the token cache's file naming.
pub(crate) fn sha1_hex(s: &str) -> String {
    use sha1::{Digest, Sha1};
    use std::fmt::Write;
    let digest = Sha1::digest(s.as_bytes());
    let mut out = String::with_capacity(40);
    for b in digest.iter() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// `expiresAt` as the CLI writes it: RFC 3339, or with a `UTC` suffix (older CLIs), or with
/// no zone at all (taken as UTC).
pub(crate) fn parse_expires_at(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    parse_rfc3339(s).or_else(|| {
        let base = s
            .strip_suffix("UTC")
            .or_else(|| s.strip_suffix("utc"))
            .unwrap_or(s)
            .trim_end();
        parse_rfc3339(&format!("{base}Z"))
    })
}

/// The access token of a token cache file, checked against `now`. The error completes
/// "the cached SSO token in FILE …".
fn parse_token(bytes: &[u8], now: SystemTime) -> Result<Zeroizing<String>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| "is not valid JSON".to_owned())?;
    let field = |name: &str| {
        doc.get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let token = field("accessToken").ok_or("has no accessToken")?;
    let expires = field("expiresAt").ok_or("has no expiresAt")?;
    let at = parse_expires_at(expires).ok_or_else(|| {
        format!(
            "has an unreadable expiresAt {:?}",
            remote::clean(expires, &[token])
        )
    })?;
    if at <= now {
        return Err(format!("expired at {}", remote::clean(expires, &[token])));
    }
    Ok(Zeroizing::new(token.to_owned()))
}

/// `{"roleCredentials":{"accessKeyId","secretAccessKey","sessionToken","expiration"}}`,
/// `expiration` in milliseconds since the epoch.
fn parse_role_credentials(body: &[u8], config: &SsoConfig) -> Result<Credentials, String> {
    let doc: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the GetRoleCredentials response is not JSON ({e})"))?;
    let creds = doc
        .get("roleCredentials")
        .filter(|c| c.is_object())
        .ok_or("the GetRoleCredentials response has no roleCredentials")?;
    let field = |name: &str| {
        creds
            .get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let key = field("accessKeyId").ok_or("the GetRoleCredentials response has no accessKeyId")?;
    let secret =
        field("secretAccessKey").ok_or("the GetRoleCredentials response has no secretAccessKey")?;
    let expiry = match creds.get("expiration") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => {
            let millis = v
                .as_u64()
                .ok_or("the GetRoleCredentials expiration is not a time in epoch milliseconds")?;
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(millis))
        }
    };
    Ok(Credentials::new(
        key,
        secret,
        field("sessionToken").map(str::to_owned),
        expiry,
        format!(
            "sso (account {}, role {})",
            config.account_id, config.role_name
        ),
    ))
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }
}

impl fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoProvider")
            .field("start_url", &self.config.start_url)
            .field("sso_region", &self.config.sso_region)
            .field("account_id", &self.config.account_id)
            .field("role_name", &self.config.role_name)
            .field("sso_session", &self.config.sso_session)
            .field("portal", &self.portal)
            .field("token_cache_file", &self.cache_file)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_file_names_match_the_sdks() {
        // Known file names for a start URL and for an sso-session name.
        assert_eq!(
            sha1_hex("https://d-abc123.awsapps.com/start"),
            "40a89917e3175433e361b710a9d43528d7f1890a"
        );
        assert_eq!(
            sha1_hex("admin"),
            "d033e22ae348aeb5660fc2140aec35850c4da997"
        );
    }

    #[test]
    fn expiry_formats() {
        let z = parse_expires_at("2030-01-02T03:04:05Z").unwrap();
        assert_eq!(parse_expires_at("2030-01-02T03:04:05UTC"), Some(z));
        assert_eq!(parse_expires_at("2030-01-02T03:04:05"), Some(z));
        assert_eq!(parse_expires_at("2030-01-02T05:04:05+02:00"), Some(z));
        assert!(parse_expires_at("2030-01-02T03:04:05.123Z").is_some());
        assert!(parse_expires_at("soon").is_none());
    }

    #[test]
    fn token_files() {
        let now = parse_expires_at("2030-01-01T00:00:00Z").unwrap();
        let ok = br#"{"startUrl":"u","region":"r","accessToken":"tok","expiresAt":"2030-01-01T01:00:00Z"}"#;
        assert_eq!(parse_token(ok, now).unwrap().as_str(), "tok");
        let expired = br#"{"accessToken":"tok","expiresAt":"2029-12-31T23:00:00UTC"}"#;
        let e = parse_token(expired, now).unwrap_err();
        assert!(e.starts_with("expired at") && !e.contains("tok\""), "{e}");
        assert!(parse_token(b"{", now)
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_token(br#"{"expiresAt":"x"}"#, now)
            .unwrap_err()
            .contains("accessToken"));
    }

    #[test]
    fn role_credentials() {
        let cfg = SsoConfig::new("u", "us-east-1", "123456789012", "R");
        let c = parse_role_credentials(
            br#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"s","sessionToken":"t","expiration":1893456000000}}"#,
            &cfg,
        )
        .unwrap();
        assert_eq!(c.expiry(), parse_expires_at("2030-01-01T00:00:00Z"));
        assert!(parse_role_credentials(
            br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"s","expiration":"x"}}"#,
            &cfg
        )
        .is_err());
        assert!(parse_role_credentials(b"{}", &cfg)
            .unwrap_err()
            .contains("roleCredentials"));
    }
}
