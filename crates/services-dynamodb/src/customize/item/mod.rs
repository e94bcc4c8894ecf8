//! DynamoDB items as serde values: [`to_item`] / [`from_item`] (and [`to_attribute_value`]
//! / [`from_attribute_value`] for single values), so a `#[derive(Serialize, Deserialize)]`
//! struct goes into `PutItem` and comes back out of `GetItem` without building `{"S": ..}`
//! by hand.
//!
//! The mapping is boto3's `TypeSerializer`/`TypeDeserializer`:
//!
//! | Rust (serde) | attribute value |
//! |---|---|
//! | `String`, `&str`, `char` | `S` |
//! | integers (up to 128 bits), floats | `N`, as decimal text |
//! | `bool` | `BOOL` |
//! | `None`, `()`, unit structs | `NULL` |
//! | bytes (`serialize_bytes`, as `serde_bytes` does), [`Blob`](session_runtime::Blob) | `B` |
//! | sequences, tuples, sets | `L` |
//! | maps, structs | `M` |
//! | enums | unit variants as `S`, others as an `M` with one entry (serde's usual tagging) |
//!
//! Reading back is lenient where it loses nothing: `SS`, `NS` and `BS` read as sequences,
//! an `N` reads into a `String` (its exact text), a `B` into a `Vec<u8>` or a `Blob`, and an
//! integral `N` written as `"1e2"` or `"100.0"` into an integer. serde cannot tell a set
//! from a list, so sets are written as `L`; build `SS`/`NS`/`BS` with
//! [`AttributeValue::ss`] and friends when the table needs a set type.
//!
//! Numbers never go through `f64` unless the target is a float: integers are written with
//! their exact decimal text and parsed back exactly (all 64- and 128-bit values), floats are
//! written in their shortest round-tripping form (`0.1`, not `0.1000000000000000055…`).
//!
//! # Why a Serializer/Deserializer of its own
//! Going through `serde_json::Value` would be shorter, but JSON has no bytes (a `Vec<u8>`
//! and a `serde_bytes` buffer both become arrays of numbers, so `B` could not be told
//! from a list of `N`), and `Value` holds no integer wider than 64 bits. Converting
//! directly also skips building an intermediate tree for every item.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeOwned};
use serde::ser::{self, Serialize};

use crate::types::AttributeValue;

/// Writes `value` (a struct or map) as a DynamoDB item.
///
/// # Errors
/// The value is not a struct or map, holds a non-finite float, or a map with keys that are
/// not strings (or integers); the error names the field.
pub fn to_item<T: Serialize + ?Sized>(
    value: &T,
) -> Result<HashMap<String, AttributeValue>, ItemError> {
    let av = to_attribute_value(value)?;
    let kind = kind_of(&av);
    av.m.filter(|_| kind == "M").ok_or_else(|| {
        ItemError::new(format!(
            "an item must be a struct or map, but this value is written as {kind}"
        ))
    })
}

/// Reads a DynamoDB item (from `GetItem`, `Query`, `Scan`, ...) as a `T`.
///
/// # Errors
/// The item does not fit `T` (a missing field, a value of another type, a number out of
/// range); the error names the field and the types.
pub fn from_item<T: DeserializeOwned>(
    item: HashMap<String, AttributeValue>,
) -> Result<T, ItemError> {
    T::deserialize(AvDeserializer(Av::M(item)))
}

/// Writes `value` as one attribute value (see the [module docs](crate::item) for the
/// mapping).
///
/// # Errors
/// A non-finite float, a map key that is not a string (or integer); the error names the
/// field.
pub fn to_attribute_value<T: Serialize + ?Sized>(value: &T) -> Result<AttributeValue, ItemError> {
    value.serialize(AvSerializer)
}

/// Reads one attribute value as a `T`.
///
/// # Errors
/// The value does not fit `T`, or has no type (or several) set; the error names the field
/// and the types.
pub fn from_attribute_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T, ItemError> {
    T::deserialize(AvDeserializer::new(value)?)
}

/// Why a value could not be written as, or read from, attribute values: the message, and
/// where in the value it happened.
#[derive(Clone, PartialEq, Eq)]
pub struct ItemError {
    message: String,
    /// Innermost first: segments are added as the error travels outwards.
    path: Vec<Segment>,
}

#[derive(Clone, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
}

impl ItemError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            path: Vec::new(),
        }
    }

    fn in_field(mut self, name: &str) -> Self {
        self.path.push(Segment::Field(name.to_owned()));
        self
    }

    fn in_index(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }

    /// Where it happened, as `address.lines[1]`; empty at the top level.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Field(name) if out.is_empty() => out.push_str(name),
                Segment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path(), self.message)
        }
    }
}

impl fmt::Debug for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ItemError({self})")
    }
}

impl std::error::Error for ItemError {}

impl ser::Error for ItemError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }
}

impl de::Error for ItemError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }
}

/// The type letters of a value, as DynamoDB names them (for messages).
fn kind_of(av: &AttributeValue) -> String {
    let kinds = set_kinds(av);
    match kinds.len() {
        0 => "a value with no type".to_owned(),
        _ => kinds.join("+"),
    }
}

fn set_kinds(av: &AttributeValue) -> Vec<&'static str> {
    [
        ("S", av.s.is_some()),
        ("N", av.n.is_some()),
        ("B", av.b.is_some()),
        ("SS", av.ss.is_some()),
        ("NS", av.ns.is_some()),
        ("BS", av.bs.is_some()),
        ("M", av.m.is_some()),
        ("L", av.l.is_some()),
        ("NULL", av.null.is_some()),
        ("BOOL", av.bool.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect()
}

mod read;
mod write;

use read::{Av, AvDeserializer};
use write::AvSerializer;

#[cfg(test)]
mod tests;
