//! The incremental decoder: chunks in, whole messages out.

use std::{fmt, mem};

use bytes::{Buf, Bytes, BytesMut};

use crate::error::{Error, Kind};
use crate::header;
use crate::message::Message;
use crate::prelude::{Prelude, CRC_LEN, PRELUDE_LEN};

/// How much of a frame's stated length is reserved before its bytes arrive. Frames up to
/// this size get one exact allocation; larger ones grow geometrically as bytes arrive, so
/// a prelude that states 16 MiB and then stalls pins 256 KiB, not 16 MiB.
const FIRST_RESERVE: usize = 256 * 1024;

/// Decodes a stream of frames that arrives in chunks of any size.
///
/// [`push`](Self::push) each chunk as it arrives, then call
/// [`next_message`](Self::next_message) until it returns `Ok(None)`; when the stream
/// ends, [`finish`](Self::finish) reports whether it ended inside a frame.
///
/// A frame that lies wholly inside one chunk is decoded without copying: its payload
/// and byte-array header values are slices of the chunk (and keep the chunk's memory
/// alive while they live). A frame split across chunks is copied once into a buffer
/// sized from its prelude, only after the prelude's CRC and the size limits
/// ([`MAX_FRAME_LEN`](crate::MAX_FRAME_LEN), [`MAX_HEADERS_LEN`](crate::MAX_HEADERS_LEN))
/// have been checked.
///
/// Each frame is checked in wire order: prelude CRC, lengths against the limits, header
/// section, message CRC. The first error ends the stream: once a frame has failed the
/// framing cannot be trusted, so every later call returns the same error and later
/// chunks are dropped.
#[derive(Default)]
pub struct Decoder {
    /// The copied start of a frame split across chunks (and, if `push` was called
    /// again before the previous chunk was drained, whatever followed it).
    assembly: BytesMut,
    /// The prelude of the frame at the start of `assembly`, once its 12 bytes are there.
    prelude: Option<Prelude>,
    /// The undecoded rest of the latest chunk; in the stream it follows `assembly`.
    input: Bytes,
    /// The error that ended the stream.
    failed: Option<Error>,
}

impl Decoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next chunk of the stream. Chunks are taken as they come: a frame may
    /// span any number of them and one may hold any number of frames.
    ///
    /// Drain [`next_message`](Self::next_message) between pushes: pushing again while
    /// the previous chunk still holds frames works but copies that chunk's rest.
    pub fn push(&mut self, chunk: impl Into<Bytes>) {
        let chunk = chunk.into();
        if chunk.is_empty() || self.failed.is_some() {
            return;
        }
        if !self.input.is_empty() {
            let rest = mem::take(&mut self.input);
            self.reserve_for(rest.len());
            self.assembly.extend_from_slice(&rest);
        }
        self.input = chunk;
    }

    /// The next complete message, or `Ok(None)` when the bytes pushed so far hold no
    /// complete frame.
    ///
    /// # Errors
    ///
    /// A prelude or message CRC mismatch, a frame or header section over the limits, a
    /// malformed header section or an impossible length: see [`Error`]'s predicates.
    /// After an error every call returns it again.
    pub fn next_message(&mut self) -> Result<Option<Message>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = if self.assembly.is_empty() {
            self.decode_from_input()
        } else {
            self.decode_from_assembly()
        };
        if let Err(e) = &result {
            self.fail(e.clone());
        }
        result
    }

    /// Says whether the stream, now ended, ended on a frame boundary. Call it after
    /// [`next_message`](Self::next_message) has returned `Ok(None)`.
    ///
    /// # Errors
    ///
    /// [`Error::is_truncated`] when bytes of an unfinished frame are buffered
    /// ([`Error::buffered_len`] says how many), or the error that ended the stream before.
    pub fn finish(&mut self) -> Result<(), Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let buffered = self.buffered_len();
        if buffered == 0 {
            return Ok(());
        }
        let e = Error::new(Kind::Truncated {
            buffered,
            frame_len: self.prelude.map(|p| p.total_len),
        });
        self.fail(e.clone());
        Err(e)
    }

    /// Bytes pushed but not yet returned as messages.
    pub fn buffered_len(&self) -> usize {
        self.assembly.len() + self.input.len()
    }

    fn fail(&mut self, e: Error) {
        self.failed = Some(e);
        self.assembly = BytesMut::new();
        self.input = Bytes::new();
        self.prelude = None;
    }

    /// The fast path, with nothing carried over: a frame wholly inside the chunk is a
    /// slice of it; a frame's start is copied into `assembly` to wait for the rest.
    fn decode_from_input(&mut self) -> Result<Option<Message>, Error> {
        let Some(head) = self.input.first_chunk::<PRELUDE_LEN>() else {
            // Under 12 bytes: keep them for the next chunk.
            self.fill_assembly(PRELUDE_LEN);
            return Ok(None);
        };
        let prelude = Prelude::parse(head)?;
        if self.input.len() >= prelude.total_len {
            let frame = self.input.split_to(prelude.total_len);
            return decode_frame(frame, prelude).map(Some);
        }
        self.prelude = Some(prelude);
        self.fill_assembly(prelude.total_len);
        Ok(None)
    }

    /// Completes the frame started in `assembly` from `input`, as far as `input` goes.
    fn decode_from_assembly(&mut self) -> Result<Option<Message>, Error> {
        let prelude = match self.prelude {
            Some(prelude) => prelude,
            None => {
                self.fill_assembly(PRELUDE_LEN);
                let Some(head) = self.assembly.first_chunk::<PRELUDE_LEN>() else {
                    return Ok(None);
                };
                let prelude = Prelude::parse(head)?;
                self.prelude = Some(prelude);
                prelude
            }
        };
        self.fill_assembly(prelude.total_len);
        if self.assembly.len() < prelude.total_len {
            return Ok(None);
        }
        let frame = if self.assembly.len() == prelude.total_len {
            // The usual case: hand over the buffer whole rather than split it.
            mem::take(&mut self.assembly).freeze()
        } else {
            self.assembly.split_to(prelude.total_len).freeze()
        };
        self.prelude = None;
        decode_frame(frame, prelude).map(Some)
    }

    /// Moves bytes from `input` to `assembly` until `assembly` holds `target` bytes or
    /// `input` is empty.
    fn fill_assembly(&mut self, target: usize) {
        let wanted = target.saturating_sub(self.assembly.len());
        let n = wanted.min(self.input.len());
        if n == 0 {
            return;
        }
        self.reserve_for(n);
        let taken = self.input.get(..n).unwrap_or_default();
        self.assembly.extend_from_slice(taken);
        self.input.advance(n);
    }

    /// Makes room for `incoming` more bytes in `assembly`: at once up to the frame's
    /// stated length when that is small, geometrically beyond, never past the frame
    /// unless `assembly` must hold more than one.
    fn reserve_for(&mut self, incoming: usize) {
        let needed = self.assembly.len() + incoming;
        let capacity = self.assembly.capacity();
        if capacity >= needed {
            return;
        }
        let ceiling = self.prelude.map_or(needed, |p| p.total_len).max(needed);
        let target = needed
            .max(capacity.saturating_mul(2))
            .max(FIRST_RESERVE)
            .min(ceiling);
        self.assembly.reserve(target - self.assembly.len());
    }
}

/// Lengths and state only: buffered bytes may be large, or sensitive.
impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("buffered_len", &self.buffered_len())
            .field("frame_len", &self.prelude.map(|p| p.total_len))
            .field("failed", &self.failed)
            .finish()
    }
}

/// Decodes one whole frame, `frame.len() == prelude.total_len`: headers first, so a
/// malformed header section is reported as such, then the message CRC.
fn decode_frame(frame: Bytes, prelude: Prelude) -> Result<Message, Error> {
    let headers_end = PRELUDE_LEN + prelude.headers_len;
    let crc_at = prelude.total_len - CRC_LEN;
    let headers = header::parse_section(&frame, PRELUDE_LEN..headers_end)?;
    let covered = frame.get(..crc_at).unwrap_or_default();
    let computed = crc32fast::hash(covered);
    let stated = frame
        .get(crc_at..)
        .and_then(|tail| tail.first_chunk::<CRC_LEN>())
        .map_or(!computed, |crc| u32::from_be_bytes(*crc));
    if stated != computed {
        return Err(Error::new(Kind::MessageCrc { stated, computed }));
    }
    Ok(Message::from_parts(
        headers,
        frame.slice(headers_end..crc_at),
    ))
}
