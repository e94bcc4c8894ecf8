//! Hedged GetObject calls against a latency tail: the latency percentiles of 10,000 calls
//! with and without `ClientBuilder::hedge`, and the share of extra requests.
//!
//! 1. A stub S3 server in this process (its own runtime and thread) answers every GET with
//!    a 1 KiB object; 1 % of requests, chosen by a seeded random generator, wait 200 ms
//!    before the response head. A STUB: no installable server has a latency tail on demand.
//! 2. SeaweedFS (`session-testkit` installs and starts it): its own tail, nothing injected.
//!
//! Run: `cargo bench -p aws-session --bench hedge` (`HEDGE_CALLS=N` for another count,
//! `HEDGE_TASKS=N` for another number of concurrent callers; default 10,000 and 8).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_session::layers::hedge::HedgeConfig;
use aws_session::s3::S3Client;
use aws_session::{Env, Session};
use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};

/// Requests the stub answered, and how many it delayed.
#[derive(Default)]
struct Served {
    requests: AtomicU64,
    delayed: AtomicU64,
}

/// Starts the stub on its own thread; returns its port.
fn start_stub(served: Arc<Served>) -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            let object = Bytes::from(vec![b'x'; 1024]);
            let tail = Arc::new(Mutex::new(fastrand::Rng::with_seed(7)));
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let _ = stream.set_nodelay(true);
                let (object, tail, served) = (object.clone(), tail.clone(), served.clone());
                tokio::spawn(async move {
                    let svc =
                        hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                            let (object, tail, served) =
                                (object.clone(), tail.clone(), served.clone());
                            async move {
                                let _ = req.into_body().collect().await;
                                served.requests.fetch_add(1, Ordering::Relaxed);
                                let slow = tail.lock().unwrap().u32(0..100) == 0;
                                if slow {
                                    served.delayed.fetch_add(1, Ordering::Relaxed);
                                    tokio::time::sleep(Duration::from_millis(200)).await;
                                }
                                let resp = http::Response::builder()
                                    .header("content-type", "application/octet-stream")
                                    .header("etag", "\"e763a3a41b01bbe7e1ee11c7ff7809e6\"")
                                    .header("x-amz-request-id", "BENCH")
                                    .body(Full::new(object))
                                    .unwrap();
                                Ok::<_, std::convert::Infallible>(resp)
                            }
                        });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, svc)
                        .await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

fn stub_session(port: u16) -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .setting("endpoint_url", format!("http://127.0.0.1:{port}"))
        .setting("s3.addressing_style", "path")
        .build()
        .unwrap()
}

/// Latencies of `calls` GetObject calls (head and body), `tasks` at a time.
async fn run(s3: &S3Client, bucket: &str, calls: usize, tasks: usize) -> Vec<Duration> {
    let per_task = calls / tasks;
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (s3, bucket) = (s3.clone(), bucket.to_owned());
            tokio::spawn(async move {
                let mut took = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let started = Instant::now();
                    let got = s3
                        .get_object()
                        .bucket(&bucket)
                        .key("obj")
                        .send()
                        .await
                        .unwrap();
                    let body = got.body.unwrap().collect().await.unwrap();
                    assert_eq!(body.len(), 1024);
                    took.push(started.elapsed());
                }
                took
            })
        })
        .collect();
    let mut all = Vec::with_capacity(calls);
    for h in handles {
        all.extend(h.await.unwrap());
    }
    all
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn report(label: &str, mut took: Vec<Duration>, extra: Option<f64>) {
    took.sort();
    let extra = extra.map_or_else(|| "-".to_owned(), |e| format!("{:.2} %", e * 100.0));
    println!(
        "| {label} | {} | {} | {} | {} | {} | {} |",
        ms(percentile(&took, 0.50)),
        ms(percentile(&took, 0.90)),
        ms(percentile(&took, 0.99)),
        ms(percentile(&took, 0.999)),
        ms(*took.last().unwrap()),
        extra
    );
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let calls = env_number("HEDGE_CALLS", 10_000);
    let tasks = env_number("HEDGE_TASKS", 8);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("{calls} GetObject calls of 1 KiB, {tasks} callers at a time; latency in ms");
    println!();
    println!("| run | p50 | p90 | p99 | p99.9 | max | extra requests |");
    println!("|---|---|---|---|---|---|---|");

    let served = Arc::new(Served::default());
    let port = start_stub(served.clone());
    let session = stub_session(port);
    rt.block_on(async {
        let plain = S3Client::new(&session).unwrap();
        // Warm the pool and the credentials cache.
        run(&plain, "bench", 64, 8).await;
        let configs = [
            ("stub, 1 % at +200 ms: no hedging", None),
            (
                "stub: hedged, defaults (p95, floor 5 ms)",
                Some(HedgeConfig::new()),
            ),
            (
                "stub: hedged, p95, floor 2 ms",
                Some(HedgeConfig::new().floor(Duration::from_millis(2))),
            ),
        ];
        // Two rounds, so that the VM's drift shows.
        for (label, config) in configs.iter().chain(configs.iter()) {
            let (label, config) = (*label, config);
            let client = match &config {
                None => plain.clone(),
                Some(c) => S3Client::builder(&session)
                    .hedge(c.clone())
                    .build()
                    .unwrap(),
            };
            let before = served.requests.load(Ordering::Relaxed);
            let delayed_before = served.delayed.load(Ordering::Relaxed);
            let took = run(&client, "bench", calls, tasks).await;
            let requests = served.requests.load(Ordering::Relaxed) - before;
            let delayed = served.delayed.load(Ordering::Relaxed) - delayed_before;
            let extra = (requests as f64 - took.len() as f64) / took.len() as f64;
            report(label, took, Some(extra));
            if let Some(stats) = client.raw().hedge_stats() {
                eprintln!("  {label}: {stats:?}; {delayed} requests delayed of {requests}");
            } else {
                eprintln!("  {label}: {delayed} requests delayed of {requests}");
            }
        }
    });

    match session_testkit::Seaweed::start() {
        Ok(weed) => rt.block_on(async {
            let session = weed.session(None);
            let plain = S3Client::new(&session).unwrap();
            plain
                .create_bucket()
                .bucket("hedge-bench")
                .send()
                .await
                .unwrap();
            plain
                .put_object()
                .bucket("hedge-bench")
                .key("obj")
                .body(vec![b'x'; 1024])
                .send()
                .await
                .unwrap();
            run(&plain, "hedge-bench", 64, 8).await;
            for hedge in [false, true, false, true] {
                let client = if hedge {
                    S3Client::builder(&session)
                        .hedge(HedgeConfig::new())
                        .build()
                        .unwrap()
                } else {
                    plain.clone()
                };
                let took = run(&client, "hedge-bench", calls, tasks).await;
                let extra = client
                    .raw()
                    .hedge_stats()
                    .map(|s| s.hedges_sent as f64 / took.len() as f64);
                let label = if hedge {
                    "SeaweedFS: hedged, defaults"
                } else {
                    "SeaweedFS: no hedging"
                };
                report(label, took, extra.or(Some(0.0)));
                if let Some(stats) = client.raw().hedge_stats() {
                    eprintln!("  {label}: {stats:?}");
                }
            }
        }),
        Err(e) => println!("(SeaweedFS not measured: {e})"),
    }
}
