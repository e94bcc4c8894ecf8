//! One event message read into the stream's union: `:event-type` picks the member, the
//! event's `eventheader` members come from the frame's headers, its `eventpayload` member
//! from the payload as bytes, text or a structure, and its other members from the payload
//! parsed as the event's structure by the protocol's body parser.
//!
//! Values are presented as the answer parsers present them (see [`crate::wire::de`]): the
//! union as a one-entry map, or as an enum when asked.

use serde::de::{
    self, value::BorrowedStrDeserializer, DeserializeOwned, DeserializeSeed, Deserializer,
    EnumAccess, MapAccess, VariantAccess, Visitor,
};
use session_eventstream::{HeaderValue, Message};

use super::header::HeaderDe;
use super::payload::{parse_with, Ask};
use crate::shapes::{Kind, Member, MemberFlags};
use crate::wire::de::{Error, Place};

/// The name an event of a type the union does not know is read under (as for unknown
/// union members in answers: botocore's name).
const UNKNOWN: &str = "SDK_UNKNOWN_MEMBER";

/// `message`, an event of type `event_type`, read as the union at `union`.
pub(crate) fn decode<T: DeserializeOwned>(
    union: Place,
    event_type: &str,
    message: &Message,
) -> Result<T, Error> {
    T::deserialize(UnionDe {
        union,
        member: union.shape.member(event_type),
        event_type,
        message,
    })
}

/// The union: one member, the event.
struct UnionDe<'m> {
    union: Place,
    member: Option<&'static Member>,
    event_type: &'m str,
    message: &'m Message,
}

impl<'m> UnionDe<'m> {
    fn event(&self, member: &'static Member) -> EventDe<'m> {
        EventDe {
            place: self.union.of(member),
            message: self.message,
        }
    }
}

impl<'m> Deserializer<'m> for UnionDe<'m> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(OneEntry {
            union: Some(self),
            pending: None,
        })
    }

    fn deserialize_option<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'m>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'m>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// The union as a map of its one set member.
struct OneEntry<'m> {
    union: Option<UnionDe<'m>>,
    pending: Option<UnionDe<'m>>,
}

impl<'m> MapAccess<'m> for OneEntry<'m> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'m>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(union) = self.union.take() else {
            return Ok(None);
        };
        let name = union.member.map_or(UNKNOWN, |m| m.name);
        self.pending = Some(union);
        seed.deserialize(BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'m>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let union = self
            .pending
            .take()
            .ok_or_else(|| Error::new("a value without its key"))?;
        match union.member {
            Some(m) => seed.deserialize(union.event(m)),
            // An event the model does not know: its name, as answers give unknown members.
            None => seed.deserialize(de::value::MapDeserializer::new(std::iter::once((
                "name",
                union.event_type,
            )))),
        }
    }
}

impl<'m> EnumAccess<'m> for UnionDe<'m> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'m>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        let name = self.member.map_or(self.event_type, |m| m.name);
        let v = seed.deserialize(BorrowedStrDeserializer::<Error>::new(name))?;
        Ok((v, self))
    }
}

impl<'m> VariantAccess<'m> for UnionDe<'m> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'m>>(self, seed: S) -> Result<S::Value, Error> {
        match self.member {
            Some(m) => seed.deserialize(self.event(m)),
            None => Err(Error::new(format!(
                "an event of type {} that {} does not have",
                self.event_type, self.union.shape.name
            ))),
        }
    }

    fn tuple_variant<V: Visitor<'m>>(self, _len: usize, _v: V) -> Result<V::Value, Error> {
        Err(Error::new("unions have no tuple variants"))
    }

    fn struct_variant<V: Visitor<'m>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, Error> {
        Err(Error::new("unions have no struct variants"))
    }
}

/// One event: a structure of header members, a payload member or body members.
struct EventDe<'m> {
    place: Place,
    message: &'m Message,
}

impl<'m> Deserializer<'m> for EventDe<'m> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        let place = self.place;
        let payload = self.message.payload().as_ref();
        if !matches!(place.shape.kind, Kind::Structure(_)) {
            return parse_with(place, payload, visitor, Ask::Any);
        }
        let members = place.shape.members();
        let headers: Vec<(&'static Member, &'m HeaderValue)> = members
            .iter()
            .filter(|m| m.flags.has(MemberFlags::EVENT_HEADER))
            .filter_map(|m| self.message.header(m.name).map(|v| (m, v)))
            .collect();
        let payload_member = members
            .iter()
            .find(|m| m.flags.has(MemberFlags::EVENT_PAYLOAD));
        let body_members = members
            .iter()
            .any(|m| !m.flags.has(MemberFlags::EVENT_HEADER));
        let mut fields = Fields {
            place,
            headers: headers.into_iter(),
            payload: None,
            pending: None,
            body: None::<Empty>,
        };
        match payload_member {
            Some(m) => {
                fields.payload = Some((m, payload));
                visitor.visit_map(fields)
            }
            None if !body_members || blank(payload) => visitor.visit_map(fields),
            // The payload is the event's structure: its members after the headers'.
            None => parse_with(
                place,
                payload,
                WithHeaders {
                    outer: visitor,
                    place,
                    headers: fields.headers,
                },
                Ask::Any,
            ),
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

/// Whitespace or nothing: no body members were sent.
fn blank(payload: &[u8]) -> bool {
    payload.iter().all(u8::is_ascii_whitespace)
}

/// What comes next from [`Fields`].
enum Next<'m> {
    Header(&'static Member, &'m HeaderValue),
    Payload(&'static Member, &'m [u8]),
}

/// An event's members: its headers', then its payload member or the members of its body.
struct Fields<'m, A> {
    place: Place,
    headers: std::vec::IntoIter<(&'static Member, &'m HeaderValue)>,
    payload: Option<(&'static Member, &'m [u8])>,
    pending: Option<Next<'m>>,
    body: Option<A>,
}

impl<'m, A: MapAccess<'m>> MapAccess<'m> for Fields<'m, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'m>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let next = match (self.headers.next(), self.payload.take()) {
            (Some((m, v)), payload) => {
                self.payload = payload;
                Next::Header(m, v)
            }
            (None, Some((m, bytes))) => Next::Payload(m, bytes),
            (None, None) => {
                return match &mut self.body {
                    Some(body) => body.next_key_seed(seed),
                    None => Ok(None),
                }
            }
        };
        let name = match next {
            Next::Header(m, _) | Next::Payload(m, _) => m.name,
        };
        self.pending = Some(next);
        seed.deserialize(BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'m>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match self.pending.take() {
            Some(Next::Header(m, value)) => seed
                .deserialize(HeaderDe {
                    value,
                    place: self.place.of(m),
                })
                .map_err(de::Error::custom),
            Some(Next::Payload(m, bytes)) => seed
                .deserialize(PayloadDe {
                    place: self.place.of(m),
                    bytes,
                })
                .map_err(de::Error::custom),
            None => match &mut self.body {
                Some(body) => body.next_value_seed(seed),
                None => Err(de::Error::custom("a value without its key")),
            },
        }
    }
}

/// No body members.
struct Empty;

impl<'m> MapAccess<'m> for Empty {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'m>>(&mut self, _: K) -> Result<Option<K::Value>, Error> {
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'m>>(&mut self, _: S) -> Result<S::Value, Error> {
        Err(Error::new("no body"))
    }
}

/// Receives the body parser's structure and hands the outer visitor the headers' members
/// before the body's.
struct WithHeaders<'m, V> {
    outer: V,
    place: Place,
    headers: std::vec::IntoIter<(&'static Member, &'m HeaderValue)>,
}

impl<'m, V: Visitor<'m>> Visitor<'m> for WithHeaders<'m, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.outer.expecting(f)
    }

    fn visit_map<A: MapAccess<'m>>(self, map: A) -> Result<V::Value, A::Error> {
        self.outer.visit_map(Fields {
            place: self.place,
            headers: self.headers,
            payload: None,
            pending: None,
            body: Some(map),
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        // A `null` body: the headers' members only.
        self.outer
            .visit_map(Fields {
                place: self.place,
                headers: self.headers,
                payload: None,
                pending: None,
                body: None::<Empty>,
            })
            .map_err(E::custom)
    }
}

/// The `eventpayload` member: the payload's bytes (a blob), its text (a string), or the
/// payload parsed as the member's shape.
struct PayloadDe<'m> {
    place: Place,
    bytes: &'m [u8],
}

impl<'m> PayloadDe<'m> {
    fn read<V: Visitor<'m>>(self, visitor: V, ask: Ask) -> Result<V::Value, Error> {
        match self.place.shape.kind {
            Kind::Blob => visitor.visit_borrowed_bytes(self.bytes),
            Kind::String(_) => {
                let text = std::str::from_utf8(self.bytes)
                    .map_err(|_| Error::new("a text payload that is not UTF-8"))?;
                visitor.visit_borrowed_str(text)
            }
            // An empty payload of a structure: none of its members.
            Kind::Structure(_) if blank(self.bytes) => visitor.visit_map(Empty),
            _ => parse_with(self.place, self.bytes, visitor, ask),
        }
    }
}

impl<'m> Deserializer<'m> for PayloadDe<'m> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        self.read(visitor, Ask::Any)
    }

    fn deserialize_option<V: Visitor<'m>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'m>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.read(visitor, Ask::Enum)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'m>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}
