//! Process memory with dynamic clients for ten services open, beside boto3 with the same
//! ten clients (`benches/dyn_rss_boto3.py`), each in a process of its own, interleaved over
//! a few rounds. Each process reports `VmRSS` (resident now) and `VmHWM` (peak) from
//! `/proc/self/status`, once with only the configuration loaded (our `Session` and a tokio
//! runtime; boto3's `Session`) and once more with the ten clients built.
//!
//! Run: `cargo bench -p session-dynamic --bench dyn_rss` (`-- --rounds N`). The boto3 side
//! runs when `python3 -c 'import boto3'` works, and is left out otherwise. Figures in
//! docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::process::Command;

use session_core::{Env, Session};
use session_dynamic::{DynClient, ModelSource};

const PACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
);
const BOTO3: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../benches/dyn_rss_boto3.py"
);
/// A mix of sizes and protocols, EC2 (the largest model) among them.
const SERVICES: [&str; 10] = [
    "s3",
    "sqs",
    "dynamodb",
    "lambda",
    "ec2",
    "iam",
    "sns",
    "kms",
    "secretsmanager",
    "ssm",
];

/// `VmRSS` and `VmHWM` of this process, in KiB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The measured process: configuration, then ten clients; one JSON line out.
fn child() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDBENCH")
        .secret_access_key("bench-secret")
        .build()
        .unwrap();
    let (base, _) = memory();
    let clients: Vec<DynClient> = rt.block_on(async {
        SERVICES
            .iter()
            .map(|name| {
                DynClient::builder(&session, name)
                    .models(ModelSource::pack(PACK))
                    .build()
                    .unwrap()
            })
            .collect()
    });
    let (rss, peak) = memory();
    println!(
        "{{\"base_kib\": {base}, \"rss_kib\": {rss}, \"peak_kib\": {peak}, \"clients\": {}}}",
        clients.len()
    );
}

#[derive(Clone, Copy, Default)]
struct Reading {
    base: u64,
    rss: u64,
    peak: u64,
}

fn run(cmd: &mut Command) -> Option<Reading> {
    let out = cmd
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        // Where a pinned boto3 was installed (`pip install --target`), if anywhere.
        .env(
            "PYTHONPATH",
            std::env::var_os("PYTHONPATH").unwrap_or_default(),
        )
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let n = |k: &str| v[k].as_u64();
    Some(Reading {
        base: n("base_kib")?,
        rss: n("rss_kib")?,
        peak: n("peak_kib")?,
    })
}

fn median(mut xs: Vec<u64>) -> u64 {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--child") {
        return child();
    }
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let boto3_version = Command::new("python3")
        .args([
            "-c",
            "import boto3, botocore; print(boto3.__version__, botocore.__version__)",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let have_boto3 = boto3_version.is_some();
    let me = std::env::current_exe().unwrap();
    let (mut ours, mut boto3) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours.push(run(Command::new(&me).arg("--child")).expect("our child process"));
        if have_boto3 {
            boto3.push(
                run(Command::new("python3")
                    .arg(BOTO3)
                    .args(SERVICES)
                    .env("AWS_DEFAULT_REGION", "us-east-1"))
                .expect("the boto3 child process"),
            );
        }
    }
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!("ten clients: {}", SERVICES.join(", "));
    if let Some(v) = &boto3_version {
        println!("boto3, botocore: {v}");
    }
    println!("| contender | config only (MiB) | with 10 clients (MiB) | the clients' share (MiB) | peak (MiB) |");
    println!("|---|---|---|---|---|");
    for (name, rs) in [("aws-session DynClient", &ours), ("boto3", &boto3)] {
        if rs.is_empty() {
            println!("| {name} | not run | | | |");
            continue;
        }
        let base = median(rs.iter().map(|r| r.base).collect());
        let rss = median(rs.iter().map(|r| r.rss).collect());
        let peak = median(rs.iter().map(|r| r.peak).collect());
        let share = median(rs.iter().map(|r| r.rss - r.base).collect());
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} |",
            mib(base),
            mib(rss),
            mib(share),
            mib(peak)
        );
    }
    println!("(medians of {rounds} interleaved rounds, one process per contender per round)");
}
