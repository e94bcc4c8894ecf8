//! [moto](https://github.com/getmoto/moto) in server mode: S3, SQS, STS, DynamoDB, IAM.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use tempfile::TempDir;

use crate::credentials::Credentials;
use crate::error::{Error, Kind};
use crate::http::{self, Request};
use crate::install::{install_once, pip_install_venv};
use crate::port::{free_port, random_u64};
use crate::process::{base_env, retry_start, ServerProcess};
use crate::shared::shared;
use crate::target_dir::peers_dir;

/// The pip requirement installed (pinned).
pub const MOTO_SPEC: &str = "moto[server]==5.2.5";

const READY_TIMEOUT: Duration = Duration::from_secs(20);
const IAM_USER: &str = "session-testkit";
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
/// moto routes a request by the service in the credential scope; before auth is on the
/// signature itself is not checked.
const IAM_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=session-testkit/20260101/us-east-1/iam/aws4_request, \
    SignedHeaders=host, Signature=0";

/// A moto server on a free loopback port, killed on drop.
///
/// With [`Moto::start`] signature checking is off (moto's default: any credentials, signed
/// or not, are accepted). With [`Moto::start_with_auth`] it is on, and only
/// [`Moto::credentials`] (an IAM user with an allow-all policy) sign valid requests; a wrong
/// signature is answered 403 `SignatureDoesNotMatch`, an unknown key 403
/// `InvalidAccessKeyId`, and a request with no `Authorization` header at all 500 (a moto
/// quirk).
///
/// S3 must be addressed path-style (`{endpoint}/{bucket}/{key}`).
///
/// ```no_run
/// use session_testkit::Moto;
///
/// # fn main() -> Result<(), session_testkit::Error> {
/// let moto = Moto::start_with_auth()?;
/// println!("{} {} {}", moto.endpoint(), moto.region(), moto.credentials().access_key_id());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Moto {
    // Dropped first: the process is killed before its home directory is removed.
    process: ServerProcess,
    addr: SocketAddr,
    endpoint: String,
    credentials: Credentials,
    /// The seed that makes moto generate the same access key again after a reset.
    auth_seed: Option<u32>,
    _home: TempDir,
}

impl Moto {
    /// Installs moto into `<target>/peers/moto-venv` unless already there, and returns the
    /// venv's directory. [`Moto::start`] calls this; call it directly to install ahead of the
    /// tests (it takes about half a minute the first time).
    ///
    /// # Errors
    ///
    /// Creating the venv or `pip install` fails (the error carries the log's tail).
    pub fn install() -> Result<PathBuf, Error> {
        install_once(&peers_dir(), "moto-venv", MOTO_SPEC, |venv, log| {
            pip_install_venv(venv, MOTO_SPEC, log)
        })
    }

    /// Installs (once) and starts moto with signature checking off. The credentials are
    /// `testing`/`testing`, but any are accepted.
    ///
    /// # Errors
    ///
    /// Installing fails, the server exits early, or it is not ready within 20 s.
    pub fn start() -> Result<Self, Error> {
        let venv = Self::install()?;
        retry_start(|| Self::spawn(&venv))
    }

    /// Installs (once) and starts moto with signature checking on: creates an IAM user, an
    /// access key and an allow-all policy, then turns checking on (`/moto-api/reset-auth`).
    ///
    /// # Errors
    ///
    /// As [`Moto::start`], or a bootstrap call is not answered as expected.
    pub fn start_with_auth() -> Result<Self, Error> {
        let mut moto = Self::start()?;
        let seed = u32::try_from(random_u64() % 1_000_000_000).unwrap_or(42);
        moto.credentials = moto.bootstrap_auth(seed)?;
        moto.auth_seed = Some(seed);
        Ok(moto)
    }

    /// One moto per test process, auth off, started on first use and never reset by the
    /// harness. Share it between tests by using unique bucket and queue names; do not call
    /// [`Moto::reset`] on it while other tests may be running.
    ///
    /// # Panics
    ///
    /// If moto cannot be installed or started (this is a test convenience; the message
    /// carries the reason). Every later call panics with the same message.
    pub fn shared() -> &'static Moto {
        static SHARED: OnceLock<Result<Moto, String>> = OnceLock::new();
        shared(&SHARED, "moto", Moto::start)
    }

    /// Like [`Moto::shared`], with signature checking on.
    ///
    /// # Panics
    ///
    /// If moto cannot be installed, started or bootstrapped (a test convenience).
    pub fn shared_with_auth() -> &'static Moto {
        static SHARED: OnceLock<Result<Moto, String>> = OnceLock::new();
        shared(&SHARED, "moto (auth on)", Moto::start_with_auth)
    }

    /// A session pointed at this server with its credentials (see
    /// [`session_for`](crate::session_for)); `secret` overrides the secret.
    pub fn session(&self, secret: Option<&str>) -> session_core::Session {
        crate::session_for(self.endpoint(), self.region(), self.credentials(), secret)
    }

    /// The endpoint URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The region to sign for: `us-east-1`.
    pub fn region(&self) -> &'static str {
        "us-east-1"
    }

    /// The credentials to sign with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Whether signatures are checked (started with [`Moto::start_with_auth`]).
    pub fn auth_enabled(&self) -> bool {
        self.auth_seed.is_some()
    }

    /// The server's log (stdout and stderr; one line per request).
    pub fn log_path(&self) -> &Path {
        self.process.log()
    }

    /// Deletes all state (`POST /moto-api/reset`). With auth on, the IAM user and its access
    /// key are re-created with the same key pair, so [`Moto::credentials`] stay valid.
    ///
    /// # Errors
    ///
    /// The server does not answer as expected.
    pub fn reset(&self) -> Result<(), Error> {
        self.post("/moto-api/reset", "", &[])?;
        if let Some(seed) = self.auth_seed {
            let again = self.bootstrap_auth(seed)?;
            if again != self.credentials {
                return Err(Error::new(
                    Kind::Bootstrap,
                    "moto generated a different access key after reset",
                ));
            }
        }
        Ok(())
    }

    fn spawn(venv: &Path) -> Result<Self, Error> {
        let port = free_port().map_err(|e| Error::io(Kind::Start, "no free port for moto", e))?;
        let home = TempDir::with_prefix("session-testkit-moto-")
            .map_err(|e| Error::io(Kind::Start, "cannot create a home for moto", e))?;
        let args: Vec<OsString> = vec![
            "-H".into(),
            "127.0.0.1".into(),
            "-p".into(),
            port.to_string().into(),
        ];
        let mut process = ServerProcess::spawn(
            "moto_server",
            &venv.join("bin/moto_server"),
            &args,
            &base_env(home.path()),
            home.path(),
            home.path().join("moto.log"),
            &[],
        )?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        process.wait_ready(READY_TIMEOUT, || {
            let probe = Request::new("GET", "/moto-api/data.json").timeout(Duration::from_secs(2));
            http::send(addr, &probe).is_ok_and(|r| r.status == 200)
        })?;
        Ok(Self {
            process,
            addr,
            endpoint: format!("http://{addr}"),
            credentials: Credentials::new("testing", "testing"),
            auth_seed: None,
            _home: home,
        })
    }

    /// Lets the next `n` requests through unchecked, then checks signatures again
    /// (`/moto-api/reset-auth` with `n`). For requests real AWS takes unsigned but moto,
    /// with checking on, answers 500 (it requires an `Authorization` header on every
    /// request), such as STS AssumeRoleWithWebIdentity. Use a dedicated instance.
    ///
    /// # Errors
    ///
    /// The server does not answer as expected.
    pub fn skip_checks_for_next(&self, n: u32) -> Result<(), Error> {
        self.post(
            "/moto-api/reset-auth",
            &n.to_string(),
            &[("Content-Type", "text/plain")],
        )
        .map(drop)
    }

    /// Creates an IAM role `name` that anyone may assume and that may do anything, so that
    /// credentials of an assumed role can call further services (moto authorizes assumed
    /// roles by their policies, and a role it does not know fails every call). Returns the
    /// role's ARN.
    ///
    /// With signature checking on, checking is turned off for the two IAM calls: use a
    /// dedicated instance ([`Moto::start_with_auth`]), not a shared one.
    ///
    /// # Errors
    ///
    /// The server does not answer as expected.
    pub fn create_role(&self, name: &str) -> Result<String, Error> {
        const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
        if self.auth_enabled() {
            self.post(
                "/moto-api/reset-auth",
                "inf",
                &[("Content-Type", "text/plain")],
            )?;
        }
        let created = self.iam(&[
            ("Action", "CreateRole"),
            ("RoleName", name),
            ("AssumeRolePolicyDocument", TRUST),
        ]);
        let policy = self.iam(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", name),
            ("PolicyName", "allow-all"),
            ("PolicyDocument", ALLOW_ALL),
        ]);
        if self.auth_enabled() {
            self.post(
                "/moto-api/reset-auth",
                "0",
                &[("Content-Type", "text/plain")],
            )?;
        }
        let created = created?;
        policy?;
        xml_text(&created, "Arn").map(str::to_owned).ok_or_else(|| {
            Error::new(
                Kind::Bootstrap,
                format!("moto's CreateRole answer has no Arn: {created}"),
            )
        })
    }

    /// Turns checking off, creates the user, key and policy, and turns checking on.
    fn bootstrap_auth(&self, seed: u32) -> Result<Credentials, Error> {
        self.post(
            "/moto-api/reset-auth",
            "inf",
            &[("Content-Type", "text/plain")],
        )?;
        self.post(&format!("/moto-api/seed?a={seed}"), "", &[])?;
        self.iam(&[("Action", "CreateUser"), ("UserName", IAM_USER)])?;
        let created = self.iam(&[("Action", "CreateAccessKey"), ("UserName", IAM_USER)])?;
        self.iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", IAM_USER),
            ("PolicyName", "allow-all"),
            ("PolicyDocument", ALLOW_ALL),
        ])?;
        let id = xml_text(&created, "AccessKeyId");
        let secret = xml_text(&created, "SecretAccessKey");
        let (Some(id), Some(secret)) = (id, secret) else {
            return Err(Error::new(
                Kind::Bootstrap,
                format!("moto's CreateAccessKey answer has no key: {created}"),
            ));
        };
        // Not form-encoded, or moto answers 500.
        self.post(
            "/moto-api/reset-auth",
            "0",
            &[("Content-Type", "text/plain")],
        )?;
        Ok(Credentials::new(id, secret))
    }

    /// An IAM query-protocol call (form POST to `/`); returns the XML body.
    fn iam(&self, params: &[(&str, &str)]) -> Result<String, Error> {
        let mut form = String::from("Version=2010-05-08");
        for (k, v) in params {
            form.push('&');
            form.push_str(&http::form_encode(k));
            form.push('=');
            form.push_str(&http::form_encode(v));
        }
        self.post(
            "/",
            &form,
            &[
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                ("Authorization", IAM_AUTHORIZATION),
            ],
        )
    }

    fn post(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Result<String, Error> {
        let mut request = Request::new("POST", path).body(body.as_bytes());
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let what = || format!("moto bootstrap call POST {path}");
        let response = http::send(self.addr, &request)
            .map_err(|e| Error::io(Kind::Bootstrap, what(), e).with_log(self.process.log()))?;
        if response.status == 200 {
            Ok(response.text())
        } else {
            Err(Error::new(
                Kind::Bootstrap,
                format!(
                    "{} answered {}: {}",
                    what(),
                    response.status,
                    response.text()
                ),
            )
            .with_log(self.process.log()))
        }
    }
}

/// The text of the first `<tag>…</tag>` in `xml` (no entities are expected in key material).
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_xml_text() {
        let xml = "<R><AccessKey><AccessKeyId>AKIA1</AccessKeyId>\
                   <SecretAccessKey>s/e+c</SecretAccessKey></AccessKey></R>";
        assert_eq!(xml_text(xml, "AccessKeyId"), Some("AKIA1"));
        assert_eq!(xml_text(xml, "SecretAccessKey"), Some("s/e+c"));
        assert_eq!(xml_text(xml, "Missing"), None);
    }
}
