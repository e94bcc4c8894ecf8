//! CBOR bodies (Smithy RPC v2 CBOR), written with `minicbor`'s encoder: structures and maps
//! as maps keyed by wire names (indefinite length: their member counts are only known once
//! written), lists as arrays (definite length when the value says how many), blobs as byte
//! strings, timestamps as tag 1 around epoch seconds (an integer when whole, else a double),
//! `float` shapes as single precision and `double` as double, specials (NaN, ±Infinity) as
//! the floats they are. Documents are not part of the protocol.

use minicbor::data::IanaTag;
use minicbor::Encoder;

use super::{At, Error, Scalar, Sink};
use crate::shapes::{Kind, Member};
use crate::values::Timestamp;

/// Writes a CBOR body.
#[derive(Debug)]
pub(crate) struct CborSink {
    enc: Encoder<Vec<u8>>,
    /// Per open list: whether it was begun with a definite length (no break at its end).
    definite: Vec<bool>,
    /// A list element was begun and nothing written for it yet.
    element_open: bool,
}

/// Writes into a `Vec` never fail; the encoder's error type says so.
fn ok<T>(r: Result<T, minicbor::encode::Error<std::convert::Infallible>>) -> Result<(), Error> {
    r.map(|_| ()).map_err(|e| Error::sink(e.to_string()))
}

impl CborSink {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            enc: Encoder::new(Vec::with_capacity(n)),
            definite: Vec::with_capacity(4),
            element_open: false,
        }
    }

    /// The body written; the empty map when nothing was (an input given as a unit).
    pub(crate) fn into_body(mut self) -> Vec<u8> {
        if self.enc.writer().is_empty() {
            let _ = self.enc.map(0);
        }
        self.enc.into_writer()
    }

    fn timestamp(&mut self, t: Timestamp) -> Result<(), Error> {
        ok(self.enc.tag(IanaTag::Timestamp))?;
        if t.subsec_nanos() == 0 {
            ok(self.enc.i64(t.secs()))
        } else {
            ok(self.enc.f64(t.as_secs_f64()))
        }
    }

    fn float(&mut self, at: At, f: f64) -> Result<(), Error> {
        if matches!(at.shape.kind, Kind::Float) {
            #[allow(clippy::cast_possible_truncation)]
            let single = f as f32;
            ok(self.enc.f32(single))
        } else {
            ok(self.enc.f64(f))
        }
    }
}

impl Sink for CborSink {
    fn begin_structure(&mut self, _at: At) -> Result<(), Error> {
        self.element_open = false;
        ok(self.enc.begin_map())
    }

    fn begin_member(&mut self, m: &'static Member) -> Result<(), Error> {
        ok(self.enc.str(m.wire))
    }

    fn end_member(&mut self, _m: &'static Member) -> Result<(), Error> {
        Ok(())
    }

    fn end_structure(&mut self, _at: At) -> Result<(), Error> {
        ok(self.enc.end())
    }

    fn begin_list(
        &mut self,
        _at: At,
        _e: &'static Member,
        len: Option<usize>,
    ) -> Result<(), Error> {
        self.element_open = false;
        match len.and_then(|n| u64::try_from(n).ok()) {
            Some(n) => {
                self.definite.push(true);
                ok(self.enc.array(n))
            }
            None => {
                self.definite.push(false);
                ok(self.enc.begin_array())
            }
        }
    }

    fn begin_element(&mut self, _index: usize) -> Result<(), Error> {
        self.element_open = true;
        Ok(())
    }

    fn end_element(&mut self) -> Result<(), Error> {
        // An element that wrote nothing (a null in a dense list) still takes its place:
        // a definite-length array counts it.
        if std::mem::take(&mut self.element_open) {
            return ok(self.enc.null());
        }
        Ok(())
    }

    fn end_list(&mut self, _at: At) -> Result<(), Error> {
        self.element_open = false;
        if self.definite.pop() == Some(true) {
            return Ok(());
        }
        ok(self.enc.end())
    }

    fn begin_map(
        &mut self,
        _at: At,
        _k: &'static Member,
        _v: &'static Member,
    ) -> Result<(), Error> {
        self.element_open = false;
        ok(self.enc.begin_map())
    }

    fn begin_entry(&mut self, key: &str, _index: usize) -> Result<(), Error> {
        ok(self.enc.str(key))
    }

    fn end_entry(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn end_map(&mut self, _at: At) -> Result<(), Error> {
        ok(self.enc.end())
    }

    fn scalar(&mut self, at: At, value: Scalar<'_>) -> Result<(), Error> {
        self.element_open = false;
        match value {
            Scalar::Bool(b) => ok(self.enc.bool(b)),
            Scalar::Int(n) => match at.shape.kind {
                #[allow(clippy::cast_precision_loss)]
                Kind::Float | Kind::Double => self.float(at, n as f64),
                _ => ok(self.enc.i64(n)),
            },
            Scalar::Float(f) => self.float(at, f),
            Scalar::Str(s) => match at.shape.kind {
                // Floats' specials arrive as their names from dynamic values.
                Kind::Float | Kind::Double => {
                    let f = crate::wire::de::parse_float(s)
                        .ok_or_else(|| Error::sink(format!("{s:?} is not a number")))?;
                    self.float(at, f)
                }
                // A blob given as text is its wire form in the JSON protocols, base64:
                // the same text means the same bytes here.
                Kind::Blob => {
                    use base64::Engine as _;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .map_err(|e| {
                            Error::sink(format!("a blob given as text that is not base64: {e}"))
                        })?;
                    ok(self.enc.bytes(&bytes))
                }
                _ => ok(self.enc.str(s)),
            },
            Scalar::Bytes(b) => ok(self.enc.bytes(b)),
            Scalar::Timestamp(t) => self.timestamp(t),
        }
    }

    fn null(&mut self, _at: At) -> Result<(), Error> {
        self.element_open = false;
        ok(self.enc.null())
    }

    fn document(&mut self, at: At, _value: &serde_json::Value) -> Result<(), Error> {
        Err(Error::sink(format!(
            "{}: documents are not supported by the smithy-rpc-v2-cbor protocol",
            at.member.map_or(at.shape.name, |m| m.name)
        )))
    }
}
