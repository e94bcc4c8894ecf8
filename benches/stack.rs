//! The whole stack against raw hyper doing the same HTTP exchange (the physical limit).
//!
//! A canned HTTP server runs in a separate process (this binary re-executed), so the
//! single-call figures are **client CPU per call** (user + system time of this process, from
//! `getrusage`), as in `shared/PERF.md`. Run: `cargo bench -p aws-session --bench stack`.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_session::s3::S3Client;
use aws_session::sqs::SqsClient;
use aws_session::{Env, Session};
use bytes::Bytes;
use criterion::{Criterion, Throughput};
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;

const SERVER_ENV: &str = "STACK_BENCH_SERVER";
const SQS_RESPONSE: &str = r#"{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"7f9c2ba4-e88f-4ed7-8c7a-6c1a4f2e8f11"}"#;
const SQS_BODY: &str =
    r#"{"QueueUrl":"http://127.0.0.1/123456789012/bench","MessageBody":"hello"}"#;

fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // std has no getrusage. SAFETY: getrusage only writes the struct it is given, which is
    // zero-initialised and large enough.
    #[allow(unsafe_code)]
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

// ---------------------------------------------------------------- canned server (child)

fn run_server() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        let object = Bytes::from(vec![b'x'; 1024]);
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            let object = object.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                    let object = object.clone();
                    async move {
                        let method = req.method().clone();
                        let _ = req.into_body().collect().await;
                        let resp = if method == http::Method::GET {
                            http::Response::builder()
                                .header("content-type", "application/octet-stream")
                                .header("etag", "\"e763a3a41b01bbe7e1ee11c7ff7809e6\"")
                                .header("x-amz-request-id", "BENCH")
                                .body(Full::new(object))
                        } else {
                            http::Response::builder()
                                .header("content-type", "application/x-amz-json-1.0")
                                .header("x-amzn-requestid", "bench-request")
                                .body(Full::new(Bytes::from_static(SQS_RESPONSE.as_bytes())))
                        };
                        Ok::<_, std::convert::Infallible>(resp.unwrap())
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await;
            });
        }
    });
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(SERVER_ENV, "1")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Server {
            child,
            port: line.trim().parse().unwrap(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- contenders

fn session(port: u16) -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .setting("endpoint_url", format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap()
}

type Raw = HyperClient<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

fn raw_client() -> Raw {
    HyperClient::builder(TokioExecutor::new()).build_http()
}

async fn raw_sqs(client: &Raw, port: u16) {
    let req = Request::post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .body(Full::new(Bytes::from_static(SQS_BODY.as_bytes())))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), SQS_RESPONSE.len());
}

async fn raw_get(client: &Raw, port: u16) {
    let req = Request::get(format!("http://127.0.0.1:{port}/bench-bucket/key.bin"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), 1024);
}

async fn our_sqs(client: &SqsClient) {
    let out = client
        .send_message()
        .queue_url("http://127.0.0.1/123456789012/bench")
        .message_body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(out.message_id.map_or(0, |m| m.len()), 36);
}

async fn our_get(client: &S3Client) {
    let out = client
        .get_object()
        .bucket("bench-bucket")
        .key("key.bin")
        .send()
        .await
        .unwrap();
    assert_eq!(out.body.unwrap().collect().await.unwrap().len(), 1024);
}

/// Client CPU per call: `iters` calls one after another on a current-thread runtime.
fn cpu_per_call<F, Fut>(c: &mut Criterion, name: &str, mut call: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = cpu_time();
                for _ in 0..iters {
                    call().await;
                }
                cpu_time() - start
            })
        })
    });
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        run_server();
        return;
    }
    let server = Server::start();
    let port = server.port;
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();

    // One runtime per contender would be fairer, but clients must be created inside a
    // runtime context only for the raw client; ours are runtime-agnostic until called.
    let session = session(port);
    let raw = {
        let _rt = tokio::runtime::Runtime::new().unwrap();
        let _g = _rt.enter();
        raw_client()
    };
    let sqs = SqsClient::new(&session).unwrap();
    let s3 = S3Client::new(&session).unwrap();

    cpu_per_call(&mut c, "sqs_send_message/raw_hyper_unsigned", || {
        raw_sqs(&raw, port)
    });
    cpu_per_call(&mut c, "sqs_send_message/session_stack", || our_sqs(&sqs));
    cpu_per_call(&mut c, "s3_get_object_1k/raw_hyper_unsigned", || {
        raw_get(&raw, port)
    });
    cpu_per_call(&mut c, "s3_get_object_1k/session_stack", || our_get(&s3));

    // Pieces.
    let signer = session_sigv4::Signer::new();
    let settings = session_sigv4::SigningSettings::default();
    c.bench_function("sign/sqs_request_warm_key", |b| {
        let template = Request::post("https://sqs.us-east-1.amazonaws.com/")
            .header("host", "sqs.us-east-1.amazonaws.com")
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "AmazonSQS.SendMessage")
            .body(())
            .unwrap();
        let (parts, ()) = template.into_parts();
        b.iter(|| {
            let mut p = parts.clone();
            let params = session_sigv4::SigningParams {
                identity: session_sigv4::Identity::new("AKIDEXAMPLE", "secret"),
                region: "us-east-1",
                service: "sqs",
                time: std::time::SystemTime::now(),
                payload: session_sigv4::PayloadHash::Precomputed(
                    "9e0e2ed4f8ffa1ddb2e1ad5d3bcc7d6f3bd4e3a1d7a7e58c3b38e55b2c0b7a55",
                ),
                settings: &settings,
            };
            signer.sign_headers(&mut p, &params).unwrap();
            p
        })
    });
    let s3_rules = services_s3::INFO.endpoint_rules.get();
    let s3_params = session_endpoints::Params::new()
        .str("Region", "us-west-2")
        .bool("UseFIPS", false)
        .bool("UseDualStack", false)
        .str("Bucket", "my-bucket");
    c.bench_function("endpoint/s3_virtual_host_resolve", |b| {
        b.iter(|| s3_rules.resolve(&s3_params).unwrap())
    });
    let sqs_params = session_endpoints::Params::new().str("Region", "eu-west-1");
    c.bench_function("endpoint/sqs_resolve", |b| {
        b.iter(|| {
            services_sqs::INFO
                .endpoint_rules
                .get()
                .resolve(&sqs_params)
                .unwrap()
        })
    });
    c.bench_function("client/new_from_loaded_session", |b| {
        b.iter(|| SqsClient::new(&session).unwrap())
    });
    c.bench_function("client/clone", |b| b.iter(|| sqs.clone()));

    // Throughput: 64 tasks sharing one client on a 2-worker runtime.
    let mt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("concurrent_64_tasks");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sqs_send_message/raw_hyper_unsigned", |b| {
        b.to_async(&mt).iter_custom(|iters| {
            let raw = raw.clone();
            run_concurrent(iters, move || {
                let raw = raw.clone();
                async move { raw_sqs(&raw, port).await }
            })
        })
    });
    group.bench_function("sqs_send_message/session_stack", |b| {
        b.to_async(&mt).iter_custom(|iters| {
            let sqs = sqs.clone();
            run_concurrent(iters, move || {
                let sqs = sqs.clone();
                async move { our_sqs(&sqs).await }
            })
        })
    });
    group.finish();
    c.final_summary();

    // Interleaved rounds: this VM's speed drifts over minutes, so contenders measured one
    // after the other (as criterion does) can differ by the drift alone. Alternating rounds
    // and taking medians cancels most of it.
    if std::env::var_os("STACK_BENCH_SKIP_ROUNDS").is_none() {
        interleaved_rounds(&mt, &raw, &sqs, &s3, port);
    }
    drop(server);
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

fn interleaved_rounds(
    mt: &tokio::runtime::Runtime,
    raw: &Raw,
    sqs: &SqsClient,
    s3: &S3Client,
    port: u16,
) {
    const ROUNDS: usize = 7;
    const CALLS: u64 = 5_000;
    // One runtime for every phase: a pooled connection's task lives on the runtime that
    // opened it, so a second runtime would hand out connections nobody drives.
    let single = mt;
    let (mut cpu_raw, mut cpu_ours, mut tp_raw, mut tp_ours) = (vec![], vec![], vec![], vec![]);
    let (mut get_raw, mut get_ours) = (vec![], vec![]);
    for _ in 0..ROUNDS {
        let start = cpu_time();
        single.block_on(async {
            for _ in 0..CALLS {
                raw_get(raw, port).await;
            }
        });
        get_raw.push((cpu_time() - start).as_secs_f64() * 1e6 / CALLS as f64);
        let start = cpu_time();
        single.block_on(async {
            for _ in 0..CALLS {
                our_get(s3).await;
            }
        });
        get_ours.push((cpu_time() - start).as_secs_f64() * 1e6 / CALLS as f64);

        let start = cpu_time();
        single.block_on(async {
            for _ in 0..CALLS {
                raw_sqs(raw, port).await;
            }
        });
        cpu_raw.push((cpu_time() - start).as_secs_f64() * 1e6 / CALLS as f64);
        let start = cpu_time();
        single.block_on(async {
            for _ in 0..CALLS {
                our_sqs(sqs).await;
            }
        });
        cpu_ours.push((cpu_time() - start).as_secs_f64() * 1e6 / CALLS as f64);

        let r = raw.clone();
        let t = mt.block_on(run_concurrent(CALLS * 4, move || {
            let r = r.clone();
            async move { raw_sqs(&r, port).await }
        }));
        tp_raw.push((CALLS * 4) as f64 / t.as_secs_f64());
        let q = sqs.clone();
        let t = mt.block_on(run_concurrent(CALLS * 4, move || {
            let q = q.clone();
            async move { our_sqs(&q).await }
        }));
        tp_ours.push((CALLS * 4) as f64 / t.as_secs_f64());
    }
    let ratios_cpu: Vec<f64> = cpu_ours.iter().zip(&cpu_raw).map(|(o, r)| o / r).collect();
    let ratios_tp: Vec<f64> = tp_ours.iter().zip(&tp_raw).map(|(o, r)| o / r).collect();
    let ratios_get: Vec<f64> = get_ours.iter().zip(&get_raw).map(|(o, r)| o / r).collect();
    println!("\ninterleaved rounds ({ROUNDS} x {CALLS} SQS SendMessage calls), medians:");
    println!(
        "  client CPU per call: raw hyper {:.1} us, session stack {:.1} us, ratio {:.2}",
        median(cpu_raw),
        median(cpu_ours),
        median(ratios_cpu)
    );
    println!(
        "  S3 GetObject 1 KiB, client CPU per call: raw hyper {:.1} us, session stack {:.1} us, ratio {:.2}",
        median(get_raw),
        median(get_ours),
        median(ratios_get)
    );
    println!(
        "  64 tasks, 2 workers: raw hyper {:.0} req/s, session stack {:.0} req/s, ratio {:.2}",
        median(tp_raw),
        median(tp_ours),
        median(ratios_tp)
    );
}

async fn run_concurrent<F, Fut>(iters: u64, make: F) -> Duration
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let start = std::time::Instant::now();
    let per_task = iters.div_ceil(64);
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let make = make.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    make().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    start
        .elapsed()
        .mul_f64(iters as f64 / (per_task * 64) as f64)
}
