//! Dynamic values: what the dynamic client takes and returns, keyed by the model's member
//! names (boto3's `FunctionName`), with lossless blobs and timestamps.
//!
//! A [`Value`] goes through the same serializer and parsers as the typed crates' values:
//! its serde implementations present blobs as bytes and timestamps as timestamps, and the
//! shape tables do the rest.
//!
//! # The JSON mapping
//! [`Value::to_json`] and [`Value::from_json`] convert to and from `serde_json::Value`:
//! maps and lists as objects and arrays, integers and floats as numbers, blobs as base64
//! strings, timestamps as RFC 3339 strings (to the nanosecond). Going from JSON, strings
//! stay strings: where the model has a blob or a timestamp, the serializer reads a string
//! as base64 or as a time (RFC 3339, an HTTP date, or epoch seconds), so JSON input works
//! as it is.

mod de;
mod ser;

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use indexmap::IndexMap;

use crate::values::Timestamp;

/// A dynamic value.
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    /// Nothing (a null in a sparse list or map, or a member left unset).
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A floating-point number.
    Float(f64),
    /// Text.
    String(String),
    /// Bytes.
    Blob(Bytes),
    /// A point in time.
    Timestamp(Timestamp),
    /// A list.
    List(Vec<Value>),
    /// A structure (members by model name) or a map, in the order given (a structure's
    /// members go on the wire in this order).
    Map(IndexMap<String, Value>),
}

impl Value {
    /// An empty map (a structure with no member set).
    pub fn map() -> Self {
        Value::Map(IndexMap::new())
    }

    /// With member `key` set to `value` (on a map; other values are returned unchanged).
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        if let Value::Map(m) = &mut self {
            m.insert(key.into(), value.into());
        }
        self
    }

    /// Member `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// Element `i` of a list.
    pub fn at(&self, i: usize) -> Option<&Value> {
        match self {
            Value::List(l) => l.get(i),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(n) => Some(*n),
            _ => None,
        }
    }

    /// The number, if this is an integer or a float.
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Integer(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The bytes, if this is a blob.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Blob(b) => Some(b),
            _ => None,
        }
    }

    /// The time, if this is a timestamp.
    pub fn as_timestamp(&self) -> Option<Timestamp> {
        match self {
            Value::Timestamp(t) => Some(*t),
            _ => None,
        }
    }

    /// The elements, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The entries, if this is a map.
    pub fn as_map(&self) -> Option<&IndexMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// As JSON (see the [module docs](self) for the mapping).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Integer(n) => J::from(*n),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| J::String(crate::wire::text::float(*f, false)), J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Blob(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
            Value::Timestamp(t) => J::String(t.to_rfc3339_exact()),
            Value::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// From JSON (see the [module docs](self) for the mapping).
    pub fn from_json(json: &serde_json::Value) -> Self {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Integer(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// From any serializable value, through its JSON form (so blobs and timestamps arrive
    /// as text and are read by the model).
    ///
    /// # Errors
    /// When `value` cannot be serialized as JSON.
    pub fn from_serialize<T: serde::Serialize + ?Sized>(
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        serde_json::to_value(value).map(|j| Value::from_json(&j))
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => b.fmt(f),
            Value::Integer(n) => n.fmt(f),
            Value::Float(x) => x.fmt(f),
            Value::String(s) => s.fmt(f),
            Value::Blob(b) => write!(f, "<{} bytes>", b.len()),
            Value::Timestamp(t) => t.fmt(f),
            Value::List(l) => f.debug_list().entries(l).finish(),
            Value::Map(m) => f.debug_map().entries(m).finish(),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Integer(i64::from(v))
            }
        }
    )*};
}

from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<Bytes> for Value {
    fn from(v: Bytes) -> Self {
        Value::Blob(v)
    }
}

impl From<Timestamp> for Value {
    fn from(v: Timestamp) -> Self {
        Value::Timestamp(v)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::List(v)
    }
}

impl From<IndexMap<String, Value>> for Value {
    fn from(v: IndexMap<String, Value>) -> Self {
        Value::Map(v)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        Value::from_json(&v)
    }
}

impl Value {
    /// Drops members set to null from the structures in this value of shape `id` (JSON
    /// answers may hold `"Member": null`, which means unset). Nulls in sparse lists and maps
    /// stay: there they are values.
    pub fn prune_nulls(&mut self, service: &crate::shapes::Service, id: crate::shapes::ShapeId) {
        use crate::shapes::Kind;
        let shape = service.shape(id);
        match (&shape.kind, self) {
            (Kind::Structure(_), Value::Map(m)) => {
                m.retain(|_, v| !v.is_null());
                for (k, v) in m.iter_mut() {
                    if let Some(member) = shape.member(k) {
                        v.prune_nulls(service, member.shape);
                    }
                }
            }
            (Kind::List(element), Value::List(items)) => {
                for v in items {
                    v.prune_nulls(service, element.shape);
                }
            }
            (Kind::Map(_, value), Value::Map(m)) => {
                for v in m.values_mut() {
                    v.prune_nulls(service, value.shape);
                }
            }
            _ => {}
        }
    }
}

static NULL: Value = Value::Null;

/// `value["Member"]`: the member of a map, or [`Value::Null`] when there is none (or the
/// value is not a map), as `serde_json::Value` indexes.
///
/// ```
/// use session_runtime::value::Value;
///
/// let v = Value::map().with("Role", Value::map().with("Arn", "arn:x"));
/// assert_eq!(v["Role"]["Arn"].as_str(), Some("arn:x"));
/// assert!(v["Nope"]["Arn"].is_null());
/// ```
impl std::ops::Index<&str> for Value {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `value[0]`: the element of a list, or [`Value::Null`].
impl std::ops::Index<usize> for Value {
    type Output = Value;

    fn index(&self, i: usize) -> &Value {
        self.at(i).unwrap_or(&NULL)
    }
}
