//! Amazon DynamoDB over AWS JSON 1.0: every operation of the model, generated
//! (`generated/`), on [`DynamoDbClient`].
//!
//! ```no_run
//! # async fn demo(session: &session_core::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use services_dynamodb::types::{AttributeValue, KeyType, ScalarAttributeType};
//! use services_dynamodb::DynamoDbClient;
//!
//! let ddb = DynamoDbClient::new(session)?;
//! let tables = ddb.list_tables().limit(10).send().await?;
//! println!("{:?}", tables.table_names);
//! # Ok(()) }
//! ```
//!
//! Beside the generated API, boto3's DynamoDB customizations:
//! - [`conditions`]: `Key`/`Attr` condition and key-condition builders, rendered with
//!   placeholders by `QueryCall::key_condition`, `filter` and `condition` on the request
//!   builders;
//! - [`item`]: items as serde values, used by `Table::put`/`get`/`delete_key`,
//!   `item_from`/`key_from` on the request builders and `items_as::<T>()` on queries and
//!   scans (errors as [`ItemCallError`]);
//! - [`batch_writer`]: `table.batch_writer()`, buffered `BatchWriteItem` calls with
//!   unprocessed items re-sent.

#![warn(missing_docs)]

mod attribute_value;
mod attribute_value_from;
pub mod batch_writer;
mod call_conditions;
pub mod conditions;
mod generated;
pub mod item;
mod table_items;
mod typed_calls;

pub use batch_writer::{BatchWriteError, BatchWriter};
pub use generated::operations;
pub use generated::resources;
pub use generated::types;
pub use generated::waiters;
pub use item::{from_attribute_value, from_item, to_attribute_value, to_item, ItemError};
pub use session_runtime::{Blob, OperationError, Paginator, Waited, WaiterError};
pub use typed_calls::ItemCallError;

use serde_json::Value;
use session_core::Session;
use session_tower::protocol::rpc::{json_request, parse_json, read_body};
use session_tower::protocol::Protocol;
use session_tower::{AwsService, Client, ClientBuilder, Error, ResourceService, ServiceInfo};

/// The service description.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "DynamoDB",
    signing_name: "dynamodb",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_endpoints::dynamodb,
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-08-10",
    roles: Some(&services_sts::credentials::ROLES),
};

/// Marker type: `session.client::<DynamoDb>()`.
#[derive(Debug, Clone, Copy)]
pub struct DynamoDb;

impl AwsService for DynamoDb {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = DynamoDbClient;
}

impl ResourceService for DynamoDb {
    type Resource = resources::ServiceResource;
}

/// A client of Amazon DynamoDB. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DynamoDbClient {
    pub(crate) client: Client,
}

impl From<Client> for DynamoDbClient {
    fn from(client: Client) -> Self {
        Self { client }
    }
}

impl DynamoDbClient {
    /// A client with the session's settings.
    ///
    /// # Errors
    /// No region configured, or the session's CA bundle is unreadable.
    pub fn new(session: &Session) -> Result<Self, Error> {
        Client::new(session, &INFO).map(Self::from)
    }

    /// A builder, to add tower layers or override settings.
    pub fn builder(session: &Session) -> ClientBuilder<DynamoDbClient> {
        ClientBuilder::new(session, &INFO)
    }

    /// Calls any operation by name with a JSON input, returning the JSON output: an escape
    /// hatch for what the typed API does not cover yet.
    ///
    /// # Errors
    /// Service and stack errors; a malformed response.
    pub async fn call(&self, operation: &str, input: &Value) -> Result<Value, Error> {
        if !operation.bytes().all(|b| b.is_ascii_alphanumeric()) || operation.is_empty() {
            return Err(Error::request(format!(
                "{operation:?} is not an operation name"
            )));
        }
        let (operation, target) = interned(operation);
        let req = json_request(Protocol::AwsJson1_0, operation, target, input)?;
        let resp = self.client.send(req).await?;
        let (_, body) = read_body(resp).await?;
        parse_json(&body)
    }
}

/// The stack wants `'static` operation names and targets. Each distinct name is made
/// `'static` once and remembered (operation names are few), so calling in a loop does not
/// leak.
fn interned(operation: &str) -> (&'static str, &'static str) {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock, PoisonError};
    static NAMES: OnceLock<Mutex<HashMap<String, (&'static str, &'static str)>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    *names.entry(operation.to_owned()).or_insert_with(|| {
        let name: &'static str = Box::leak(operation.to_owned().into_boxed_str());
        let target: &'static str =
            Box::leak(format!("DynamoDB_20120810.{operation}").into_boxed_str());
        (name, target)
    })
}

impl DynamoDbClient {
    /// The service resource over this client: boto3's `session.resource(...)`. Resources
    /// share this client (its stack and pool); making one does no I/O.
    pub fn resource(&self) -> resources::ServiceResource {
        resources::ServiceResource::new(self.clone())
    }
}

#[cfg(test)]
mod interning_tests {
    #[test]
    fn one_allocation_per_distinct_name() {
        let (a, ta) = super::interned("ListTables");
        let (b, _) = super::interned("ListTables");
        assert!(std::ptr::eq(a, b));
        assert_eq!(ta, "DynamoDB_20120810.ListTables");
    }
}
