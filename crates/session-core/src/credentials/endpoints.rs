//! The two credential endpoints that come from configuration alone: instance metadata
//! (IMDS) and the container credentials URL, with the checks the SDKs make on them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use http::Uri;

use super::sso::config_err;
use super::CredentialsError;
use crate::{Env, Session};

const RELATIVE_VAR: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The ECS task metadata address a relative URI is appended to.
const ECS_HOST: &str = "169.254.170.2";
/// The EKS Pod Identity agent, IPv4 and IPv6.
const EKS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
const EKS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23);

/// The instance metadata endpoint the session would use: `ec2_metadata_service_endpoint`,
/// else the default for `ec2_metadata_service_endpoint_mode` (IPv4 `http://169.254.169.254`,
/// IPv6 `http://[fd00:ec2::254]`). `None` when `ec2_metadata_disabled` is set.
///
/// An endpoint, from any layer, wins over a mode from any layer, as in the SDKs. Both were
/// checked when the session was built (an endpoint that is not an absolute URL, or a mode
/// other than `IPv4` / `IPv6`, fails the build naming the setting and its origin).
pub fn imds_endpoint(session: &Session) -> Option<String> {
    let settings = session.settings();
    if settings.flag("ec2_metadata_disabled") == Some(true) {
        return None;
    }
    if let Some(endpoint) = settings.text("ec2_metadata_service_endpoint") {
        return Some(endpoint.to_owned());
    }
    // The registry canonicalizes the mode's case.
    Some(match settings.text("ec2_metadata_service_endpoint_mode") {
        Some("IPv6") => "http://[fd00:ec2::254]".into(),
        _ => "http://169.254.169.254".into(),
    })
}

/// The container credentials URL as the variables give it, unchecked:
/// `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (which wins), else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`. `None` when neither is set.
///
/// Prefer [`container_credentials_uri`], which also checks the URL and names the variable
/// when it is wrong. ([`plan`](super::plan) checks it before it gives a container step.)
pub fn container_uri(session: &Session) -> Option<String> {
    let env = session.env();
    if let Some(rel) = env.get_non_empty(RELATIVE_VAR) {
        return Some(format!("http://{ECS_HOST}{rel}"));
    }
    env.get_non_empty(FULL_VAR)
}

/// The container credentials URL (ECS task roles, EKS Pod Identity), checked:
/// `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (which wins), else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
///
/// A full URL must be absolute with a host; plain `http` may only go to addresses that
/// cannot leave the machine or the task's link-local network (loopback, `localhost`,
/// `169.254.170.2`, `169.254.170.23`, `fd00:ec2::23`), so a misconfigured variable cannot
/// send the authorization token across a network in clear; `https` may go anywhere.
///
/// ```
/// use session_core::credentials::container_credentials_uri;
/// use session_core::Env;
///
/// let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds")]);
/// assert_eq!(container_credentials_uri(&env).unwrap(), "http://169.254.170.2/v2/creds");
///
/// let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", "/credentials")]);
/// let e = container_credentials_uri(&env).unwrap_err();
/// assert!(e.to_string().contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
/// ```
///
/// # Errors
/// [Not configured](CredentialsError::is_not_configured) when neither variable is set;
/// otherwise an error naming the variable: a relative URI that does not start with `/`, a
/// full URL that does not parse, has no host, is not `http`/`https`, or uses plain `http`
/// to another host.
pub fn container_credentials_uri(env: &Env) -> Result<String, CredentialsError> {
    if let Some(rel) = env.get_non_empty(RELATIVE_VAR) {
        if !rel.starts_with('/') {
            return Err(config_err(format!(
                "{RELATIVE_VAR} = {rel:?} must be a path that starts with '/'"
            )));
        }
        let uri = format!("http://{ECS_HOST}{rel}");
        check(RELATIVE_VAR, &rel, &uri)?;
        return Ok(uri);
    }
    if let Some(full) = env.get_non_empty(FULL_VAR) {
        check(FULL_VAR, &full, &full)?;
        return Ok(full);
    }
    Err(CredentialsError::not_configured(format!(
        "neither {RELATIVE_VAR} nor {FULL_VAR} is set"
    )))
}

fn check(var: &str, value: &str, uri: &str) -> Result<(), CredentialsError> {
    let invalid = |why: &str| config_err(format!("{var} = {value:?}: {why}"));
    let parsed: Uri = uri
        .parse()
        .map_err(|_| invalid("not a valid URI (it has characters a URI cannot hold)"))?;
    let host = parsed
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("the URI did not specify a host"))?;
    match parsed.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if http_allowed(host) => Ok(()),
        Some("http") => Err(invalid(&format!(
            "plain http to host {host} is not allowed (only to loopback, localhost, 169.254.170.2, 169.254.170.23 or fd00:ec2::23); use https"
        ))),
        _ => Err(invalid("the URI must start with http:// or https://")),
    }
}

/// Hosts plain `http` may go to: nothing there can be read off a network.
fn http_allowed(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip.to_string() == ECS_HOST || ip == EKS_V4,
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip == EKS_V6,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(vars: &[(&str, &str)]) -> Result<String, CredentialsError> {
        container_credentials_uri(&Env::from_vars(vars.iter().copied()))
    }

    #[test]
    fn plain_http_only_to_local_addresses() {
        for ok in [
            "http://127.0.0.2/creds",
            "http://localhost:1234/creds",
            "http://[::1]:1234/creds",
            "http://169.254.170.2/v2/credentials/abc",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "https://10.0.0.1/creds",
        ] {
            assert_eq!(uri(&[(FULL_VAR, ok)]).unwrap(), ok);
        }
        let e = uri(&[(FULL_VAR, "http://10.0.0.1/creds")]).unwrap_err();
        assert!(e.to_string().contains("use https"), "{e}");
        let e = uri(&[(FULL_VAR, "ftp://localhost/creds")]).unwrap_err();
        assert!(e.to_string().contains(FULL_VAR), "{e}");
    }

    #[test]
    fn relative_uris_must_be_paths() {
        let e = uri(&[(RELATIVE_VAR, "credentials")]).unwrap_err();
        assert!(e.to_string().contains(RELATIVE_VAR), "{e}");
        assert!(uri(&[]).unwrap_err().is_not_configured());
        assert!(uri(&[(RELATIVE_VAR, " ")]).unwrap_err().is_not_configured());
    }
}
