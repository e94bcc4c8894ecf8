//! A tour: starts a real local emulator (moto, installed on first run into `target/peers`,
//! signature checking on), then creates a bucket and a queue, puts and gets an object, sends
//! and receives a message, and prints what it did.
//!
//! ```text
//! cargo run --example tour
//! ```

#![allow(clippy::print_stdout)] // printing is this example's job

use aws_session::s3::S3;
use aws_session::sqs::Sqs;
use aws_session::sts::Sts;
use aws_session::{Env, Session, SessionClientExt};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("starting moto (first run installs it into target/peers, ~40 s) ...");
    let moto = session_testkit::Moto::start_with_auth()?;
    println!(
        "moto is up at {} with signature checking on\n",
        moto.endpoint()
    );

    // Everything the session needs is given here: this machine's ~/.aws is not read.
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", moto.region())]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id(moto.credentials().access_key_id())
        .secret_access_key(moto.credentials().secret_access_key())
        .setting("endpoint_url", moto.endpoint())
        .build()?;
    println!(
        "session: profile {}, region {:?}",
        session.profile_name(),
        session.region()
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let who = session
            .client::<Sts>()?
            .get_caller_identity()
            .send()
            .await?;
        println!("sts   GetCallerIdentity -> {}", who.arn.unwrap_or_default());

        let s3 = session.client::<S3>()?;
        s3.create_bucket().bucket("tour-bucket").send().await?;
        println!("s3    CreateBucket tour-bucket");
        let put = s3
            .put_object()
            .bucket("tour-bucket")
            .key("greeting.txt")
            .body("hello from the tour")
            .send()
            .await?;
        println!(
            "s3    PutObject greeting.txt -> ETag {}",
            put.e_tag.unwrap_or_default()
        );
        let got = s3
            .get_object()
            .bucket("tour-bucket")
            .key("greeting.txt")
            .send()
            .await?;
        let body = got.body.unwrap_or_default().collect().await?;
        println!(
            "s3    GetObject greeting.txt -> {:?}",
            String::from_utf8_lossy(&body)
        );
        let listing = s3.list_objects_v2().bucket("tour-bucket").send().await?;
        println!(
            "s3    ListObjectsV2 -> {} object(s)",
            listing.contents.unwrap_or_default().len()
        );

        let sqs = session.client::<Sqs>()?;
        let queue = sqs.create_queue().queue_name("tour-queue").send().await?;
        let queue_url = queue.queue_url.unwrap_or_default();
        println!("sqs   CreateQueue -> {queue_url}");
        let sent = sqs
            .send_message()
            .queue_url(&queue_url)
            .message_body("hello, queue")
            .send()
            .await?;
        println!(
            "sqs   SendMessage -> id {}",
            sent.message_id.unwrap_or_default()
        );
        let received = sqs
            .receive_message()
            .queue_url(&queue_url)
            .wait_time_seconds(1)
            .send()
            .await?;
        for m in received.messages.unwrap_or_default() {
            println!(
                "sqs   ReceiveMessage -> {:?}",
                m.body.as_deref().unwrap_or_default()
            );
            if let Some(handle) = m.receipt_handle {
                sqs.delete_message()
                    .queue_url(&queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await?;
                println!("sqs   DeleteMessage ok");
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    println!("\ndone; moto stops when this program exits");
    Ok(())
}
