//! Decompressing gzip data with a known (or bounded) result size.

use std::io::{self, Read};

use flate2::read::{GzDecoder, MultiGzDecoder};

/// The single gzip member `data`, which must decompress to exactly `len` bytes.
pub(crate) fn member(data: &[u8], len: u32) -> io::Result<Vec<u8>> {
    let want = u64::from(len);
    let mut out = Vec::with_capacity(len.min(64 << 20) as usize);
    // One byte more than expected is enough to tell "too long" without reading on.
    GzDecoder::new(data).take(want + 1).read_to_end(&mut out)?;
    if out.len() as u64 != want {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("decompressed to {} bytes, the index says {len}", out.len()),
        ));
    }
    Ok(out)
}

/// A whole `.json.gz` file (one or more members, as `gzip` writes and Python reads them).
pub(crate) fn file(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() * 4);
    MultiGzDecoder::new(data).read_to_end(&mut out)?;
    Ok(out)
}
