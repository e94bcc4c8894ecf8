//! SQS resources (first slice) against moto with signature checking on.

#![allow(clippy::unwrap_used)]

use services_sqs::types::QueueAttributeName;
use services_sqs::SqsClient;

#[test]
fn queues_and_messages_as_resources() {
    let moto = session_testkit::Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = SqsClient::new(&moto.session(None)).unwrap();
        let sqs = client.resource();
        let queue = sqs
            .create_queue()
            .queue_name("resource-queue")
            .send()
            .await
            .unwrap();
        // The Queues collection, filtered by the request's own members, bounded.
        use futures_util::TryStreamExt as _;
        let queues: Vec<_> = sqs
            .queues()
            .filter(|c| c.queue_name_prefix("resource-"))
            .limit(5)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(queues, vec![queue.clone()]);
        assert!(queue.data().is_none());
        let loaded = queue.load().await.unwrap();
        let attrs = loaded.data().unwrap().attributes.clone().unwrap();
        assert!(
            attrs.contains_key(&QueueAttributeName::QueueArn),
            "{attrs:?}"
        );

        queue
            .send_message()
            .message_body("from a resource")
            .send()
            .await
            .unwrap();
        let got = queue
            .receive_messages()
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        let message = &got[0];
        assert_eq!(message.queue(), queue);
        assert_eq!(
            message.data().unwrap().body.as_deref(),
            Some("from a resource")
        );
        message.delete().send().await.unwrap();
        queue.delete().send().await.unwrap();
    });
}

#[test]
fn batches_of_messages_with_a_forced_per_item_failure() {
    use services_sqs::resources::MessageBatchActions as _;
    use services_sqs::types::SendMessageBatchRequestEntry;
    use services_sqs::Sqs;
    use session_tower::SessionClientExt as _;

    let moto = session_testkit::Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sqs = moto.session(None).resource::<Sqs>().unwrap();
        let queue = sqs
            .create_queue()
            .queue_name("batches-of-resources")
            .send()
            .await
            .unwrap();
        // GetQueueByName → the same Queue.
        let found = sqs
            .get_queue_by_name()
            .queue_name("batches-of-resources")
            .send()
            .await
            .unwrap();
        assert_eq!(found, queue);

        // SendMessageBatch: per-entry results come back in the output.
        let entries: Vec<_> = (0..4)
            .map(|i| SendMessageBatchRequestEntry {
                id: Some(format!("m{i}")),
                message_body: Some(format!("body {i}")),
                ..Default::default()
            })
            .collect();
        let sent = queue.send_messages().entries(entries).send().await.unwrap();
        assert_eq!(sent.successful.map_or(0, |s| s.len()), 4);

        let mut received = Vec::new();
        while received.len() < 4 {
            let got = queue
                .receive_messages()
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .unwrap();
            assert!(!got.is_empty(), "moto lost messages: {received:?}");
            received.extend(got);
        }
        let bodies: std::collections::BTreeSet<_> = received
            .iter()
            .map(|m| m.data().unwrap().body.clone().unwrap())
            .collect();
        assert_eq!(bodies.len(), 4);
        received[0]
            .change_visibility()
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();

        // DeleteMessageBatch over the received handles, plus one whose receipt handle
        // the queue never issued: that one is reported failed, the rest deleted.
        let bogus = queue.message("not-a-receipt-handle");
        let mut to_delete = received.clone();
        to_delete.push(bogus);
        let outcome = to_delete.delete().await.unwrap();
        assert_eq!(outcome.sent(), 5);
        assert_eq!(outcome.failed(), 1, "{:?}", outcome.responses());
        let failed = outcome.responses()[0].failed.clone().unwrap();
        assert_eq!(
            failed[0].id.as_deref(),
            Some("4"),
            "a handle without data is named by its position"
        );
        let ok = outcome.responses()[0]
            .successful
            .as_ref()
            .map_or(0, Vec::len);
        assert_eq!(ok, 4);
        queue.delete().send().await.unwrap();
    });
}
