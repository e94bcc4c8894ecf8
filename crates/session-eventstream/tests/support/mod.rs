//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test file uses some of these

use bytes::Bytes;
use session_eventstream::{Decoder, Error, Message};

/// A frame written by hand, independently of the crate's encoder: the given header
/// section bytes (well-formed or not) and payload, with correct lengths and CRCs.
pub(crate) fn raw_frame(headers: &[u8], payload: &[u8]) -> Vec<u8> {
    let total = 16 + headers.len() + payload.len();
    let mut frame = Vec::with_capacity(total);
    frame.extend_from_slice(&u32::try_from(total).unwrap().to_be_bytes());
    frame.extend_from_slice(&u32::try_from(headers.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(&crc32fast::hash(&frame).to_be_bytes());
    frame.extend_from_slice(headers);
    frame.extend_from_slice(payload);
    frame.extend_from_slice(&crc32fast::hash(&frame).to_be_bytes());
    frame
}

/// A prelude with a correct CRC for the given lengths (and nothing after it).
pub(crate) fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(12);
    bytes.extend_from_slice(&total.to_be_bytes());
    bytes.extend_from_slice(&headers.to_be_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&bytes).to_be_bytes());
    bytes
}

/// Pushes each piece and drains the decoder after it, then finishes.
pub(crate) fn decode_pieces<I>(pieces: I) -> Result<Vec<Message>, Error>
where
    I: IntoIterator<Item = Bytes>,
{
    let mut decoder = Decoder::new();
    let mut messages = Vec::new();
    for piece in pieces {
        decoder.push(piece);
        while let Some(message) = decoder.next_message()? {
            messages.push(message);
        }
    }
    decoder.finish()?;
    Ok(messages)
}

/// `bytes` cut at the given offsets (in any order; out-of-range ones are clamped).
pub(crate) fn cut(bytes: &Bytes, cuts: &[usize]) -> Vec<Bytes> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(bytes.len())).collect();
    cuts.push(0);
    cuts.push(bytes.len());
    cuts.sort_unstable();
    cuts.windows(2).map(|w| bytes.slice(w[0]..w[1])).collect()
}
