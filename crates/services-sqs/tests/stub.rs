//! The stubber with a typed client (AWS JSON 1.0, query-compatible): answers in order,
//! expected inputs checked on the request the real serializer writes, modeled errors
//! read into the typed error, and every way a test can go wrong reported. In-process by
//! design: stubbing is what replaces the network in users' own tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use services_sqs::operations::SendMessageError;
use services_sqs::types::SendMessageRequest;
use services_sqs::Sqs;
use session_runtime::stub::Stubber;
use session_runtime::value::Value;

const QUEUE: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_call_with_the_expected_input_gets_the_stubbed_output() {
    let (sqs, stubber) = Stubber::for_service::<Sqs>().unwrap();
    let expected = SendMessageRequest {
        queue_url: Some(QUEUE.into()),
        message_body: Some("hello".into()),
        delay_seconds: Some(5),
        ..Default::default()
    };
    stubber
        .add_response(
            "SendMessage",
            &expected,
            Value::map()
                .with("MessageId", "m-1")
                .with("MD5OfMessageBody", "5d41402abc4b2a76b9719d911017c592"),
        )
        .unwrap();
    // The same input given as a dynamic value, members in another order.
    stubber
        .add_response(
            "GetQueueUrl",
            &Value::map().with("QueueName", "jobs"),
            Value::map().with("QueueUrl", QUEUE),
        )
        .unwrap();
    assert_eq!(stubber.pending(), 2);
    rt().block_on(async {
        let sent = sqs
            .send_message()
            .delay_seconds(5)
            .message_body("hello")
            .queue_url(QUEUE)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.message_id.as_deref(), Some("m-1"));
        let url = sqs.get_queue_url().queue_name("jobs").send().await.unwrap();
        assert_eq!(url.queue_url.as_deref(), Some(QUEUE));
    });
    stubber.assert_no_pending_responses();
}

#[test]
fn a_different_input_fails_the_call_and_names_the_member() {
    let (sqs, stubber) = Stubber::for_service::<Sqs>().unwrap();
    stubber
        .add_response(
            "SendMessage",
            &Value::map()
                .with("QueueUrl", QUEUE)
                .with("MessageBody", "hello"),
            Value::map().with("MessageId", "m-1"),
        )
        .unwrap();
    let e = rt()
        .block_on(
            sqs.send_message()
                .queue_url(QUEUE)
                .message_body("bye")
                .send(),
        )
        .expect_err("the input differs");
    let text = format!("{e}");
    assert!(e.is_request(), "{text}");
    assert!(
        text.contains("MessageBody") && text.contains("bye"),
        "{text}"
    );
    let unmet = stubber.verify().expect_err("the call went wrong");
    assert!(unmet.is_unmet());
    assert!(unmet.to_string().contains("MessageBody"), "{unmet}");
}

#[test]
fn a_call_of_another_operation_or_with_nothing_stubbed_fails() {
    let (sqs, stubber) = Stubber::for_service::<Sqs>().unwrap();
    stubber
        .add_response_for_any_input("GetQueueUrl", Value::map().with("QueueUrl", QUEUE))
        .unwrap();
    let rt = rt();
    let wrong = rt
        .block_on(sqs.list_queues().send())
        .expect_err("ListQueues was not expected");
    assert!(
        format!("{wrong}").contains("GetQueueUrl was expected"),
        "{wrong}"
    );
    let none = rt
        .block_on(sqs.list_queues().send())
        .expect_err("nothing left");
    assert!(
        format!("{none}").contains("no stubbed answer left"),
        "{none}"
    );
    let problems = stubber.verify().unwrap_err().to_string();
    assert!(problems.contains("2 problem(s)"), "{problems}");
}

#[test]
fn a_modeled_error_is_the_typed_error_with_code_message_and_request_id() {
    let (sqs, stubber) = Stubber::for_service::<Sqs>().unwrap();
    stubber
        .add_client_error("SendMessage", "QueueDoesNotExist", "no such queue", 400)
        .unwrap();
    let e = rt()
        .block_on(sqs.send_message().queue_url(QUEUE).message_body("x").send())
        .expect_err("an error was stubbed");
    assert!(
        matches!(e.as_service(), Some(SendMessageError::QueueDoesNotExist(_))),
        "{e:?}"
    );
    assert_eq!(e.code(), Some("QueueDoesNotExist"));
    assert_eq!(e.message(), Some("no such queue"));
    assert_eq!(e.request_id(), Some("stub-request-1"));
    stubber.assert_no_pending_responses();
}

#[test]
fn a_retryable_error_is_sent_once_by_default() {
    let (sqs, stubber) = Stubber::for_service::<Sqs>().unwrap();
    stubber
        .add_client_error("GetQueueUrl", "ThrottlingException", "slow down", 400)
        .unwrap();
    let e = rt()
        .block_on(sqs.get_queue_url().queue_name("jobs").send())
        .expect_err("throttled");
    assert_eq!(e.code(), Some("ThrottlingException"));
    // One attempt: a retry would have found no answer and been reported.
    stubber.assert_no_pending_responses();
}

#[test]
fn an_output_that_does_not_fit_the_model_is_refused_when_added() {
    let (_sqs, stubber) = Stubber::for_service::<Sqs>().unwrap();
    let e = stubber
        .add_response_for_any_input(
            "SendMessage",
            Value::map()
                .with("MessageId", Value::Integer(3))
                .with("Colour", "red"),
        )
        .expect_err("does not fit");
    assert!(e.is_invalid());
    let text = e.to_string();
    assert!(
        text.contains("MessageId") && text.contains("Colour"),
        "{text}"
    );
    let e = stubber
        .add_response_for_any_input("SendMesage", Value::Null)
        .expect_err("no such operation");
    assert!(
        e.is_invalid() && e.to_string().contains("SendMesage"),
        "{e}"
    );
    assert_eq!(stubber.pending(), 0);
}
