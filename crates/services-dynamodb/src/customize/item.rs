//! DynamoDB items as serde values: [`to_item`] / [`from_item`] (and [`to_attribute_value`]
//! / [`from_attribute_value`] for single values), so a `#[derive(Serialize, Deserialize)]`
//! struct goes into `PutItem` and comes back out of `GetItem` without building `{"S": ..}`
//! by hand.
//!
//! The mapping is boto3's `TypeSerializer`/`TypeDeserializer`:
//!
//! | Rust (serde) | attribute value |
//! |---|---|
//! | `String`, `&str`, `char` | `S` |
//! | integers (up to 128 bits), floats | `N`, as decimal text |
//! | `bool` | `BOOL` |
//! | `None`, `()`, unit structs | `NULL` |
//! | bytes (`serialize_bytes`, as `serde_bytes` does), [`Blob`] | `B` |
//! | sequences, tuples, sets | `L` |
//! | maps, structs | `M` |
//! | enums | unit variants as `S`, others as an `M` with one entry (serde's usual tagging) |
//!
//! Reading back is lenient where it loses nothing: `SS`, `NS` and `BS` read as sequences,
//! an `N` reads into a `String` (its exact text), a `B` into a `Vec<u8>` or a `Blob`, and an
//! integral `N` written as `"1e2"` or `"100.0"` into an integer. serde cannot tell a set
//! from a list, so sets are written as `L`; build `SS`/`NS`/`BS` with
//! [`AttributeValue::ss`] and friends when the table needs a set type.
//!
//! Numbers never go through `f64` unless the target is a float: integers are written with
//! their exact decimal text and parsed back exactly (all 64- and 128-bit values), floats are
//! written in their shortest round-tripping form (`0.1`, not `0.1000000000000000055…`).
//!
//! # Why a Serializer/Deserializer of its own
//! Going through `serde_json::Value` would be shorter, but JSON has no bytes (a `Vec<u8>`
//! and a `serde_bytes` buffer both become arrays of numbers, so `B` could not be told
//! from a list of `N`), and `Value` holds no integer wider than 64 bits. Converting
//! directly also skips building an intermediate tree for every item.

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

/// Writes `value` (a struct or map) as a DynamoDB item.
///
/// # Errors
/// The value is not a struct or map, holds a non-finite float, or a map with keys that are
/// not strings (or integers); the error names the field.
pub fn to_item<T: Serialize + ?Sized>(
    value: &T,
) -> Result<HashMap<String, AttributeValue>, ItemError> {
    let av = to_attribute_value(value)?;
    let kind = kind_of(&av);
    av.m.filter(|_| kind == "M").ok_or_else(|| {
        ItemError::new(format!(
            "an item must be a struct or map, but this value is written as {kind}"
        ))
    })
}

/// Reads a DynamoDB item (from `GetItem`, `Query`, `Scan`, ...) as a `T`.
///
/// # Errors
/// The item does not fit `T` (a missing field, a value of another type, a number out of
/// range); the error names the field and the types.
pub fn from_item<T: DeserializeOwned>(
    item: HashMap<String, AttributeValue>,
) -> Result<T, ItemError> {
    T::deserialize(AvDeserializer(Av::M(item)))
}

/// Writes `value` as one attribute value (see the [module docs](crate::item) for the
/// mapping).
///
/// # Errors
/// A non-finite float, a map key that is not a string (or integer); the error names the
/// field.
pub fn to_attribute_value<T: Serialize + ?Sized>(value: &T) -> Result<AttributeValue, ItemError> {
    value.serialize(AvSerializer)
}

/// Reads one attribute value as a `T`.
///
/// # Errors
/// The value does not fit `T`, or has no type (or several) set; the error names the field
/// and the types.
pub fn from_attribute_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T, ItemError> {
    T::deserialize(AvDeserializer::new(value)?)
}

/// Why a value could not be written as, or read from, attribute values: the message, and
/// where in the value it happened.
#[derive(Clone, PartialEq, Eq)]
pub struct ItemError {
    message: String,
    /// Innermost first: segments are added as the error travels outwards.
    path: Vec<Segment>,
}

#[derive(Clone, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
}

impl ItemError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            path: Vec::new(),
        }
    }

    fn in_field(mut self, name: &str) -> Self {
        self.path.push(Segment::Field(name.to_owned()));
        self
    }

    fn in_index(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }

    /// Where it happened, as `address.lines[1]`; empty at the top level.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Field(name) if out.is_empty() => out.push_str(name),
                Segment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path(), self.message)
        }
    }
}

impl fmt::Debug for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ItemError({self})")
    }
}

impl std::error::Error for ItemError {}

impl ser::Error for ItemError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }
}

impl de::Error for ItemError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }
}

/// The type letters of a value, as DynamoDB names them (for messages).
fn kind_of(av: &AttributeValue) -> String {
    let kinds = set_kinds(av);
    match kinds.len() {
        0 => "a value with no type".to_owned(),
        _ => kinds.join("+"),
    }
}

fn set_kinds(av: &AttributeValue) -> Vec<&'static str> {
    [
        ("S", av.s.is_some()),
        ("N", av.n.is_some()),
        ("B", av.b.is_some()),
        ("SS", av.ss.is_some()),
        ("NS", av.ns.is_some()),
        ("BS", av.bs.is_some()),
        ("M", av.m.is_some()),
        ("L", av.l.is_some()),
        ("NULL", av.null.is_some()),
        ("BOOL", av.bool.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect()
}

// ---------------------------------------------------------------------------------------
// Writing

struct AvSerializer;

/// A finite float's shortest round-tripping decimal text (Rust's `Display` gives exactly
/// that, without an exponent, so DynamoDB parses it as written).
fn float(value: f64, text: impl FnOnce() -> String) -> Result<AttributeValue, ItemError> {
    if value.is_finite() {
        Ok(AttributeValue::n(text()))
    } else {
        Err(ItemError::new(format!(
            "{value} cannot be stored: DynamoDB numbers are finite"
        )))
    }
}

/// Integers as their exact decimal text.
macro_rules! integers_as_text {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<AttributeValue, ItemError> {
            Ok(AttributeValue::n(v))
        })*
    };
}

impl ser::Serializer for AvSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    type SerializeSeq = ListSerializer;
    type SerializeTuple = ListSerializer;
    type SerializeTupleStruct = ListSerializer;
    type SerializeTupleVariant = VariantSerializer<ListSerializer>;
    type SerializeMap = MapSerializer;
    type SerializeStruct = MapSerializer;
    type SerializeStructVariant = VariantSerializer<MapSerializer>;

    fn serialize_bool(self, v: bool) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::bool(v))
    }

    integers_as_text!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );

    fn serialize_f32(self, v: f32) -> Result<AttributeValue, ItemError> {
        // The f32's own shortest text: widening first would write 0.1f32 as
        // 0.10000000149011612.
        float(f64::from(v), || v.to_string())
    }

    fn serialize_f64(self, v: f64) -> Result<AttributeValue, ItemError> {
        float(v, || v.to_string())
    }

    fn serialize_char(self, v: char) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::s(v))
    }

    fn serialize_str(self, v: &str) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::s(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::b(v))
    }

    fn serialize_none(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::null())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<AttributeValue, ItemError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::null())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::null())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::s(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<AttributeValue, ItemError> {
        if name != Blob::SERDE_NAME {
            return value.serialize(self);
        }
        // A Blob hands over its base64 text (what JSON needs); DynamoDB wants the bytes.
        let text = value.serialize(self)?.s.unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(AttributeValue::b)
            .map_err(|e| ItemError::new(format!("a blob with bad base64: {e}")))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<AttributeValue, ItemError> {
        let inner = value
            .serialize(AvSerializer)
            .map_err(|e| e.in_field(variant))?;
        Ok(AttributeValue::m([(variant.to_owned(), inner)]))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<ListSerializer, ItemError> {
        Ok(ListSerializer(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<ListSerializer, ItemError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<ListSerializer, ItemError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<ListSerializer>, ItemError> {
        Ok(VariantSerializer {
            variant,
            inner: ListSerializer(Vec::with_capacity(len)),
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapSerializer, ItemError> {
        Ok(MapSerializer {
            map: HashMap::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSerializer, ItemError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<MapSerializer>, ItemError> {
        Ok(VariantSerializer {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// An `L` being written.
struct ListSerializer(Vec<AttributeValue>);

impl ListSerializer {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ItemError> {
        let index = self.0.len();
        self.0.push(
            value
                .serialize(AvSerializer)
                .map_err(|e| e.in_index(index))?,
        );
        Ok(())
    }
}

impl ser::SerializeSeq for ListSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ItemError> {
        self.push(value)
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::l(self.0))
    }
}

impl ser::SerializeTuple for ListSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ItemError> {
        self.push(value)
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::l(self.0))
    }
}

impl ser::SerializeTupleStruct for ListSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ItemError> {
        self.push(value)
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::l(self.0))
    }
}

/// An `M` being written.
struct MapSerializer {
    map: HashMap<String, AttributeValue>,
    key: Option<String>,
}

impl MapSerializer {
    fn insert<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), ItemError> {
        let value = value
            .serialize(AvSerializer)
            .map_err(|e| e.in_field(&key))?;
        self.map.insert(key, value);
        Ok(())
    }
}

impl ser::SerializeMap for MapSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ItemError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ItemError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ItemError::new("a map value without a key"))?;
        self.insert(key, value)
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::m(self.map))
    }
}

impl ser::SerializeStruct for MapSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ItemError> {
        self.insert(key.to_owned(), value)
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::m(self.map))
    }
}

/// A tuple or struct variant: its content inside an `M` keyed by the variant's name.
struct VariantSerializer<I> {
    variant: &'static str,
    inner: I,
}

impl<I> VariantSerializer<I> {
    fn wrap(variant: &str, inner: AttributeValue) -> AttributeValue {
        AttributeValue::m([(variant.to_owned(), inner)])
    }
}

impl ser::SerializeTupleVariant for VariantSerializer<ListSerializer> {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ItemError> {
        self.inner.push(value).map_err(|e| e.in_field(self.variant))
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(Self::wrap(self.variant, AttributeValue::l(self.inner.0)))
    }
}

impl ser::SerializeStructVariant for VariantSerializer<MapSerializer> {
    type Ok = AttributeValue;
    type Error = ItemError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ItemError> {
        self.inner
            .insert(key.to_owned(), value)
            .map_err(|e| e.in_field(self.variant))
    }

    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(Self::wrap(self.variant, AttributeValue::m(self.inner.map)))
    }
}

/// Map keys: attribute names are strings; integer keys and unit-variant keys are written
/// as their text, as serde_json does.
struct KeySerializer;

fn bad_key(what: &str) -> ItemError {
    ItemError::new(format!(
        "a map key must be a string (or an integer, a char, a unit enum variant), not {what}"
    ))
}

macro_rules! key_as_text {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<String, ItemError> {
            Ok(v.to_string())
        })*
    };
}

macro_rules! key_refused {
    ($($method:ident: $ty:ty => $what:literal),*) => {
        $(fn $method(self, _v: $ty) -> Result<String, ItemError> {
            Err(bad_key($what))
        })*
    };
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ItemError;
    type SerializeSeq = Impossible<String, ItemError>;
    type SerializeTuple = Impossible<String, ItemError>;
    type SerializeTupleStruct = Impossible<String, ItemError>;
    type SerializeTupleVariant = Impossible<String, ItemError>;
    type SerializeMap = Impossible<String, ItemError>;
    type SerializeStruct = Impossible<String, ItemError>;
    type SerializeStructVariant = Impossible<String, ItemError>;

    key_as_text!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128, serialize_char: char, serialize_str: &str
    );
    key_refused!(
        serialize_bool: bool => "a boolean",
        serialize_f32: f32 => "a float",
        serialize_f64: f64 => "a float",
        serialize_bytes: &[u8] => "bytes"
    );

    fn serialize_none(self) -> Result<String, ItemError> {
        Err(bad_key("None"))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, ItemError> {
        Err(bad_key("an Option"))
    }

    fn serialize_unit(self) -> Result<String, ItemError> {
        Err(bad_key("()"))
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<String, ItemError> {
        Err(bad_key(name))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, ItemError> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, ItemError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result<String, ItemError> {
        Err(bad_key(variant))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ItemError> {
        Err(bad_key("a sequence"))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ItemError> {
        Err(bad_key("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ItemError> {
        Err(bad_key(name))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ItemError> {
        Err(bad_key(variant))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ItemError> {
        Err(bad_key("a map"))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, ItemError> {
        Err(bad_key(name))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ItemError> {
        Err(bad_key(variant))
    }
}

// ---------------------------------------------------------------------------------------
// Reading

/// An attribute value with its one type known.
enum Av {
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
enum Number {
    U64(u64),
    I64(i64),
    U128(u128),
    I128(i128),
    F64(f64),
}

fn parse_number(text: &str) -> Result<Number, ItemError> {
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
fn integral_digits(text: &str) -> Option<String> {
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
fn visit_number<'de, V: Visitor<'de>>(
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

fn base64_text(blob: &Blob) -> String {
    base64::engine::general_purpose::STANDARD.encode(blob.as_bytes())
}

/// Reads one attribute value.
struct AvDeserializer(Av);

impl AvDeserializer {
    fn new(value: AttributeValue) -> Result<Self, ItemError> {
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

fn describe(av: &Av) -> String {
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
enum Items {
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

struct SeqDeserializer {
    items: Items,
    index: usize,
}

fn visit_seq<'de, V: Visitor<'de>>(items: Items, visitor: V) -> Result<V::Value, ItemError> {
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

fn visit_map<'de, V: Visitor<'de>>(
    map: HashMap<String, AttributeValue>,
    visitor: V,
) -> Result<V::Value, ItemError> {
    visitor.visit_map(MapDeserializer {
        entries: map.into_iter(),
        value: None,
    })
}

struct MapDeserializer {
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
struct KeyDeserializer(String);

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
struct EnumDeserializer {
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

struct VariantDeserializer {
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

#[cfg(test)]
#[path = "item_tests.rs"]
mod tests;
