//! A fixed number of SQS SendMessage calls against a canned server, for profiling
//! (`valgrind --tool=callgrind`, `perf`, `/usr/bin/time`). Start the server with
//! `STACK_BENCH_SERVER=1 target/release/deps/stack-*` (it prints its port), then
//! `cargo run --release --example hot_loop -- PORT N [raw|stack|rawconc|conc]`:
//! `raw*` is hyper-util doing the same exchange unsigned, `*conc` runs 64 tasks on 2 workers.
//! `NO_ATTEMPT_TIMEOUT=1` turns the per-attempt timeout off; `UNSIGNED=1` sends unsigned
//! (to measure what signing costs); `WORKERS=N` changes the number of worker threads;
//! `METRICS=1` installs a Prometheus recorder (built with the `metrics` feature, the
//! default), to measure what recording costs (build with `--no-default-features` for none
//! of the recording code).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use aws_session::sqs::SqsClient;
use aws_session::{Env, Session};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};

type Raw = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Full<Bytes>,
>;

async fn raw_call(hyper: &Raw, port: u16) {
    let req = http::Request::post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .body(Full::new(Bytes::from_static(
            b"{\"QueueUrl\":\"q\",\"MessageBody\":\"hello\"}",
        )))
        .unwrap();
    let resp = hyper.request(req).await.unwrap();
    resp.into_body().collect().await.unwrap();
}

async fn one(raw: bool, hyper: &Raw, sqs: &SqsClient, port: u16) {
    if raw {
        raw_call(hyper, port).await;
    } else {
        sqs.send_message()
            .queue_url("http://127.0.0.1/123456789012/bench")
            .message_body("hello")
            .send()
            .await
            .unwrap();
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().expect("PORT").parse().unwrap();
    let n: usize = args.next().expect("N").parse().unwrap();
    let mode = args.next().unwrap_or_default();
    let raw = mode.starts_with("raw");
    let concurrent = mode.ends_with("conc");
    #[cfg(feature = "metrics")]
    let _prometheus = std::env::var_os("METRICS").map(|_| {
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .install_recorder()
            .unwrap()
    });
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("secret")
        .setting("endpoint_url", format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let rt = if concurrent {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(
                std::env::var("WORKERS")
                    .ok()
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(2),
            )
            .enable_all()
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let mut builder = SqsClient::builder(&session);
    if std::env::var_os("NO_ATTEMPT_TIMEOUT").is_some() {
        builder = builder.attempt_timeout(None);
    }
    if std::env::var_os("UNSIGNED").is_some() {
        builder = builder.anonymous();
    }
    let sqs: SqsClient = builder.build().unwrap();
    let hyper: Raw = {
        let _g = rt.enter();
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http()
    };
    rt.block_on(async {
        if !concurrent {
            for _ in 0..n {
                one(raw, &hyper, &sqs, port).await;
            }
            return;
        }
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let (sqs, hyper) = (sqs.clone(), hyper.clone());
                tokio::spawn(async move {
                    for _ in 0..n / 64 {
                        one(raw, &hyper, &sqs, port).await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
}
