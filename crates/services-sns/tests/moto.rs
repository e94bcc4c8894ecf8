//! The generated SNS API (AWS query) against moto with signature checking on: a topic, an
//! SQS queue subscribed to it, a publish, and the message arriving in the queue; then the
//! same through boto3's resources (topic handle, its subscriptions collection).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use futures_util::TryStreamExt as _;
use services_sns::operations::GetTopicAttributesError;
use services_sns::SnsClient;
use services_sqs::types::QueueAttributeName;
use services_sqs::SqsClient;
use session_testkit::Moto;

#[test]
fn topic_to_queue_publish_arrives() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let session = moto.session(None);
        let sns = SnsClient::new(&session).unwrap();
        let sqs = SqsClient::new(&session).unwrap();
        let url = sqs
            .create_queue()
            .queue_name("sns-inbox")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let queue_arn = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names([QueueAttributeName::QueueArn])
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap()
            .remove(&QueueAttributeName::QueueArn)
            .unwrap();

        let topic_arn = sns
            .create_topic()
            .name("typed-alerts")
            .send()
            .await
            .unwrap()
            .topic_arn
            .unwrap();
        let sub = sns
            .subscribe()
            .topic_arn(&topic_arn)
            .protocol("sqs")
            .endpoint(&queue_arn)
            .attributes(HashMap::from([(
                "RawMessageDelivery".to_owned(),
                "true".to_owned(),
            )]))
            .return_subscription_arn(true)
            .send()
            .await
            .unwrap();
        assert!(sub.subscription_arn.unwrap().starts_with(&topic_arn));

        let published = sns
            .publish()
            .topic_arn(&topic_arn)
            .message("disk full on web-1 ✓")
            .send()
            .await
            .unwrap();
        assert!(published.message_id.is_some());

        let got = sqs
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].body.as_deref(), Some("disk full on web-1 ✓"));

        // Listings through the query protocol's paginators.
        let subs: Vec<_> = sns
            .list_subscriptions_by_topic()
            .topic_arn(&topic_arn)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].endpoint.as_deref(), Some(queue_arn.as_str()));

        // boto3's resources: the topic's handle, its attributes loaded.
        let topic = sns.resource().topic(&topic_arn).load().await.unwrap();
        let attrs = topic.data().unwrap();
        assert_eq!(
            attrs
                .attributes
                .as_ref()
                .and_then(|a| a.get("TopicArn"))
                .map(String::as_str),
            Some(topic_arn.as_str())
        );

        sns.delete_topic()
            .topic_arn(&topic_arn)
            .send()
            .await
            .unwrap();
        let e = sns
            .get_topic_attributes()
            .topic_arn(&topic_arn)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(GetTopicAttributesError::NotFoundException(_))
            ),
            "{e:?}"
        );
    });
}
