//! The generated EventBridge API against moto with signature checking on: a rule with an
//! event pattern and an SQS queue as its target, events put (one matching, one not), and
//! only the matching one arriving in the queue; a missing rule answered with the modeled
//! `ResourceNotFoundException`.

#![allow(clippy::unwrap_used)]

use services_eventbridge::operations::DescribeRuleError;
use services_eventbridge::types::{PutEventsRequestEntry, RuleState, Target};
use services_eventbridge::EventBridgeClient;
use services_sqs::types::QueueAttributeName;
use services_sqs::SqsClient;
use session_testkit::Moto;

fn event(source: &str, detail: &str) -> PutEventsRequestEntry {
    PutEventsRequestEntry {
        source: Some(source.to_owned()),
        detail_type: Some("order placed".to_owned()),
        detail: Some(detail.to_owned()),
        ..Default::default()
    }
}

#[test]
fn rule_with_queue_target_receives_matching_events() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let session = moto.session(None);
        let events = EventBridgeClient::new(&session).unwrap();
        let sqs = SqsClient::new(&session).unwrap();
        let url = sqs
            .create_queue()
            .queue_name("orders-inbox")
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

        let rule_arn = events
            .put_rule()
            .name("orders")
            .event_pattern(r#"{"source":["typed.shop"]}"#)
            .state(RuleState::Enabled)
            .send()
            .await
            .unwrap()
            .rule_arn
            .unwrap();
        assert!(rule_arn.ends_with("rule/orders"), "{rule_arn}");
        let put = events
            .put_targets()
            .rule("orders")
            .targets([Target {
                id: Some("inbox".to_owned()),
                arn: Some(queue_arn),
                ..Default::default()
            }])
            .send()
            .await
            .unwrap();
        assert_eq!(put.failed_entry_count, Some(0));

        let sent = events
            .put_events()
            .entries([
                event("typed.shop", r#"{"order":1}"#),
                event("typed.elsewhere", r#"{"order":2}"#),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(sent.failed_entry_count, Some(0));
        let entries = sent.entries.unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|e| e.event_id.is_some()), "{entries:?}");

        let got = sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default();
        assert_eq!(got.len(), 1, "{got:?}");
        let body: serde_json::Value =
            serde_json::from_str(got[0].body.as_deref().unwrap()).unwrap();
        assert_eq!(body["source"], "typed.shop");
        assert_eq!(body["detail"]["order"], 1);

        let e = events
            .describe_rule()
            .name("no-such-rule")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(DescribeRuleError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );
    });
}
