//! Serialization by the shape tables: one serde `Serializer` that follows a value (typed
//! or dynamic) through its shape and tells a protocol's `Sink` what it meets, in the
//! shape's terms (a structure's member, a list's element, a map's entry, a scalar of a
//! shape). Each protocol is a sink: JSON, CBOR, query, EC2, XML, the REST bindings.
//!
//! The same pass checks what botocore's `ParamValidator` checks before anything is sent
//! (required members, types, minimum lengths and values, unknown members) and lists every
//! problem with its member path; it fills unset idempotency tokens and keeps the values
//! the request needs elsewhere (host labels, endpoint context parameters, checksum
//! choices).

mod capture;
pub(crate) mod cbor;
mod field;
pub(crate) mod json;
pub(crate) mod query;
pub(crate) mod rest;
pub(crate) mod xml;

use std::fmt;

use serde::ser::{self, Serialize};

pub(crate) use capture::{Captured, Kept};

use crate::shapes::{Kind, Member, MemberFlags, Service, Shape, ShapeFlags, ShapeId};
use crate::values::Timestamp;

/// A scalar as the serializer met it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scalar<'v> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'v str),
    Bytes(&'v [u8]),
    Timestamp(Timestamp),
}

/// Where a value sits: the shape it is, and the member (structure member, list element,
/// map value) it is reached through, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub(crate) shape: &'static Shape,
    pub(crate) member: Option<&'static Member>,
}

impl At {
    /// The timestamp format of a timestamp here: the member's, else the shape's, else
    /// `default` (the place's: the body's protocol format, a header's, a URI's).
    pub(crate) fn timestamp_format(
        &self,
        default: crate::shapes::TimestampFormat,
    ) -> crate::shapes::TimestampFormat {
        if let Some(f) = self.member.and_then(|m| m.timestamp_format) {
            return f;
        }
        match self.shape.kind {
            Kind::Timestamp(Some(f)) => f,
            _ => default,
        }
    }

    /// A flag of the member, if there is one.
    pub(crate) fn member_has(&self, flag: MemberFlags) -> bool {
        self.member.is_some_and(|m| m.flags.has(flag))
    }
}

/// What a protocol does with what the serializer meets. Calls nest as values do; every
/// `begin_*` has its `end_*`. Errors end serialization.
pub(crate) trait Sink {
    /// A structure (or union) at `at` begins.
    fn begin_structure(&mut self, at: At) -> Result<(), Error>;
    /// Member `m` of the current structure follows (present: unset members never reach a
    /// sink).
    fn begin_member(&mut self, m: &'static Member) -> Result<(), Error>;
    /// Member `m` is written.
    fn end_member(&mut self, m: &'static Member) -> Result<(), Error>;
    /// The structure at `at` ends.
    fn end_structure(&mut self, at: At) -> Result<(), Error>;
    /// A list at `at` begins; `element` says its elements' shape and names.
    fn begin_list(
        &mut self,
        at: At,
        element: &'static Member,
        len: Option<usize>,
    ) -> Result<(), Error>;
    /// Element `index` (from 0) of the current list follows.
    fn begin_element(&mut self, index: usize) -> Result<(), Error>;
    /// The element is written.
    fn end_element(&mut self) -> Result<(), Error>;
    /// The list at `at` ends.
    fn end_list(&mut self, at: At) -> Result<(), Error>;
    /// A map at `at` begins.
    fn begin_map(
        &mut self,
        at: At,
        key: &'static Member,
        value: &'static Member,
    ) -> Result<(), Error>;
    /// Entry `index` (from 0) with `key` follows; its value comes next.
    fn begin_entry(&mut self, key: &str, index: usize) -> Result<(), Error>;
    /// The entry is written.
    fn end_entry(&mut self) -> Result<(), Error>;
    /// The map at `at` ends.
    fn end_map(&mut self, at: At) -> Result<(), Error>;
    /// A scalar of the shape at `at`.
    fn scalar(&mut self, at: At, value: Scalar<'_>) -> Result<(), Error>;
    /// A null inside a sparse list or map.
    fn null(&mut self, at: At) -> Result<(), Error>;
    /// A document (open content) at `at`, as JSON data.
    fn document(&mut self, at: At, value: &serde_json::Value) -> Result<(), Error>;
}

/// One problem found in an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `Functions[0].Environment.Variables` (empty for the input itself).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Why an input could not be serialized: every problem found, or a failure of the sink.
#[derive(Debug)]
pub struct Error {
    pub(crate) problems: Vec<Problem>,
    pub(crate) other: Option<String>,
}

impl Error {
    pub(crate) fn sink(message: impl Into<String>) -> Self {
        Self {
            problems: Vec::new(),
            other: Some(message.into()),
        }
    }

    /// The problems found in the input (validation), in the order met.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(other) = &self.other {
            return f.write_str(other);
        }
        match self.problems.as_slice() {
            [one] => write!(f, "invalid input: {one}"),
            many => {
                write!(f, "invalid input ({} problems):", many.len())?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::sink(msg.to_string())
    }
}

/// A segment of a member path.
#[derive(Debug, Clone, Copy)]
enum Segment {
    /// A member of the model.
    Member(&'static str),
    /// A list element.
    Index(usize),
    /// A map key (the next of `State::keys`).
    Key,
    /// A member name not in the model (the next of `State::keys`).
    Name,
}

/// What one serialization keeps besides what the sink writes.
pub(crate) struct State<'s, S: Sink> {
    pub(crate) service: &'static Service,
    pub(crate) sink: &'s mut S,
    path: Vec<Segment>,
    keys: Vec<String>,
    problems: Vec<Problem>,
    pub(crate) captured: Captured,
    /// The depth of structures entered (1 inside the input itself).
    depth: usize,
    /// The member of the input being written, while inside one.
    top_member: Option<&'static Member>,
    /// The value being written is an element or value of a sparse list or map.
    sparse_container: bool,
    /// Makes idempotency tokens for members left unset.
    pub(crate) token: &'s dyn Fn() -> String,
    /// Input members whose values the request needs beyond the body (context
    /// parameters, checksum members).
    pub(crate) keep: &'s [&'static str],
}

impl<'s, S: Sink> State<'s, S> {
    pub(crate) fn new(
        service: &'static Service,
        sink: &'s mut S,
        token: &'s dyn Fn() -> String,
        keep: &'s [&'static str],
    ) -> Self {
        Self {
            service,
            sink,
            path: Vec::new(),
            keys: Vec::new(),
            problems: Vec::new(),
            captured: Captured::default(),
            depth: 0,
            top_member: None,
            sparse_container: false,
            token,
            keep,
        }
    }

    fn shape(&self, id: ShapeId) -> &'static Shape {
        self.service.shape(id)
    }

    fn path_text(&self) -> String {
        let mut out = String::new();
        let mut keys = self.keys.iter();
        for seg in &self.path {
            match seg {
                Segment::Member(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Segment::Key => {
                    out.push('[');
                    out.push_str(&format!("{:?}", keys.next().map_or("", String::as_str)));
                    out.push(']');
                }
                Segment::Name => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(keys.next().map_or("", String::as_str));
                }
            }
        }
        out
    }

    pub(crate) fn problem(&mut self, message: impl Into<String>) {
        let path = self.path_text();
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }

    /// Ends the pass: the problems found, if any.
    pub(crate) fn finish(self) -> Result<Captured, Error> {
        if self.problems.is_empty() {
            Ok(self.captured)
        } else {
            Err(Error {
                problems: self.problems,
                other: None,
            })
        }
    }
}

/// Serializes `value` as shape `id` into `state`'s sink.
pub(crate) fn serialize<T: Serialize + ?Sized, S: Sink>(
    state: &mut State<'_, S>,
    id: ShapeId,
    value: &T,
) -> Result<(), Error> {
    let shape = state.shape(id);
    field::put(
        state,
        At {
            shape,
            member: None,
        },
        value,
    )
}

/// Serializes one value at a place in the shape tree.
pub(crate) struct ValueSer<'a, 's, S: Sink> {
    pub(crate) state: &'a mut State<'s, S>,
    pub(crate) at: At,
}

impl<'a, 's, S: Sink> ValueSer<'a, 's, S> {
    fn kind_name(&self) -> &'static str {
        match self.at.shape.kind {
            Kind::Structure(_) if self.at.shape.is(ShapeFlags::UNION) => "a union",
            Kind::Structure(_) => "a structure",
            Kind::List(_) => "a list",
            Kind::Map(..) => "a map",
            Kind::String(_) => "a string",
            Kind::Boolean => "a boolean",
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => "an integer",
            Kind::Float | Kind::Double => "a number",
            Kind::Timestamp(_) => "a timestamp",
            Kind::Blob => "bytes",
            Kind::Document => "a document",
        }
    }

    fn mismatch(self, got: &str) -> Result<(), Error> {
        let want = self.kind_name();
        self.state.problem(format!("expected {want}, got {got}"));
        Ok(())
    }

    /// A scalar: checked against the shape (type, range, length) and handed to the sink.
    fn scalar(self, value: Scalar<'_>) -> Result<(), Error> {
        let shape = self.at.shape;
        // A timestamp given as whole epoch seconds.
        let value = match (&shape.kind, value) {
            (Kind::Timestamp(_), Scalar::Int(n)) => Scalar::Timestamp(Timestamp::from_secs(n)),
            _ => value,
        };
        let fits = match (&shape.kind, value) {
            (Kind::Document, _) => true,
            (Kind::Boolean, Scalar::Bool(_)) => true,
            (Kind::Byte | Kind::Short | Kind::Integer | Kind::Long, Scalar::Int(_)) => true,
            (Kind::Float | Kind::Double, Scalar::Int(_) | Scalar::Float(_)) => true,
            // Floats' specials arrive as text from dynamic values ("NaN", "Infinity").
            (Kind::Float | Kind::Double, Scalar::Str(s)) => {
                matches!(s, "NaN" | "Infinity" | "-Infinity")
            }
            (Kind::String(_), Scalar::Str(_)) => true,
            (Kind::Blob, Scalar::Str(_) | Scalar::Bytes(_)) => true,
            (Kind::Timestamp(_), Scalar::Timestamp(_)) => true,
            _ => false,
        };
        if !fits {
            let got = match value {
                Scalar::Bool(_) => "a boolean",
                Scalar::Int(_) => "an integer",
                Scalar::Float(_) => "a number",
                Scalar::Str(_) => "a string",
                Scalar::Bytes(_) => "bytes",
                Scalar::Timestamp(_) => "a timestamp",
            };
            return self.mismatch(got);
        }
        let state = self.state;
        match value {
            Scalar::Int(n) => {
                if let Some(min) = shape.min.filter(|m| n < *m) {
                    state.problem(format!("{n} is below the minimum {min}"));
                }
            }
            Scalar::Str(s) if matches!(shape.kind, Kind::String(_)) => {
                let len = s.chars().count();
                if let Some(min) = shape
                    .min
                    .filter(|m| i64::try_from(len).unwrap_or(i64::MAX) < *m)
                {
                    state.problem(format!("length {len} is below the minimum {min}"));
                }
                if let Kind::String(values) = shape.kind {
                    if !values.is_empty() && !values.contains(&s) {
                        // Services add values before models do: a warning, as botocore's.
                        tracing::debug!(
                            shape = shape.name,
                            value = s,
                            "value not in the model's enum"
                        );
                    }
                }
            }
            _ => {}
        }
        capture::at_top(state, value);
        state.sink.scalar(self.at, value)
    }
}

impl<'a, 's, S: Sink> ser::Serializer for ValueSer<'a, 's, S> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = field::Seq<'a, 's, S>;
    type SerializeTuple = field::Seq<'a, 's, S>;
    type SerializeTupleStruct = field::Seq<'a, 's, S>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = field::Map<'a, 's, S>;
    type SerializeStruct = field::Struct<'a, 's, S>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    /// Not human-readable: blobs hand over their bytes rather than base64 text.
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(Scalar::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.scalar(Scalar::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.scalar(Scalar::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.scalar(Scalar::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.scalar(Scalar::Int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        match i64::try_from(v) {
            Ok(v) => self.scalar(Scalar::Int(v)),
            Err(_) => self.mismatch("an integer out of range"),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.scalar(Scalar::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.scalar(Scalar::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.scalar(Scalar::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        match i64::try_from(v) {
            Ok(v) => self.scalar(Scalar::Int(v)),
            Err(_) => self.mismatch("an integer out of range"),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.scalar(Scalar::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        match self.at.shape.kind {
            // A timestamp given as epoch seconds.
            Kind::Timestamp(_) => match Timestamp::from_secs_f64(v) {
                Some(t) => self.scalar(Scalar::Timestamp(t)),
                None => self.mismatch("a number that is not a time"),
            },
            _ => self.scalar(Scalar::Float(v)),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        let mut buf = [0u8; 4];
        self.scalar(Scalar::Str(v.encode_utf8(&mut buf)))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        match self.at.shape.kind {
            // A timestamp given as text (RFC 3339, an HTTP date or epoch seconds).
            Kind::Timestamp(_) => match crate::values::parse_timestamp(v) {
                Some(t) => self.scalar(Scalar::Timestamp(t)),
                None => self.mismatch(&format!("{v:?}, which is not a time")),
            },
            _ => self.scalar(Scalar::Str(v)),
        }
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.scalar(Scalar::Bytes(v))
    }
    fn serialize_none(self) -> Result<(), Error> {
        if self.at.shape.is(ShapeFlags::SPARSE) || sparse_parent(&self) {
            return self.state.sink.null(self.at);
        }
        // Unset: nothing is written (a member's `begin` is only sent for present values).
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        // A union's unknown variant carries nothing to send; a string enum written as a
        // unit variant is its name.
        if matches!(self.at.shape.kind, Kind::String(_)) {
            return self.serialize_str(variant);
        }
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if name == crate::values::TIMESTAMP_TOKEN {
            let text = value.serialize(capture::TextOnly)?;
            return self.serialize_str(&text);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        // A union's variant: a structure with that one member.
        let at = self.at;
        let Kind::Structure(_) = at.shape.kind else {
            return self.mismatch("a union variant");
        };
        let mut st = field::Struct::begin(self.state, at)?;
        ser::SerializeStruct::serialize_field(&mut st, variant_name(at.shape, variant), value)?;
        ser::SerializeStruct::end(st)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<field::Seq<'a, 's, S>, Error> {
        field::Seq::begin(self, len)
    }
    fn serialize_tuple(self, len: usize) -> Result<field::Seq<'a, 's, S>, Error> {
        field::Seq::begin(self, Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<field::Seq<'a, 's, S>, Error> {
        field::Seq::begin(self, Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error::sink("tuple variants have no shape"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<field::Map<'a, 's, S>, Error> {
        field::Map::begin(self)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<field::Struct<'a, 's, S>, Error> {
        match self.at.shape.kind {
            Kind::Structure(_) | Kind::Document => field::Struct::begin(self.state, self.at),
            _ => {
                self.mismatch("a structure")?;
                Err(Error::sink("a structure where the model has another shape"))
            }
        }
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error::sink("struct variants have no shape"))
    }
}

/// Whether the value's container allows nulls (its list or map shape is sparse).
fn sparse_parent<S: Sink>(v: &ValueSer<'_, '_, S>) -> bool {
    v.state.sparse_container
}

impl<S: Sink> State<'_, S> {
    /// The input member being written, when directly inside the input.
    pub(crate) fn top_member(&self) -> Option<&'static Member> {
        self.top_member
    }
}

/// The member name of a union's variant: typed unions name variants after members (Rust
/// names, so compare ignoring case and underscores when the exact name is not a member).
fn variant_name(shape: &'static Shape, variant: &'static str) -> &'static str {
    if shape.member(variant).is_some() {
        return variant;
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let want = squash(variant);
    shape
        .members()
        .iter()
        .find(|m| squash(m.name) == want)
        .map_or(variant, |m| m.name)
}
