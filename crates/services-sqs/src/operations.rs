//! Hand-written SQS operations: CreateQueue, SendMessage, ReceiveMessage, DeleteMessage.

use serde::{Deserialize, Serialize};
use session_tower::protocol::rpc::{json_request, parse_json, read_body};
use session_tower::protocol::Protocol;
use session_tower::Error;

use crate::SqsClient;

/// CreateQueue's answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CreateQueueOutput {
    /// The queue's URL, used by every other queue operation.
    pub queue_url: String,
}

/// SendMessage's answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SendMessageOutput {
    /// The message id.
    pub message_id: String,
    /// MD5 of the body, as the service computed it.
    #[serde(rename = "MD5OfMessageBody")]
    pub md5_of_message_body: Option<String>,
}

/// ReceiveMessage's input.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ReceiveMessageInput {
    /// The queue.
    pub queue_url: String,
    /// At most this many messages (1-10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_number_of_messages: Option<i32>,
    /// Long polling: wait up to this many seconds for a message (0-20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_time_seconds: Option<i32>,
    /// Hide received messages for this many seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility_timeout: Option<i32>,
}

impl ReceiveMessageInput {
    /// Input for `queue_url` with the service's defaults.
    pub fn new(queue_url: impl Into<String>) -> Self {
        Self {
            queue_url: queue_url.into(),
            ..Self::default()
        }
    }

    /// Long-poll for up to `seconds`.
    #[must_use]
    pub fn wait_time_seconds(mut self, seconds: i32) -> Self {
        self.wait_time_seconds = Some(seconds);
        self
    }

    /// Receive up to `n` messages.
    #[must_use]
    pub fn max_number_of_messages(mut self, n: i32) -> Self {
        self.max_number_of_messages = Some(n);
        self
    }
}

/// One received message.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Message {
    /// The message id.
    pub message_id: Option<String>,
    /// The handle to delete or change the visibility of this receipt.
    pub receipt_handle: Option<String>,
    /// The body.
    pub body: Option<String>,
    /// MD5 of the body.
    #[serde(rename = "MD5OfBody")]
    pub md5_of_body: Option<String>,
}

/// ReceiveMessage's answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ReceiveMessageOutput {
    /// The messages (none when the wait ended empty).
    #[serde(default)]
    pub messages: Vec<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateQueueInput<'a> {
    queue_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessageInput<'a> {
    queue_url: &'a str,
    message_body: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteMessageInput<'a> {
    queue_url: &'a str,
    receipt_handle: &'a str,
}

#[derive(Deserialize)]
struct Empty {}

/// An operation's name and its `X-Amz-Target`, both static.
macro_rules! op {
    ($name:literal) => {
        ($name, concat!("AmazonSQS.", $name))
    };
}

impl SqsClient {
    async fn call<I: Serialize, O: serde::de::DeserializeOwned>(
        &self,
        (operation, target): (&'static str, &'static str),
        input: &I,
    ) -> Result<O, Error> {
        let req = json_request(Protocol::AwsJson1_0, operation, target, input)?;
        let resp = self.client.send(req).await?;
        let (_, body) = read_body(resp).await?;
        parse_json(&body)
    }

    /// Creates a queue (or returns the existing one of that name).
    ///
    /// # Errors
    /// Service errors (e.g. `QueueNameExists` with different attributes) and stack errors.
    pub async fn create_queue(&self, queue_name: &str) -> Result<CreateQueueOutput, Error> {
        if queue_name.is_empty() {
            return Err(Error::request("CreateQueue: QueueName is required"));
        }
        self.call(op!("CreateQueue"), &CreateQueueInput { queue_name })
            .await
    }

    /// Sends a message.
    ///
    /// # Errors
    /// Service and stack errors.
    pub async fn send_message(
        &self,
        queue_url: &str,
        body: &str,
    ) -> Result<SendMessageOutput, Error> {
        self.call(
            op!("SendMessage"),
            &SendMessageInput {
                queue_url,
                message_body: body,
            },
        )
        .await
    }

    /// Receives messages (long polling with [`ReceiveMessageInput::wait_time_seconds`]).
    ///
    /// # Errors
    /// Service and stack errors.
    pub async fn receive_message(
        &self,
        input: &ReceiveMessageInput,
    ) -> Result<ReceiveMessageOutput, Error> {
        self.call(op!("ReceiveMessage"), input).await
    }

    /// Deletes a received message.
    ///
    /// # Errors
    /// Service and stack errors.
    pub async fn delete_message(&self, queue_url: &str, receipt_handle: &str) -> Result<(), Error> {
        let _: Empty = self
            .call(
                op!("DeleteMessage"),
                &DeleteMessageInput {
                    queue_url,
                    receipt_handle,
                },
            )
            .await?;
        Ok(())
    }
}
