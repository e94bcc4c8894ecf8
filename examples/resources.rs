//! boto3's resource guide, done with this library's resources: against a local moto
//! (installed on first run into `target/peers`, signature checking on) it
//!
//! - creates a bucket, puts objects, lists them by prefix and batch-deletes them;
//! - creates a queue, sends a batch, receives and deletes the messages in one batch;
//! - creates a table, waits for it, puts, gets and queries items with the condition
//!   builder, and batch-writes 100 items.
//!
//! Every step checks what it got; the example exits non-zero if anything fails.
//!
//! ```text
//! cargo run --example resources
//! ```

#![allow(clippy::print_stdout)] // printing is this example's job

use aws_session::s3::resources::ObjectSummaryBatchActions as _;
use aws_session::s3::S3;
use aws_session::sqs::resources::MessageBatchActions as _;
use aws_session::sqs::types::SendMessageBatchRequestEntry;
use aws_session::sqs::Sqs;
use aws_session::{Session, SessionClientExt};
use futures_util::TryStreamExt as _;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Stops the example with a message when a check fails.
fn check(ok: bool, what: &str) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

fn main() -> Result<(), Failure> {
    println!("starting moto (first run installs it into target/peers, ~40 s) ...");
    let moto = session_testkit::Moto::start_with_auth()?;
    // A session for moto's endpoint, region and credentials, built as `examples/tour.rs`
    // shows step by step: this machine's ~/.aws is not read.
    let session = moto.session(None);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        s3(&session).await?;
        sqs(&session).await?;
        dynamodb::run(&session).await?;
        println!("\nall resource tasks done");
        Ok(())
    })
}

async fn s3(session: &Session) -> Result<(), Failure> {
    // boto3: s3 = session.resource('s3')
    let s3 = session.resource::<S3>()?;
    // bucket = s3.create_bucket(Bucket='guide-bucket')
    let bucket = s3.create_bucket().bucket("guide-bucket").send().await?;
    bucket.wait_until_exists().wait().await?;
    println!("s3    created {}", bucket.name());
    // bucket.put_object(Key=..., Body=...) returns an Object
    for i in 0..5 {
        let object = bucket
            .put_object()
            .key(format!("logs/{i}.txt"))
            .body(format!("line {i}"))
            .send()
            .await?;
        check(
            object.key() == format!("logs/{i}.txt"),
            "put_object's Object",
        )?;
    }
    bucket
        .put_object()
        .key("keep.txt")
        .body("kept")
        .send()
        .await?;
    // for obj in bucket.objects.filter(Prefix='logs/'): ...
    let logs: Vec<_> = bucket
        .objects()
        .filter(|c| c.prefix("logs/"))
        .items()
        .try_collect()
        .await?;
    println!("s3    listed {} objects under logs/", logs.len());
    check(logs.len() == 5, "five objects under logs/")?;
    let first = logs[0].object().get().send().await?;
    let text = first.body.ok_or("no body")?.collect().await?;
    check(&text[..] == b"line 0", "the first object's body")?;
    // bucket.objects.filter(Prefix='logs/').delete()
    let outcome = bucket
        .objects()
        .filter(|c| c.prefix("logs/"))
        .delete()
        .await?;
    println!(
        "s3    batch-deleted {} objects in {} call(s), {} failed",
        outcome.sent(),
        outcome.responses().len(),
        outcome.failed()
    );
    check(outcome.is_complete() && outcome.sent() == 5, "batch delete")?;
    let left: Vec<_> = bucket.objects().items().try_collect().await?;
    check(
        left.len() == 1 && left[0].key() == "keep.txt",
        "only keep.txt left",
    )?;
    // Clean up through the slice form of the same batch action.
    check(left.delete().await?.is_complete(), "deleting the rest")?;
    bucket.delete().send().await?;
    Ok(())
}

async fn sqs(session: &Session) -> Result<(), Failure> {
    let sqs = session.resource::<Sqs>()?;
    // queue = sqs.create_queue(QueueName='guide-queue')
    let queue = sqs.create_queue().queue_name("guide-queue").send().await?;
    println!("sqs   created {}", queue.url());
    // queue.send_messages(Entries=[...])
    let entries: Vec<_> = (0..3)
        .map(|i| SendMessageBatchRequestEntry {
            id: Some(format!("m{i}")),
            message_body: Some(format!("task {i}")),
            ..Default::default()
        })
        .collect();
    let sent = queue.send_messages().entries(entries).send().await?;
    let failed = sent.failed.as_ref().map_or(0, Vec::len);
    println!("sqs   sent a batch of 3, {failed} failed");
    check(failed == 0, "every message of the batch was sent")?;
    // for message in queue.receive_messages(): ...
    let mut messages = Vec::new();
    while messages.len() < 3 {
        let got = queue
            .receive_messages()
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await?;
        check(!got.is_empty(), "messages arrive")?;
        messages.extend(got);
    }
    for m in &messages {
        let body = m.data().and_then(|d| d.body.clone()).unwrap_or_default();
        println!("sqs   received {body:?}");
    }
    // Deleted in one DeleteMessageBatch call.
    let outcome = messages.delete().await?;
    println!(
        "sqs   batch-deleted {} messages, {} failed",
        outcome.sent(),
        outcome.failed()
    );
    check(outcome.is_complete(), "every message deleted")?;
    queue.delete().send().await?;
    Ok(())
}

mod dynamodb {
    use super::{check, Failure};
    use aws_session::dynamodb::conditions::{attr, key};
    use aws_session::dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    use aws_session::dynamodb::DynamoDb;
    use aws_session::{Session, SessionClientExt};
    use futures_util::TryStreamExt as _;
    use serde::{Deserialize, Serialize};

    /// An item as a plain Rust value: no `AttributeValue` by hand.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Reading {
        sensor: String,
        at: u32,
        celsius: f64,
    }

    pub(super) async fn run(session: &Session) -> Result<(), Failure> {
        let ddb = session.resource::<DynamoDb>()?;
        // table = dynamodb.create_table(...); table.wait_until_exists()
        let table = ddb
            .create_table()
            .table_name("guide-readings")
            .attribute_definitions([
                AttributeDefinition {
                    attribute_name: Some("sensor".into()),
                    attribute_type: Some(ScalarAttributeType::S),
                },
                AttributeDefinition {
                    attribute_name: Some("at".into()),
                    attribute_type: Some(ScalarAttributeType::N),
                },
            ])
            .key_schema([
                KeySchemaElement {
                    attribute_name: Some("sensor".into()),
                    key_type: Some(KeyType::Hash),
                },
                KeySchemaElement {
                    attribute_name: Some("at".into()),
                    key_type: Some(KeyType::Range),
                },
            ])
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await?;
        table.wait_until_exists().wait().await?;
        println!("ddb   created {} and waited for it", table.name());

        // table.put_item(Item={...}); table.get_item(Key={...})
        let first = Reading {
            sensor: "kitchen".into(),
            at: 0,
            celsius: 21.5,
        };
        table.put(&first).await?;
        let got: Option<Reading> = table
            .get(&serde_json::json!({"sensor": "kitchen", "at": 0}))
            .await?;
        check(
            got.as_ref() == Some(&first),
            "get_item returns what was put",
        )?;
        println!("ddb   put and got {first:?}");

        // with table.batch_writer() as batch: for i in range(100): batch.put_item(...)
        let mut writer = table.batch_writer();
        for at in 1..=100 {
            let sensor = if at % 2 == 0 { "kitchen" } else { "garden" };
            writer
                .put(&Reading {
                    sensor: sensor.into(),
                    at,
                    celsius: f64::from(at) / 4.0,
                })
                .await?;
        }
        writer.close().await?;
        println!("ddb   batch-wrote 100 readings");

        // table.query(KeyConditionExpression=Key('sensor').eq('kitchen') & Key('at').gt(80),
        //             FilterExpression=Attr('celsius').lt(24))
        let warm: Vec<Reading> = table
            .query()
            .key_condition(key("sensor").eq("kitchen") & key("at").gt(80))
            .filter(attr("celsius").lt(24.0))
            .items_as::<Reading>()
            .try_collect()
            .await?;
        let ats: Vec<u32> = warm.iter().map(|r| r.at).collect();
        println!("ddb   query kitchen at > 80 and celsius < 24: {ats:?}");
        check(
            ats == [82, 84, 86, 88, 90, 92, 94],
            "the query's key condition and filter",
        )?;

        // A condition that fails: put only if the item does not exist yet.
        let refused = table
            .put_item()
            .item_from(&first)?
            .condition(attr("sensor").not_exists())
            .send()
            .await;
        let code = refused.err().and_then(|e| e.code().map(str::to_owned));
        println!("ddb   conditional put on an existing item: {code:?}");
        check(
            code.as_deref() == Some("ConditionalCheckFailedException"),
            "the conditional put is refused",
        )?;

        let count = table
            .scan()
            .items_as::<Reading>()
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await?;
        check(count == 101, "101 items in the table")?;
        table.delete().send().await?;
        table.wait_until_not_exists().wait().await?;
        println!("ddb   {count} items scanned, table deleted");
        Ok(())
    }
}
