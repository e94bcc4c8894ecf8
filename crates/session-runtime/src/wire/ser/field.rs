//! Structures, lists and maps: serde's compound serializers, following the shape.

use serde::ser::{self, Serialize};

use super::{capture, At, Error, Segment, Sink, State, ValueSer};
use crate::shapes::{Kind, Member, MemberFlags, Shape, ShapeFlags};
use crate::wire::seen::Seen;

/// Serializes `value` at `at`: a document is handed to the sink whole (as JSON data); any
/// other shape is followed value by value.
pub(crate) fn put<T: Serialize + ?Sized, S: Sink>(
    state: &mut State<'_, S>,
    at: At,
    value: &T,
) -> Result<(), Error> {
    if matches!(at.shape.kind, Kind::Document) {
        let json = serde_json::to_value(value).map_err(|e| Error::sink(e.to_string()))?;
        return state.sink.document(at, &json);
    }
    value.serialize(ValueSer { state, at })
}

/// A structure (or union) being serialized.
pub(crate) struct Struct<'a, 's, S: Sink> {
    state: &'a mut State<'s, S>,
    at: At,
    members: &'static [Member],
    seen: Seen,
    /// Where the next member is expected (typed values write members in model order).
    cursor: usize,
}

impl<'a, 's, S: Sink> Struct<'a, 's, S> {
    pub(crate) fn begin(state: &'a mut State<'s, S>, at: At) -> Result<Self, Error> {
        let members = at.shape.members();
        state.depth += 1;
        state.sink.begin_structure(at)?;
        Ok(Self {
            state,
            at,
            members,
            seen: Seen::new(members.len()),
            cursor: 0,
        })
    }

    fn find(&mut self, key: &str) -> Option<usize> {
        let n = self.members.len();
        if self.cursor < n && self.members[self.cursor].name == key {
            return Some(self.cursor);
        }
        self.members.iter().position(|m| m.name == key)
    }

    /// One member by its model name (`key`).
    pub(crate) fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), Error> {
        let Some(i) = self.find(key) else {
            if present(value) {
                self.state.keys.push(key.to_owned());
                self.state.path.push(Segment::Name);
                self.state
                    .problem(format!("unknown member (not in {})", self.at.shape.name));
                self.state.path.pop();
                self.state.keys.pop();
            }
            return Ok(());
        };
        self.cursor = i + 1;
        let m = &self.members[i];
        if !present(value) {
            return Ok(());
        }
        if self.seen.set(i) {
            return Ok(());
        }
        self.state.path.push(Segment::Member(m.name));
        let top = self.state.depth == 1;
        let previous = std::mem::replace(&mut self.state.top_member, top.then_some(m));
        let result = self.write_member(m, value);
        self.state.top_member = previous;
        self.state.path.pop();
        result
    }

    fn write_member<T: Serialize + ?Sized>(
        &mut self,
        m: &'static Member,
        value: &T,
    ) -> Result<(), Error> {
        self.state.sink.begin_member(m)?;
        let at = At {
            shape: self.state.service.shape(m.shape),
            member: Some(m),
        };
        if m.flags.has(MemberFlags::JSON_VALUE) {
            // A value held as JSON text: compact, and base64-encoded in a header.
            use base64::Engine as _;
            // A string is already the JSON text; anything else is written as JSON.
            let json = match serde_json::to_value(value).map_err(|e| Error::sink(e.to_string()))? {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            let text = if m.location == crate::shapes::Location::Header {
                base64::engine::general_purpose::STANDARD.encode(json)
            } else {
                json
            };
            self.state.sink.scalar(at, super::Scalar::Str(&text))?;
            return self.state.sink.end_member(m);
        }
        let sparse = std::mem::replace(&mut self.state.sparse_container, false);
        let result = put(self.state, at, value);
        self.state.sparse_container = sparse;
        result?;
        self.state.sink.end_member(m)
    }

    fn finish(mut self) -> Result<(), Error> {
        let shape: &'static Shape = self.at.shape;
        for (i, m) in self.members.iter().enumerate() {
            if self.seen.get(i) {
                continue;
            }
            if m.flags.has(MemberFlags::IDEMPOTENCY_TOKEN) {
                let token = (self.state.token)();
                self.seen.set(i);
                self.state.path.push(Segment::Member(m.name));
                let top = self.state.depth == 1;
                let previous = std::mem::replace(&mut self.state.top_member, top.then_some(m));
                let result = self.write_member(m, token.as_str());
                self.state.top_member = previous;
                self.state.path.pop();
                result?;
                continue;
            }
            if m.flags.has(MemberFlags::REQUIRED) && !m.flags.has(MemberFlags::STREAMING) {
                self.state.path.push(Segment::Member(m.name));
                self.state.problem("missing required member");
                self.state.path.pop();
            }
        }
        if shape.is(ShapeFlags::UNION) {
            let set = self.seen.count();
            if set != 1 {
                self.state.problem(format!(
                    "a union ({}) takes exactly one member, not {set}",
                    shape.name
                ));
            }
        }
        self.state.sink.end_structure(self.at)?;
        self.state.depth -= 1;
        Ok(())
    }
}

impl<S: Sink> ser::SerializeStruct for Struct<'_, '_, S> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn skip_field(&mut self, _key: &'static str) -> Result<(), Error> {
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A list being serialized.
pub(crate) struct Seq<'a, 's, S: Sink> {
    state: &'a mut State<'s, S>,
    at: At,
    element: &'static Member,
    index: usize,
}

impl<'a, 's, S: Sink> Seq<'a, 's, S> {
    pub(crate) fn begin(v: ValueSer<'a, 's, S>, len: Option<usize>) -> Result<Self, Error> {
        let Kind::List(element) = v.at.shape.kind else {
            let at = v.at;
            v.state
                .problem(format!("expected {}, got a list", describe(at.shape)));
            return Err(Error::sink("a list where the model has another shape"));
        };
        v.state.sink.begin_list(v.at, element, len)?;
        Ok(Self {
            state: v.state,
            at: v.at,
            element,
            index: 0,
        })
    }
}

fn describe(shape: &Shape) -> &'static str {
    match shape.kind {
        Kind::Structure(_) => "a structure",
        Kind::Map(..) => "a map",
        Kind::List(_) => "a list",
        _ => "a scalar",
    }
}

impl<S: Sink> ser::SerializeSeq for Seq<'_, '_, S> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.state.path.push(Segment::Index(self.index));
        self.state.sink.begin_element(self.index)?;
        let at = At {
            shape: self.state.service.shape(self.element.shape),
            member: Some(self.element),
        };
        let sparse = std::mem::replace(
            &mut self.state.sparse_container,
            self.at.shape.is(ShapeFlags::SPARSE),
        );
        let result = put(self.state, at, value);
        self.state.sparse_container = sparse;
        result?;
        self.state.sink.end_element()?;
        self.state.path.pop();
        self.index += 1;
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        if let Some(min) = self
            .at
            .shape
            .min
            .filter(|m| i64::try_from(self.index).unwrap_or(i64::MAX) < *m)
        {
            self.state
                .problem(format!("{} items, below the minimum {min}", self.index));
        }
        self.state.sink.end_list(self.at)
    }
}

impl<S: Sink> ser::SerializeTuple for Seq<'_, '_, S> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl<S: Sink> ser::SerializeTupleStruct for Seq<'_, '_, S> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

/// A serde map: a map shape's entries, or a structure's members keyed by name (dynamic
/// values).
pub(crate) enum Map<'a, 's, S: Sink> {
    Entries {
        state: &'a mut State<'s, S>,
        at: At,
        value: &'static Member,
        index: usize,
        key: Option<String>,
    },
    Members {
        inner: Struct<'a, 's, S>,
        key: Option<String>,
    },
}

impl<'a, 's, S: Sink> Map<'a, 's, S> {
    pub(crate) fn begin(v: ValueSer<'a, 's, S>) -> Result<Self, Error> {
        match v.at.shape.kind {
            Kind::Map(key, value) => {
                v.state.sink.begin_map(v.at, key, value)?;
                Ok(Map::Entries {
                    state: v.state,
                    at: v.at,
                    value,
                    index: 0,
                    key: None,
                })
            }
            Kind::Structure(_) => Ok(Map::Members {
                inner: Struct::begin(v.state, v.at)?,
                key: None,
            }),
            _ => {
                let at = v.at;
                v.state
                    .problem(format!("expected {}, got a map", describe(at.shape)));
                Err(Error::sink("a map where the model has another shape"))
            }
        }
    }
}

impl<S: Sink> ser::SerializeMap for Map<'_, '_, S> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let text = key.serialize(capture::TextOnly)?;
        match self {
            Map::Entries { key, .. } | Map::Members { key, .. } => *key = Some(text),
        }
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self {
            Map::Members { inner, key } => {
                let k = key.take().unwrap_or_default();
                inner.field(&k, value)
            }
            Map::Entries {
                state,
                at,
                value: value_member,
                index,
                key,
            } => {
                let k = key.take().unwrap_or_default();
                if !present(value) && !at.shape.is(ShapeFlags::SPARSE) {
                    return Ok(());
                }
                state.sink.begin_entry(&k, *index)?;
                state.keys.push(k);
                state.path.push(Segment::Key);
                let value_at = At {
                    shape: state.service.shape(value_member.shape),
                    member: Some(value_member),
                };
                let sparse =
                    std::mem::replace(&mut state.sparse_container, at.shape.is(ShapeFlags::SPARSE));
                let result = put(state, value_at, value);
                state.sparse_container = sparse;
                result?;
                state.sink.end_entry()?;
                state.path.pop();
                state.keys.pop();
                *index += 1;
                Ok(())
            }
        }
    }

    fn end(self) -> Result<(), Error> {
        match self {
            Map::Members { inner, .. } => inner.finish(),
            Map::Entries { state, at, .. } => state.sink.end_map(at),
        }
    }
}

/// Whether a value is there: anything but `None` and `()`. Answers from the value's first
/// call, without serializing it.
pub(crate) fn present<T: Serialize + ?Sized>(value: &T) -> bool {
    // `Err(ProbeStop)`: the value began serializing something, so it is there.
    value.serialize(Probe).unwrap_or(true)
}

struct Probe;

#[derive(Debug)]
struct ProbeStop;

impl std::fmt::Display for ProbeStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("present")
    }
}

impl std::error::Error for ProbeStop {}

impl ser::Error for ProbeStop {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        ProbeStop
    }
}

macro_rules! present_scalars {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, _v: $t) -> Result<bool, ProbeStop> { Ok(true) })*
    };
}

impl ser::Serializer for Probe {
    type Ok = bool;
    type Error = ProbeStop;
    type SerializeSeq = ser::Impossible<bool, ProbeStop>;
    type SerializeTuple = ser::Impossible<bool, ProbeStop>;
    type SerializeTupleStruct = ser::Impossible<bool, ProbeStop>;
    type SerializeTupleVariant = ser::Impossible<bool, ProbeStop>;
    type SerializeMap = ser::Impossible<bool, ProbeStop>;
    type SerializeStruct = ser::Impossible<bool, ProbeStop>;
    type SerializeStructVariant = ser::Impossible<bool, ProbeStop>;

    present_scalars!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_f32: f32, serialize_f64: f64,
        serialize_char: char, serialize_str: &str, serialize_bytes: &[u8]);

    fn serialize_none(self) -> Result<bool, ProbeStop> {
        Ok(false)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _v: &T) -> Result<bool, ProbeStop> {
        Ok(true)
    }
    fn serialize_unit(self) -> Result<bool, ProbeStop> {
        Ok(false)
    }
    fn serialize_unit_struct(self, _n: &'static str) -> Result<bool, ProbeStop> {
        Ok(false)
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
    ) -> Result<bool, ProbeStop> {
        Ok(true)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _v: &T,
    ) -> Result<bool, ProbeStop> {
        Ok(true)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result<bool, ProbeStop> {
        Ok(true)
    }
    fn serialize_seq(self, _l: Option<usize>) -> Result<Self::SerializeSeq, ProbeStop> {
        Err(ProbeStop)
    }
    fn serialize_tuple(self, _l: usize) -> Result<Self::SerializeTuple, ProbeStop> {
        Err(ProbeStop)
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleStruct, ProbeStop> {
        Err(ProbeStop)
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleVariant, ProbeStop> {
        Err(ProbeStop)
    }
    fn serialize_map(self, _l: Option<usize>) -> Result<Self::SerializeMap, ProbeStop> {
        Err(ProbeStop)
    }
    fn serialize_struct(
        self,
        _n: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStruct, ProbeStop> {
        Err(ProbeStop)
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStructVariant, ProbeStop> {
        Err(ProbeStop)
    }
}
