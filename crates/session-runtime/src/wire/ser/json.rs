//! JSON bodies (AWS JSON 1.0/1.1, the body of rest-json): members under their wire names,
//! timestamps as epoch seconds unless the model says otherwise, blobs as base64, floats'
//! specials as strings.

use base64::Engine as _;

use super::{At, Error, Scalar, Sink};
use crate::shapes::{Kind, Member, TimestampFormat};
use crate::wire::text;

/// Writes JSON text.
#[derive(Debug, Default)]
pub(crate) struct JsonSink {
    pub(crate) out: Vec<u8>,
    /// Per open object or array: whether nothing was written in it yet.
    first: Vec<bool>,
}

impl JsonSink {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            out: Vec::with_capacity(n),
            first: Vec::with_capacity(8),
        }
    }

    fn comma(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if !std::mem::replace(first, false) {
                self.out.push(b',');
            }
        }
    }

    fn open(&mut self, c: u8) {
        self.out.push(c);
        self.first.push(true);
    }

    fn close(&mut self, c: u8) {
        self.out.push(c);
        self.first.pop();
    }

    pub(crate) fn string(&mut self, s: &str) {
        // serde_json's escaping, writing straight into the buffer.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    /// Nothing was written: the body of an input without members.
    pub(crate) fn is_empty(&self) -> bool {
        self.out.is_empty()
    }
}

impl Sink for JsonSink {
    fn begin_structure(&mut self, _at: At) -> Result<(), Error> {
        self.open(b'{');
        Ok(())
    }

    fn begin_member(&mut self, m: &'static Member) -> Result<(), Error> {
        self.comma();
        self.string(m.wire);
        self.out.push(b':');
        Ok(())
    }

    fn end_member(&mut self, _m: &'static Member) -> Result<(), Error> {
        Ok(())
    }

    fn end_structure(&mut self, _at: At) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }

    fn begin_list(
        &mut self,
        _at: At,
        _e: &'static Member,
        _len: Option<usize>,
    ) -> Result<(), Error> {
        self.open(b'[');
        Ok(())
    }

    fn begin_element(&mut self, _index: usize) -> Result<(), Error> {
        self.comma();
        Ok(())
    }

    fn end_element(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn end_list(&mut self, _at: At) -> Result<(), Error> {
        self.close(b']');
        Ok(())
    }

    fn begin_map(
        &mut self,
        _at: At,
        _k: &'static Member,
        _v: &'static Member,
    ) -> Result<(), Error> {
        self.open(b'{');
        Ok(())
    }

    fn begin_entry(&mut self, key: &str, _index: usize) -> Result<(), Error> {
        self.comma();
        self.string(key);
        self.out.push(b':');
        Ok(())
    }

    fn end_entry(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn end_map(&mut self, _at: At) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }

    fn scalar(&mut self, at: At, value: Scalar<'_>) -> Result<(), Error> {
        match value {
            Scalar::Bool(b) => self
                .out
                .extend_from_slice(if b { b"true" } else { b"false" }),
            Scalar::Int(n) => self.out.extend_from_slice(n.to_string().as_bytes()),
            Scalar::Float(f) if f.is_finite() => {
                let single = matches!(at.shape.kind, Kind::Float);
                self.out
                    .extend_from_slice(text::float(f, single).as_bytes());
            }
            Scalar::Float(f) => self.string(&text::float(f, false)),
            Scalar::Str(s) => self.string(s),
            Scalar::Bytes(b) => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(b);
                self.string(&b64);
            }
            Scalar::Timestamp(t) => match at.timestamp_format(TimestampFormat::EpochSeconds) {
                TimestampFormat::EpochSeconds => {
                    self.out.extend_from_slice(text::epoch(t).as_bytes());
                }
                f => self.string(&text::timestamp(t, f)),
            },
        }
        Ok(())
    }

    fn null(&mut self, _at: At) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn document(&mut self, _at: At, value: &serde_json::Value) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, value).map_err(|e| Error::sink(e.to_string()))
    }
}
