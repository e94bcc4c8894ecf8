//! Plain Rust values on the generated request builders: an item or key from any
//! `Serialize` value, and query/scan results read as any `DeserializeOwned` type.

use std::error::Error as StdError;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use session_runtime::futures_util::{Stream, StreamExt as _};
use session_runtime::{ModeledError, OperationError};

use crate::item::{from_item, to_item, ItemError};
use crate::operations::{
    DeleteItemCall, GetItemCall, PutItemCall, QueryCall, QueryError, ScanCall, ScanError,
    UpdateItemCall,
};

/// Why a call with plain Rust values failed: the value could not be written as (or read
/// from) an item, or the operation failed (`E` is its error enum, e.g.
/// [`PutItemError`](crate::operations::PutItemError)).
pub enum ItemCallError<E> {
    /// The value could not be written as an item or key (nothing was sent), or an item
    /// read back does not fit the type asked for.
    Item(ItemError),
    /// The operation failed: see [`OperationError`] (a modeled error such as
    /// `ConditionalCheckFailedException` is matched with `as_service()`).
    Operation(OperationError<E>),
}

impl<E> ItemCallError<E> {
    /// The operation's error, if the operation failed.
    pub fn as_operation(&self) -> Option<&OperationError<E>> {
        match self {
            Self::Operation(e) => Some(e),
            Self::Item(_) => None,
        }
    }

    /// The item error, if a value did not convert.
    pub fn as_item(&self) -> Option<&ItemError> {
        match self {
            Self::Item(e) => Some(e),
            Self::Operation(_) => None,
        }
    }
}

impl<E> From<ItemError> for ItemCallError<E> {
    fn from(e: ItemError) -> Self {
        Self::Item(e)
    }
}

impl<E> From<OperationError<E>> for ItemCallError<E> {
    fn from(e: OperationError<E>) -> Self {
        Self::Operation(e)
    }
}

impl<E: ModeledError> fmt::Debug for ItemCallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item(e) => f.debug_tuple("Item").field(e).finish(),
            Self::Operation(e) => f.debug_tuple("Operation").field(e).finish(),
        }
    }
}

impl<E: ModeledError> fmt::Display for ItemCallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item(_) => f.write_str("a value does not convert to or from a DynamoDB item"),
            Self::Operation(_) => f.write_str("the DynamoDB call failed"),
        }
    }
}

impl<E: ModeledError> StdError for ItemCallError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Item(e) => Some(e),
            Self::Operation(e) => Some(e),
        }
    }
}

impl PutItemCall {
    /// Sets `Item` from `item` (a struct or map; see [`to_item`]).
    ///
    /// # Errors
    /// `item` is not a struct or map, or holds a value DynamoDB cannot store.
    ///
    /// ```no_run
    /// # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
    /// use services_dynamodb::conditions::attr;
    ///
    /// #[derive(serde::Serialize)]
    /// struct User { pk: String, name: String }
    ///
    /// let user = User { pk: "user#1".into(), name: "Ada".into() };
    /// table.put_item().item_from(&user)?.condition(attr("pk").not_exists()).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn item_from<T: Serialize + ?Sized>(self, item: &T) -> Result<Self, ItemError> {
        Ok(self.item(to_item(item)?))
    }
}

macro_rules! key_from {
    ($($call:ty),*) => {
        $(impl $call {
            /// Sets `Key` from `key`: a struct or map holding the key attributes (a
            /// `#[derive(Serialize)]` struct, `serde_json::json!({"pk": "a", "sk": 1})`,
            /// a `HashMap<&str, &str>`).
            ///
            /// # Errors
            /// `key` is not a struct or map, or holds a value DynamoDB cannot store.
            pub fn key_from<K: Serialize + ?Sized>(self, key: &K) -> Result<Self, ItemError> {
                Ok(self.key(to_item(key)?))
            }
        })*
    };
}

key_from!(GetItemCall, DeleteItemCall, UpdateItemCall);

impl QueryCall {
    /// Every item of every page, read as `T` (pages are requested as the stream is
    /// polled; `Limit` sets the page size). An item that does not fit `T` is an
    /// [`ItemCallError::Item`] in its place; the stream goes on.
    ///
    /// ```no_run
    /// # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::TryStreamExt as _;
    /// use services_dynamodb::conditions::key;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Order { sk: String, total: u64 }
    ///
    /// let orders: Vec<Order> = table
    ///     .query()
    ///     .key_condition(key("pk").eq("user#1"))
    ///     .items_as::<Order>()
    ///     .try_collect()
    ///     .await?;
    /// # let _ = orders;
    /// # Ok(()) }
    /// ```
    pub fn items_as<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<T, ItemCallError<QueryError>>> + Send {
        self.into_paginator().items().map(read_item)
    }
}

impl ScanCall {
    /// Every item of every page, read as `T`; see [`QueryCall::items_as`].
    pub fn items_as<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<T, ItemCallError<ScanError>>> + Send {
        self.into_paginator().items().map(read_item)
    }
}

fn read_item<T: DeserializeOwned, E>(
    item: Result<
        std::collections::HashMap<String, crate::types::AttributeValue>,
        OperationError<E>,
    >,
) -> Result<T, ItemCallError<E>> {
    Ok(from_item(item?)?)
}
