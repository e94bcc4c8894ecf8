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
