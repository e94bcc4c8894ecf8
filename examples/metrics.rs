//! Client metrics in Prometheus's text format: a few SQS and S3 calls against moto (which
//! `session-testkit` installs and starts), then everything they recorded, printed to
//! stdout. Run: `cargo run -p aws-session --features metrics --example metrics`.
//!
//! Any `metrics` recorder works the same way (StatsD, an OpenTelemetry bridge, ...):
//! install it before the first call. `docs/observability.md` lists the metrics.

#![allow(clippy::print_stdout)]

use aws_session::layers::hedge::HedgeConfig;
use aws_session::s3::S3Client;
use aws_session::sqs::SqsClient;
use metrics_exporter_prometheus::PrometheusBuilder;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    // Seconds, in buckets fit for calls that take a millisecond to a few seconds.
    let prometheus = PrometheusBuilder::new()
        .set_buckets(&[
            0.000_1, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ])?
        .install_recorder()?;

    let moto = session_testkit::Moto::start_with_auth()?;
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let sqs = SqsClient::new(&session)?;
        let url = sqs
            .create_queue()
            .queue_name("metrics-example")
            .send()
            .await?
            .queue_url
            .unwrap_or_default();
        for i in 0..10 {
            sqs.send_message()
                .queue_url(&url)
                .message_body(format!("message {i}"))
                .send()
                .await?;
        }
        // An error is counted too.
        let _ = sqs.get_queue_url().queue_name("no-such-queue").send().await;

        // Reads of a hedging client (hedges are counted when a call is slow enough).
        let s3 = S3Client::builder(&session)
            .hedge(HedgeConfig::new())
            .build()?;
        s3.create_bucket().bucket("metrics-example").send().await?;
        s3.put_object()
            .bucket("metrics-example")
            .key("hello.txt")
            .body(b"hello".to_vec())
            .send()
            .await?;
        for _ in 0..10 {
            let got = s3
                .get_object()
                .bucket("metrics-example")
                .key("hello.txt")
                .send()
                .await?;
            if let Some(body) = got.body {
                body.collect().await?;
            }
        }
        Ok::<_, Failure>(())
    })?;
    print!("{}", prometheus.render());
    Ok(())
}
