//! The transfer bench: contenders side by side in one run, each transfer its own process
//! (CPU and peak RSS from `wait4`), 3 interleaved rounds, medians.
//!
//! ```text
//! cargo bench -p session-transfer --bench transfer -- [--rounds 3] [--servers canned,seaweed]
//!     [--contenders ours,floor,tm,boto3] [--shapes up1g,down1g,up256k,down256k,up64k,down64k,start]
//!     [--sink5g] [--big-mib 1024]
//! ```
//!
//! Contenders: `ours` (this crate, defaults), `floor` (raw hyper, unsigned, no checksums:
//! `floor.rs`), `tm` (aws-sdk-s3-transfer-manager 0.3.1 with its defaults, built outside
//! the workspace from `benches/transfer-peers`; path in `BENCH_TM_BIN`), `boto3` (1.44.8's
//! s3transfer, `boto3_peer.py`; the interpreter in `BENCH_PYTHON`). Servers: the canned
//! in-memory stand-in (`canned.rs`, its own process) and SeaweedFS `weed mini` (anonymous
//! access allowed so that the unsigned floor is served). `ours-nv` is ours with the
//! session's `response_checksum_validation = when_required` (see docs/transfers.md).

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    missing_docs,
    unreachable_pub
)]
// `wait4` is the one call that gives a child's CPU time and peak RSS together.
#![allow(unsafe_code)]

mod canned;
mod floor;
mod ours;

use std::collections::BTreeMap;
use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;

fn main() {
    let args: Vec<String> = std::env::args().filter(|a| a != "--bench").collect();
    let sub = args.get(1).map(String::as_str);
    match sub {
        Some("serve") => canned::serve(),
        // In a child process, so that the orchestrator stays small: a child's peak RSS
        // as wait4 reports it starts from its parent's RSS at the fork.
        Some("seed") => {
            let server = Server {
                name: String::new(),
                endpoint: args[2].clone(),
                ak: args[3].clone(),
                sk: args[4].clone(),
                _child: None,
                _dir: None,
            };
            seed(&server, Path::new(&args[5]));
        }
        Some(who @ ("ours" | "floor")) => {
            let [shape, endpoint, bucket, key, path] = &args[2..7] else {
                unreachable!()
            };
            let r = if who == "ours" {
                ours::run(shape, endpoint, bucket, key, Path::new(path))
            } else {
                floor::run(shape, endpoint, bucket, key, Path::new(path))
            };
            if let Err(e) = r {
                eprintln!("{who} {shape}: {e}");
                std::process::exit(1);
            }
        }
        _ => orchestrate(&args[1..]),
    }
}

struct Opts {
    rounds: usize,
    servers: Vec<String>,
    contenders: Vec<String>,
    shapes: Vec<String>,
    sink5g: bool,
    big: u64,
}

fn opts(args: &[String]) -> Opts {
    let mut o = Opts {
        rounds: 3,
        servers: vec!["canned".into(), "seaweed".into()],
        contenders: ["ours", "floor", "tm", "boto3"].map(String::from).to_vec(),
        shapes: [
            "up1g", "down1g", "up256k", "down256k", "up64k", "down64k", "start",
        ]
        .map(String::from)
        .to_vec(),
        sink5g: false,
        big: 1024 * MIB,
    };
    let list = |v: &String| v.split(',').map(str::to_owned).collect::<Vec<_>>();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => o.rounds = it.next().unwrap().parse().unwrap(),
            "--servers" => o.servers = list(it.next().unwrap()),
            "--contenders" => o.contenders = list(it.next().unwrap()),
            "--shapes" => o.shapes = list(it.next().unwrap()),
            "--sink5g" => o.sink5g = true,
            "--big-mib" => o.big = it.next().unwrap().parse::<u64>().unwrap() * MIB,
            other => panic!("unknown option {other}"),
        }
    }
    o
}

struct Server {
    name: String,
    endpoint: String,
    ak: String,
    sk: String,
    _child: Option<std::process::Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(c) = self._child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn start_canned() -> Server {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    Server {
        name: "canned".into(),
        endpoint: format!("http://127.0.0.1:{port}"),
        ak: "AKCANNED".into(),
        sk: "canned-secret".into(),
        _child: Some(child),
        _dir: None,
    }
}

/// `weed mini` with the admin key and an anonymous identity (the floor is unsigned).
fn start_seaweed() -> Server {
    let weed = session_testkit::Seaweed::install().unwrap();
    let dir = tempfile::TempDir::with_prefix("transfer-bench-weed-").unwrap();
    let d = dir.path().display().to_string();
    let (ak, sk) = (
        format!("AKBENCH{}", std::process::id()),
        format!("bench-secret-{}", std::process::id()),
    );
    std::fs::write(
        dir.path().join("s3.json"),
        format!(r#"{{"identities":[{{"name":"admin","credentials":[{{"accessKey":"{ak}","secretKey":"{sk}"}}],"actions":["Admin","Read","Write","List","Tagging"]}},{{"name":"anonymous","actions":["Admin","Read","Write","List"]}}]}}"#),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let base: u16 = 20000 + (std::process::id() % 10000) as u16;
    let child = Command::new(weed)
        .args([
            format!("-logdir={d}"),
            "mini".into(),
            format!("-dir={d}/data"),
            "-ip=127.0.0.1".into(),
            "-ip.bind=127.0.0.1".into(),
            format!("-s3.port={base}"),
            format!("-master.port={}", base + 1),
            format!("-volume.port={}", base + 2),
            format!("-filer.port={}", base + 3),
            format!("-admin.port={}", base + 4),
            format!("-s3.config={d}/s3.json"),
            "-master.telemetry=false".into(),
            "-webdav=false".into(),
            "-admin.ui=false".into(),
            "-s3.port.iceberg=0".into(),
            "-s3.port.lance=0".into(),
        ])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .stdout(std::fs::File::create(dir.path().join("weed.log")).unwrap())
        .stderr(std::fs::File::create(dir.path().join("weed.err")).unwrap())
        .spawn()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], base));
    let start = Instant::now();
    while session_testkit::http::send(
        addr,
        &session_testkit::http::Request::new("GET", "/healthz"),
    )
    .map_or(true, |r| r.status != 200)
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "weed mini did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Server {
        name: "seaweed".into(),
        endpoint: format!("http://{addr}"),
        ak,
        sk,
        _child: Some(child),
        _dir: Some(dir),
    }
}

/// Files with pseudo-random content (so no layer can compress or dedupe them).
fn make_file(path: &Path, len: u64) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == len) {
        return;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ len;
    let mut buf = vec![0u8; (MIB as usize).min(len as usize).max(1)];
    let mut left = len;
    while left > 0 {
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n]).unwrap();
        left -= n as u64;
    }
}

fn make_dir(dir: &Path, n: usize, len: u64) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        make_file(&dir.join(format!("f{i:04}")), len + i as u64 % 7);
    }
}

struct Sample {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
}

/// Runs a contender's process to its end: wall time, user + system CPU, peak RSS.
fn measure(mut cmd: Command, log: &Path) -> Result<Sample, String> {
    let err = std::fs::File::create(log).unwrap();
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to a status and a rusage.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    std::mem::forget(child); // reaped by wait4
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        return Err(format!(
            "exit status {status}: {}",
            tail.chars()
                .rev()
                .take(600)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        ));
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Sample {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss_mib: usage.ru_maxrss as f64 / 1024.0,
    })
}

fn tm_bin() -> PathBuf {
    std::env::var_os("BENCH_TM_BIN").map_or_else(
        || PathBuf::from("/work/targets/transfer/peers-build/release/transfer-peers"),
        PathBuf::from,
    )
}

fn python() -> PathBuf {
    std::env::var_os("BENCH_PYTHON").map_or_else(
        || PathBuf::from("/work/targets/transfer/bench/boto-venv/bin/python"),
        PathBuf::from,
    )
}

fn contender_cmd(who: &str, work: &Path, server: &Server, args: [&str; 5]) -> Command {
    let mut cmd = match who {
        "ours" | "floor" => {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.arg(who);
            c
        }
        "ours-nv" => {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.arg("ours");
            c
        }
        "tm" => Command::new(tm_bin()),
        "boto3" => {
            let script = work.join("boto3_peer.py");
            std::fs::write(&script, include_str!("boto3_peer.py")).unwrap();
            let mut c = Command::new(python());
            c.arg(script);
            c
        }
        other => panic!("unknown contender {other}"),
    };
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", work)
        .env("AWS_CONFIG_FILE", work.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", work.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("BENCH_AK", &server.ak)
        .env("BENCH_SK", &server.sk);
    if who == "ours-nv" {
        cmd.env("BENCH_NO_STACK_VALIDATION", "1");
    }
    cmd
}

/// (SDK shape, key, path, bytes moved, objects) of a bench shape for a contender.
fn shape_args(
    shape: &str,
    who: &str,
    work: &Path,
    big: u64,
) -> (String, String, PathBuf, u64, u64) {
    let out = work.join(format!("out-{who}"));
    match shape {
        "up1g" => (
            "upload".into(),
            format!("up/{who}/big"),
            work.join("big.bin"),
            big,
            1,
        ),
        "down1g" => ("download".into(), "seed/big".into(), out, big, 1),
        "up256k" => (
            "upload-dir".into(),
            format!("up/{who}/s256/"),
            work.join("s256"),
            200 * 256 * 1024,
            200,
        ),
        "down256k" => (
            "download-dir".into(),
            "seed/s256/".into(),
            out,
            200 * 256 * 1024,
            200,
        ),
        "up64k" => (
            "upload-dir".into(),
            format!("up/{who}/s64/"),
            work.join("s64"),
            500 * 64 * 1024,
            500,
        ),
        "down64k" => (
            "download-dir".into(),
            "seed/s64/".into(),
            out,
            500 * 64 * 1024,
            500,
        ),
        "start" => ("start".into(), "seed/tiny".into(), out, 0, 1),
        "sink5g" => ("sink".into(), "sz-5368709120".into(), out, 5 << 30, 1),
        other => panic!("unknown shape {other}"),
    }
}

/// Uploads what the download shapes read (with our manager, not measured).
fn seed(server: &Server, work: &Path) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let session = session_core::Session::builder()
            .env(session_core::Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id(server.ak.clone())
            .secret_access_key(server.sk.clone())
            .setting("endpoint_url", server.endpoint.clone())
            .build()
            .unwrap();
        let tm = session_transfer::TransferManager::from_session(
            &session,
            session_transfer::TransferConfig::default(),
        )
        .unwrap();
        let _ = tm.client().create_bucket().bucket("bench").send().await;
        tm.upload_file(work.join("big.bin"), "bench", "seed/big")
            .await
            .unwrap();
        for (dir, prefix) in [("s256", "seed/s256/"), ("s64", "seed/s64/")] {
            let r = tm
                .upload_directory(work.join(dir), "bench", prefix)
                .await
                .unwrap();
            assert!(r.is_complete());
        }
        tm.upload_bytes(&b"tiny"[..], "bench", "seed/tiny")
            .await
            .unwrap();
    });
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn orchestrate(args: &[String]) {
    let o = opts(args);
    let work_root = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let work = work_root.join("session-transfer-bench");
    std::fs::create_dir_all(&work).unwrap();
    eprintln!("files in {} (big: {} MiB)", work.display(), o.big / MIB);
    make_file(&work.join("big.bin"), o.big);
    make_dir(&work.join("s256"), 200, 256 * 1024);
    make_dir(&work.join("s64"), 500, 64 * 1024);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "# transfer bench: {} rounds, {cores} cores, load average at start {}",
        o.rounds,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    for server_name in &o.servers {
        let server = if server_name == "canned" {
            start_canned()
        } else {
            start_seaweed()
        };
        let status = Command::new(std::env::current_exe().unwrap())
            .args([
                "seed",
                &server.endpoint,
                &server.ak,
                &server.sk,
                work.to_str().unwrap(),
            ])
            .status()
            .unwrap();
        assert!(status.success(), "seeding {} failed", server.name);
        let me = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let rss = me
            .lines()
            .find(|l| l.starts_with("VmRSS"))
            .unwrap_or("VmRSS: ?")
            .to_owned();
        eprintln!("orchestrator {rss} (a floor under every child's peak RSS)");
        // (shape, contender) -> samples
        let mut samples: BTreeMap<(String, String), Vec<Sample>> = BTreeMap::new();
        let mut shapes = o.shapes.clone();
        if o.sink5g && server.name == "canned" {
            shapes.push("sink5g".into());
        }
        for round in 0..o.rounds {
            for shape in &shapes {
                // Rotate the order each round so no contender always runs first.
                let mut order: Vec<&String> = o.contenders.iter().collect();
                let n = order.len().max(1);
                order.rotate_left(round % n);
                for who in order {
                    if shape == "sink5g" && who != "ours" {
                        continue;
                    }
                    let (sdk_shape, key, path, _, _) = shape_args(shape, who, &work, o.big);
                    let cmd = contender_cmd(
                        who,
                        &work,
                        &server,
                        [
                            &sdk_shape,
                            &server.endpoint,
                            "bench",
                            &key,
                            path.to_str().unwrap(),
                        ],
                    );
                    let log = work.join(format!("{who}-{shape}.log"));
                    match measure(cmd, &log) {
                        Ok(s) => {
                            eprintln!("{} round {round} {shape:>9} {who:>6}: {:.2} s wall, {:.2} s cpu, {:.0} MiB rss", server.name, s.wall, s.cpu, s.rss_mib);
                            samples
                                .entry((shape.clone(), who.clone()))
                                .or_default()
                                .push(s);
                        }
                        Err(e) => {
                            eprintln!("{} round {round} {shape} {who}: FAILED: {e}", server.name)
                        }
                    }
                    if path.starts_with(&work)
                        && path
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("out-"))
                    {
                        let _ = std::fs::remove_file(&path);
                        let _ = std::fs::remove_dir_all(&path);
                    }
                }
            }
        }
        print_table(&server.name, &shapes, &o.contenders, &samples, &work, o.big);
    }
}

fn print_table(
    server: &str,
    shapes: &[String],
    contenders: &[String],
    samples: &BTreeMap<(String, String), Vec<Sample>>,
    work: &Path,
    big: u64,
) {
    println!("\n## server: {server} (medians)\n");
    println!("| shape | contender | MiB/s | objects/s | CPU s/GiB | CPU ms | peak RSS MiB | wall s | vs floor MiB/s | vs floor CPU |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for shape in shapes {
        let floor = samples.get(&(shape.clone(), "floor".into()));
        let floor_wall = floor.map(|s| median(s.iter().map(|x| x.wall).collect()));
        let floor_cpu = floor.map(|s| median(s.iter().map(|x| x.cpu).collect()));
        for who in contenders {
            let Some(s) = samples.get(&(shape.clone(), who.clone())) else {
                continue;
            };
            let (_, _, _, bytes, objects) = shape_args(shape, who, work, big);
            let wall = median(s.iter().map(|x| x.wall).collect());
            let cpu = median(s.iter().map(|x| x.cpu).collect());
            let rss = median(s.iter().map(|x| x.rss_mib).collect());
            let gib = bytes as f64 / (1u64 << 30) as f64;
            let mibs = bytes as f64 / MIB as f64 / wall;
            let (vs_rate, vs_cpu) = match (floor_wall, floor_cpu) {
                (Some(fw), Some(fc)) if bytes > 0 => {
                    (format!("{:.2}x", fw / wall), format!("{:.2}x", cpu / fc))
                }
                (Some(fw), Some(fc)) => (format!("{:.2}x", fw / wall), format!("{:.2}x", cpu / fc)),
                _ => ("-".into(), "-".into()),
            };
            let cpu_per_gib = if bytes > 0 {
                format!("{:.2}", cpu / gib)
            } else {
                "-".into()
            };
            let rate = if bytes > 0 {
                format!("{mibs:.0}")
            } else {
                "-".into()
            };
            println!(
                "| {shape} | {who} | {rate} | {:.0} | {cpu_per_gib} | {:.0} | {rss:.0} | {wall:.2} | {vs_rate} | {vs_cpu} |",
                objects as f64 / wall,
                cpu * 1000.0
            );
        }
    }
}
