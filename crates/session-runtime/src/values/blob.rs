use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Binary data (a `blob` member). In JSON protocols it travels as base64.
///
/// `Debug` shows only the length: blobs can be large or sensitive.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Blob(Bytes);

impl Blob {
    /// The newtype-struct name a blob serializes under, around its base64 text. Text
    /// formats ignore the name (JSON writes the bare string); a serializer with a binary
    /// type of its own (the DynamoDB item serializer, whose `B` would otherwise receive a
    /// string indistinguishable from any other) recognizes it and stores the bytes.
    pub const SERDE_NAME: &'static str = "$session_runtime::Blob";

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, without copying.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for Blob {
    fn from(b: Bytes) -> Self {
        Self(b)
    }
}

impl From<Vec<u8>> for Blob {
    fn from(b: Vec<u8>) -> Self {
        Self(b.into())
    }
}

impl From<&[u8]> for Blob {
    fn from(b: &[u8]) -> Self {
        Self(Bytes::copy_from_slice(b))
    }
}

impl From<&str> for Blob {
    fn from(s: &str) -> Self {
        s.as_bytes().into()
    }
}

impl From<String> for Blob {
    fn from(s: String) -> Self {
        s.into_bytes().into()
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(
            Self::SERDE_NAME,
            &base64::engine::general_purpose::STANDARD.encode(&self.0),
        )
    }
}

impl<'de> Deserialize<'de> for Blob {
    /// Bytes (as the protocols' parsers present a blob), or base64 text (as plain JSON
    /// holds one).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes or base64 text")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                Ok(Blob::from(v))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
                Ok(Blob::from(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Blob, E> {
                base64::engine::general_purpose::STANDARD
                    .decode(v.as_bytes())
                    .map(Blob::from)
                    .map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_both_ways() {
        let b = Blob::from("binary-value");
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, "\"YmluYXJ5LXZhbHVl\"");
        assert_eq!(serde_json::from_str::<Blob>(&json).unwrap(), b);
        assert!(serde_json::from_str::<Blob>("\"not base64!\"").is_err());
        assert_eq!(format!("{b:?}"), "Blob(12 bytes)");
    }
}
