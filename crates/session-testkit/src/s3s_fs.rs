//! [s3s-fs](https://crates.io/crates/s3s-fs): a strict S3 server (SigV4 always checked)
//! storing objects in a directory.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use tempfile::TempDir;

use crate::credentials::{random_credentials, Credentials};
use crate::error::{Error, Kind};
use crate::http::{self, Request};
use crate::install::{cargo_install, install_once};
use crate::port::free_port;
use crate::process::{base_env, retry_start, ServerProcess};
use crate::shared::shared;
use crate::target_dir::peers_dir;

/// The crate version installed (pinned: newer versions need a newer rustc).
pub const S3S_FS_VERSION: &str = "0.14.1";

const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// An s3s-fs server on a free loopback port with a fresh data directory, killed (and the
/// directory removed) on drop.
///
/// It checks everything: header and presigned signatures, payload hashes, chunk signatures,
/// clock skew, checksums. It knows one key pair, [`S3sFs::credentials`] (chosen at random);
/// session tokens are not supported. An unsigned request is answered 403 `AccessDenied`.
/// S3 must be addressed path-style.
///
/// ```no_run
/// use session_testkit::S3sFs;
///
/// # fn main() -> Result<(), session_testkit::Error> {
/// let s3 = S3sFs::start()?; // the first run builds s3s-fs (a few minutes)
/// println!("{} {}", s3.endpoint(), s3.credentials().access_key_id());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct S3sFs {
    // Dropped first: the process is killed before its directory is removed.
    process: ServerProcess,
    addr: SocketAddr,
    endpoint: String,
    credentials: Credentials,
    data: PathBuf,
    _dir: TempDir,
}

impl S3sFs {
    /// Builds and installs s3s-fs into `<target>/peers/s3s-fs` unless already there, and
    /// returns the path of the binary. Runs `cargo install` (the `cargo` in `$CARGO`, else
    /// from `PATH`) with its own target directory, so it never waits for the workspace's
    /// build lock. Takes about two minutes the first time.
    ///
    /// # Errors
    ///
    /// `cargo install` fails (the error carries the log's tail).
    pub fn install() -> Result<PathBuf, Error> {
        let peers = peers_dir();
        let spec = format!("s3s-fs@{S3S_FS_VERSION}");
        let build_dir = peers.join("s3s-fs-build");
        let root = install_once(&peers, "s3s-fs", &spec, |root, log| {
            cargo_install(&spec, &["--features", "binary"], root, &build_dir, log)
        })?;
        Ok(root.join("bin/s3s-fs"))
    }

    /// Installs (once) and starts s3s-fs on a free port with a random key pair and an empty
    /// temporary data directory.
    ///
    /// # Errors
    ///
    /// Installing fails, the server exits early, or it is not ready within 20 s.
    pub fn start() -> Result<Self, Error> {
        let binary = Self::install()?;
        retry_start(|| Self::spawn(&binary))
    }

    /// One server per test process, started on first use. Share it between tests by using
    /// unique bucket names.
    ///
    /// # Panics
    ///
    /// If it cannot be installed or started (a test convenience; the message carries the
    /// reason). Every later call panics with the same message.
    pub fn shared() -> &'static S3sFs {
        static SHARED: OnceLock<Result<S3sFs, String>> = OnceLock::new();
        shared(&SHARED, "s3s-fs", S3sFs::start)
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

    /// The only credentials the server accepts.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The data directory: each bucket is a subdirectory, each object a file.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// The server's log (stdout and stderr; `RUST_LOG=warn`).
    pub fn log_path(&self) -> &Path {
        self.process.log()
    }

    fn spawn(binary: &Path) -> Result<Self, Error> {
        let port = free_port().map_err(|e| Error::io(Kind::Start, "no free port for s3s-fs", e))?;
        let dir = TempDir::with_prefix("session-testkit-s3s-fs-")
            .map_err(|e| Error::io(Kind::Start, "cannot create a directory for s3s-fs", e))?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data)
            .map_err(|e| Error::io(Kind::Start, "cannot create the s3s-fs data directory", e))?;
        let credentials = random_credentials("AKTESTKITS3S");
        let args: Vec<OsString> = vec![
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string().into(),
            "--access-key".into(),
            credentials.access_key_id().into(),
            "--secret-key".into(),
            credentials.secret_access_key().into(),
            data.clone().into(),
        ];
        let mut env = base_env(dir.path());
        env.push(("RUST_LOG".into(), "warn".into()));
        let mut process = ServerProcess::spawn(
            "s3s-fs",
            binary,
            &args,
            &env,
            dir.path(),
            dir.path().join("s3s-fs.log"),
            &[],
        )?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        process.wait_ready(READY_TIMEOUT, || {
            TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
                && http::send(
                    addr,
                    &Request::new("GET", "/").timeout(Duration::from_secs(2)),
                )
                .is_ok()
        })?;
        Ok(Self {
            process,
            addr,
            endpoint: format!("http://{addr}"),
            credentials,
            data,
            _dir: dir,
        })
    }
}
