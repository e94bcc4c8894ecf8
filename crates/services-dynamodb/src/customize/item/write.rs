//! Writing: serde values into attribute values.

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

pub(super) struct AvSerializer;

/// A finite float's shortest round-tripping decimal text (Rust's `Display` gives exactly
/// that, without an exponent, so DynamoDB parses it as written).
pub(super) fn float(
    value: f64,
    text: impl FnOnce() -> String,
) -> Result<AttributeValue, ItemError> {
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
pub(super) struct ListSerializer(Vec<AttributeValue>);

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
pub(super) struct MapSerializer {
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
pub(super) struct VariantSerializer<I> {
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
pub(super) struct KeySerializer;

pub(super) fn bad_key(what: &str) -> ItemError {
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
