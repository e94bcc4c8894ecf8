//! SQS against moto (a real SQS implementation) with signature checking on.

#![allow(clippy::unwrap_used)]

use services_sqs::{ReceiveMessageInput, SqsClient};
use session_core::Session;
use session_testkit::Moto;

fn session(moto: &Moto, secret: &str) -> Session {
    moto.session(Some(secret))
}

#[test]
fn queue_round_trip_with_signatures_checked() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sqs = SqsClient::new(&session(&moto, moto.credentials().secret_access_key())).unwrap();
        let queue = sqs.create_queue("stack-proof").await.unwrap();
        assert!(
            queue.queue_url.contains("stack-proof"),
            "{}",
            queue.queue_url
        );

        let sent = sqs
            .send_message(&queue.queue_url, "hello, stack")
            .await
            .unwrap();
        assert!(!sent.message_id.is_empty());

        let got = sqs
            .receive_message(&ReceiveMessageInput::new(&queue.queue_url).wait_time_seconds(1))
            .await
            .unwrap();
        assert_eq!(got.messages.len(), 1);
        let msg = &got.messages[0];
        assert_eq!(msg.body.as_deref(), Some("hello, stack"));
        assert_eq!(msg.message_id.as_deref(), Some(sent.message_id.as_str()));

        sqs.delete_message(&queue.queue_url, msg.receipt_handle.as_deref().unwrap())
            .await
            .unwrap();
        // Long poll on an empty queue: waits, then answers with no messages.
        let started = std::time::Instant::now();
        let empty = sqs
            .receive_message(&ReceiveMessageInput::new(&queue.queue_url).wait_time_seconds(1))
            .await
            .unwrap();
        assert!(empty.messages.is_empty());
        assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    });
}

#[test]
fn wrong_secret_is_rejected_with_signature_does_not_match() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sqs = SqsClient::new(&session(&moto, "not-the-secret")).unwrap();
        let e = sqs.create_queue("nope").await.unwrap_err();
        let service = e.service_error().unwrap_or_else(|| panic!("{e:?}"));
        assert_eq!(service.code(), Some("SignatureDoesNotMatch"), "{e}");
        assert_eq!(service.status(), 403);
        assert!(!e.to_string().contains("not-the-secret"));
    });
}
