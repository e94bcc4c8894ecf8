//! CBOR bodies (Smithy RPC v2 CBOR) as a serde deserializer over `minicbor`'s decoder, to be
//! wrapped in [`Shaped`](super::json::Shaped) as JSON's is: the shape layer renames keys,
//! reads timestamps and blobs, and skips what the model does not know.
//!
//! What it presents: definite and indefinite lengths alike (arrays, maps, byte and text
//! strings); every tag is looked through (tag 1 around a timestamp's integer or float
//! seconds reaches the time visitor as a number); half, single and double floats as `f64`;
//! null and undefined as unit (`None` when an option is asked for). Nesting deeper than
//! [`MAX_DEPTH`] is an error rather than a stack overflow, and so is anything malformed or
//! cut short: never a panic.

use minicbor::data::Type;
use minicbor::Decoder;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::Error;

/// How deeply arrays and maps may nest (serde_json's limit).
pub(crate) const MAX_DEPTH: usize = 128;

/// A CBOR document being read.
pub(crate) struct CborDe<'de> {
    dec: Decoder<'de>,
    depth: usize,
}

fn malformed(e: &minicbor::decode::Error) -> Error {
    Error::new(format!("malformed CBOR: {e}"))
}

impl<'de> CborDe<'de> {
    pub(crate) fn new(body: &'de [u8]) -> Self {
        Self {
            dec: Decoder::new(body),
            depth: 0,
        }
    }

    /// Checks that the document was the whole body.
    pub(crate) fn end(&self) -> Result<(), Error> {
        let rest = self.dec.input().len() - self.dec.position();
        if rest > 0 {
            return Err(Error::new(format!(
                "malformed CBOR: {rest} bytes after the end of the document"
            )));
        }
        Ok(())
    }

    fn datatype(&self) -> Result<Type, Error> {
        self.dec.datatype().map_err(|e| malformed(&e))
    }

    /// Steps over tags: the runtime reads the tagged value by its shape.
    fn untagged(&mut self) -> Result<Type, Error> {
        loop {
            match self.datatype()? {
                Type::Tag => {
                    self.dec.tag().map_err(|e| malformed(&e))?;
                }
                t => return Ok(t),
            }
        }
    }

    /// Consumes the break that ends an indefinite-length item, if it is next.
    fn at_break(&mut self) -> Result<bool, Error> {
        if self.datatype()? == Type::Break {
            self.dec.set_position(self.dec.position() + 1);
            return Ok(true);
        }
        Ok(false)
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::new(format!(
                "malformed CBOR: nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    /// Items a definite length may still claim: each takes at least one byte.
    fn plausible(&self, n: u64) -> Result<u64, Error> {
        let left = (self.dec.input().len() - self.dec.position()) as u64;
        if n > left {
            return Err(Error::new(format!(
                "malformed CBOR: {n} items announced, {left} bytes left"
            )));
        }
        Ok(n)
    }

    fn compound<'a, V: Visitor<'de>>(
        &'a mut self,
        visitor: V,
        map: bool,
    ) -> Result<V::Value, Error> {
        let len = if map {
            self.dec.map()
        } else {
            self.dec.array()
        }
        .map_err(|e| malformed(&e))?;
        let left = match len {
            Some(n) => Some(self.plausible(if map { n.saturating_mul(2) } else { n })?),
            None => None,
        };
        self.enter()?;
        let mut access = Items {
            de: self,
            left: left.map(|n| if map { n / 2 } else { n }),
            done: false,
        };
        let value = if map {
            visitor.visit_map(&mut access)?
        } else {
            visitor.visit_seq(&mut access)?
        };
        // Whatever the visitor left unread is skipped, so the decoder stays in step.
        access.drain(map)?;
        self.depth -= 1;
        Ok(value)
    }
}

/// The items of an array or the entries of a map.
struct Items<'a, 'de> {
    de: &'a mut CborDe<'de>,
    /// Items (entries for a map) left of a definite length; `None`: indefinite.
    left: Option<u64>,
    done: bool,
}

impl Items<'_, '_> {
    /// Whether another item follows (and, for a definite length, counts it).
    fn next(&mut self) -> Result<bool, Error> {
        if self.done {
            return Ok(false);
        }
        let more = match &mut self.left {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => !self.de.at_break()?,
        };
        self.done = !more;
        Ok(more)
    }

    fn drain(&mut self, map: bool) -> Result<(), Error> {
        while self.next()? {
            for _ in 0..if map { 2 } else { 1 } {
                de::Deserializer::deserialize_ignored_any(&mut *self.de, de::IgnoredAny)?;
            }
        }
        Ok(())
    }
}

impl<'de> SeqAccess<'de> for &mut Items<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        self.left.and_then(|n| usize::try_from(n).ok())
    }
}

impl<'de> MapAccess<'de> for &mut Items<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if !self.next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        self.left.and_then(|n| usize::try_from(n).ok())
    }
}

impl<'de> de::Deserializer<'de> for &mut CborDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let bad = |e: minicbor::decode::Error| malformed(&e);
        match self.untagged()? {
            Type::Bool => visitor.visit_bool(self.dec.bool().map_err(bad)?),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                visitor.visit_u64(self.dec.u64().map_err(bad)?)
            }
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
                visitor.visit_i64(self.dec.i64().map_err(bad)?)
            }
            Type::Int => visitor.visit_i128(i128::from(self.dec.int().map_err(bad)?)),
            Type::F16 | Type::F32 | Type::F64 => visitor.visit_f64(self.dec.f64().map_err(bad)?),
            Type::Null => {
                self.dec.null().map_err(bad)?;
                visitor.visit_unit()
            }
            Type::Undefined => {
                self.dec.undefined().map_err(bad)?;
                visitor.visit_unit()
            }
            Type::Bytes => visitor.visit_borrowed_bytes(self.dec.bytes().map_err(bad)?),
            Type::BytesIndef => {
                let mut buf = Vec::new();
                for chunk in self.dec.bytes_iter().map_err(bad)? {
                    buf.extend_from_slice(chunk.map_err(bad)?);
                }
                visitor.visit_byte_buf(buf)
            }
            Type::String => visitor.visit_borrowed_str(self.dec.str().map_err(bad)?),
            Type::StringIndef => {
                let mut buf = String::new();
                for chunk in self.dec.str_iter().map_err(bad)? {
                    buf.push_str(chunk.map_err(bad)?);
                }
                visitor.visit_string(buf)
            }
            Type::Array | Type::ArrayIndef => self.compound(visitor, false),
            Type::Map | Type::MapIndef => self.compound(visitor, true),
            t @ (Type::Simple | Type::Break | Type::Unknown(_) | Type::Tag) => {
                Err(Error::new(format!(
                    "malformed CBOR: unexpected {t} at byte {}",
                    self.dec.position()
                )))
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.untagged()? {
            Type::Null => {
                self.dec.null().map_err(|e| malformed(&e))?;
                visitor.visit_none()
            }
            Type::Undefined => {
                self.dec.undefined().map_err(|e| malformed(&e))?;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // minicbor skips without recursion, whatever the nesting.
        if self.datatype()? == Type::Break {
            return Err(Error::new(format!(
                "malformed CBOR: unexpected break at byte {}",
                self.dec.position()
            )));
        }
        self.dec.skip().map_err(|e| malformed(&e))?;
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(body: &[u8]) -> Result<serde_json::Value, Error> {
        let mut d = CborDe::new(body);
        let v = serde::Deserialize::deserialize(&mut d)?;
        d.end()?;
        Ok(v)
    }

    #[test]
    fn definite_and_indefinite_lengths() {
        // {"a": [1, -2, "x"]} definite, then the same with indefinite map, array and a
        // chunked string.
        let definite = [0xa1, 0x61, b'a', 0x83, 0x01, 0x21, 0x61, b'x'];
        let indefinite = [
            0xbf, 0x61, b'a', 0x9f, 0x01, 0x21, 0x7f, 0x61, b'x', 0xff, 0xff, 0xff,
        ];
        let want = serde_json::json!({"a": [1, -2, "x"]});
        assert_eq!(value(&definite).unwrap(), want);
        assert_eq!(value(&indefinite).unwrap(), want);
    }

    #[test]
    fn tags_are_looked_through_and_floats_widen() {
        // tag 1 around 1.5 as a half float.
        assert_eq!(
            value(&[0xc1, 0xf9, 0x3e, 0x00]).unwrap(),
            serde_json::json!(1.5)
        );
        assert_eq!(
            value(&[0xc1, 0x1a, 0, 0, 0, 10]).unwrap(),
            serde_json::json!(10)
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in [
            &[0xbf, 0x61][..],                                           // cut short
            &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..], // absurd length
            &[0xff][..],                                                 // a stray break
            &[0x1c][..],                                                 // reserved additional info
            &[0xa1, 0x61, b'a'][..],                                     // a key without its value
            &[0x01, 0x02][..],                                           // trailing bytes
        ] {
            assert!(value(bad).is_err(), "{bad:x?}");
        }
        let deep = vec![0x81; 100_000];
        let e = value(&deep).unwrap_err().to_string();
        assert!(e.contains("nested deeper"), "{e}");
        let deep_indefinite = vec![0x9f; 100_000];
        assert!(value(&deep_indefinite).is_err());
    }
}
