//! A fixed number of calls against a canned server, for instruction-count profiling
//! (`valgrind --tool=callgrind`). Start the server with
//! `STACK_BENCH_SERVER=1 target/release/deps/stack-*`, then
//! `cargo run --release --example hot_loop -- PORT N [raw|stack]`.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use aws_session::sqs::SqsClient;
use aws_session::{Env, Session};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().expect("PORT").parse().unwrap();
    let n: usize = args.next().expect("N").parse().unwrap();
    let mode = args.next().unwrap_or_default();
    let raw = mode.starts_with("raw");
    let concurrent = mode.ends_with("conc");
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
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let sqs: SqsClient = if std::env::var_os("NO_ATTEMPT_TIMEOUT").is_some() {
        SqsClient::builder(&session)
            .attempt_timeout(None)
            .build()
            .unwrap()
    } else {
        SqsClient::new(&session).unwrap()
    };
    let hyper = {
        let _g = rt.enter();
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<Full<Bytes>>()
    };
    if concurrent {
        rt.block_on(async {
            let tasks: Vec<_> = (0..64)
                .map(|_| {
                    let sqs = sqs.clone();
                    let hyper = hyper.clone();
                    tokio::spawn(async move {
                        for _ in 0..n / 64 {
                            if raw {
                                let req = http::Request::post(format!("http://127.0.0.1:{port}/"))
                                    .header("content-type", "application/x-amz-json-1.0")
                                    .header("x-amz-target", "AmazonSQS.SendMessage")
                                    .body(Full::new(Bytes::from_static(
                                        b"{\"QueueUrl\":\"q\",\"MessageBody\":\"hello\"}",
                                    )))
                                    .unwrap();
                                let resp = hyper.request(req).await.unwrap();
                                resp.into_body().collect().await.unwrap();
                            } else {
                                sqs.send_message("http://127.0.0.1/123456789012/bench", "hello")
                                    .await
                                    .unwrap();
                            }
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        });
        return;
    }
    rt.block_on(async {
        for _ in 0..n {
            if raw {
                let req = http::Request::post(format!("http://127.0.0.1:{port}/"))
                    .header("content-type", "application/x-amz-json-1.0")
                    .header("x-amz-target", "AmazonSQS.SendMessage")
                    .body(Full::new(Bytes::from_static(
                        b"{\"QueueUrl\":\"q\",\"MessageBody\":\"hello\"}",
                    )))
                    .unwrap();
                let resp = hyper.request(req).await.unwrap();
                resp.into_body().collect().await.unwrap();
            } else {
                sqs.send_message("http://127.0.0.1/123456789012/bench", "hello")
                    .await
                    .unwrap();
            }
        }
    });
}
