//! An operation's answer read into its output, for every protocol, and a modeled error's
//! members read from an error answer.

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};

use super::de::cbor::CborDe;
use super::de::json::Shaped;
use super::de::rest::{Bindings, Chain, NoBody, Source};
use super::de::xml::{Tape, XmlDe};
use super::de::{Error, Place};
use crate::shapes::{Kind, Location, MemberFlags, Operation, Protocol, Service, ShapeId};

/// The output of `op` from an answer's head and body (the body of a streamed payload is not
/// read here: pass it empty and take the stream from the response).
///
/// # Errors
/// A body that is not what the protocol writes, or that does not fit the model.
pub fn parse<O: DeserializeOwned>(
    service: &'static Service,
    op: &'static Operation,
    parts: &http::response::Parts,
    body: &[u8],
) -> Result<O, Error> {
    let Some(output) = op.output else {
        return O::deserialize(EmptyOutput);
    };
    read(service, output, op, parts, body)
}

fn read<O: DeserializeOwned>(
    service: &'static Service,
    output: ShapeId,
    op: &'static Operation,
    parts: &http::response::Parts,
    body: &[u8],
) -> Result<O, Error> {
    let place = Place::root(service, service.shape(output));
    let blank = body.iter().all(u8::is_ascii_whitespace);
    match service.protocol {
        Protocol::Json10 | Protocol::Json11 => {
            if blank {
                return O::deserialize(EmptyOutput);
            }
            let mut d = serde_json::Deserializer::from_slice(body);
            O::deserialize(Shaped::new(&mut d, place, false)).map_err(|e| Error::new(e.to_string()))
        }
        Protocol::Query | Protocol::Ec2 => {
            if blank {
                return O::deserialize(EmptyOutput);
            }
            let tape = Tape::parse(body)?;
            let root = tape.root();
            let node = if service.protocol == Protocol::Query {
                let wrapper = op
                    .result_wrapper
                    .map_or_else(|| format!("{}Result", op.name), str::to_owned);
                match tape.child(root, wrapper.as_bytes()) {
                    Some(n) => n,
                    // No result element: nothing was returned.
                    None => return O::deserialize(EmptyOutput),
                }
            } else {
                root
            };
            O::deserialize(XmlDe {
                tape: &tape,
                node,
                place,
            })
        }
        Protocol::RestJson | Protocol::RestXml => rest(service, place, op, parts, body, blank),
        Protocol::Cbor => {
            if body.is_empty() {
                return O::deserialize(EmptyOutput);
            }
            cbor(place, body)
        }
    }
}

/// A whole CBOR body read as the shape at `place`.
fn cbor<T: DeserializeOwned>(place: Place, body: &[u8]) -> Result<T, Error> {
    let mut d = CborDe::new(body);
    let value = T::deserialize(Shaped::new(&mut d, place, false))?;
    d.end()?;
    Ok(value)
}

fn rest<O: DeserializeOwned>(
    service: &'static Service,
    place: Place,
    op: &'static Operation,
    parts: &http::response::Parts,
    body: &[u8],
    blank: bool,
) -> Result<O, Error> {
    let xml = service.protocol == Protocol::RestXml;
    let payload = op
        .output_payload(service)
        .and_then(|p| place.shape.member(p));
    let status = parts.status.as_u16();
    let streaming = payload.is_some_and(|m| m.flags.has(MemberFlags::STREAMING))
        || op
            .flags
            .has(crate::shapes::OperationFlags::EVENT_STREAM_OUTPUT);
    let raw_payload = payload
        .is_some_and(|m| matches!(service.shape(m.shape).kind, Kind::Blob | Kind::String(_)));
    let tape = if xml && !blank && !streaming && !raw_payload {
        Some(Tape::parse(body)?)
    } else {
        None
    };
    let payload_source = match payload {
        Some(_) if streaming || blank => None,
        Some(m) => Some(match service.shape(m.shape).kind {
            Kind::Blob | Kind::String(_) => Source::Raw(body),
            _ if xml => match &tape {
                Some(t) => Source::Xml(t, t.root()),
                None => return Err(Error::new("no XML body")),
            },
            _ => Source::Json(body),
        }),
        None => None,
    };
    let bindings = Bindings::new(
        place,
        payload.map(|m| m.name),
        &parts.headers,
        status,
        payload_source,
    );
    if payload.is_some() || blank {
        return O::deserialize(WithBody {
            bindings,
            body: BodyKind::None,
        });
    }
    if let Some(tape) = &tape {
        let root = tape.root();
        // A bare body: the root element is the one member (S3's GetBucketLocation answers
        // `<LocationConstraint>eu-west-1</LocationConstraint>`).
        let bare = place.shape.members().iter().find(|m| {
            m.location == Location::Body
                && m.wire.as_bytes() == tape.name(root)
                && !matches!(service.shape(m.shape).kind, Kind::Structure(_))
        });
        if let Some(m) = bare {
            let _ = m;
            return O::deserialize(WithBody {
                bindings,
                body: BodyKind::Bare(tape, root),
            });
        }
        return O::deserialize(WithBody {
            bindings,
            body: BodyKind::Xml(tape, root),
        });
    }
    let mut d = serde_json::Deserializer::from_slice(body);
    O::deserialize(WithBody {
        bindings,
        body: BodyKind::Json(&mut d),
    })
}

/// An output of no members (no output shape, or an empty body).
struct EmptyOutput;

impl<'de> Deserializer<'de> for EmptyOutput {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(NoBody)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

enum BodyKind<'a, 'j> {
    None,
    Xml(&'a Tape<'a>, usize),
    Bare(&'a Tape<'a>, usize),
    Json(&'j mut serde_json::Deserializer<serde_json::de::SliceRead<'a>>),
}

/// A REST output: its bindings chained before its body's members.
struct WithBody<'a, 'j> {
    bindings: Bindings<'a>,
    body: BodyKind<'a, 'j>,
}

impl<'a> Deserializer<'a> for WithBody<'a, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let place = self.bindings_place();
        match self.body {
            BodyKind::None => visitor.visit_map(Chain::new(self.bindings, None::<NoBody>)),
            BodyKind::Xml(tape, node) => {
                XmlDe { tape, node, place }.deserialize_map(ChainVisitor {
                    outer: visitor,
                    bindings: self.bindings,
                })
            }
            BodyKind::Bare(tape, node) => visitor.visit_map(Chain::new(
                self.bindings,
                Some(BareAccess {
                    tape,
                    node,
                    place,
                    done: false,
                }),
            )),
            BodyKind::Json(d) => Shaped::new(d, place, true)
                .deserialize_map(ChainVisitor {
                    outer: visitor,
                    bindings: self.bindings,
                })
                .map_err(|e| Error::new(e.to_string())),
        }
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl WithBody<'_, '_> {
    fn bindings_place(&self) -> Place {
        self.bindings.place()
    }
}

/// Receives the body's members and hands the outer visitor the chain of both.
struct ChainVisitor<'a, V> {
    outer: V,
    bindings: Bindings<'a>,
}

impl<'a, V: Visitor<'a>> Visitor<'a> for ChainVisitor<'a, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.outer.expecting(f)
    }

    fn visit_map<A: MapAccess<'a>>(self, map: A) -> Result<V::Value, A::Error> {
        self.outer.visit_map(Chain::new(self.bindings, Some(map)))
    }
}

/// The one member of a bare body.
struct BareAccess<'t, 'a> {
    tape: &'t Tape<'a>,
    node: usize,
    place: Place,
    done: bool,
}

impl<'a> MapAccess<'a> for BareAccess<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let name = self.tape.name(self.node);
        let Some(m) = self
            .place
            .shape
            .members()
            .iter()
            .find(|m| m.wire.as_bytes() == name)
        else {
            return Ok(None);
        };
        seed.deserialize(de::value::BorrowedStrDeserializer::new(m.name))
            .map(Some)
    }

    fn next_value_seed<S: de::DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let name = self.tape.name(self.node);
        let m = self
            .place
            .shape
            .members()
            .iter()
            .find(|m| m.wire.as_bytes() == name)
            .ok_or_else(|| Error::new("a bare body of no member"))?;
        seed.deserialize(XmlDe {
            tape: self.tape,
            node: self.node,
            place: self.place.of(m),
        })
    }
}

/// A modeled error's members from an error answer: the body's error element (XML) or
/// object (JSON), plus members bound to headers (REST). What does not parse leaves them
/// unset: the error's code, message and request id are known already.
pub fn parse_error<T: DeserializeOwned + Default>(
    service: &'static Service,
    shape: ShapeId,
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
) -> T {
    let place = Place::root(service, service.shape(shape));
    let blank = body.iter().all(u8::is_ascii_whitespace);
    let parsed: Result<T, Error> = if service.protocol.is_xml() && !blank {
        Tape::parse(body).map_err(Error::from).and_then(|tape| {
            let node = error_element(&tape);
            let bindings = Bindings::new(place, None, headers, status, None);
            if service.protocol.is_rest() {
                T::deserialize(WithBody {
                    bindings,
                    body: BodyKind::Xml(&tape, node),
                })
            } else {
                T::deserialize(XmlDe {
                    tape: &tape,
                    node,
                    place,
                })
            }
        })
    } else if service.protocol == Protocol::Cbor && !body.is_empty() {
        cbor(place, body)
    } else if blank || body.first() == Some(&b'<') {
        T::deserialize(WithBody {
            bindings: Bindings::new(place, None, headers, status, None),
            body: BodyKind::None,
        })
    } else {
        let mut d = serde_json::Deserializer::from_slice(body);
        T::deserialize(WithBody {
            bindings: Bindings::new(place, None, headers, status, None),
            body: BodyKind::Json(&mut d),
        })
    };
    parsed.unwrap_or_default()
}

/// The `<Error>` element of an XML error answer (`<ErrorResponse><Error>`, EC2's
/// `<Response><Errors><Error>`, or S3's bare `<Error>`), else the root.
fn error_element(tape: &Tape<'_>) -> usize {
    fn find(tape: &Tape<'_>, node: usize, depth: usize) -> Option<usize> {
        if tape.name(node) == b"Error" {
            return Some(node);
        }
        if depth == 0 {
            return None;
        }
        tape.children(node).find_map(|c| find(tape, c, depth - 1))
    }
    find(tape, tape.root(), 3).unwrap_or(tape.root())
}
