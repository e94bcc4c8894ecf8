//! A payload read by its protocol's body parser: the same shaped parsers that read whole
//! answers (JSON through [`Shaped`], XML through the tape), so an event's members read
//! exactly as an output's would (CBOR through its own deserializer, also in `Shaped`).

use serde::de::{DeserializeOwned, Deserializer, Visitor};

use crate::shapes::Protocol;
use crate::wire::de::cbor::CborDe;
use crate::wire::de::json::Shaped;
use crate::wire::de::xml::{Tape, XmlDe};
use crate::wire::de::{Error, Place};

/// What the visitor asks the payload for.
#[derive(Clone, Copy)]
pub(crate) enum Ask {
    /// Whatever the shape is (a structure as a map, a union as a one-entry map).
    Any,
    /// A union as an enum.
    Enum,
}

/// `body` read as the shape at `place` in the service's protocol, presented to `visitor`.
pub(crate) fn parse_with<'de, V: Visitor<'de>>(
    place: Place,
    body: &'de [u8],
    visitor: V,
    ask: Ask,
) -> Result<V::Value, Error> {
    match place.service.protocol {
        Protocol::Json10 | Protocol::Json11 | Protocol::RestJson => {
            let mut d = serde_json::Deserializer::from_slice(body);
            let shaped = Shaped::new(&mut d, place, false);
            let value = match ask {
                Ask::Any => shaped.deserialize_any(visitor),
                Ask::Enum => shaped.deserialize_enum("", &[], visitor),
            }
            .map_err(|e| Error::new(e.to_string()))?;
            // Trailing bytes after the document are not a payload the protocol writes.
            d.end().map_err(|e| Error::new(e.to_string()))?;
            Ok(value)
        }
        Protocol::RestXml | Protocol::Query | Protocol::Ec2 => {
            let tape = Tape::parse(body)?;
            let de = XmlDe {
                tape: &tape,
                node: tape.root(),
                place,
            };
            match ask {
                Ask::Any => de.deserialize_any(visitor),
                Ask::Enum => de.deserialize_enum("", &[], visitor),
            }
        }
        // CBOR as JSON: its deserializer wrapped in `Shaped`.
        Protocol::Cbor => {
            let mut d = CborDe::new(body);
            let shaped = Shaped::new(&mut d, place, false);
            let value = match ask {
                Ask::Any => shaped.deserialize_any(visitor),
                Ask::Enum => shaped.deserialize_enum("", &[], visitor),
            }?;
            d.end()?;
            Ok(value)
        }
    }
}

/// `body` read as the shape at `place` into a `T`.
pub(crate) fn parse<T: DeserializeOwned>(place: Place, body: &[u8]) -> Result<T, Error> {
    T::deserialize(Whole { place, body })
}

/// A whole payload as a deserializer (for values read at the top level).
struct Whole<'a> {
    place: Place,
    body: &'a [u8],
}

impl<'de> Deserializer<'de> for Whole<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        parse_with(self.place, self.body, visitor, Ask::Any)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        parse_with(self.place, self.body, visitor, Ask::Enum)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}
