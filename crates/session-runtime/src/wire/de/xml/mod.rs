//! XML answers (query, EC2, REST-XML) read from the tape into values: elements to members
//! by wire name, attributes, flattened and wrapped lists and maps, scalars by shape.

pub(crate) mod tape;

use std::borrow::Cow;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use super::{text_scalar, Error, Place};
use crate::shapes::{Kind, Member, MemberFlags, ShapeFlags, TimestampFormat};
use crate::wire::seen::Seen;
pub(crate) use tape::Tape;

impl From<tape::TapeError> for Error {
    fn from(e: tape::TapeError) -> Self {
        Error::new(e.0)
    }
}

/// An element of the tape following the shape at `place`.
pub(crate) struct XmlDe<'t, 'a> {
    pub(crate) tape: &'t Tape<'a>,
    pub(crate) node: usize,
    pub(crate) place: Place,
}

/// The element name a member's value is found under: its wire name, or for a flattened
/// list whose element has a name of its own, that name (botocore's rule).
fn element_name(place: &Place, m: &'static Member) -> &'static str {
    let target = place.of(m);
    if let Kind::List(element) = target.shape.kind {
        if flattened(&target) && element.flags.has(MemberFlags::NAMED) {
            return element.wire;
        }
    }
    m.wire
}

/// Whether a value at `place` is written flattened.
fn flattened(place: &Place) -> bool {
    place
        .member
        .is_some_and(|m| m.flags.has(MemberFlags::FLATTENED))
        || place.shape.is(ShapeFlags::FLATTENED)
}

impl<'t, 'a> XmlDe<'t, 'a> {
    fn dispatch<V: Visitor<'a>>(self, visitor: V, as_enum: bool) -> Result<V::Value, Error> {
        let place = self.place;
        match place.shape.kind {
            Kind::Structure(_) if as_enum && place.shape.is(ShapeFlags::UNION) => {
                let first = self.tape.children(self.node).find_map(|c| {
                    let name = self.tape.name(c);
                    place
                        .shape
                        .members()
                        .iter()
                        .find(|m| m.wire.as_bytes() == name)
                        .map(|m| (c, m))
                });
                match first {
                    Some((child, member)) => visitor.visit_enum(Union {
                        tape: self.tape,
                        child,
                        place: place.of(member),
                        name: member.name,
                    }),
                    None => Err(Error::new(format!(
                        "a union ({}) with no member set",
                        place.shape.name
                    ))),
                }
            }
            Kind::Structure(_) => visitor.visit_map(Struct::new(self.tape, self.node, place)),
            Kind::List(element) => {
                let name = element.wire.as_bytes();
                let first = self.tape.child(self.node, name);
                visitor.visit_seq(Items {
                    tape: self.tape,
                    next: first,
                    name,
                    place: place.of(element),
                })
            }
            Kind::Map(key, value) => {
                let first = self.tape.child(self.node, b"entry");
                visitor.visit_map(Entries {
                    tape: self.tape,
                    next: first,
                    entry: b"entry",
                    key,
                    value,
                    place,
                    pending: None,
                })
            }
            _ => {
                let text = self.tape.text(self.node)?;
                text_scalar(place, text, TimestampFormat::Iso8601, visitor)
            }
        }
    }
}

impl<'t, 'a> Deserializer<'a> for XmlDe<'t, 'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.dispatch(visitor, false)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.dispatch(visitor, true)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier
    }
}

/// A flattened list: the siblings named like its first element.
struct FlatItems<'t, 'a> {
    tape: &'t Tape<'a>,
    next: Option<usize>,
    name: &'a [u8],
    place: Place,
}

/// A wrapped list: the children of one element named like its elements.
struct Items<'t, 'a> {
    tape: &'t Tape<'a>,
    next: Option<usize>,
    name: &'static [u8],
    place: Place,
}

impl<'a> SeqAccess<'a> for Items<'_, 'a> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'a>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        let Some(node) = self.next else {
            return Ok(None);
        };
        self.next = self.tape.next_named(node, self.name);
        seed.deserialize(XmlDe {
            tape: self.tape,
            node,
            place: self.place,
        })
        .map(Some)
    }
}

impl<'a> SeqAccess<'a> for FlatItems<'_, 'a> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'a>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        let Some(node) = self.next else {
            return Ok(None);
        };
        self.next = self.tape.next_named(node, self.name);
        seed.deserialize(XmlDe {
            tape: self.tape,
            node,
            place: self.place,
        })
        .map(Some)
    }
}

/// A map's entries: elements (named `entry`, or the member's name when flattened) each
/// holding a key and a value element.
struct Entries<'t, 'a> {
    tape: &'t Tape<'a>,
    next: Option<usize>,
    entry: &'a [u8],
    key: &'static Member,
    value: &'static Member,
    place: Place,
    pending: Option<usize>,
}

impl<'a> MapAccess<'a> for Entries<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.next else {
            return Ok(None);
        };
        self.next = self.tape.next_named(entry, self.entry);
        self.pending = Some(entry);
        let key = match self.tape.child(entry, self.key.wire.as_bytes()) {
            Some(k) => self.tape.text(k)?,
            None => Cow::Borrowed(""),
        };
        match key {
            Cow::Borrowed(k) => seed.deserialize(de::value::BorrowedStrDeserializer::new(k)),
            Cow::Owned(k) => seed.deserialize(de::value::StringDeserializer::new(k)),
        }
        .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let entry = self
            .pending
            .take()
            .ok_or_else(|| Error::new("a map value without its key"))?;
        let place = self.place.of(self.value);
        match self.tape.child(entry, self.value.wire.as_bytes()) {
            Some(node) => seed.deserialize(XmlDe {
                tape: self.tape,
                node,
                place,
            }),
            // `<entry><key>k</key></entry>`: an empty value.
            None => seed.deserialize(de::value::BorrowedStrDeserializer::new("")),
        }
    }
}

/// What a structure's next value is.
enum Pending<'a> {
    Element(usize, &'static Member),
    Flat(usize, &'static Member),
    Attribute(Cow<'a, str>, &'static Member),
    Unknown(usize),
}

/// A structure's members: attributes first, then child elements by wire name, each
/// flattened list or map once (from its first element).
struct Struct<'t, 'a> {
    tape: &'t Tape<'a>,
    node: usize,
    place: Place,
    attributes: usize,
    children: tape::Children<'t, 'a>,
    seen: Seen,
    pending: Option<Pending<'a>>,
    /// Where the search for the next element's member starts: after the last one found,
    /// since services write members in the model's order, so a lookup is one comparison
    /// instead of a scan from the first member (a listing has thousands of elements).
    hint: usize,
}

impl<'t, 'a> Struct<'t, 'a> {
    fn new(tape: &'t Tape<'a>, node: usize, place: Place) -> Self {
        Self {
            tape,
            node,
            place,
            attributes: 0,
            children: tape.children(node),
            seen: Seen::new(place.shape.members().len()),
            pending: None,
            hint: 0,
        }
    }
}

impl<'a> MapAccess<'a> for Struct<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let members = self.place.shape.members();
        while self.attributes < members.len() {
            let m = &members[self.attributes];
            self.attributes += 1;
            if m.flags.has(MemberFlags::XML_ATTRIBUTE) {
                if let Some(v) = self.tape.attribute(self.node, m.wire) {
                    self.pending = Some(Pending::Attribute(v, m));
                    return seed
                        .deserialize(de::value::BorrowedStrDeserializer::new(m.name))
                        .map(Some);
                }
            }
        }
        for child in self.children.by_ref() {
            let name = self.tape.name(child);
            let place = self.place;
            let is_it = |m: &'static Member| {
                !crate::wire::de::json::bound_outside_body(m.location)
                    && !m.flags.has(MemberFlags::XML_ATTRIBUTE)
                    && element_name(&place, m).as_bytes() == name
            };
            let hint = self.hint.min(members.len());
            let found = members[hint..]
                .iter()
                .position(&is_it)
                .map(|i| hint + i)
                .or_else(|| members[..hint].iter().position(is_it));
            let Some(i) = found else {
                // An unknown member of a union: botocore's `SDK_UNKNOWN_MEMBER`.
                if self.place.shape.is(ShapeFlags::UNION) {
                    self.pending = Some(Pending::Unknown(child));
                    return seed
                        .deserialize(de::value::BorrowedStrDeserializer::new(
                            "SDK_UNKNOWN_MEMBER",
                        ))
                        .map(Some);
                }
                continue;
            };
            self.hint = i + 1;
            if self.seen.set(i) {
                continue;
            }
            let m = &members[i];
            let target = self.place.of(m);
            let flat =
                matches!(target.shape.kind, Kind::List(_) | Kind::Map(..)) && flattened(&target);
            self.pending = Some(if flat {
                Pending::Flat(child, m)
            } else {
                Pending::Element(child, m)
            });
            return seed
                .deserialize(de::value::BorrowedStrDeserializer::new(m.name))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value, Error> {
        match self.pending.take() {
            Some(Pending::Element(node, m)) => seed.deserialize(XmlDe {
                tape: self.tape,
                node,
                place: self.place.of(m),
            }),
            Some(Pending::Attribute(text, m)) => seed.deserialize(Scalar {
                text,
                place: self.place.of(m),
            }),
            Some(Pending::Flat(first, m)) => {
                let place = self.place.of(m);
                let name = self.tape.name(first);
                seed.deserialize(Flat {
                    tape: self.tape,
                    first,
                    name,
                    place,
                })
            }
            Some(Pending::Unknown(node)) => {
                let name = String::from_utf8_lossy(self.tape.name(node)).into_owned();
                seed.deserialize(de::value::MapDeserializer::new(std::iter::once((
                    "name", name,
                ))))
            }
            None => Err(Error::new("a value without its key")),
        }
    }
}

/// A flattened list or map starting at its first element.
struct Flat<'t, 'a> {
    tape: &'t Tape<'a>,
    first: usize,
    name: &'a [u8],
    place: Place,
}

impl<'a> Deserializer<'a> for Flat<'_, 'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.place.shape.kind {
            Kind::List(element) => visitor.visit_seq(FlatItems {
                tape: self.tape,
                next: Some(self.first),
                name: self.name,
                place: self.place.of(element),
            }),
            Kind::Map(key, value) => visitor.visit_map(Entries {
                tape: self.tape,
                next: Some(self.first),
                entry: self.name,
                key,
                value,
                place: self.place,
                pending: None,
            }),
            _ => Err(Error::new(
                "a flattened value that is neither a list nor a map",
            )),
        }
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// An attribute's text as a scalar.
struct Scalar<'a> {
    text: Cow<'a, str>,
    place: Place,
}

impl<'a> Deserializer<'a> for Scalar<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        text_scalar(self.place, self.text, TimestampFormat::Iso8601, visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A union read as an enum: its one member element.
struct Union<'t, 'a> {
    tape: &'t Tape<'a>,
    child: usize,
    place: Place,
    name: &'static str,
}

impl<'a> EnumAccess<'a> for Union<'_, 'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        let v = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(self.name))?;
        Ok((v, self))
    }
}

impl<'a> VariantAccess<'a> for Union<'_, 'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<S::Value, Error> {
        let place = self.place;
        if matches!(place.shape.kind, Kind::List(_) | Kind::Map(..)) && flattened(&place) {
            let name = self.tape.name(self.child);
            return seed.deserialize(Flat {
                tape: self.tape,
                first: self.child,
                name,
                place,
            });
        }
        seed.deserialize(XmlDe {
            tape: self.tape,
            node: self.child,
            place,
        })
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, _v: V) -> Result<V::Value, Error> {
        Err(Error::new("unions have no tuple variants"))
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, Error> {
        Err(Error::new("unions have no struct variants"))
    }
}
