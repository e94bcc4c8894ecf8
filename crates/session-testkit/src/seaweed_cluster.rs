//! A SeaweedFS cluster of separate processes: one master, N volume servers, a filer and
//! an S3 gateway, with replication (`001`: each volume on two servers of the rack), so
//! that a test can kill a volume server in the middle of a transfer.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

use crate::credentials::{random_credentials, Credentials};
use crate::error::{Error, Kind};
use crate::http::{self, Request};
use crate::port::free_port;
use crate::process::{base_env, ServerProcess};
use crate::seaweed::{identities_json, Seaweed};

const READY_TIMEOUT: Duration = Duration::from_secs(40);

/// A SeaweedFS cluster on free loopback ports, each role its own process (killed on drop).
///
/// ```no_run
/// use session_testkit::SeaweedCluster;
///
/// # fn main() -> Result<(), session_testkit::Error> {
/// let mut cluster = SeaweedCluster::start(3, "001")?;
/// println!("{}", cluster.endpoint());
/// cluster.kill_volume(0); // one replica of every volume is gone
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SeaweedCluster {
    // Dropped first, in this order: the gateway, the filer, the volume servers, the master.
    s3: ServerProcess,
    filer: ServerProcess,
    volumes: Vec<Option<ServerProcess>>,
    master: ServerProcess,
    master_addr: SocketAddr,
    addr: SocketAddr,
    endpoint: String,
    credentials: Credentials,
    dir: TempDir,
}

/// A port and its gRPC port, both free a moment ago.
fn ports() -> Result<(u16, u16), Error> {
    let e = |e| Error::io(Kind::Start, "no free ports for the weed cluster", e);
    // SeaweedFS's default gRPC port is the HTTP port + 10000; passing both explicitly
    // keeps every port a free one.
    Ok((free_port().map_err(e)?, free_port().map_err(e)?))
}

fn grpc_socket(role: &str, grpc: u16) -> PathBuf {
    PathBuf::from(format!("/tmp/seaweedfs-{role}-grpc-{grpc}.sock"))
}

impl SeaweedCluster {
    /// Installs `weed` (once) and starts a master (default replication `replication`),
    /// `volume_servers` volume servers, a filer and an S3 gateway, in that order, each
    /// waited for. Takes a few seconds.
    ///
    /// # Errors
    ///
    /// Installing fails, a process exits early, or a role is not ready within 40 s.
    pub fn start(volume_servers: usize, replication: &str) -> Result<Self, Error> {
        let weed = Seaweed::install()?;
        let dir = TempDir::with_prefix("session-testkit-weed-cluster-")
            .map_err(|e| Error::io(Kind::Start, "cannot create a directory for the cluster", e))?;
        let credentials = random_credentials("AKTESTKITWEEDC");
        let root = dir.path().to_owned();
        let mkdir = |name: &str| -> Result<PathBuf, Error> {
            let p = root.join(name);
            std::fs::create_dir_all(&p)
                .map_err(|e| Error::io(Kind::Start, format!("cannot create {}", p.display()), e))?;
            Ok(p)
        };
        let spawn = |name: &'static str, args: Vec<String>, log: &str, litter: &[PathBuf]| {
            let args: Vec<OsString> = args.into_iter().map(OsString::from).collect();
            ServerProcess::spawn(
                name,
                &weed,
                &args,
                &base_env(&root),
                &root,
                root.join(log),
                litter,
            )
        };

        let (mp, mg) = ports()?;
        let master_spec = format!("127.0.0.1:{mp}.{mg}");
        let mut master = spawn(
            "weed master",
            vec![
                format!("-logdir={}", mkdir("log-master")?.display()),
                "master".into(),
                format!("-port={mp}"),
                format!("-port.grpc={mg}"),
                format!("-mdir={}", mkdir("master")?.display()),
                "-ip=127.0.0.1".into(),
                "-ip.bind=127.0.0.1".into(),
                "-peers=none".into(),
                format!("-defaultReplication={replication}"),
                "-volumeSizeLimitMB=256".into(),
            ],
            "master.log",
            &[grpc_socket("master", mg)],
        )?;
        let master_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, mp));
        master.wait_ready(READY_TIMEOUT, || {
            http::send(
                master_addr,
                &Request::new("GET", "/cluster/status").timeout(Duration::from_secs(2)),
            )
            .is_ok_and(|r| r.status == 200 && r.text().contains("\"IsLeader\":true"))
        })?;

        let mut volumes = Vec::with_capacity(volume_servers);
        for i in 0..volume_servers {
            let (vp, vg) = ports()?;
            let name = format!("volume{i}");
            let p = spawn(
                "weed volume",
                vec![
                    format!("-logdir={}", mkdir(&format!("log-{name}"))?.display()),
                    "volume".into(),
                    format!("-port={vp}"),
                    format!("-port.grpc={vg}"),
                    format!("-dir={}", mkdir(&name)?.display()),
                    format!("-master={master_spec}"),
                    "-ip=127.0.0.1".into(),
                    "-ip.bind=127.0.0.1".into(),
                    "-max=20".into(),
                    "-minFreeSpace=1".into(),
                ],
                &format!("{name}.log"),
                &[grpc_socket("volume", vg)],
            )?;
            volumes.push(Some(p));
        }
        let want = volume_servers;
        master.wait_ready(READY_TIMEOUT, || {
            http::send(
                master_addr,
                &Request::new("GET", "/dir/status").timeout(Duration::from_secs(2)),
            )
            .is_ok_and(|r| r.status == 200 && r.text().matches("\"PublicUrl\"").count() >= want)
        })?;

        let (fp, fg) = ports()?;
        let mut filer = spawn(
            "weed filer",
            vec![
                format!("-logdir={}", mkdir("log-filer")?.display()),
                "filer".into(),
                format!("-port={fp}"),
                format!("-port.grpc={fg}"),
                format!("-master={master_spec}"),
                "-ip=127.0.0.1".into(),
                "-ip.bind=127.0.0.1".into(),
                format!("-defaultReplicaPlacement={replication}"),
                format!("-localSocket={}", root.join("filer.sock").display()),
            ],
            "filer.log",
            &[grpc_socket("filer", fg)],
        )?;
        let filer_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, fp));
        filer.wait_ready(READY_TIMEOUT, || {
            http::send(
                filer_addr,
                &Request::new("GET", "/").timeout(Duration::from_secs(2)),
            )
            .is_ok()
        })?;

        let s3_json = root.join("s3.json");
        std::fs::write(&s3_json, identities_json(&credentials))
            .map_err(|e| Error::io(Kind::Start, "cannot write the gateway's s3.json", e))?;
        let (sp, sg) = ports()?;
        let mut s3 = spawn(
            "weed s3",
            vec![
                format!("-logdir={}", mkdir("log-s3")?.display()),
                "s3".into(),
                format!("-port={sp}"),
                format!("-port.grpc={sg}"),
                format!("-filer=127.0.0.1:{fp}.{fg}"),
                format!("-config={}", s3_json.display()),
                "-ip.bind=127.0.0.1".into(),
                format!("-localSocket={}", root.join("s3.sock").display()),
            ],
            "s3.log",
            &[grpc_socket("s3", sg)],
        )?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, sp));
        s3.wait_ready(READY_TIMEOUT, || {
            http::send(
                addr,
                &Request::new("GET", "/healthz").timeout(Duration::from_secs(2)),
            )
            .is_ok_and(|r| r.status == 200)
        })?;
        Ok(Self {
            s3,
            filer,
            volumes,
            master,
            master_addr,
            addr,
            endpoint: format!("http://{addr}"),
            credentials,
            dir,
        })
    }

    /// A session pointed at the gateway (see [`session_for`](crate::session_for)).
    pub fn session(&self, secret: Option<&str>) -> session_core::Session {
        crate::session_for(self.endpoint(), "us-east-1", self.credentials(), secret)
    }

    /// The S3 gateway's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The S3 gateway's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The master's HTTP address (`/cluster/status`, `/dir/status`).
    pub fn master_addr(&self) -> SocketAddr {
        self.master_addr
    }

    /// The gateway's credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Volume servers still running.
    pub fn live_volumes(&self) -> usize {
        self.volumes.iter().filter(|v| v.is_some()).count()
    }

    /// Kills volume server `i` (SIGKILL, like a crashed machine); false if it was already
    /// gone or there is no such server.
    pub fn kill_volume(&mut self, i: usize) -> bool {
        self.volumes.get_mut(i).and_then(Option::take).is_some()
    }

    /// Waits until the master's topology lists exactly the live volume servers, so that a
    /// read after [`kill_volume`](Self::kill_volume) is not sent to the dead one while the
    /// master (and, through it, the filer and gateway) still believes it is up.
    ///
    /// # Errors
    ///
    /// The master still lists a dead server after `timeout`.
    pub fn wait_topology(&self, timeout: Duration) -> Result<(), Error> {
        let want = self.live_volumes();
        let start = std::time::Instant::now();
        let mut last = String::new();
        while start.elapsed() < timeout {
            if let Ok(r) = http::send(
                self.master_addr,
                &Request::new("GET", "/dir/status").timeout(Duration::from_secs(2)),
            ) {
                last = r.text();
                if r.status == 200 && last.matches("\"PublicUrl\"").count() == want {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(Error::new(
            Kind::Timeout,
            format!(
                "the master did not drop the killed volume servers within {timeout:?} \
                 (want {want} live); /dir/status: {last}"
            ),
        ))
    }

    /// The cluster's directory (each role's data and log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The logs of every role, concatenated (for a failing test's message).
    pub fn logs_tail(&self, bytes: usize) -> String {
        let mut out = String::new();
        for p in [self.master.log(), self.filer.log(), self.s3.log()] {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let start = text.len().saturating_sub(bytes);
            out.push_str(&format!(
                "== {}\n{}\n",
                p.display(),
                text.get(start..).unwrap_or_default()
            ));
        }
        out
    }
}
