//! What a serialization keeps for the rest of the request: values of the input's own
//! members that are also host labels, endpoint context parameters or checksum choices.
//! And a serializer that takes only text (map keys, timestamps written as text).

use serde::ser::{self, Serialize};

use super::{Error, Scalar, Sink, State};
use crate::shapes::MemberFlags;

/// A top-level member's scalar value, kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kept {
    Str(String),
    Bool(bool),
}

/// Values of the input's members the request needs beyond the sink's output.
#[derive(Debug, Default)]
pub(crate) struct Captured {
    /// (member name, value) of members kept: host labels, context parameters, and the
    /// members the operation names for checksums.
    pub(crate) values: Vec<(&'static str, Kept)>,
}

impl Captured {
    /// The kept value of member `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Kept> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The kept text of member `name`.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Kept::Str(s) => Some(s),
            Kept::Bool(_) => None,
        }
    }
}

/// Keeps a scalar of a member directly inside the input when the request needs it: host
/// labels and every scalar member the operation names (context parameters, checksum
/// members). Cheap for the rest: one flag test and a short scan.
pub(super) fn at_top<S: Sink>(state: &mut State<'_, S>, value: Scalar<'_>) {
    let Some(m) = state.top_member() else {
        return;
    };
    let wanted = m.flags.has(MemberFlags::HOST_LABEL) || state.wants(m.name);
    if !wanted {
        return;
    }
    let kept = match value {
        Scalar::Str(s) => Kept::Str(s.to_owned()),
        Scalar::Bool(b) => Kept::Bool(b),
        Scalar::Int(n) => Kept::Str(n.to_string()),
        _ => return,
    };
    state.captured.values.push((m.name, kept));
}

impl<S: Sink> State<'_, S> {
    /// Whether the operation needs member `name`'s value beyond the body.
    fn wants(&self, name: &str) -> bool {
        self.keep.contains(&name)
    }
}

/// Takes text only: map keys, and timestamps that serialize themselves as text.
pub(crate) struct TextOnly;

fn not_text() -> Error {
    Error::sink("expected text")
}

impl ser::Serializer for TextOnly {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_text())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_text())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_text())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_text())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_text())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(not_text())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_text())
    }
}
