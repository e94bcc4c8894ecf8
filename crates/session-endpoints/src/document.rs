//! A small JSON-like value for endpoint properties.

use std::collections::BTreeMap;

/// A JSON-like value: what endpoint `properties` hold (e.g. the `authSchemes` list).
///
/// Defined here rather than borrowed from a JSON crate so that no JSON library is part of
/// this crate's public API.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number. Rule sets only use small integers, which `f64` holds exactly.
    Number(f64),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Document>),
    /// An object, with keys in sorted order.
    Object(BTreeMap<String, Document>),
}

impl Document {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_array(&self) -> Option<&[Document]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Document>> {
        match self {
            Self::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The member `key` of an object; `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Document> {
        self.as_object()?.get(key)
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

impl From<&str> for Document {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for Document {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<bool> for Document {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<f64> for Document {
    fn from(value: f64) -> Self {
        Self::Number(value)
    }
}

impl From<Vec<Document>> for Document {
    fn from(value: Vec<Document>) -> Self {
        Self::Array(value)
    }
}

impl From<BTreeMap<String, Document>> for Document {
    fn from(value: BTreeMap<String, Document>) -> Self {
        Self::Object(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let mut map = BTreeMap::new();
        map.insert("name".to_owned(), Document::from("sigv4"));
        map.insert("flag".to_owned(), Document::from(true));
        let doc = Document::Array(vec![Document::Object(map)]);
        let first = &doc.as_array().unwrap()[0];
        assert_eq!(first.get("name").and_then(Document::as_str), Some("sigv4"));
        assert_eq!(first.get("flag").and_then(Document::as_bool), Some(true));
        assert_eq!(first.get("missing"), None);
        assert_eq!(doc.get("name"), None);
        assert!(Document::Null.is_null());
        assert_eq!(Document::from(2.0).as_f64(), Some(2.0));
    }
}
