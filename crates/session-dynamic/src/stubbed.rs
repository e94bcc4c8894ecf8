//! A dynamic client answered by a [`Stubber`]: the same stack and interpreter as this
//! client's, with the stubber's transport in place of the network.

use session_runtime::stub::Stubber;

use crate::client::DynClient;
use crate::error::Error;

impl DynClient {
    /// A client like this one (same session, model and builder steps) whose calls are
    /// answered by the returned [`Stubber`], in the order its answers are added: boto3's
    /// `Stubber(client)`. Nothing is sent; each call runs validation, serialization, the
    /// endpoint rules and signing, and the stubbed answer is read by the real parsers.
    ///
    /// ```
    /// use session_dynamic::{DynClient, ModelSource, Value};
    /// use session_runtime::stub::Stubber;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let models = ModelSource::pack(concat!(env!("CARGO_MANIFEST_DIR"),
    /// #     "/../../models/pack/botocore-1.43.67.pack"));
    /// let sqs = DynClient::builder(&Stubber::session(), "sqs").models(models).build()?;
    /// let (sqs, stubber) = sqs.stubbed()?;
    /// stubber.add_response(
    ///     "GetQueueUrl",
    ///     &Value::map().with("QueueName", "jobs"),
    ///     Value::map().with("QueueUrl", "https://sqs.us-east-1.amazonaws.com/1/jobs"),
    /// )?;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// let out = sqs.call("GetQueueUrl", Value::map().with("QueueName", "jobs")).await?;
    /// assert_eq!(out["QueueUrl"].as_str(), Some("https://sqs.us-east-1.amazonaws.com/1/jobs"));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
    /// stubber.assert_no_pending_responses();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// What building this client's stack again refuses.
    pub fn stubbed(&self) -> Result<(DynClient, Stubber), Error> {
        let stubber = Stubber::new(self.tables());
        let client = stubber
            .attach_builders(self.rebuild(), self.rebuild())
            .map_err(|e| Error::stack(&format!("{} stubbed client", self.service_name()), e))?;
        Ok((self.with_raw(client), stubber))
    }
}
