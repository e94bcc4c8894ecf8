//! An event member bound to a frame header (`eventheader`), read by the header's wire type
//! and the member's shape.

use std::borrow::Cow;

use serde::de::{Deserializer, Visitor};
use session_eventstream::HeaderValue;

use crate::shapes::{Kind, TimestampFormat};
use crate::values::Timestamp;
use crate::wire::de::{text_scalar, visit_timestamp, Error, Place};

/// A header's value presented as the member at `place` reads.
pub(crate) struct HeaderDe<'m> {
    pub(crate) value: &'m HeaderValue,
    pub(crate) place: Place,
}

impl<'m> Deserializer<'m> for HeaderDe<'m> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        let kind = &self.place.shape.kind;
        match self.value {
            HeaderValue::Bool(b) => visitor.visit_bool(*b),
            HeaderValue::Byte(_)
            | HeaderValue::Short(_)
            | HeaderValue::Integer(_)
            | HeaderValue::Long(_) => {
                let n = self.value.as_i64().unwrap_or_default();
                match kind {
                    // A time sent as a number: milliseconds, as the timestamp type holds.
                    Kind::Timestamp(_) => visit_timestamp(millis(n)?, visitor),
                    _ => visitor.visit_i64(n),
                }
            }
            HeaderValue::ByteArray(bytes) => match kind {
                Kind::String(_) => {
                    let text = std::str::from_utf8(bytes)
                        .map_err(|_| self.mismatch("a byte array that is not UTF-8"))?;
                    visitor.visit_borrowed_str(text)
                }
                _ => visitor.visit_borrowed_bytes(bytes),
            },
            HeaderValue::String(text) => match kind {
                Kind::String(_) => visitor.visit_borrowed_str(text),
                // A string header read as the shape's scalar (a number, a boolean, a
                // time in ISO 8601 text, base64 bytes).
                _ => text_scalar(
                    self.place,
                    Cow::Borrowed(text.as_str()),
                    TimestampFormat::Iso8601,
                    visitor,
                ),
            },
            HeaderValue::Timestamp(ms) => visit_timestamp(millis(*ms)?, visitor),
            HeaderValue::Uuid(u) => visitor.visit_string(uuid_text(u)),
        }
    }

    fn deserialize_option<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'m>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl HeaderDe<'_> {
    fn mismatch(&self, what: &str) -> Error {
        Error::new(format!(
            "header {}: {what} for {}",
            self.place.member.map_or("?", |m| m.name),
            self.place.shape.name
        ))
    }
}

/// Milliseconds since the epoch (the format's timestamp type) as a time.
fn millis(ms: i64) -> Result<Timestamp, Error> {
    Timestamp::from_nanos(i128::from(ms) * 1_000_000)
        .ok_or_else(|| Error::new("a header timestamp out of range"))
}

/// A UUID's 16 bytes in the canonical 8-4-4-4-12 form.
fn uuid_text(u: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_read_in_canonical_form() {
        let u = [
            0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17,
            0x40, 0x00,
        ];
        assert_eq!(super::uuid_text(&u), "123e4567-e89b-12d3-a456-426614174000");
    }
}
