//! Reading unions: exactly one member is set, but services may send the others as `null`
//! and add a `__type` key; both are ignored.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The one set member of a union value: its name and value, or `None` when no member is
/// set. The whole object is returned as the second element of `Err` when more than one is.
///
/// # Errors
/// A value that is not an object, or with more than one member set.
pub fn union_entry<'de, D: Deserializer<'de>>(d: D) -> Result<Option<(String, Value)>, D::Error> {
    let value = Value::deserialize(d)?;
    let Value::Object(map) = value else {
        return Err(serde::de::Error::custom("a union must be an object"));
    };
    let mut set = map
        .into_iter()
        .filter(|(k, v)| !v.is_null() && k != "__type");
    let first = set.next();
    if set.next().is_some() {
        return Err(serde::de::Error::custom(
            "a union has more than one member set",
        ));
    }
    Ok(first)
}

/// Reads a union member's value, with the error type of the deserializer at hand.
///
/// # Errors
/// A value that does not fit.
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}
