//! Container credentials (ECS task roles, EKS Pod Identity); the behaviour is documented
//! on [`ContainerProvider`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::Duration;

use http::header::{ACCEPT, AUTHORIZATION};
use http::{HeaderValue, Request, StatusCode, Uri};
use session_core::credentials::{
    Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
};
use session_core::{Env, Fs};
use zeroize::Zeroizing;

use super::remote::{self, Answer, NoAnswer};
use crate::body::SdkBody;
use crate::transport::Transport;

const TOKEN_FILE_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
const ATTEMPTS: u32 = 3;

/// The ECS task endpoint.
const ECS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
/// The EKS Pod Identity agent, IPv4 and IPv6.
const EKS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
const EKS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23);

/// Credentials from a container credentials endpoint (ECS task role, EKS Pod Identity).
///
/// The URL is checked once, when the provider is made: `https` may go anywhere, plain `http`
/// only to addresses that cannot leave the machine or the task's link-local network
/// (loopback, `localhost`, `169.254.170.2`, `169.254.170.23`, `fd00:ec2::23`), so a
/// misconfigured variable cannot send the authorization token across a network in clear.
///
/// The authorization token is read at every call, from the file named by
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (which wins, and which EKS rotates) or from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. Each call makes up to three attempts of two seconds
/// each, retrying only what may pass on its own (no connection, a timeout, 5xx, 429).
///
/// `Debug` shows the endpoint's origin and where the token comes from, never the token.
#[derive(Clone)]
pub struct ContainerProvider {
    uri: Uri,
    origin: String,
    env: Env,
    fs: Fs,
    transport: Transport,
}

impl ContainerProvider {
    /// A provider for the full credentials URL `uri` (for a relative URI, the caller has
    /// already put `http://169.254.170.2` in front). `env` and `fs` are where the
    /// authorization token is looked up at each call.
    ///
    /// # Errors
    /// A URL that does not parse, is not `http`/`https`, or uses plain `http` to a host
    /// other than loopback, `localhost`, `169.254.170.2`, `169.254.170.23` or `fd00:ec2::23`.
    pub fn new(
        uri: &str,
        env: &Env,
        fs: &Fs,
        transport: Transport,
    ) -> Result<Self, CredentialsError> {
        let invalid = |why: &str| {
            CredentialsError::provider_failed(
                format!("the container credentials URL {uri:?} {why}"),
                "invalid container credentials URL",
            )
        };
        let parsed: Uri = uri.parse().map_err(|_| invalid("is not a valid URL"))?;
        let host = parsed
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("has no host"))?;
        match parsed.scheme_str() {
            Some("https") => {}
            Some("http") if http_allowed(host) => {}
            Some("http") => {
                return Err(CredentialsError::provider_failed(
                    format!(
                    "the container credentials URL uses plain http to host {host}; plain http is \
                         allowed only to loopback, localhost, 169.254.170.2, 169.254.170.23 or \
                         fd00:ec2::23 (use https for any other host)"
                ),
                    "container credentials host not allowed",
                ))
            }
            _ => return Err(invalid("must start with http:// or https://")),
        }
        Ok(Self {
            origin: remote::origin_of(&parsed),
            uri: parsed,
            env: env.clone(),
            fs: fs.clone(),
            transport,
        })
    }

    fn fail(&self, what: String) -> CredentialsError {
        CredentialsError::provider_failed(
            format!("container credentials endpoint {}: {what}", self.origin),
            what,
        )
    }

    /// The token for this call. Read every time: EKS rotates the file under a running pod.
    fn auth_token(&self) -> Result<Option<Zeroizing<String>>, CredentialsError> {
        if let Some(path) = self.env.get_non_empty(TOKEN_FILE_VAR) {
            let named = format!("the authorization token file {path} ({TOKEN_FILE_VAR})");
            let bytes = match self.fs.read(Path::new(&path)) {
                Ok(Some(bytes)) => Zeroizing::new(bytes),
                Ok(None) => return Err(self.fail(format!("{named} does not exist"))),
                Err(e) => return Err(self.fail(format!("{named} could not be read: {e}"))),
            };
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| self.fail(format!("{named} is not UTF-8 text")))?;
            return self.checked_token(text, &named).map(Some);
        }
        match self.env.get_non_empty(TOKEN_VAR) {
            Some(value) => {
                let value = Zeroizing::new(value);
                self.checked_token(&value, TOKEN_VAR).map(Some)
            }
            None => Ok(None),
        }
    }

    fn checked_token(&self, raw: &str, named: &str) -> Result<Zeroizing<String>, CredentialsError> {
        // A file written with `echo` ends in a newline; that one is not part of the token.
        let token = raw.trim();
        if token.is_empty() {
            return Err(self.fail(format!("{named} is empty")));
        }
        if token.contains(['\r', '\n']) {
            return Err(self.fail(format!(
                "{named} contains a line break, which cannot go into an HTTP header"
            )));
        }
        if token.chars().any(char::is_control) {
            return Err(self.fail(format!("{named} contains control characters")));
        }
        Ok(Zeroizing::new(token.to_owned()))
    }

    fn request(&self, token: Option<&str>) -> Result<Request<SdkBody>, CredentialsError> {
        let mut req = Request::get(self.uri.clone())
            .header(ACCEPT, "application/json")
            .body(SdkBody::empty())
            .map_err(|e| self.fail(format!("could not build the request: {e}")))?;
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(token).map_err(|_| {
                self.fail("the authorization token is not a valid header value".into())
            })?;
            value.set_sensitive(true);
            req.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(req)
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let token = self.auth_token()?;
        let secrets: Vec<&str> = token.iter().map(|t| t.as_str()).collect();
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(remote::backoff(attempt - 1)).await;
            }
            let req = self.request(token.as_ref().map(|t| t.as_str()))?;
            match remote::fetch(&self.transport, req, ATTEMPT_TIMEOUT).await {
                Ok(answer) if answer.status.is_success() => {
                    return parse_credentials(&answer.body, &self.origin)
                        .map_err(|why| self.fail(why));
                }
                Ok(answer) if retryable(answer.status) => {
                    last = remote::describe_error(&answer, &secrets);
                }
                Ok(answer) => return Err(self.fail(refusal(&answer, &secrets))),
                Err(NoAnswer::TooLarge) => {
                    return Err(self.fail(NoAnswer::TooLarge.reason()));
                }
                Err(no) => last = no.reason(),
            }
        }
        Err(self.fail(format!("{last} (after {ATTEMPTS} attempts)")))
    }
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

fn refusal(answer: &Answer, secrets: &[&str]) -> String {
    let text = remote::describe_error(answer, secrets);
    match answer.status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            format!("{text}; check {TOKEN_FILE_VAR} / {TOKEN_VAR}")
        }
        _ => text,
    }
}

/// May plain `http` go to `host` (as `Uri::host` gives it, IPv6 in brackets)?
fn http_allowed(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let v4_ok = |ip: Ipv4Addr| ip.is_loopback() || ip == ECS_V4 || ip == EKS_V4;
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => v4_ok(ip),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip == EKS_V6 || ip.to_ipv4_mapped().is_some_and(v4_ok)
        }
        Err(_) => false,
    }
}

/// The endpoint's document: `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`
/// (RFC 3339), and `RoleArn`, which is accepted and not needed.
fn parse_credentials(body: &[u8], origin: &str) -> Result<Credentials, String> {
    let doc: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the response is not a JSON credentials document ({e})"))?;
    remote::credentials_from_document(&doc, format!("container ({origin})"))
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        ProvideCredentialsFuture::new(self.load())
    }
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match (
            self.env.get_non_empty(TOKEN_FILE_VAR),
            self.env.get_non_empty(TOKEN_VAR).is_some(),
        ) {
            (Some(path), _) => format!("file {path}"),
            (None, true) => TOKEN_VAR.to_owned(),
            (None, false) => "none".to_owned(),
        };
        f.debug_struct("ContainerProvider")
            .field("endpoint", &self.origin)
            .field("token", &token)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_hosts() {
        for ok in [
            "127.0.0.1",
            "127.1.2.3",
            "localhost",
            "LocalHost",
            "[::1]",
            "169.254.170.2",
            "169.254.170.23",
            "[fd00:ec2::23]",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(http_allowed(ok), "{ok}");
        }
        for bad in [
            "10.0.0.1",
            "169.254.169.254",
            "169.254.170.3",
            "example.com",
            "localhost.example.com",
            "[fd00:ec2::254]",
            "[::ffff:10.0.0.1]",
        ] {
            assert!(!http_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn documents() {
        let c = parse_credentials(
            br#"{"AccessKeyId":"AKID","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z","RoleArn":"arn:aws:iam::1:role/r"}"#,
            "http://x",
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.session_token(), Some("t"));
        assert!(c.expiry().is_some());
        assert!(parse_credentials(b"{", "x")
            .unwrap_err()
            .contains("not a JSON"));
        assert!(parse_credentials(br#"{"AccessKeyId":"A"}"#, "x")
            .unwrap_err()
            .contains("SecretAccessKey"));
        assert!(parse_credentials(
            br#"{"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"tomorrow"}"#,
            "x"
        )
        .unwrap_err()
        .contains("RFC 3339"));
    }
}
