//! The crate's one error type, opaque, with a predicate per kind of failure.

use std::error::Error as StdError;
use std::fmt;
use std::str::Utf8Error;

/// Why a frame could not be decoded or a message could not be encoded.
///
/// Errors say where a frame went wrong (offsets, lengths, type codes) but never
/// repeat header values or payload bytes, which may be sensitive.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The prelude's CRC does not match its first eight bytes.
    PreludeCrc { stated: u32, computed: u32 },
    /// The message CRC does not match the frame's bytes.
    MessageCrc { stated: u32, computed: u32 },
    /// The prelude states a total length below the 16 bytes of prelude and CRC.
    FrameLength { total: u32 },
    /// The frame (stated by a prelude, or about to be encoded) is over the limit.
    FrameTooLarge { total: u64, limit: usize },
    /// The header section (stated by a prelude, or about to be encoded) is over the limit.
    HeadersTooLarge { len: u64, limit: usize },
    /// The prelude's header length does not fit in its total length.
    HeadersLength { headers: u32, total: u32 },
    /// One header of a frame's header section is malformed.
    Header {
        index: usize,
        offset: usize,
        problem: HeaderProblem,
    },
    /// A header cannot be encoded: its name is over 255 bytes.
    NameTooLong { len: usize },
    /// A header cannot be encoded: its byte-array or string value is over 65,535 bytes.
    ValueTooLong { name: String, len: usize },
    /// The stream ended inside a frame.
    Truncated {
        buffered: usize,
        frame_len: Option<usize>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    NameLength {
        len: u8,
        available: usize,
    },
    NameUtf8(Utf8Error),
    MissingType,
    UnknownType(u8),
    ValueCutOff {
        type_code: u8,
        needed: usize,
        available: usize,
    },
    ValueUtf8(Utf8Error),
}

impl Error {
    pub(crate) fn new(kind: Kind) -> Self {
        Self { kind }
    }

    pub(crate) fn header(index: usize, offset: usize, problem: HeaderProblem) -> Self {
        Self::new(Kind::Header {
            index,
            offset,
            problem,
        })
    }

    /// The prelude's CRC does not match its first eight bytes: the lengths cannot be
    /// trusted, so the stream's framing is lost.
    pub fn is_prelude_crc(&self) -> bool {
        matches!(self.kind, Kind::PreludeCrc { .. })
    }

    /// The message CRC at the end of a frame does not match the frame's bytes.
    pub fn is_message_crc(&self) -> bool {
        matches!(self.kind, Kind::MessageCrc { .. })
    }

    /// The header section is malformed (a name or value running past the section, an
    /// unknown value type, a name or string that is not UTF-8, a section that does not
    /// fit in the frame), or, when encoding, a name or value is too long for the format.
    pub fn is_header(&self) -> bool {
        matches!(
            self.kind,
            Kind::Header { .. }
                | Kind::HeadersLength { .. }
                | Kind::NameTooLong { .. }
                | Kind::ValueTooLong { .. }
        )
    }

    /// The prelude states a total length shorter than the 16 bytes every frame has.
    pub fn is_frame_length(&self) -> bool {
        matches!(self.kind, Kind::FrameLength { .. })
    }

    /// The stream ended in the middle of a frame; [`buffered_len`](Self::buffered_len)
    /// says how many bytes of it had arrived.
    pub fn is_truncated(&self) -> bool {
        matches!(self.kind, Kind::Truncated { .. })
    }

    /// A frame is over [`MAX_FRAME_LEN`](crate::MAX_FRAME_LEN) or its header section
    /// is over [`MAX_HEADERS_LEN`](crate::MAX_HEADERS_LEN).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self.kind,
            Kind::FrameTooLarge { .. } | Kind::HeadersTooLarge { .. }
        )
    }

    /// For a truncated stream, the number of bytes of the unfinished frame that had
    /// been buffered when it ended; `None` for other errors.
    pub fn buffered_len(&self) -> Option<usize> {
        match self.kind {
            Kind::Truncated { buffered, .. } => Some(buffered),
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &format_args!("{self}"))
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::PreludeCrc { stated, computed } => write!(
                f,
                "event-stream prelude CRC mismatch: the frame states {stated:#010x}, \
                 its first 8 bytes give {computed:#010x}"
            ),
            Kind::MessageCrc { stated, computed } => write!(
                f,
                "event-stream message CRC mismatch: the frame states {stated:#010x}, \
                 its bytes give {computed:#010x}"
            ),
            Kind::FrameLength { total } => write!(
                f,
                "event-stream prelude states a total length of {total} bytes, \
                 below the 16 bytes of prelude and CRC every frame has"
            ),
            Kind::FrameTooLarge { total, limit } => write!(
                f,
                "event-stream frame of {total} bytes is over the {limit}-byte limit"
            ),
            Kind::HeadersTooLarge { len, limit } => write!(
                f,
                "event-stream header section of {len} bytes is over the {limit}-byte limit"
            ),
            Kind::HeadersLength { headers, total } => write!(
                f,
                "event-stream prelude states {headers} bytes of headers, more than a \
                 {total}-byte frame holds after its 16 bytes of prelude and CRC"
            ),
            Kind::Header {
                index,
                offset,
                problem,
            } => {
                write!(
                    f,
                    "event-stream header #{index} (at byte {offset} of the frame) is malformed: "
                )?;
                problem.fmt(f)
            }
            Kind::NameTooLong { len } => write!(
                f,
                "event-stream header name of {len} bytes is over the format's 255"
            ),
            Kind::ValueTooLong { name, len } => write!(
                f,
                "event-stream header {name:?} has a {len}-byte value, over the format's 65535"
            ),
            Kind::Truncated {
                buffered,
                frame_len: Some(frame_len),
            } => write!(
                f,
                "event stream ended inside a frame: {buffered} of its {frame_len} bytes had arrived"
            ),
            Kind::Truncated {
                buffered,
                frame_len: None,
            } => write!(
                f,
                "event stream ended inside a frame: {buffered} bytes had arrived, \
                 not enough for its 12-byte prelude"
            ),
        }
    }
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderProblem::NameLength { len, available } => write!(
                f,
                "its name length {len} runs past the header section ({available} bytes left)"
            ),
            HeaderProblem::NameUtf8(_) => f.write_str("its name is not UTF-8"),
            HeaderProblem::MissingType => {
                f.write_str("the header section ends before its value type")
            }
            HeaderProblem::UnknownType(code) => {
                write!(f, "unknown value type {code:#04x} (the format has 0 to 9)")
            }
            HeaderProblem::ValueCutOff {
                type_code,
                needed,
                available,
            } => write!(
                f,
                "its value of type {type_code} needs {needed} bytes, \
                 the header section has {available} left"
            ),
            HeaderProblem::ValueUtf8(_) => f.write_str("its string value is not UTF-8"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            Kind::Header {
                problem: HeaderProblem::NameUtf8(e) | HeaderProblem::ValueUtf8(e),
                ..
            } => Some(e),
            _ => None,
        }
    }
}
