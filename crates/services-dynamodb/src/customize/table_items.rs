//! Plain Rust values on the `Table` resource: put, get and delete items as serde types,
//! without building attribute-value maps.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::customize::typed_calls::ItemCallError;
use crate::item::from_item;
use crate::operations::{DeleteItemError, GetItemError, PutItemError};
use crate::resources::Table;

impl Table {
    /// Writes `item` (a struct or map, see [`to_item`](crate::to_item)) with `PutItem`,
    /// replacing any item with the same key. For a condition or other options, use
    /// `table.put_item().item_from(&item)?` and its setters.
    ///
    /// # Errors
    /// `item` does not convert (nothing is sent), or the call failed.
    ///
    /// ```no_run
    /// # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
    /// #[derive(serde::Serialize, serde::Deserialize)]
    /// struct User { pk: String, name: String }
    ///
    /// table.put(&User { pk: "user#1".into(), name: "Ada".into() }).await?;
    /// let user: Option<User> = table.get(&serde_json::json!({"pk": "user#1"})).await?;
    /// table.delete_key(&serde_json::json!({"pk": "user#1"})).await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn put<T: Serialize + ?Sized>(
        &self,
        item: &T,
    ) -> Result<(), ItemCallError<PutItemError>> {
        self.put_item().item_from(item)?.send().await?;
        Ok(())
    }

    /// Reads the item with `key` (a struct or map of the key attributes) as a `T`:
    /// `None` if there is none. Eventually consistent, as `GetItem` is by default; for a
    /// consistent read use `table.get_item().key_from(&key)?.consistent_read(true)`.
    ///
    /// # Errors
    /// `key` does not convert (nothing is sent), the call failed, or the item does not
    /// fit `T` (the error names the field).
    pub async fn get<T: DeserializeOwned, K: Serialize + ?Sized>(
        &self,
        key: &K,
    ) -> Result<Option<T>, ItemCallError<GetItemError>> {
        let output = self.get_item().key_from(key)?.send().await?;
        match output.item {
            Some(item) => Ok(Some(from_item(item)?)),
            None => Ok(None),
        }
    }

    /// Deletes the item with `key` (a struct or map of the key attributes) with
    /// `DeleteItem`; deleting an item that does not exist succeeds. (`delete` is the
    /// table's own `DeleteTable`.)
    ///
    /// # Errors
    /// `key` does not convert (nothing is sent), or the call failed.
    pub async fn delete_key<K: Serialize + ?Sized>(
        &self,
        key: &K,
    ) -> Result<(), ItemCallError<DeleteItemError>> {
        self.delete_item().key_from(key)?.send().await?;
        Ok(())
    }
}
