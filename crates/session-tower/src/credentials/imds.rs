//! EC2 instance metadata (IMDSv2) credentials; the behaviour is documented on
//! [`ImdsProvider`].

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::{HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use session_core::credentials::{
    Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
};
use zeroize::Zeroizing;

use super::remote::{self, Answer, NoAnswer};
use crate::body::SdkBody;
use crate::transport::Transport;

const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const TOKEN_TTL_HEADER: HeaderName =
    HeaderName::from_static("x-aws-ec2-metadata-token-ttl-seconds");
const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-aws-ec2-metadata-token");
const TOKEN_TTL_SECS: u64 = 21_600;
/// A token is replaced this long before the service would stop accepting it.
const TOKEN_EARLY: Duration = Duration::from_secs(120);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
const ATTEMPTS: u32 = 2;
/// Extended credentials must outlive the cache's 5-minute advisory window by a good
/// margin, or every call in that window would ask the (failing) service again.
const STALE_MIN: Duration = Duration::from_secs(15 * 60);
const STALE_MAX: Duration = Duration::from_secs(20 * 60);

/// Credentials from the EC2 instance metadata service (IMDSv2).
///
/// The flow is the documented one: `PUT /latest/api/token` (TTL 21600 s) for a session
/// token, `GET /latest/meta-data/iam/security-credentials/` for the role name, then
/// `GET /latest/meta-data/iam/security-credentials/<role>` for the credentials. The token is
/// reused until shortly before its TTL ends and the role name is kept; a `401` on either
/// `GET` drops the token and the flow runs once more with a new one. There is no IMDSv1
/// fallback (a token is always required), as in the Rust SDK.
///
/// Each request has one second and at most two attempts, so a machine without an instance
/// metadata service (a laptop) learns that in about two seconds at worst, usually at once
/// (connection refused); that case is *not configured* and a chain moves on.
///
/// **Static stability.** When the service hands out credentials that have already expired,
/// or fails after it has once given credentials, the provider returns those credentials
/// with their expiry moved to 15–20 minutes from now (randomized, so a fleet does not come
/// back at once), and logs a warning once per such episode. This follows the AWS SDKs:
/// during an IMDS outage, expired-looking instance credentials usually still work for a
/// while, and calling with them beats failing every call.
///
/// `Debug` shows the endpoint, whether a token is held and the role name, never the token.
pub struct ImdsProvider {
    base: String,
    origin: String,
    transport: Transport,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    token: Option<Token>,
    role: Option<String>,
    /// The last credentials the service gave, for static stability.
    last: Option<Credentials>,
    /// Set once the current stale episode has been logged.
    warned: bool,
}

struct Token {
    value: Zeroizing<String>,
    refresh_at: Instant,
}

impl ImdsProvider {
    /// A provider for the metadata service at `endpoint` (e.g. `http://169.254.169.254`,
    /// `http://[fd00:ec2::254]`, or `ec2_metadata_service_endpoint`).
    ///
    /// # Errors
    /// An endpoint that is not an absolute `http`/`https` URL, or that has a query.
    pub fn new(endpoint: &str, transport: Transport) -> Result<Self, CredentialsError> {
        let invalid = |why: &str| {
            CredentialsError::provider_failed(
                format!("the instance metadata endpoint {endpoint:?} {why}"),
                "invalid instance metadata endpoint",
            )
        };
        let uri: Uri = endpoint
            .parse()
            .map_err(|_| invalid("is not a valid URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(invalid("must start with http:// or https://"));
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(invalid("has no host"));
        }
        if uri.query().is_some() {
            return Err(invalid("must not have a query"));
        }
        Ok(Self {
            base: endpoint.trim_end_matches('/').to_owned(),
            origin: remote::origin_of(&uri),
            transport,
            state: Mutex::new(State::default()),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a cache: a panic elsewhere cannot leave it inconsistent in a way
        // that matters more than losing it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self, what: String) -> CredentialsError {
        CredentialsError::provider_failed(
            format!("instance metadata service at {}: {what}", self.origin),
            what,
        )
    }

    /// One request, with up to [`ATTEMPTS`] tries for no answer and 5xx.
    async fn send(
        &self,
        method: Method,
        path: &str,
        header: (HeaderName, HeaderValue),
    ) -> Result<Answer, NoAnswer> {
        let uri = format!("{}{path}", self.base);
        let mut result = Err(NoAnswer::Timeout(REQUEST_TIMEOUT));
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(remote::backoff(attempt - 1)).await;
            }
            let mut req = Request::new(SdkBody::empty());
            *req.method_mut() = method.clone();
            *req.uri_mut() = match uri.parse() {
                Ok(uri) => uri,
                Err(e) => {
                    return Err(NoAnswer::Failed(
                        crate::Error::request("invalid metadata URL").with_source(e),
                    ))
                }
            };
            req.headers_mut().insert(header.0.clone(), header.1.clone());
            result = remote::fetch(&self.transport, req, REQUEST_TIMEOUT).await;
            match &result {
                Ok(answer) if !answer.status.is_server_error() => break,
                Err(NoAnswer::TooLarge) => break,
                _ => {}
            }
        }
        result
    }

    /// The session token, from the cache or a new `PUT`.
    async fn token(&self) -> Result<Zeroizing<String>, CredentialsError> {
        if let Some(token) = &self.state().token {
            if Instant::now() < token.refresh_at {
                return Ok(token.value.clone());
            }
        }
        let ttl = HeaderValue::from(TOKEN_TTL_SECS);
        let answer = match self
            .send(Method::PUT, TOKEN_PATH, (TOKEN_TTL_HEADER, ttl))
            .await
        {
            Ok(answer) => answer,
            Err(NoAnswer::TooLarge) => {
                return Err(self.fail("the token response is too large".into()));
            }
            // Nothing answers: this is not an EC2 instance (or IMDS is unreachable from here).
            Err(no) => {
                return Err(CredentialsError::not_configured(format!(
                    "no instance metadata service at {} ({})",
                    self.origin,
                    no.reason()
                )))
            }
        };
        if !answer.status.is_success() {
            let hint = if answer.status == StatusCode::FORBIDDEN {
                "; IMDS may be disabled for this instance"
            } else {
                ""
            };
            return Err(self.fail(format!(
                "the token request was refused: {}{hint}",
                remote::describe_error(&answer, &[])
            )));
        }
        let token = std::str::from_utf8(&answer.body)
            .ok()
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 4096 && HeaderValue::from_str(t).is_ok())
            .map(|t| Zeroizing::new(t.to_owned()))
            .ok_or_else(|| self.fail("the token response is not a usable token".into()))?;
        let ttl = answer
            .headers
            .get(&TOKEN_TTL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(TOKEN_TTL_SECS);
        let ttl = Duration::from_secs(ttl);
        let early = TOKEN_EARLY.min(ttl / 2);
        self.state().token = Some(Token {
            value: token.clone(),
            refresh_at: Instant::now() + ttl - early,
        });
        Ok(token)
    }

    async fn get(&self, path: &str, token: &str) -> Result<Answer, CredentialsError> {
        let mut value = HeaderValue::from_str(token)
            .map_err(|_| self.fail("the session token is not a valid header value".into()))?;
        value.set_sensitive(true);
        self.send(Method::GET, path, (TOKEN_HEADER, value))
            .await
            .map_err(|no| self.fail(format!("GET {path}: {}", no.reason())))
    }

    /// Credentials straight from the service, without static stability.
    async fn load_fresh(&self) -> Result<Credentials, CredentialsError> {
        for round in 0..2 {
            let retry_on_401 = round == 0;
            let token = self.token().await?;
            let cached_role = self.state().role.clone();
            let role = match cached_role {
                Some(role) => role,
                None => {
                    let answer = self.get(ROLE_PATH, &token).await?;
                    if answer.status == StatusCode::UNAUTHORIZED && retry_on_401 {
                        self.state().token = None;
                        continue;
                    }
                    if answer.status == StatusCode::NOT_FOUND {
                        return Err(CredentialsError::not_configured(format!(
                            "instance metadata service at {}: no IAM role is attached to this instance (404 on {ROLE_PATH})",
                            self.origin
                        )));
                    }
                    if !answer.status.is_success() {
                        return Err(self.fail(format!(
                            "GET {ROLE_PATH}: {}",
                            remote::describe_error(&answer, &[&token])
                        )));
                    }
                    let role = parse_role(&answer.body).map_err(|why| self.fail(why))?;
                    self.state().role = Some(role.clone());
                    role
                }
            };
            let path = format!("{ROLE_PATH}{role}");
            let answer = self.get(&path, &token).await?;
            if answer.status == StatusCode::UNAUTHORIZED && retry_on_401 {
                self.state().token = None;
                continue;
            }
            if answer.status == StatusCode::NOT_FOUND {
                // The instance profile may have been swapped: look the role up again next time.
                self.state().role = None;
            }
            if !answer.status.is_success() {
                return Err(self.fail(format!(
                    "GET {path}: {}",
                    remote::describe_error(&answer, &[&token])
                )));
            }
            return parse_credentials(&answer.body, &self.origin).map_err(|why| self.fail(why));
        }
        Err(self.fail("every new session token was refused (401)".into()))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        match self.load_fresh().await {
            Ok(creds) if creds.expiry().is_some_and(|e| e <= SystemTime::now()) => {
                self.state().last = Some(creds.clone());
                Ok(self.stale(&creds, "it returned credentials that have already expired"))
            }
            Ok(creds) => {
                let mut state = self.state();
                state.last = Some(creds.clone());
                state.warned = false;
                Ok(creds)
            }
            Err(e) => {
                let last = self.state().last.clone();
                match last {
                    Some(last) => Ok(self.stale(&last, &e.to_string())),
                    None => Err(e),
                }
            }
        }
    }

    /// `creds` with a short, randomized new expiry (never shorter than their own).
    fn stale(&self, creds: &Credentials, why: &str) -> Credentials {
        let extended = remote::jittered_from_now(STALE_MIN, STALE_MAX);
        if creds.expiry().is_some_and(|e| e > extended) {
            // Still good for longer than an extension would give: nothing to warn about yet.
            tracing::debug!(
                endpoint = %self.origin,
                "instance metadata service: {why}; keeping the last credentials"
            );
            return creds.clone();
        }
        let first = !std::mem::replace(&mut self.state().warned, true);
        if first {
            tracing::warn!(
                endpoint = %self.origin,
                "instance metadata service: {why}; using the last credentials it gave, extended \
                 for a few minutes (static stability); the next refresh tries the service again"
            );
        }
        Credentials::new(
            creds.access_key_id(),
            creds.secret_access_key(),
            creds.session_token().map(str::to_owned),
            Some(extended),
            creds.source(),
        )
    }
}

/// The role name: the first line of the listing. It goes into a URL path, so only the
/// characters IAM allows in role names are accepted.
fn parse_role(body: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the role listing is not UTF-8".to_owned())?;
    let role =
        text.lines().map(str::trim).find(|l| !l.is_empty()).ok_or(
            "the role listing is empty: no IAM role is attached to this instance".to_owned(),
        )?;
    let iam_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if role.len() > 128 || !role.chars().all(iam_char) {
        return Err(format!(
            "the role listing does not start with a role name ({:?})",
            remote::clean(role, &[])
        ));
    }
    Ok(role.to_owned())
}

/// `{"Code":"Success","AccessKeyId","SecretAccessKey","Token","Expiration"}`.
fn parse_credentials(body: &[u8], origin: &str) -> Result<Credentials, String> {
    let doc: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the credentials response is not JSON ({e})"))?;
    let field = |name: &str| {
        doc.get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(code) = field("Code").filter(|c| *c != "Success") {
        let message = field("Message").map(|m| format!(": {}", remote::clean(m, &[])));
        return Err(format!(
            "the credentials response has Code {}{}",
            remote::clean(code, &[]),
            message.unwrap_or_default()
        ));
    }
    remote::credentials_from_document(&doc, format!("imds ({origin})"))
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }
}

impl fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("ImdsProvider")
            .field("endpoint", &self.origin)
            .field("has_token", &state.token.is_some())
            .field("role", &state.role)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_listing() {
        assert_eq!(parse_role(b"my-role\n").unwrap(), "my-role");
        assert_eq!(parse_role(b"\n  first\nsecond\n").unwrap(), "first");
        assert!(parse_role(b"").unwrap_err().contains("no IAM role"));
        assert!(parse_role(b"../../user-data").is_err());
        assert!(parse_role(b"a b").is_err());
    }

    #[test]
    fn credential_documents() {
        let ok = br#"{"Code":"Success","LastUpdated":"2030-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T06:00:00Z"}"#;
        let c = parse_credentials(ok, "http://x").unwrap();
        assert_eq!(c.access_key_id(), "ASIA1");
        assert_eq!(c.session_token(), Some("t"));
        assert_eq!(c.source(), "imds (http://x)");
        let e = parse_credentials(
            br#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no"}"#,
            "x",
        )
        .unwrap_err();
        assert!(e.contains("AssumeRoleUnauthorizedAccess: no"), "{e}");
        assert!(parse_credentials(b"not json", "x")
            .unwrap_err()
            .contains("not JSON"));
    }

    #[test]
    fn endpoints() {
        let t = || Transport::builder().build().unwrap();
        assert!(ImdsProvider::new("http://169.254.169.254", t()).is_ok());
        assert!(ImdsProvider::new("http://[fd00:ec2::254]/", t()).is_ok());
        assert!(ImdsProvider::new("169.254.169.254", t()).is_err());
        assert!(ImdsProvider::new("ftp://x", t()).is_err());
        assert!(ImdsProvider::new("http://x/?a=b", t()).is_err());
    }
}
