//! Self-describing bodies (JSON, and CBOR through its own serde deserializer): a wrapper
//! around the format's deserializer that renames wire keys to member names, reads
//! timestamps and blobs in their wire forms and floats' specials, skips what the model
//! does not know, and hands everything else through untouched.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::{parse_float, parse_time, visit_timestamp, Place};
use crate::shapes::{Kind, Location, Member, ShapeFlags, TimestampFormat};
use crate::values::Timestamp;

/// A format's deserializer following the shape at `place`.
pub(crate) struct Shaped<D> {
    pub(crate) inner: D,
    pub(crate) place: Place,
    /// The location body members are in (JSON bodies of REST answers hold only `Body`
    /// members; RPC bodies hold every member).
    pub(crate) body_only: bool,
}

impl<D> Shaped<D> {
    pub(crate) fn new(inner: D, place: Place, body_only: bool) -> Self {
        Self {
            inner,
            place,
            body_only,
        }
    }
}

/// A seed deserialized through [`Shaped`].
struct Seed<S> {
    seed: S,
    place: Place,
    body_only: bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed
            .deserialize(Shaped::new(d, self.place, self.body_only))
    }
}

impl<'de, D: Deserializer<'de>> Shaped<D> {
    fn dispatch<V: Visitor<'de>>(self, visitor: V, as_enum: bool) -> Result<V::Value, D::Error> {
        let place = self.place;
        let body_only = self.body_only;
        match place.shape.kind {
            // `deserialize_any` for compound shapes, so a null reaches the visitors (a
            // format's `deserialize_map` refuses one).
            Kind::Structure(_) if as_enum && place.shape.is(ShapeFlags::UNION) => {
                self.inner.deserialize_any(UnionVisitor {
                    outer: visitor,
                    place,
                    body_only,
                })
            }
            Kind::Structure(_) => self.inner.deserialize_any(StructVisitor {
                outer: visitor,
                place,
                body_only,
            }),
            Kind::List(element) => self.inner.deserialize_any(ListVisitor {
                outer: visitor,
                place: place.of(element),
                body_only,
            }),
            Kind::Map(_, value) => self.inner.deserialize_any(MapVisitor {
                outer: visitor,
                place: place.of(value),
                body_only,
            }),
            Kind::Float | Kind::Double => self.inner.deserialize_any(FloatVisitor(visitor)),
            Kind::Timestamp(_) => self.inner.deserialize_any(TimeVisitor {
                outer: visitor,
                format: place.timestamp_format(TimestampFormat::EpochSeconds),
            }),
            Kind::Blob => self.inner.deserialize_any(BlobVisitor(visitor)),
            _ => self.inner.deserialize_any(visitor),
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Shaped<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.dispatch(visitor, false)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (place, body_only) = (self.place, self.body_only);
        self.inner.deserialize_option(OptionVisitor {
            outer: visitor,
            place,
            body_only,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.dispatch(visitor, true)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_ignored_any(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_ignored_any(UnitVisitor(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier
    }
}

/// Anything read as a unit (an empty output).
struct UnitVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for UnitVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("anything")
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }
}

struct OptionVisitor<V> {
    outer: V,
    place: Place,
    body_only: bool,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for OptionVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.outer.expecting(f)
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.outer.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.outer.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.outer
            .visit_some(Shaped::new(d, self.place, self.body_only))
    }
}

struct StructVisitor<V> {
    outer: V,
    place: Place,
    body_only: bool,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for StructVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", self.place.shape.name)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.outer.visit_map(StructAccess {
            inner: map,
            place: self.place,
            body_only: self.body_only,
            pending: None,
            unknown: None,
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.outer.visit_unit()
    }
}

/// A wire key as text, borrowed where the format allows.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The member of `place`'s structure that wire key `key` names.
fn member_for(place: &Place, key: &str, body_only: bool) -> Option<&'static Member> {
    place
        .shape
        .members()
        .iter()
        .find(|m| m.wire == key && (!body_only || !bound_outside_body(m.location)))
}

/// Members a REST answer carries outside its body (URI and query bindings mean nothing in
/// an answer, so such members come from the body).
pub(crate) fn bound_outside_body(location: Location) -> bool {
    matches!(
        location,
        Location::Header | Location::Headers | Location::StatusCode
    )
}

struct StructAccess<A> {
    inner: A,
    place: Place,
    body_only: bool,
    pending: Option<&'static Member>,
    /// The name of an unknown union member just met.
    unknown: Option<String>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StructAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(Key(key)) = self.inner.next_key::<Key<'de>>()? else {
                return Ok(None);
            };
            match member_for(&self.place, &key, self.body_only) {
                // An unknown member of a union: botocore's `SDK_UNKNOWN_MEMBER`.
                None if self.place.shape.is(ShapeFlags::UNION) && key != "__type" => {
                    self.inner.next_value::<IgnoredAny>()?;
                    self.unknown = Some(key.into_owned());
                    return seed
                        .deserialize(de::value::BorrowedStrDeserializer::new(
                            "SDK_UNKNOWN_MEMBER",
                        ))
                        .map(Some);
                }
                Some(m) => {
                    self.pending = Some(m);
                    return seed
                        .deserialize(de::value::BorrowedStrDeserializer::new(m.name))
                        .map(Some);
                }
                // What the model does not know (`__type`, members added later).
                None => {
                    self.inner.next_value::<IgnoredAny>()?;
                }
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if let Some(name) = self.unknown.take() {
            return seed.deserialize(de::value::MapDeserializer::new(std::iter::once((
                "name", name,
            ))));
        }
        let m = self
            .pending
            .take()
            .ok_or_else(|| de::Error::custom("a value without its key"))?;
        self.inner.next_value_seed(Seed {
            seed,
            place: self.place.of(m),
            body_only: false,
        })
    }
}

struct UnionVisitor<V> {
    outer: V,
    place: Place,
    body_only: bool,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for UnionVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a union ({})", self.place.shape.name)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        // The first key the model knows picks the variant; `__type` and nulls are not
        // members; an unknown key is the unknown variant.
        loop {
            let Some(Key(key)) = map.next_key::<Key<'de>>()? else {
                return Err(de::Error::custom(format!(
                    "a union ({}) with no member set",
                    self.place.shape.name
                )));
            };
            if key == "__type" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let member = member_for(&self.place, &key, self.body_only);
            return self.outer.visit_enum(UnionAccess {
                map,
                place: self.place,
                member,
                key: key.into_owned(),
            });
        }
    }
}

struct UnionAccess<A> {
    map: A,
    place: Place,
    member: Option<&'static Member>,
    key: String,
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for UnionAccess<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), A::Error> {
        let name = self.member.map_or(self.key.as_str(), |m| m.name);
        let v = seed.deserialize(de::value::StrDeserializer::<A::Error>::new(name))?;
        Ok((v, self))
    }
}

impl<'de, A: MapAccess<'de>> UnionAccess<A> {
    fn drain(mut self) -> Result<(), A::Error> {
        while self.map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for UnionAccess<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        self.map.next_value::<IgnoredAny>()?;
        self.drain()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<S::Value, A::Error> {
        let Some(m) = self.member else {
            return Err(de::Error::custom(format!(
                "unknown union member {}",
                self.key
            )));
        };
        let v = self.map.next_value_seed(Seed {
            seed,
            place: self.place.of(m),
            body_only: false,
        })?;
        self.drain()?;
        Ok(v)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _v: V) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("unions have no tuple variants"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("unions have no struct variants"))
    }
}

struct ListVisitor<V> {
    outer: V,
    place: Place,
    body_only: bool,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ListVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.outer.visit_seq(ListAccess {
            inner: seq,
            place: self.place,
            body_only: self.body_only,
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.outer.visit_unit()
    }
}

struct ListAccess<A> {
    inner: A,
    place: Place,
    body_only: bool,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for ListAccess<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.inner.next_element_seed(Seed {
            seed,
            place: self.place,
            body_only: self.body_only,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct MapVisitor<V> {
    outer: V,
    place: Place,
    body_only: bool,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for MapVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.outer.visit_map(EntryAccess {
            inner: map,
            place: self.place,
            body_only: self.body_only,
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.outer.visit_unit()
    }
}

struct EntryAccess<A> {
    inner: A,
    place: Place,
    body_only: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for EntryAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.inner.next_key_seed(seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(Seed {
            seed,
            place: self.place,
            body_only: self.body_only,
        })
    }
}

/// Numbers, and the specials JSON writes as text.
struct FloatVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for FloatVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_f64(v as f64)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_f64(v as f64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        match parse_float(v) {
            Some(f) => self.0.visit_f64(f),
            None => Err(E::custom(format!("{v:?} is not a number"))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
}

/// Epoch seconds, or text in the member's format.
struct TimeVisitor<V> {
    outer: V,
    format: TimestampFormat,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TimeVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a time")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        let t = Timestamp::from_secs_f64(v).ok_or_else(|| E::custom("a time out of range"))?;
        visit_timestamp(t, self.outer)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        visit_timestamp(Timestamp::from_secs(v), self.outer)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        let secs = i64::try_from(v).map_err(|_| E::custom("a time out of range"))?;
        visit_timestamp(Timestamp::from_secs(secs), self.outer)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        let t =
            parse_time(v, self.format).ok_or_else(|| E::custom(format!("{v:?} is not a time")))?;
        visit_timestamp(t, self.outer)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        // CBOR's tagged time.
        d.deserialize_any(self)
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.outer.visit_none()
    }
}

/// Base64 text (JSON) or bytes (CBOR), presented as bytes.
struct BlobVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for BlobVisitor<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(v)
            .map_err(|e| E::custom(format!("a blob that is not base64: {e}")))?;
        self.0.visit_byte_buf(bytes)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0.visit_bytes(v)
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.0.visit_byte_buf(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
}
