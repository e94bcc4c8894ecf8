//! The IAM Identity Center token of an `[sso-session]`; the behaviour is documented on
//! [`SsoTokenProvider`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use http::{Request, StatusCode};
use session_core::credentials::{format_rfc3339, CredentialsError, SsoTokenSource};
use session_core::settings::is_valid_region;
use session_core::{Env, Fs};
use zeroize::Zeroizing;

use super::{ProvideToken, ProvideTokenFuture, Token};
use crate::body::SdkBody;
use crate::credentials::remote::{self, NoAnswer};
use crate::credentials::sso::{parse_expires_at, sha1_hex};
use crate::credentials::ADVISORY_WINDOW;
use crate::transport::Transport;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const ATTEMPTS: u32 = 2;

/// The bearer token `aws sso login` cached for an `[sso-session]`, refreshed through
/// SSO-OIDC `CreateToken` when it is about to expire.
///
/// Each call reads `~/.aws/sso/cache/<sha1>.json` (the SHA-1, lowercase hex, of the session
/// name; `~` is `HOME` of the session's environment), as the AWS CLI and SDKs name it:
///
/// - a token valid for more than five minutes is returned as it is;
/// - otherwise, when the file holds a refresh token, a client id and secret, and the client
///   registration (`registrationExpiresAt`) has not expired, the token is refreshed:
///   `POST {oidc}/token` with `grantType: refresh_token`, where `{oidc}` is
///   `https://oidc.{sso_region}.amazonaws.com` unless another endpoint is given. The new
///   token (and refresh token, if the answer has one) is written back to the file, so other
///   programs see it; a write that fails is logged and the token used anyway;
/// - a refresh that fails while the old token has not expired yet returns the old token; an
///   expired token that cannot be refreshed is an error that says to run
///   `aws sso login --sso-session NAME`.
///
/// `Debug` shows the session and the cache file, never a token or a client secret; error
/// messages never contain either.
pub struct SsoTokenProvider {
    source: SsoTokenSource,
    cache_file: Option<PathBuf>,
    oidc_endpoint: String,
    fs: Fs,
    transport: Transport,
}

impl SsoTokenProvider {
    /// The token of `source`'s session. `env` gives `HOME` (where the token cache is) and
    /// `fs` is what the cache is read and written through.
    pub fn new(source: SsoTokenSource, env: &Env, fs: &Fs, transport: Transport) -> Self {
        let cache_file = env.get_non_empty("HOME").map(|home| {
            Path::new(&home)
                .join(".aws")
                .join("sso")
                .join("cache")
                .join(format!("{}.json", sha1_hex(source.session_name())))
        });
        let oidc_endpoint = format!("https://oidc.{}.amazonaws.com", source.region());
        Self {
            source,
            cache_file,
            oidc_endpoint,
            fs: fs.clone(),
            transport,
        }
    }

    /// Refreshes through `url` (an absolute `http`/`https` URL) instead of
    /// `https://oidc.{sso_region}.amazonaws.com`.
    #[must_use]
    pub fn oidc_endpoint(mut self, url: impl Into<String>) -> Self {
        self.oidc_endpoint = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The token cache file this provider reads (`None` without `HOME`).
    pub fn token_cache_file(&self) -> Option<&Path> {
        self.cache_file.as_deref()
    }

    fn login(&self) -> String {
        format!("aws sso login --sso-session {}", self.source.session_name())
    }

    fn fail(&self, what: String) -> CredentialsError {
        CredentialsError::provider_failed(
            format!(
                "SSO token (sso-session {}): {what}",
                self.source.session_name()
            ),
            "no usable IAM Identity Center token",
        )
    }

    async fn load(&self) -> Result<Token, CredentialsError> {
        let login = self.login();
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
                    "no cached SSO token ({shown} does not exist): run `{login}`"
                )))
            }
            Err(e) => {
                return Err(self.fail(format!(
                    "the SSO token cache {shown} could not be read ({e})"
                )))
            }
        };
        let mut doc: serde_json::Value = serde_json::from_slice(&bytes)
            .ok()
            .filter(serde_json::Value::is_object)
            .ok_or_else(|| {
                self.fail(format!(
                    "the SSO token cache {shown} is not a JSON object: run `{login}`"
                ))
            })?;
        let cached = Cached::read(&doc).map_err(|why| {
            self.fail(format!(
                "the cached SSO token in {shown} {why}: run `{login}`"
            ))
        })?;
        let now = SystemTime::now();
        let source = format!("sso (sso-session {})", self.source.session_name());
        let current = || {
            Token::new(
                cached.access_token.as_str(),
                Some(cached.expires_at),
                &source,
            )
        };
        if cached.expires_at > now + ADVISORY_WINDOW {
            return Ok(current());
        }
        let expired = cached.expires_at <= now;
        let shown_expiry = format_rfc3339(cached.expires_at);
        let Some(refresh) = cached.refresh.as_ref().filter(|r| r.usable(now)) else {
            if expired {
                return Err(self.fail(format!(
                    "the cached SSO token expired at {shown_expiry} and holds no usable refresh token: run `{login}`"
                )));
            }
            return Ok(current());
        };
        match self.create_token(refresh).await {
            Ok(fresh) => {
                let token = Token::new(fresh.access_token.as_str(), Some(fresh.expires_at), &source);
                self.write_back(path, &mut doc, &fresh);
                Ok(token)
            }
            Err(why) if !expired => {
                tracing::warn!(
                    sso_session = self.source.session_name(),
                    reason = %why,
                    "refreshing the SSO token failed; using the cached one until it expires"
                );
                Ok(current())
            }
            Err(why) => Err(self.fail(format!(
                "the cached SSO token expired at {shown_expiry} and could not be refreshed ({why}): run `{login}`"
            ))),
        }
    }

    /// SSO-OIDC `CreateToken` with the refresh token. The error is a reason for messages,
    /// free of secrets.
    async fn create_token(&self, refresh: &Refresh) -> Result<Fresh, String> {
        if !is_valid_region(self.source.region()) {
            return Err(format!(
                "sso_region {:?} is not a valid region",
                remote::clean(self.source.region(), &[])
            ));
        }
        let url = format!("{}/token", self.oidc_endpoint);
        let body = Zeroizing::new(
            serde_json::json!({
                "clientId": refresh.client_id.as_str(),
                "clientSecret": refresh.client_secret.as_str(),
                "grantType": "refresh_token",
                "refreshToken": refresh.refresh_token.as_str(),
            })
            .to_string(),
        );
        let secrets = [
            refresh.client_secret.as_str(),
            refresh.refresh_token.as_str(),
        ];
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(remote::backoff(attempt - 1)).await;
            }
            let req = Request::post(url.as_str())
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(http::header::ACCEPT, "application/json")
                .body(SdkBody::from(body.as_bytes().to_vec()))
                .map_err(|_| {
                    format!(
                        "the SSO-OIDC endpoint {:?} is not a valid URL",
                        self.oidc_endpoint
                    )
                })?;
            let answer = match remote::fetch(&self.transport, req, ATTEMPT_TIMEOUT).await {
                Ok(answer) => answer,
                Err(NoAnswer::TooLarge) => return Err(NoAnswer::TooLarge.reason()),
                Err(no) => {
                    last = format!("{}: {}", self.oidc_endpoint, no.reason());
                    continue;
                }
            };
            let status = answer.status;
            if status.is_success() {
                return Fresh::parse(&answer.body, SystemTime::now());
            }
            let mut detail = remote::describe_error(&answer, &secrets);
            // SSO-OIDC also answers as OAuth does: `error` and `error_description`.
            if let Some(oauth) = oauth_error(&answer.body, &secrets) {
                detail.push_str(&format!(": {oauth}"));
            }
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                last = detail;
                continue;
            }
            return Err(format!("CreateToken failed: {detail}"));
        }
        Err(format!(
            "no answer from SSO-OIDC: {last} (after {ATTEMPTS} attempts)"
        ))
    }

    /// Puts the refreshed token into the cache file, keeping its other fields.
    fn write_back(&self, path: &Path, doc: &mut serde_json::Value, fresh: &Fresh) {
        if let Some(map) = doc.as_object_mut() {
            map.insert("accessToken".into(), fresh.access_token.as_str().into());
            map.insert("expiresAt".into(), format_rfc3339(fresh.expires_at).into());
            if let Some(refresh) = &fresh.refresh_token {
                map.insert("refreshToken".into(), refresh.as_str().into());
            }
        }
        let bytes = match serde_json::to_vec_pretty(doc) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(_) => return,
        };
        // The document held secrets: wipe the copy in it too.
        zeroize_strings(doc);
        if let Err(e) = self.fs.write(path, &bytes) {
            tracing::warn!(
                file = %path.display(),
                error = %e,
                "could not write the refreshed SSO token back to its cache"
            );
        }
    }
}

/// `error: error_description` of an OAuth-style error body, cleaned of `secrets`.
fn oauth_error(body: &[u8], secrets: &[&str]) -> Option<String> {
    let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = doc.get("error")?.as_str()?;
    let text = match doc
        .get("error_description")
        .and_then(serde_json::Value::as_str)
    {
        Some(description) => format!("{error}: {description}"),
        None => error.to_owned(),
    };
    Some(remote::clean(&text, secrets))
}

/// Overwrites every string of a JSON document (parsed secrets are plain `String`s).
fn zeroize_strings(doc: &mut serde_json::Value) {
    use zeroize::Zeroize as _;
    match doc {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(zeroize_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(zeroize_strings),
        _ => {}
    }
}

/// What a token cache file holds.
struct Cached {
    access_token: Zeroizing<String>,
    expires_at: SystemTime,
    refresh: Option<Refresh>,
}

/// What refreshing needs.
struct Refresh {
    refresh_token: Zeroizing<String>,
    client_id: String,
    client_secret: Zeroizing<String>,
    registration_expires_at: Option<SystemTime>,
}

impl Refresh {
    fn usable(&self, now: SystemTime) -> bool {
        self.registration_expires_at.is_none_or(|t| t > now)
    }
}

impl Cached {
    /// The error completes "the cached SSO token in FILE …".
    fn read(doc: &serde_json::Value) -> Result<Self, String> {
        let field = |name: &str| {
            doc.get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let token = field("accessToken").ok_or("has no accessToken")?;
        let expires = field("expiresAt").ok_or("has no expiresAt")?;
        let expires_at = parse_expires_at(expires).ok_or_else(|| {
            format!(
                "has an unreadable expiresAt {:?}",
                remote::clean(expires, &[token])
            )
        })?;
        let refresh = match (
            field("refreshToken"),
            field("clientId"),
            field("clientSecret"),
        ) {
            (Some(refresh), Some(id), Some(secret)) => Some(Refresh {
                refresh_token: Zeroizing::new(refresh.to_owned()),
                client_id: id.to_owned(),
                client_secret: Zeroizing::new(secret.to_owned()),
                // Unreadable: assume still registered; the service says otherwise if not.
                registration_expires_at: field("registrationExpiresAt").and_then(parse_expires_at),
            }),
            _ => None,
        };
        Ok(Self {
            access_token: Zeroizing::new(token.to_owned()),
            expires_at,
            refresh,
        })
    }
}

/// A `CreateToken` answer.
struct Fresh {
    access_token: Zeroizing<String>,
    expires_at: SystemTime,
    refresh_token: Option<Zeroizing<String>>,
}

impl Fresh {
    fn parse(body: &[u8], now: SystemTime) -> Result<Self, String> {
        let mut doc: serde_json::Value = serde_json::from_slice(body)
            .map_err(|_| "the CreateToken answer is not JSON".to_owned())?;
        let field = |name: &str| {
            doc.get(name)
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.is_empty())
                .map(|s| Zeroizing::new(s.to_owned()))
        };
        let access_token =
            field("accessToken").ok_or("the CreateToken answer has no accessToken")?;
        let refresh_token = field("refreshToken");
        let expires_in = doc
            .get("expiresIn")
            .and_then(serde_json::Value::as_u64)
            .ok_or("the CreateToken answer has no expiresIn (seconds)")?;
        zeroize_strings(&mut doc);
        Ok(Self {
            access_token,
            expires_at: now + Duration::from_secs(expires_in),
            refresh_token,
        })
    }
}

impl ProvideToken for SsoTokenProvider {
    fn provide_token(&self) -> ProvideTokenFuture<'_> {
        Box::pin(self.load())
    }
}

impl fmt::Debug for SsoTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoTokenProvider")
            .field("sso_session", &self.source.session_name())
            .field("sso_region", &self.source.region())
            .field("oidc_endpoint", &self.oidc_endpoint)
            .field("token_cache_file", &self.cache_file)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_files() {
        let doc = serde_json::json!({
            "accessToken": "tok",
            "expiresAt": "2030-01-01T00:00:00Z",
            "refreshToken": "r",
            "clientId": "c",
            "clientSecret": "s",
            "registrationExpiresAt": "2029-01-01T00:00:00Z",
        });
        let c = Cached::read(&doc).unwrap();
        assert_eq!(c.access_token.as_str(), "tok");
        let refresh = c.refresh.unwrap();
        let (before, after) = (
            parse_expires_at("2028-12-31T00:00:00Z").unwrap(),
            parse_expires_at("2029-01-02T00:00:00Z").unwrap(),
        );
        assert!(refresh.usable(before) && !refresh.usable(after));
        // Without a client secret there is nothing to refresh with.
        let doc = serde_json::json!({"accessToken": "tok", "expiresAt": "2030-01-01T00:00:00Z", "refreshToken": "r"});
        assert!(Cached::read(&doc).unwrap().refresh.is_none());
        let bad = serde_json::json!({"accessToken": "tok", "expiresAt": "soon"});
        let e = Cached::read(&bad).err().unwrap();
        assert!(
            e.contains("unreadable expiresAt") && !e.contains("tok\""),
            "{e}"
        );
        assert!(Cached::read(&serde_json::json!({}))
            .err()
            .unwrap()
            .contains("accessToken"));
    }

    #[test]
    fn create_token_answers() {
        let now = SystemTime::UNIX_EPOCH;
        let f = Fresh::parse(
            br#"{"accessToken":"a2","expiresIn":3600,"refreshToken":"r2","tokenType":"Bearer"}"#,
            now,
        )
        .unwrap();
        assert_eq!(f.access_token.as_str(), "a2");
        assert_eq!(f.expires_at, now + Duration::from_secs(3600));
        assert_eq!(f.refresh_token.as_deref().map(String::as_str), Some("r2"));
        assert!(Fresh::parse(br#"{"accessToken":"a2"}"#, now)
            .err()
            .unwrap()
            .contains("expiresIn"));
        assert!(Fresh::parse(b"<html>", now)
            .err()
            .unwrap()
            .contains("not JSON"));
    }
}
