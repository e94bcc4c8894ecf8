//! Event-stream frame decoding (`session_eventstream::Decoder`): the input pushed in
//! chunks of fuzzer-chosen sizes, messages drained between pushes, then `finish`. A bad
//! frame must give an error (after which the stream is dead), never a panic, and a frame
//! split anywhere must decode as it does whole.
//!
//! Input: one byte of chunk size, then the stream's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use session_eventstream::{Decoder, Message};

/// Every message of `bytes` pushed `chunk` bytes at a time, or the first error's text.
fn decode(bytes: &[u8], chunk: usize) -> Result<Vec<Message>, String> {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk) {
        decoder.push(bytes::Bytes::copy_from_slice(piece));
        while let Some(m) = decoder.next_message().map_err(|e| e.to_string())? {
            let _ = (m.message_type(), m.headers().len());
            for h in m.headers() {
                let v = h.value();
                let _ = (
                    v.as_str(),
                    v.as_bytes(),
                    v.as_bool(),
                    v.as_i64(),
                    v.as_uuid(),
                );
            }
            out.push(m);
        }
    }
    decoder.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let [chunk, stream @ ..] = data else {
        return;
    };
    let split = decode(stream, usize::from(*chunk).max(1));
    let whole = decode(stream, stream.len().max(1));
    // Where both succeed they agree; chunking may only move where an error is noticed.
    if let (Ok(a), Ok(b)) = (&split, &whole) {
        assert_eq!(a.len(), b.len(), "chunked and whole decodes differ");
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x.payload(), y.payload());
            assert_eq!(x.headers(), y.headers());
        }
    }
    assert_eq!(split.is_ok(), whole.is_ok(), "chunking changed the outcome");
});
