//! boto3's DynamoDB customizations, beside the generated API:
//! - [`conditions`]: `Key`/`Attr` condition and key-condition builders, rendered with
//!   placeholders by `QueryCall::key_condition`, `filter` and `condition` on the request
//!   builders;
//! - [`item`]: items as serde values, used by `Table::put`/`get`/`delete_key`,
//!   `item_from`/`key_from` on the request builders and `items_as::<T>()` on queries and
//!   scans (errors as [`ItemCallError`]);
//! - [`batch_writer`]: `table.batch_writer()`, buffered `BatchWriteItem` calls with
//!   unprocessed items re-sent;
//! - `DynamoDbClient::call`, any operation by name with a JSON input.

mod attribute_value;
mod attribute_value_from;
pub mod batch_writer;
mod call_conditions;
pub mod conditions;
pub mod item;
mod table_items;
mod typed_calls;

pub use batch_writer::{BatchWriteError, BatchWriter};
pub use item::{from_attribute_value, from_item, to_attribute_value, to_item, ItemError};
pub use session_runtime::Blob;
pub use typed_calls::ItemCallError;

use serde_json::Value;
use session_tower::protocol::rpc::{json_request, parse_json, read_body};
use session_tower::protocol::Protocol;
use session_tower::Error;

use crate::DynamoDbClient;

impl DynamoDbClient {
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
