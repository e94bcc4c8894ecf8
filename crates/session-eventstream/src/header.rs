//! Headers: their values' ten wire types, and the header section's parsing and writing.

use std::ops::Range;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, HeaderProblem, Kind};

// The value type codes of the wire format.
const TYPE_BOOL_TRUE: u8 = 0;
const TYPE_BOOL_FALSE: u8 = 1;
const TYPE_BYTE: u8 = 2;
const TYPE_SHORT: u8 = 3;
const TYPE_INTEGER: u8 = 4;
const TYPE_LONG: u8 = 5;
const TYPE_BYTE_ARRAY: u8 = 6;
const TYPE_STRING: u8 = 7;
const TYPE_TIMESTAMP: u8 = 8;
const TYPE_UUID: u8 = 9;

/// The longest header name the format can carry (its length is one byte).
const MAX_NAME_LEN: usize = u8::MAX as usize;
/// The longest byte-array or string value the format can carry (its length is a u16).
const MAX_VALUE_LEN: usize = u16::MAX as usize;

/// A header's value: one of the format's ten wire types (the two booleans are one variant).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HeaderValue {
    /// Types 0 (true) and 1 (false): no value bytes.
    Bool(bool),
    /// Type 2: a signed byte.
    Byte(i8),
    /// Type 3: a big-endian i16.
    Short(i16),
    /// Type 4: a big-endian i32.
    Integer(i32),
    /// Type 5: a big-endian i64.
    Long(i64),
    /// Type 6: up to 65,535 bytes. Decoded values share the frame's memory.
    ByteArray(Bytes),
    /// Type 7: up to 65,535 bytes of UTF-8.
    String(String),
    /// Type 8: milliseconds since the Unix epoch, a big-endian i64.
    Timestamp(i64),
    /// Type 9: a UUID's 16 bytes, in wire (big-endian) order.
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The value if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value if it is a byte array.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            Self::ByteArray(b) => Some(b),
            _ => None,
        }
    }

    /// The value if it is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value, widened, if it is a byte, short, integer or long.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Byte(v) => Some((*v).into()),
            Self::Short(v) => Some((*v).into()),
            Self::Integer(v) => Some((*v).into()),
            Self::Long(v) => Some(*v),
            _ => None,
        }
    }

    /// The value if it is a timestamp: milliseconds since the Unix epoch.
    pub fn as_timestamp_millis(&self) -> Option<i64> {
        match self {
            Self::Timestamp(ms) => Some(*ms),
            _ => None,
        }
    }

    /// The value if it is a UUID.
    pub fn as_uuid(&self) -> Option<[u8; 16]> {
        match self {
            Self::Uuid(u) => Some(*u),
            _ => None,
        }
    }

    /// Bytes this value takes on the wire, type code included.
    fn encoded_len(&self) -> usize {
        1 + match self {
            Self::Bool(_) => 0,
            Self::Byte(_) => 1,
            Self::Short(_) => 2,
            Self::Integer(_) => 4,
            Self::Long(_) | Self::Timestamp(_) => 8,
            Self::ByteArray(b) => 2 + b.len(),
            Self::String(s) => 2 + s.len(),
            Self::Uuid(_) => 16,
        }
    }

    /// Writes the type code and value; string and byte-array lengths were checked by
    /// [`Header::encoded_len`].
    fn write(&self, dst: &mut BytesMut) {
        match self {
            Self::Bool(true) => dst.put_u8(TYPE_BOOL_TRUE),
            Self::Bool(false) => dst.put_u8(TYPE_BOOL_FALSE),
            Self::Byte(v) => {
                dst.put_u8(TYPE_BYTE);
                dst.put_i8(*v);
            }
            Self::Short(v) => {
                dst.put_u8(TYPE_SHORT);
                dst.put_i16(*v);
            }
            Self::Integer(v) => {
                dst.put_u8(TYPE_INTEGER);
                dst.put_i32(*v);
            }
            Self::Long(v) => {
                dst.put_u8(TYPE_LONG);
                dst.put_i64(*v);
            }
            Self::ByteArray(b) => write_sized(dst, TYPE_BYTE_ARRAY, b),
            Self::String(s) => write_sized(dst, TYPE_STRING, s.as_bytes()),
            Self::Timestamp(ms) => {
                dst.put_u8(TYPE_TIMESTAMP);
                dst.put_i64(*ms);
            }
            Self::Uuid(u) => {
                dst.put_u8(TYPE_UUID);
                dst.put_slice(u);
            }
        }
    }
}

fn write_sized(dst: &mut BytesMut, type_code: u8, value: &[u8]) {
    dst.put_u8(type_code);
    // Lengths over u16::MAX were refused by `Header::encoded_len`; saturating keeps
    // this total even so.
    dst.put_u16(u16::try_from(value.len()).unwrap_or(u16::MAX));
    dst.put_slice(value);
}

impl From<bool> for HeaderValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<i8> for HeaderValue {
    fn from(v: i8) -> Self {
        Self::Byte(v)
    }
}

impl From<i16> for HeaderValue {
    fn from(v: i16) -> Self {
        Self::Short(v)
    }
}

impl From<i32> for HeaderValue {
    fn from(v: i32) -> Self {
        Self::Integer(v)
    }
}

impl From<i64> for HeaderValue {
    fn from(v: i64) -> Self {
        Self::Long(v)
    }
}

impl From<Bytes> for HeaderValue {
    fn from(v: Bytes) -> Self {
        Self::ByteArray(v)
    }
}

impl From<Vec<u8>> for HeaderValue {
    fn from(v: Vec<u8>) -> Self {
        Self::ByteArray(v.into())
    }
}

impl From<&'static [u8]> for HeaderValue {
    fn from(v: &'static [u8]) -> Self {
        Self::ByteArray(Bytes::from_static(v))
    }
}

impl From<String> for HeaderValue {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}

impl From<&str> for HeaderValue {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}

impl From<[u8; 16]> for HeaderValue {
    fn from(v: [u8; 16]) -> Self {
        Self::Uuid(v)
    }
}

/// One header: a name (at most 255 bytes of UTF-8) and a typed value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    name: String,
    value: HeaderValue,
}

impl Header {
    /// A header; the name's and value's lengths are checked when the message is encoded.
    pub fn new(name: impl Into<String>, value: impl Into<HeaderValue>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The header's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header's value.
    pub fn value(&self) -> &HeaderValue {
        &self.value
    }

    /// The name and value.
    pub fn into_parts(self) -> (String, HeaderValue) {
        (self.name, self.value)
    }

    /// Bytes this header takes on the wire, or why it cannot be encoded.
    pub(crate) fn encoded_len(&self) -> Result<usize, Error> {
        if self.name.len() > MAX_NAME_LEN {
            return Err(Error::new(Kind::NameTooLong {
                len: self.name.len(),
            }));
        }
        let value_len = match &self.value {
            HeaderValue::ByteArray(b) => b.len(),
            HeaderValue::String(s) => s.len(),
            _ => 0,
        };
        if value_len > MAX_VALUE_LEN {
            return Err(Error::new(Kind::ValueTooLong {
                name: self.name.clone(),
                len: value_len,
            }));
        }
        Ok(1 + self.name.len() + self.value.encoded_len())
    }

    /// Writes the header; its lengths were checked by [`Header::encoded_len`].
    pub(crate) fn write(&self, dst: &mut BytesMut) {
        dst.put_u8(u8::try_from(self.name.len()).unwrap_or(u8::MAX));
        dst.put_slice(self.name.as_bytes());
        self.value.write(dst);
    }
}

/// Parses the header section `frame[section]`. Byte-array values are slices of `frame`.
/// Every read is bounded by the section, not the frame, so a length that runs past the
/// section is an error here rather than a read into the payload.
pub(crate) fn parse_section(frame: &Bytes, section: Range<usize>) -> Result<Vec<Header>, Error> {
    let mut reader = Reader {
        frame,
        pos: section.start,
        end: section.end.min(frame.len()),
    };
    let mut headers = Vec::new();
    while reader.pos < reader.end {
        let index = headers.len();
        let offset = reader.pos;
        let fail = |problem| Error::header(index, offset, problem);
        let name_len = reader
            .u8()
            .ok_or_else(|| fail(HeaderProblem::MissingType))?;
        let name = reader
            .take(name_len.into())
            .ok_or_else(|| {
                fail(HeaderProblem::NameLength {
                    len: name_len,
                    available: reader.remaining(),
                })
            })
            .and_then(|range| {
                std::str::from_utf8(reader.slice(range))
                    .map(str::to_owned)
                    .map_err(|e| fail(HeaderProblem::NameUtf8(e)))
            })?;
        let type_code = reader
            .u8()
            .ok_or_else(|| fail(HeaderProblem::MissingType))?;
        let value = reader.value(type_code).map_err(fail)?;
        headers.push(Header { name, value });
    }
    Ok(headers)
}

/// A cursor over `frame[pos..end]`.
struct Reader<'a> {
    frame: &'a Bytes,
    pos: usize,
    end: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// The range of the next `n` bytes, consumed; `None` (nothing consumed) past the end.
    fn take(&mut self, n: usize) -> Option<Range<usize>> {
        if n > self.remaining() {
            return None;
        }
        let range = self.pos..self.pos + n;
        self.pos += n;
        Some(range)
    }

    fn slice(&self, range: Range<usize>) -> &[u8] {
        self.frame.get(range).unwrap_or_default()
    }

    fn u8(&mut self) -> Option<u8> {
        let [b] = self.array::<1>()?;
        Some(b)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let range = self.take(N)?;
        self.slice(range).try_into().ok()
    }

    /// Reads the value of a header whose type code was just read.
    fn value(&mut self, type_code: u8) -> Result<HeaderValue, HeaderProblem> {
        let cut_off = |needed, available| HeaderProblem::ValueCutOff {
            type_code,
            needed,
            available,
        };
        let available = self.remaining();
        let value = match type_code {
            TYPE_BOOL_TRUE => HeaderValue::Bool(true),
            TYPE_BOOL_FALSE => HeaderValue::Bool(false),
            TYPE_BYTE => HeaderValue::Byte(i8::from_be_bytes(
                self.array().ok_or(cut_off(1, available))?,
            )),
            TYPE_SHORT => HeaderValue::Short(i16::from_be_bytes(
                self.array().ok_or(cut_off(2, available))?,
            )),
            TYPE_INTEGER => HeaderValue::Integer(i32::from_be_bytes(
                self.array().ok_or(cut_off(4, available))?,
            )),
            TYPE_LONG => HeaderValue::Long(i64::from_be_bytes(
                self.array().ok_or(cut_off(8, available))?,
            )),
            TYPE_TIMESTAMP => HeaderValue::Timestamp(i64::from_be_bytes(
                self.array().ok_or(cut_off(8, available))?,
            )),
            TYPE_UUID => HeaderValue::Uuid(self.array().ok_or(cut_off(16, available))?),
            TYPE_BYTE_ARRAY | TYPE_STRING => {
                let len = u16::from_be_bytes(self.array().ok_or(cut_off(2, available))?).into();
                let range = self.take(len).ok_or(cut_off(2 + len, available))?;
                if type_code == TYPE_STRING {
                    let s =
                        std::str::from_utf8(self.slice(range)).map_err(HeaderProblem::ValueUtf8)?;
                    HeaderValue::String(s.to_owned())
                } else {
                    HeaderValue::ByteArray(self.frame.slice(range))
                }
            }
            unknown => return Err(HeaderProblem::UnknownType(unknown)),
        };
        Ok(value)
    }
}
