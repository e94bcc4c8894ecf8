//! The generated SQS API against moto (a real SQS implementation) with signature checking
//! on: queues, attributes, tags, messages one by one and in batches, visibility, purge,
//! listing with pagination, modeled errors; the client's MD5 checks of bodies and message
//! attributes against moto's digests.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use futures_util::TryStreamExt as _;
use services_sqs::operations::GetQueueUrlError;
use services_sqs::types::{
    DeleteMessageBatchRequestEntry, MessageAttributeValue, QueueAttributeName,
    SendMessageBatchRequestEntry,
};
use services_sqs::SqsClient;
use session_testkit::Moto;

fn attribute(data_type: &str, value: &str) -> MessageAttributeValue {
    MessageAttributeValue {
        data_type: Some(data_type.to_owned()),
        string_value: Some(value.to_owned()),
        ..Default::default()
    }
}

#[test]
fn queue_round_trip_with_signatures_checked() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sqs = SqsClient::new(&moto.session(None)).unwrap();
        let queue = sqs
            .create_queue()
            .queue_name("stack-proof")
            .attributes(HashMap::from([(
                QueueAttributeName::VisibilityTimeout,
                "5".to_owned(),
            )]))
            .tags(HashMap::from([("team".to_owned(), "core".to_owned())]))
            .send()
            .await
            .unwrap();
        let url = queue.queue_url.unwrap();
        assert!(url.contains("stack-proof"), "{url}");
        let same = sqs
            .get_queue_url()
            .queue_name("stack-proof")
            .send()
            .await
            .unwrap();
        assert_eq!(same.queue_url.as_deref(), Some(url.as_str()));

        let attrs = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names([QueueAttributeName::All])
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap();
        assert_eq!(
            attrs
                .get(&QueueAttributeName::VisibilityTimeout)
                .map(String::as_str),
            Some("5")
        );
        sqs.set_queue_attributes()
            .queue_url(&url)
            .attributes(HashMap::from([(
                QueueAttributeName::DelaySeconds,
                "0".to_owned(),
            )]))
            .send()
            .await
            .unwrap();
        sqs.tag_queue()
            .queue_url(&url)
            .tags(HashMap::from([("env".to_owned(), "test".to_owned())]))
            .send()
            .await
            .unwrap();
        let tags = sqs.list_queue_tags().queue_url(&url).send().await.unwrap();
        assert_eq!(tags.tags.unwrap().len(), 2);
        sqs.untag_queue()
            .queue_url(&url)
            .tag_keys(["env".to_owned()])
            .send()
            .await
            .unwrap();

        // With message attributes of every transport type, so the client's MD5 checks of
        // body and attributes (on send and on receive) run against a real server's digests.
        let attributes = HashMap::from([
            ("city".to_owned(), attribute("String", "Zürich")),
            ("count".to_owned(), attribute("Number", "42")),
            ("unit".to_owned(), attribute("Number.kg", "1.5")),
            (
                "raw".to_owned(),
                MessageAttributeValue {
                    data_type: Some("Binary".to_owned()),
                    binary_value: Some(vec![0u8, 0xff, 0x10].into()),
                    ..Default::default()
                },
            ),
        ]);
        let sent = sqs
            .send_message()
            .queue_url(&url)
            .message_body("hello, stack ✓")
            .message_attributes(attributes.clone())
            .send()
            .await
            .unwrap();
        assert!(sent.md5_of_message_attributes.is_some());
        let id = sent.message_id.unwrap();

        let got = sqs
            .receive_message()
            .queue_url(&url)
            .message_attribute_names(["All".to_owned()])
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        let messages = got.messages.unwrap();
        assert_eq!(messages.len(), 1);
        let msg = &messages[0];
        assert_eq!(msg.body.as_deref(), Some("hello, stack ✓"));
        assert_eq!(msg.message_id.as_deref(), Some(id.as_str()));
        assert_eq!(msg.message_attributes.as_ref(), Some(&attributes));
        assert!(msg.md5_of_message_attributes.is_some());
        let handle = msg.receipt_handle.clone().unwrap();
        sqs.change_message_visibility()
            .queue_url(&url)
            .receipt_handle(&handle)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        sqs.delete_message()
            .queue_url(&url)
            .receipt_handle(handle)
            .send()
            .await
            .unwrap();

        // Batches: ten messages in, ten deleted, each entry reported.
        let entries: Vec<_> = (0..10)
            .map(|i| SendMessageBatchRequestEntry {
                id: Some(format!("m{i}")),
                message_body: Some(format!("batch {i}")),
                // Odd entries carry an attribute: each entry's digests are checked.
                message_attributes: (i % 2 == 1).then(|| {
                    HashMap::from([("n".to_owned(), attribute("Number", &i.to_string()))])
                }),
                ..Default::default()
            })
            .collect();
        let out = sqs
            .send_message_batch()
            .queue_url(&url)
            .entries(entries)
            .send()
            .await
            .unwrap();
        assert_eq!(out.successful.unwrap().len(), 10);
        assert!(out.failed.unwrap_or_default().is_empty());
        let mut handles = Vec::new();
        while handles.len() < 10 {
            let got = sqs
                .receive_message()
                .queue_url(&url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .unwrap();
            handles.extend(
                got.messages
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|m| m.receipt_handle),
            );
        }
        let deleted = sqs
            .delete_message_batch()
            .queue_url(&url)
            .entries(
                handles
                    .iter()
                    .enumerate()
                    .map(|(i, h)| DeleteMessageBatchRequestEntry {
                        id: Some(format!("d{i}")),
                        receipt_handle: Some(h.clone()),
                    })
                    .collect::<Vec<_>>(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.successful.unwrap().len(), 10);

        // Long poll on an empty queue: waits, then answers with no messages.
        let started = std::time::Instant::now();
        let empty = sqs
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        assert!(empty.messages.unwrap_or_default().is_empty());
        assert!(started.elapsed() >= std::time::Duration::from_millis(900));

        sqs.purge_queue().queue_url(&url).send().await.unwrap();

        // Permissions, visibility in batches, dead-letter sources.
        sqs.add_permission()
            .queue_url(&url)
            .label("share")
            .aws_account_ids(["111122223333".to_owned()])
            .actions(["SendMessage".to_owned()])
            .send()
            .await
            .unwrap();
        sqs.remove_permission()
            .queue_url(&url)
            .label("share")
            .send()
            .await
            .unwrap();
        sqs.send_message()
            .queue_url(&url)
            .message_body("visible later")
            .send()
            .await
            .unwrap();
        let got = sqs
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        let entries: Vec<_> = got
            .messages
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(
                |(i, m)| services_sqs::types::ChangeMessageVisibilityBatchRequestEntry {
                    id: Some(format!("v{i}")),
                    receipt_handle: m.receipt_handle,
                    visibility_timeout: Some(0),
                },
            )
            .collect();
        assert_eq!(entries.len(), 1);
        let changed = sqs
            .change_message_visibility_batch()
            .queue_url(&url)
            .entries(entries)
            .send()
            .await
            .unwrap();
        assert_eq!(changed.successful.unwrap_or_default().len(), 1);
        let sources = sqs
            .list_dead_letter_source_queues()
            .queue_url(&url)
            .send()
            .await
            .unwrap();
        assert!(sources.queue_urls.unwrap_or_default().is_empty());
        // A second purge within a minute is the modeled PurgeQueueInProgress.
        let e = sqs.purge_queue().queue_url(&url).send().await.unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(services_sqs::operations::PurgeQueueError::PurgeQueueInProgress(_))
            ),
            "{e:?}"
        );

        // Listing through the paginator, two per page.
        for name in ["list-a", "list-b", "list-c"] {
            sqs.create_queue().queue_name(name).send().await.unwrap();
        }
        let urls: Vec<String> = sqs
            .list_queues()
            .queue_name_prefix("list-")
            .max_results(2)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(urls.len(), 3, "{urls:?}");

        sqs.delete_queue().queue_url(&url).send().await.unwrap();
        let e = sqs
            .get_queue_url()
            .queue_name("stack-proof")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(e.as_service(), Some(GetQueueUrlError::QueueDoesNotExist(_))),
            "{e:?}"
        );
    });
}

#[test]
fn wrong_secret_is_rejected_with_signature_does_not_match() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sqs = SqsClient::new(&moto.session(Some("not-the-secret"))).unwrap();
        let e = sqs
            .create_queue()
            .queue_name("nope")
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e:?}");
        assert_eq!(e.service_error().unwrap().status(), 403);
        assert!(!e.to_string().contains("not-the-secret"));
    });
}
