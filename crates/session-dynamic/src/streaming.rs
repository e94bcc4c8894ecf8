//! Streamed bodies and event streams through the dynamic client: S3's `PutObject` body
//! sent from a stream, `GetObject`'s body handed back unread, and the events of an
//! operation whose output is an event stream.

use session_runtime::shapes::{Operation, OperationFlags};
use session_runtime::wire::eventstream::EventStream;
use session_tower::SdkBody;

use crate::{DynClient, Error, Value};

impl DynClient {
    /// Calls `operation`, sending `body` as the input's streamed member when given, and
    /// returns the output with its streamed body unread (`None` for an operation whose
    /// output does not stream).
    ///
    /// [`call`](Self::call) takes a streamed input member as a blob in the input and reads
    /// a streamed output whole into the output's payload member; this is the call for
    /// bodies too large to hold, or to read as they arrive. A body sent from a stream is
    /// sent once: a retry cannot resend it (the same rule as the typed clients').
    ///
    /// ```no_run
    /// # async fn demo(s3: session_dynamic::DynClient) -> Result<(), session_dynamic::Error> {
    /// use session_dynamic::{SdkBody, Value};
    /// let input = Value::map().with("Bucket", "logs").with("Key", "today.txt");
    /// s3.call_streaming("PutObject", input.clone(), Some(SdkBody::from("hello")))
    ///     .await?;
    /// let (head, body) = s3.call_streaming("GetObject", input, None).await?;
    /// assert_eq!(head.get("ContentLength").and_then(Value::as_i64), Some(5));
    /// let bytes = body.expect("GetObject streams").collect().await.expect("the body");
    /// assert_eq!(&bytes[..], b"hello");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`call`](Self::call); a `body` for an operation whose input does not stream is
    /// an invalid input (nothing sent).
    pub async fn call_streaming(
        &self,
        operation: &str,
        input: impl Into<Value>,
        body: Option<SdkBody>,
    ) -> Result<(Value, Option<SdkBody>), Error> {
        let op = self.operation(operation)?;
        if body.is_some() && !op.flags.has(OperationFlags::STREAMING_INPUT) {
            return Err(Error::config(format!(
                "{}: its input has no streamed member to send a body as",
                op.name
            )));
        }
        let input = input.into();
        self.warn(op, &input);
        let service = self.tables();
        session_runtime::wire::call::call_value(self.raw(), service, op, &input, body)
            .await
            .map_err(|e| self.error(op, e))
    }

    /// Calls `operation`, whose output is an event stream (Kinesis `SubscribeToShard`,
    /// Logs `StartLiveTail`, S3 `SelectObjectContent`, Transcribe's streams), and returns
    /// the output's other members and the events, each a one-entry map of the union
    /// member it is (`{"Records": {"Payload": ...}}`).
    ///
    /// # Errors
    /// As [`call`](Self::call); an operation whose output is not an event stream is an
    /// error. Errors inside the stream (a modeled exception event, a bad frame) are the
    /// stream's items.
    pub async fn call_events(
        &self,
        operation: &str,
        input: impl Into<Value>,
    ) -> Result<(Value, EventStream<Value>), Error> {
        let op = self.operation(operation)?;
        let input = input.into();
        self.warn(op, &input);
        let service = self.tables();
        session_runtime::wire::eventstream::call_value_events(self.raw(), service, op, &input)
            .await
            .map_err(|e| self.error(op, e))
    }

    /// The output of `op` as [`call`](Self::call) returns it: a streamed body is read whole
    /// into the payload member (a blob), so nothing of the answer is dropped.
    pub(crate) async fn output(
        &self,
        op: &'static Operation,
        (out, body): (Value, Option<SdkBody>),
    ) -> Result<Value, Error> {
        let Some(body) = body else {
            return Ok(out);
        };
        let member = op
            .output
            .and_then(|id| self.tables().shape(id).payload)
            .ok_or_else(|| {
                Error::config(format!(
                    "{}: a streamed answer for an output without a payload member",
                    op.name
                ))
            })?;
        let bytes = body.collect().await.map_err(|e| self.error(op, e))?;
        let out = match out {
            Value::Null => Value::map(),
            other => other,
        };
        Ok(out.with(member, Value::Blob(bytes)))
    }
}
