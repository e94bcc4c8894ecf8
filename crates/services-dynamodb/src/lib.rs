//! Amazon DynamoDB over AWS JSON 1.0.
//!
//! Holds the operations needed to prove the stack end to end (CreateTable, PutItem,
//! GetItem) with items as JSON in DynamoDB's attribute-value format; typed inputs and
//! `AttributeValue` conversions come with the generated API.

#![warn(missing_docs)]

use serde_json::{json, Value};
use session_core::Session;
use session_tower::protocol::rpc::{json_request, parse_json, read_body};
use session_tower::protocol::Protocol;
use session_tower::{AwsService, Client, ClientBuilder, Error, ServiceInfo};

/// The service description.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "DynamoDB",
    signing_name: "dynamodb",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_endpoints::dynamodb,
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-08-10",
};

/// Marker type: `session.client::<DynamoDb>()`.
#[derive(Debug, Clone, Copy)]
pub struct DynamoDb;

impl AwsService for DynamoDb {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = DynamoDbClient;
}

/// A client of Amazon DynamoDB. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DynamoDbClient {
    client: Client,
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

    /// Calls any operation with a JSON input, returning the JSON output.
    ///
    /// # Errors
    /// Service and stack errors; a malformed response.
    pub async fn call(&self, operation: &'static str, input: &Value) -> Result<Value, Error> {
        let target: &'static str = match operation {
            "CreateTable" => "DynamoDB_20120810.CreateTable",
            "PutItem" => "DynamoDB_20120810.PutItem",
            "GetItem" => "DynamoDB_20120810.GetItem",
            "DeleteItem" => "DynamoDB_20120810.DeleteItem",
            "DeleteTable" => "DynamoDB_20120810.DeleteTable",
            "DescribeTable" => "DynamoDB_20120810.DescribeTable",
            "Query" => "DynamoDB_20120810.Query",
            "Scan" => "DynamoDB_20120810.Scan",
            "UpdateItem" => "DynamoDB_20120810.UpdateItem",
            _ => {
                return Err(Error::request(format!(
                    "unknown DynamoDB operation {operation}"
                )))
            }
        };
        let req = json_request(Protocol::AwsJson1_0, operation, target, input)?;
        let resp = self.client.send(req).await?;
        let (_, body) = read_body(resp).await?;
        parse_json(&body)
    }

    /// Creates an on-demand table with a string partition key `key`.
    ///
    /// # Errors
    /// Service and stack errors (e.g. `ResourceInUseException`).
    pub async fn create_table(&self, table: &str, key: &str) -> Result<Value, Error> {
        self.call(
            "CreateTable",
            &json!({
                "TableName": table,
                "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        )
        .await
    }

    /// Puts an item (attribute-value JSON, e.g. `{"id": {"S": "1"}}`).
    ///
    /// # Errors
    /// Service and stack errors.
    pub async fn put_item(&self, table: &str, item: Value) -> Result<(), Error> {
        self.call("PutItem", &json!({"TableName": table, "Item": item}))
            .await
            .map(drop)
    }

    /// Gets an item by key; `None` when absent.
    ///
    /// # Errors
    /// Service and stack errors.
    pub async fn get_item(&self, table: &str, key: Value) -> Result<Option<Value>, Error> {
        let mut out = self
            .call(
                "GetItem",
                &json!({"TableName": table, "Key": key, "ConsistentRead": true}),
            )
            .await?;
        Ok(out.get_mut("Item").map(Value::take))
    }
}
