//! REST answers: the output structure's members bound to headers, prefix headers, the
//! status code and the payload, chained before the members of the body (JSON or XML), so
//! that the output is read in one pass into one value.

use std::borrow::Cow;

use base64::Engine as _;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::{text_scalar, Error, Place};
use crate::shapes::{Kind, Location, Member, MemberFlags, TimestampFormat};

/// Where a bound member's value comes from.
pub(crate) enum Source<'a> {
    /// A header's text.
    Header(&'a str),
    /// Headers under a prefix: (suffix, value).
    Headers(Vec<(&'a str, &'a str)>),
    /// The HTTP status.
    Status(u16),
    /// The whole body as bytes (a blob payload) or text (a string payload).
    Raw(&'a [u8]),
    /// The whole body as a structured value: a JSON document.
    Json(&'a [u8]),
    /// The whole body as a structured value: an XML element of the tape.
    Xml(&'a super::xml::Tape<'a>, usize),
}

/// The bound members of an output, found in an answer's parts.
pub(crate) struct Bindings<'a> {
    items: Vec<(&'static Member, Source<'a>)>,
    next: usize,
    place: Place,
}

impl<'a> Bindings<'a> {
    /// The members of `place`'s structure bound to `headers` and `status`; `payload` is
    /// the source of the payload member, when the output has one and it is not streamed.
    pub(crate) fn new(
        place: Place,
        payload_name: Option<&'static str>,
        headers: &'a http::HeaderMap,
        status: u16,
        payload: Option<Source<'a>>,
    ) -> Self {
        let mut items = Vec::new();
        let mut payload = payload;
        for m in place.shape.members() {
            if payload_name == Some(m.name) {
                if let Some(p) = payload.take() {
                    items.push((m, p));
                }
                continue;
            }
            match m.location {
                Location::Header => {
                    // Several headers of one name are one list, comma-joined.
                    let mut values = headers
                        .get_all(m.wire)
                        .iter()
                        .filter_map(|v| v.to_str().ok());
                    if let Some(first) = values.next() {
                        items.push((m, Source::Header(first)));
                    }
                }
                Location::Headers => {
                    let prefix = m.wire.to_ascii_lowercase();
                    let found: Vec<(&str, &str)> = headers
                        .iter()
                        .filter_map(|(name, value)| {
                            let suffix = name.as_str().strip_prefix(prefix.as_str())?;
                            Some((suffix, value.to_str().ok()?))
                        })
                        .collect();
                    items.push((m, Source::Headers(found)));
                }
                Location::StatusCode => items.push((m, Source::Status(status))),
                _ => {}
            }
        }
        Self {
            items,
            next: 0,
            place,
        }
    }

    /// The output's place.
    pub(crate) fn place(&self) -> Place {
        self.place
    }
}

/// The bindings, then the body's members.
pub(crate) struct Chain<'a, A> {
    bindings: Bindings<'a>,
    body: Option<A>,
    pending: Option<usize>,
}

impl<'a, A> Chain<'a, A> {
    pub(crate) fn new(bindings: Bindings<'a>, body: Option<A>) -> Self {
        Self {
            bindings,
            body,
            pending: None,
        }
    }
}

impl<'a, A: MapAccess<'a>> MapAccess<'a> for Chain<'a, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let b = &mut self.bindings;
        if b.next < b.items.len() {
            let i = b.next;
            b.next += 1;
            self.pending = Some(i);
            let name = b.items[i].0.name;
            return seed
                .deserialize(de::value::BorrowedStrDeserializer::new(name))
                .map(Some);
        }
        match &mut self.body {
            Some(body) => body.next_key_seed(seed),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if let Some(i) = self.pending.take() {
            let (m, source) = &self.bindings.items[i];
            let place = self.bindings.place.of(m);
            return bound(place, source, seed).map_err(de::Error::custom);
        }
        match &mut self.body {
            Some(body) => body.next_value_seed(seed),
            None => Err(de::Error::custom("a value without its key")),
        }
    }
}

/// No body members.
pub(crate) struct NoBody;

impl<'a> MapAccess<'a> for NoBody {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, Error> {
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, _seed: S) -> Result<S::Value, Error> {
        Err(Error::new("no body"))
    }
}

fn bound<'a, S: DeserializeSeed<'a>>(
    place: Place,
    source: &Source<'a>,
    seed: S,
) -> Result<S::Value, Error> {
    match source {
        Source::Header(text) => seed.deserialize(Header { text, place }),
        Source::Headers(entries) => seed.deserialize(de::value::MapDeserializer::new(
            entries.iter().map(|(k, v)| (*k, *v)),
        )),
        Source::Status(code) => seed.deserialize(de::value::U16Deserializer::new(*code)),
        Source::Raw(bytes) => match place.shape.kind {
            Kind::Blob => seed.deserialize(de::value::BytesDeserializer::new(bytes)),
            _ => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| Error::new("a text payload that is not UTF-8"))?;
                seed.deserialize(de::value::BorrowedStrDeserializer::new(text))
            }
        },
        Source::Json(bytes) => {
            let mut d = serde_json::Deserializer::from_slice(bytes);
            seed.deserialize(super::json::Shaped::new(&mut d, place, false))
                .map_err(|e| Error::new(e.to_string()))
        }
        Source::Xml(tape, node) => seed.deserialize(super::xml::XmlDe {
            tape,
            node: *node,
            place,
        }),
    }
}

/// A header's text read as the member's shape: lists split on commas (HTTP dates, which
/// hold one, every other comma), timestamps as HTTP dates unless the model says otherwise,
/// JSON values decoded.
struct Header<'a> {
    text: &'a str,
    place: Place,
}

impl<'a> Deserializer<'a> for Header<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let place = self.place;
        if place
            .member
            .is_some_and(|m| m.flags.has(MemberFlags::JSON_VALUE))
        {
            let json = base64::engine::general_purpose::STANDARD
                .decode(self.text.trim())
                .map_err(|_| Error::new("a JSON header that is not base64"))?;
            let value: serde_json::Value =
                serde_json::from_slice(&json).map_err(|e| Error::new(e.to_string()))?;
            return de::Deserializer::deserialize_any(value, visitor)
                .map_err(|e| Error::new(e.to_string()));
        }
        if let Kind::List(element) = place.shape.kind {
            let element_place = place.of(element);
            let items = split_list(
                self.text,
                matches!(element_place.shape.kind, Kind::Timestamp(_)),
            );
            return visitor.visit_seq(de::value::SeqDeserializer::new(items.into_iter().map(
                |text| HeaderItem {
                    text,
                    place: element_place,
                },
            )));
        }
        text_scalar(
            place,
            Cow::Borrowed(self.text),
            TimestampFormat::HttpDate,
            visitor,
        )
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

/// One item of a list header.
struct HeaderItem {
    text: String,
    place: Place,
}

impl<'a> de::IntoDeserializer<'a, Error> for HeaderItem {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'a> Deserializer<'a> for HeaderItem {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        text_scalar(
            self.place,
            Cow::Owned(self.text),
            TimestampFormat::HttpDate,
            visitor,
        )
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

/// Splits a list header on commas, honouring double-quoted items; HTTP dates hold a comma
/// of their own, so their items are every other comma apart.
fn split_list(text: &str, dates: bool) -> Vec<String> {
    if dates && text.contains(" GMT") {
        return text
            .split(" GMT")
            .map(|s| s.trim_start_matches([',', ' ']))
            .filter(|s| !s.is_empty())
            .map(|s| format!("{s} GMT"))
            .collect();
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                if !quoted && current.trim().is_empty() {
                    current.clear();
                }
                quoted = !quoted;
                was_quoted = true;
            }
            '\\' if quoted => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' if !quoted => {
                let item = std::mem::take(&mut current);
                items.push(if was_quoted {
                    item
                } else {
                    item.trim().to_owned()
                });
                was_quoted = false;
            }
            c => current.push(c),
        }
    }
    items.push(if was_quoted {
        current
    } else {
        current.trim().to_owned()
    });
    items
}
