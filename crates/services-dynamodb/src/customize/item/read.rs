//! Reading: attribute values into serde values.

#![allow(unused_imports)]

use std::collections::{hash_map, HashMap};
use std::fmt;

use base64::Engine as _;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::ser::{self, Impossible, Serialize};
use session_runtime::Blob;

use crate::types::AttributeValue;

use super::*;

/// An attribute value with its one type known.
pub(super) enum Av {
    S(String),
    N(String),
    B(Blob),
    Ss(Vec<String>),
    Ns(Vec<String>),
    Bs(Vec<Blob>),
    M(HashMap<String, AttributeValue>),
    L(Vec<AttributeValue>),
    Null,
    Bool(bool),
}

impl Av {
    fn classify(value: AttributeValue) -> Result<Self, ItemError> {
        let kinds = set_kinds(&value);
        if kinds.len() != 1 {
            return Err(ItemError::new(if kinds.is_empty() {
                "an attribute value with no type set".to_owned()
            } else {
                format!(
                    "an attribute value with several types set ({})",
                    kinds.join(", ")
                )
            }));
        }
        // Exhaustive on purpose: a new member in the model must be handled here.
        let AttributeValue {
            s,
            n,
            b,
            ss,
            ns,
            bs,
            m,
            l,
            null,
            bool,
        } = value;
        Ok(match () {
            () if s.is_some() => Self::S(s.unwrap_or_default()),
            () if n.is_some() => Self::N(n.unwrap_or_default()),
            () if b.is_some() => Self::B(b.unwrap_or_default()),
            () if ss.is_some() => Self::Ss(ss.unwrap_or_default()),
            () if ns.is_some() => Self::Ns(ns.unwrap_or_default()),
            () if bs.is_some() => Self::Bs(bs.unwrap_or_default()),
            () if m.is_some() => Self::M(m.unwrap_or_default()),
            () if l.is_some() => Self::L(l.unwrap_or_default()),
            () if null.is_some() => Self::Null,
            () => Self::Bool(bool.unwrap_or_default()),
        })
    }
}

/// A number's value: exact integers where the text is integral, else a float.
pub(super) enum Number {
    U64(u64),
    I64(i64),
    U128(u128),
    I128(i128),
    F64(f64),
}

pub(super) fn parse_number(text: &str) -> Result<Number, ItemError> {
    if let Ok(u) = text.parse() {
        return Ok(Number::U64(u));
    }
    if let Ok(i) = text.parse() {
        return Ok(Number::I64(i));
    }
    if let Some(digits) = integral_digits(text) {
        if let Ok(u) = digits.parse() {
            return Ok(Number::U64(u));
        }
        if let Ok(i) = digits.parse() {
            return Ok(Number::I64(i));
        }
        if let Ok(u) = digits.parse() {
            return Ok(Number::U128(u));
        }
        if let Ok(i) = digits.parse() {
            return Ok(Number::I128(i));
        }
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Number::F64(f)),
        _ => Err(ItemError::new(format!("N {text:?} is not a number"))),
    }
}

/// The plain integer text of a decimal that is an integer however it is written (`"1e2"`,
/// `"100.0"`, `"1.5E1"`), or `None`. Done on the digits, not through `f64`, to stay exact.
pub(super) fn integral_digits(text: &str) -> Option<String> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits = format!("{int}{frac}");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.bytes().all(|b| b == b'0') {
        return Some("0".to_owned());
    }
    // The value is digits × 10^shift.
    let shift = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
    if shift >= 0 {
        // 40 digits already overflow 128 bits; refuse before building a huge string.
        if shift > 40 {
            return None;
        }
        digits.extend(std::iter::repeat_n('0', usize::try_from(shift).ok()?));
    } else {
        let drop = usize::try_from(shift.unsigned_abs()).ok()?;
        let keep = digits.len().checked_sub(drop)?;
        if !digits[keep..].bytes().all(|b| b == b'0') {
            return None;
        }
        digits.truncate(keep);
    }
    let trimmed = digits.trim_start_matches('0');
    Some(match (trimmed.is_empty(), negative) {
        (true, _) => "0".to_owned(),
        (false, true) => format!("-{trimmed}"),
        (false, false) => trimmed.to_owned(),
    })
}

/// Visits an `N`. Integers wider than 64 bits go to `visit_i128`/`visit_u128` only when
/// the target asked for an integer (`wide`): untyped targets (`serde_json::Value`, serde's
/// buffering for untagged and flattened types) reject 128-bit integers, so they get the
/// nearest float instead, as they would from JSON.
pub(super) fn visit_number<'de, V: Visitor<'de>>(
    text: &str,
    wide: bool,
    visitor: V,
) -> Result<V::Value, ItemError> {
    match parse_number(text)? {
        Number::U64(u) => visitor.visit_u64(u),
        Number::I64(i) => visitor.visit_i64(i),
        Number::U128(u) if wide => visitor.visit_u128(u),
        Number::I128(i) if wide => visitor.visit_i128(i),
        #[allow(clippy::cast_precision_loss)]
        Number::U128(u) => visitor.visit_f64(u as f64),
        #[allow(clippy::cast_precision_loss)]
        Number::I128(i) => visitor.visit_f64(i as f64),
        Number::F64(f) => visitor.visit_f64(f),
    }
}

pub(super) fn base64_text(blob: &Blob) -> String {
    base64::engine::general_purpose::STANDARD.encode(blob.as_bytes())
}

/// Reads one attribute value.
pub(super) struct AvDeserializer(pub(super) Av);

impl AvDeserializer {
    pub(super) fn new(value: AttributeValue) -> Result<Self, ItemError> {
        Av::classify(value).map(Self)
    }
}

macro_rules! integers {
    ($($method:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
            match self.0 {
                Av::N(text) => visit_number(&text, true, visitor),
                other => AvDeserializer(other).deserialize_any(visitor),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for AvDeserializer {
    type Error = ItemError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match self.0 {
            Av::S(s) => visitor.visit_string(s),
            Av::N(n) => visit_number(&n, false, visitor),
            Av::B(b) => visitor.visit_byte_buf(b.as_bytes().to_vec()),
            Av::Ss(items) => visit_seq(Items::S(items.into_iter()), visitor),
            Av::Ns(items) => visit_seq(Items::N(items.into_iter()), visitor),
            Av::Bs(items) => visit_seq(Items::B(items.into_iter()), visitor),
            Av::L(items) => visit_seq(Items::L(items.into_iter()), visitor),
            Av::M(map) => visit_map(map, visitor),
            Av::Null => visitor.visit_unit(),
            Av::Bool(b) => visitor.visit_bool(b),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    integers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128
    );

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match self.0 {
            // Parsed as f32 directly: through f64 a value could be rounded twice.
            Av::N(text) => match text.parse::<f32>() {
                Ok(f) if f.is_finite() => visitor.visit_f32(f),
                _ => visit_number(&text, false, visitor),
            },
            other => AvDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match self.0 {
            Av::N(text) => match text.parse::<f64>() {
                Ok(f) if f.is_finite() => visitor.visit_f64(f),
                _ => visit_number(&text, false, visitor),
            },
            other => AvDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match self.0 {
            // A number's exact text, for callers keeping decimals as strings.
            Av::N(text) => visitor.visit_string(text),
            // Binary as base64 text: how it travels in JSON, and what `Blob` reads.
            Av::B(blob) => visitor.visit_string(base64_text(&blob)),
            other => AvDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match self.0 {
            Av::Null => visitor.visit_none(),
            other => visitor.visit_some(AvDeserializer(other)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match self.0 {
            // A `Vec<u8>` (without serde_bytes) reads a `B` as its bytes.
            Av::B(blob) => visit_seq(Items::Bytes(blob.as_bytes().to_vec().into_iter()), visitor),
            other => AvDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        match self.0 {
            Av::S(variant) => visitor.visit_enum(variant.into_deserializer()),
            Av::M(map) if map.len() == 1 => {
                let mut entries = map.into_iter();
                let Some((variant, value)) = entries.next() else {
                    return Err(ItemError::new("an empty M"));
                };
                visitor.visit_enum(EnumDeserializer { variant, value })
            }
            other => Err(ItemError::new(format!(
                "expected the enum {name} as an S (a unit variant) or an M with one entry, found {}",
                describe(&other)
            ))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        visitor.visit_unit()
    }
}

pub(super) fn describe(av: &Av) -> String {
    match av {
        Av::S(s) => format!("S {s:?}"),
        Av::N(n) => format!("N {n}"),
        Av::B(_) => "B".to_owned(),
        Av::Ss(_) => "SS".to_owned(),
        Av::Ns(_) => "NS".to_owned(),
        Av::Bs(_) => "BS".to_owned(),
        Av::M(m) => format!("an M with {} entries", m.len()),
        Av::L(_) => "L".to_owned(),
        Av::Null => "NULL".to_owned(),
        Av::Bool(b) => format!("BOOL {b}"),
    }
}

/// The elements of a list-like value.
pub(super) enum Items {
    L(std::vec::IntoIter<AttributeValue>),
    S(std::vec::IntoIter<String>),
    N(std::vec::IntoIter<String>),
    B(std::vec::IntoIter<Blob>),
    Bytes(std::vec::IntoIter<u8>),
}

impl Items {
    fn len(&self) -> usize {
        match self {
            Self::L(i) => i.len(),
            Self::S(i) | Self::N(i) => i.len(),
            Self::B(i) => i.len(),
            Self::Bytes(i) => i.len(),
        }
    }
}

pub(super) struct SeqDeserializer {
    items: Items,
    index: usize,
}

pub(super) fn visit_seq<'de, V: Visitor<'de>>(
    items: Items,
    visitor: V,
) -> Result<V::Value, ItemError> {
    let total = items.len();
    let mut seq = SeqDeserializer { items, index: 0 };
    let value = visitor.visit_seq(&mut seq)?;
    match seq.items.len() {
        0 => Ok(value),
        left => Err(de::Error::invalid_length(
            total,
            &format!("{} elements", total - left).as_str(),
        )),
    }
}

impl<'de> SeqAccess<'de> for SeqDeserializer {
    type Error = ItemError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ItemError> {
        let index = self.index;
        let av = match &mut self.items {
            Items::L(i) => match i.next() {
                Some(v) => Av::classify(v).map_err(|e| e.in_index(index))?,
                None => return Ok(None),
            },
            Items::S(i) => match i.next() {
                Some(s) => Av::S(s),
                None => return Ok(None),
            },
            Items::N(i) => match i.next() {
                Some(n) => Av::N(n),
                None => return Ok(None),
            },
            Items::B(i) => match i.next() {
                Some(b) => Av::B(b),
                None => return Ok(None),
            },
            Items::Bytes(i) => {
                return match i.next() {
                    Some(byte) => {
                        self.index += 1;
                        let de: de::value::U8Deserializer<ItemError> = byte.into_deserializer();
                        seed.deserialize(de)
                            .map(Some)
                            .map_err(|e| e.in_index(index))
                    }
                    None => Ok(None),
                }
            }
        };
        self.index += 1;
        seed.deserialize(AvDeserializer(av))
            .map(Some)
            .map_err(|e| e.in_index(index))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

pub(super) fn visit_map<'de, V: Visitor<'de>>(
    map: HashMap<String, AttributeValue>,
    visitor: V,
) -> Result<V::Value, ItemError> {
    visitor.visit_map(MapDeserializer {
        entries: map.into_iter(),
        value: None,
    })
}

pub(super) struct MapDeserializer {
    entries: hash_map::IntoIter<String, AttributeValue>,
    /// The value of the key just read, with the key for error paths.
    value: Option<(String, AttributeValue)>,
}

impl<'de> MapAccess<'de> for MapDeserializer {
    type Error = ItemError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ItemError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let read = seed
            .deserialize(KeyDeserializer(key.clone()))
            .map_err(|e| e.in_field(&key))?;
        self.value = Some((key, value));
        Ok(Some(read))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ItemError> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| ItemError::new("a map value asked for before its key"))?;
        AvDeserializer::new(value)
            .and_then(|de| seed.deserialize(de))
            .map_err(|e| e.in_field(&key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An attribute name read as a map key: text, or an integer for integer-keyed maps.
pub(super) struct KeyDeserializer(String);

macro_rules! integer_keys {
    ($($method:ident => $visit:ident: $ty:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
            match self.0.parse::<$ty>() {
                Ok(v) => visitor.$visit(v),
                Err(_) => Err(de::Error::invalid_type(Unexpected::Str(&self.0), &visitor)),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for KeyDeserializer {
    type Error = ItemError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        visitor.visit_string(self.0)
    }

    integer_keys!(
        deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32, deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128, deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16, deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64, deserialize_u128 => visit_u128: u128
    );

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// A variant written as an `M` with one entry.
pub(super) struct EnumDeserializer {
    variant: String,
    value: AttributeValue,
}

impl<'de> EnumAccess<'de> for EnumDeserializer {
    type Error = ItemError;
    type Variant = VariantDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDeserializer), ItemError> {
        let de: de::value::StrDeserializer<'_, ItemError> =
            self.variant.as_str().into_deserializer();
        let variant = seed.deserialize(de)?;
        Ok((
            variant,
            VariantDeserializer {
                name: self.variant,
                value: self.value,
            },
        ))
    }
}

pub(super) struct VariantDeserializer {
    name: String,
    value: AttributeValue,
}

impl VariantDeserializer {
    fn content(self) -> Result<(String, AvDeserializer), ItemError> {
        let de = AvDeserializer::new(self.value).map_err(|e| e.in_field(&self.name))?;
        Ok((self.name, de))
    }
}

impl<'de> VariantAccess<'de> for VariantDeserializer {
    type Error = ItemError;

    fn unit_variant(self) -> Result<(), ItemError> {
        // `{"Variant": {"NULL": true}}`: a unit variant in the M form holds nothing.
        let (name, de) = self.content()?;
        <() as de::Deserialize>::deserialize(de).map_err(|e| e.in_field(&name))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, ItemError> {
        let (name, de) = self.content()?;
        seed.deserialize(de).map_err(|e| e.in_field(&name))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        let (name, de) = self.content()?;
        de::Deserializer::deserialize_seq(de, visitor).map_err(|e| e.in_field(&name))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        let (name, de) = self.content()?;
        de::Deserializer::deserialize_map(de, visitor).map_err(|e| e.in_field(&name))
    }
}
