//! Role `calls`: one contender's per-call rows in a process of its own. Each row: the
//! server's counts, warm-up calls, the timed loop (client CPU from `getrusage`, all threads,
//! and wall time), the counts again; the server must have seen exactly one request per call.

use std::future::Future;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::contenders::Contender;
use crate::probe::Counts;
use crate::rusage::cpu_time;

/// How many calls each row makes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Sizes {
    /// Timed calls of SendMessage, GetObject and PutObject.
    pub(crate) calls: u64,
    /// Timed ListObjectsV2 calls (each parses 30 KB).
    pub(crate) list_calls: u64,
    /// Timed calls of the 64-task row (a multiple of 64).
    pub(crate) concurrent_calls: u64,
    /// Untimed warm-up calls before each loop (a tenth for the listing).
    pub(crate) warmup: u64,
}

impl Sizes {
    /// The defaults, scaled (`--quick` is 0.1).
    pub(crate) fn scaled(scale: f64) -> Self {
        let n = |base: f64, min: u64| ((base * scale) as u64).max(min);
        Self {
            calls: n(5_000.0, 50),
            list_calls: n(1_000.0, 10),
            concurrent_calls: n(20_000.0, 64).div_ceil(64) * 64,
            warmup: n(500.0, 10),
        }
    }
}

/// One timed loop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Timed {
    /// Client CPU (user + system, all threads) per call, µs.
    pub(crate) cpu_us: f64,
    /// Wall time per call, µs.
    pub(crate) wall_us: f64,
    /// Calls per second of wall time.
    pub(crate) per_second: f64,
    /// Timed calls.
    pub(crate) calls: u64,
    /// Calls that failed, warm-up included.
    pub(crate) errors: u64,
    /// The first failure.
    pub(crate) first_error: Option<String>,
    /// `None` when the server saw exactly one request per call (warm-up included).
    pub(crate) server_mismatch: Option<String>,
}

/// Everything a `calls` process reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CallsReport {
    /// SQS SendMessage.
    pub(crate) send_message: Timed,
    /// S3 GetObject 1 KiB.
    pub(crate) get_object: Timed,
    /// S3 PutObject 1 KiB.
    pub(crate) put_object: Timed,
    /// S3 ListObjectsV2, 100 keys.
    pub(crate) list_objects_v2: Timed,
    /// SendMessage from 64 tasks on one client, 2 worker threads.
    pub(crate) concurrent: Timed,
}

#[derive(Default)]
struct Errors {
    count: u64,
    first: Option<String>,
}

impl Errors {
    fn note(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.count += 1;
            self.first.get_or_insert(e);
        }
    }

    fn add(&mut self, other: Errors) {
        self.count += other.count;
        if self.first.is_none() {
            self.first = other.first;
        }
    }
}

/// Runs every row with clients from `make` (called once per runtime: a pooled connection
/// belongs to the runtime that opened it).
///
/// # Errors
/// A runtime or client cannot be built, or the server cannot be asked for its counts.
pub(crate) fn run<C: Contender>(
    make: impl Fn() -> Result<C, String>,
    port: u16,
    sizes: Sizes,
) -> Result<CallsReport, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = {
        let _guard = rt.enter();
        make()?
    };
    let (w, n) = (sizes.warmup, sizes.calls);
    let send_message = sequential(&rt, port, "sqs", w, n, || client.send_message())?;
    let get_object = sequential(&rt, port, "get", w, n, || client.get_object())?;
    let put_object = sequential(&rt, port, "put", w, n, || client.put_object())?;
    let (lw, ln) = ((w / 10).max(1), sizes.list_calls);
    let list_objects_v2 = sequential(&rt, port, "list", lw, ln, || client.list_objects_v2())?;
    drop(client);
    drop(rt);
    let concurrent = concurrent(make, port, w.div_ceil(64) * 64, sizes.concurrent_calls)?;
    Ok(CallsReport {
        send_message,
        get_object,
        put_object,
        list_objects_v2,
        concurrent,
    })
}

fn sequential<F, Fut>(
    rt: &tokio::runtime::Runtime,
    port: u16,
    kind: &str,
    warmup: u64,
    calls: u64,
    call: F,
) -> Result<Timed, String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let before = Counts::fetch(port)?;
    let (errors, cpu, wall) = rt.block_on(async {
        let mut errors = Errors::default();
        for _ in 0..warmup {
            errors.note(call().await);
        }
        let (cpu0, wall0) = (cpu_time(), Instant::now());
        for _ in 0..calls {
            errors.note(call().await);
        }
        (errors, cpu_time() - cpu0, wall0.elapsed())
    });
    let seen = before.since(Counts::fetch(port)?);
    Ok(timed(
        calls,
        cpu,
        wall,
        errors,
        seen.expect(kind, warmup + calls),
    ))
}

fn concurrent<C: Contender>(
    make: impl Fn() -> Result<C, String>,
    port: u16,
    warmup: u64,
    calls: u64,
) -> Result<Timed, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = {
        let _guard = rt.enter();
        make()?
    };
    let before = Counts::fetch(port)?;
    let mut errors = rt.block_on(tasks_64(client.clone(), warmup));
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    errors.add(rt.block_on(tasks_64(client, calls)));
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    let seen = before.since(Counts::fetch(port)?);
    Ok(timed(
        calls,
        cpu,
        wall,
        errors,
        seen.expect("sqs", warmup + calls),
    ))
}

/// `calls` SendMessage calls spread over 64 tasks sharing `client`.
async fn tasks_64<C: Contender>(client: C, calls: u64) -> Errors {
    let per_task = calls / 64;
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut errors = Errors::default();
                for _ in 0..per_task {
                    errors.note(client.send_message().await);
                }
                errors
            })
        })
        .collect();
    let mut errors = Errors::default();
    for task in tasks {
        match task.await {
            Ok(e) => errors.add(e),
            Err(e) => errors.note(Err(format!("task: {e}"))),
        }
    }
    errors
}

fn timed(
    calls: u64,
    cpu: std::time::Duration,
    wall: std::time::Duration,
    errors: Errors,
    server: Result<(), String>,
) -> Timed {
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / calls as f64;
    Timed {
        cpu_us: per(cpu),
        wall_us: per(wall),
        per_second: calls as f64 / wall.as_secs_f64(),
        calls,
        errors: errors.count,
        first_error: errors.first,
        server_mismatch: server.err(),
    }
}
