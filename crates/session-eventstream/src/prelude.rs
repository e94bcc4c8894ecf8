//! The 12-byte prelude that starts every frame, and the limits checked against it.

use crate::error::{Error, Kind};

/// Bytes in a prelude: total length, headers length, prelude CRC (each a big-endian u32).
pub(crate) const PRELUDE_LEN: usize = 12;
/// Bytes in the message CRC that ends every frame.
pub(crate) const CRC_LEN: usize = 4;
/// Prelude and message CRC: the shortest possible frame (no headers, empty payload).
pub(crate) const OVERHEAD_LEN: usize = PRELUDE_LEN + CRC_LEN;

/// The largest frame, prelude to message CRC, accepted or produced: 16 MiB, the limit
/// the AWS SDKs use.
pub const MAX_FRAME_LEN: usize = 16 * 1024 * 1024;
/// The largest header section accepted or produced: 128 KiB, the limit the AWS SDKs use.
pub const MAX_HEADERS_LEN: usize = 128 * 1024;

/// A prelude whose CRC matched and whose lengths are within the limits and consistent:
/// `OVERHEAD_LEN + headers_len <= total_len <= MAX_FRAME_LEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prelude {
    pub(crate) total_len: usize,
    pub(crate) headers_len: usize,
}

impl Prelude {
    /// Checks a frame's first 12 bytes. Nothing is allocated here: a caller sizes its
    /// buffers from the result only after these checks have passed.
    pub(crate) fn parse(bytes: &[u8; PRELUDE_LEN]) -> Result<Self, Error> {
        let [t0, t1, t2, t3, h0, h1, h2, h3, c0, c1, c2, c3] = *bytes;
        let total = u32::from_be_bytes([t0, t1, t2, t3]);
        let headers = u32::from_be_bytes([h0, h1, h2, h3]);
        let stated = u32::from_be_bytes([c0, c1, c2, c3]);
        let computed = crc32fast::hash(&[t0, t1, t2, t3, h0, h1, h2, h3]);
        if stated != computed {
            return Err(Error::new(Kind::PreludeCrc { stated, computed }));
        }
        // u32 always fits in usize on the 32- and 64-bit targets this crate builds for;
        // saturating keeps a 16-bit target on the "too large" path instead of wrapping.
        let total_len = usize::try_from(total).unwrap_or(usize::MAX);
        let headers_len = usize::try_from(headers).unwrap_or(usize::MAX);
        if total_len < OVERHEAD_LEN {
            return Err(Error::new(Kind::FrameLength { total }));
        }
        if total_len > MAX_FRAME_LEN {
            return Err(Error::new(Kind::FrameTooLarge {
                total: total.into(),
                limit: MAX_FRAME_LEN,
            }));
        }
        if headers_len > total_len - OVERHEAD_LEN {
            return Err(Error::new(Kind::HeadersLength { headers, total }));
        }
        if headers_len > MAX_HEADERS_LEN {
            return Err(Error::new(Kind::HeadersTooLarge {
                len: headers.into(),
                limit: MAX_HEADERS_LEN,
            }));
        }
        Ok(Self {
            total_len,
            headers_len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prelude(total: u32, headers: u32) -> [u8; PRELUDE_LEN] {
        let mut bytes = [0; PRELUDE_LEN];
        bytes[..4].copy_from_slice(&total.to_be_bytes());
        bytes[4..8].copy_from_slice(&headers.to_be_bytes());
        let crc = crc32fast::hash(&bytes[..8]);
        bytes[8..].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    #[test]
    fn smallest_frame_is_sixteen_bytes() {
        assert_eq!(
            Prelude::parse(&prelude(16, 0)).unwrap(),
            Prelude {
                total_len: 16,
                headers_len: 0
            }
        );
        assert!(Prelude::parse(&prelude(15, 0))
            .unwrap_err()
            .is_frame_length());
        assert!(Prelude::parse(&prelude(0, 0))
            .unwrap_err()
            .is_frame_length());
    }

    #[test]
    fn limits_are_inclusive() {
        let at_limit = u32::try_from(MAX_FRAME_LEN).unwrap();
        assert!(Prelude::parse(&prelude(at_limit, 0)).is_ok());
        assert!(Prelude::parse(&prelude(at_limit + 1, 0))
            .unwrap_err()
            .is_too_large());
        assert!(Prelude::parse(&prelude(u32::MAX, 0))
            .unwrap_err()
            .is_too_large());
        let headers = u32::try_from(MAX_HEADERS_LEN).unwrap();
        assert!(Prelude::parse(&prelude(headers + 16, headers)).is_ok());
        let err = Prelude::parse(&prelude(headers + 17, headers + 1)).unwrap_err();
        assert!(err.is_too_large() && !err.is_header(), "{err}");
    }

    #[test]
    fn header_section_must_fit_in_the_frame() {
        assert!(Prelude::parse(&prelude(20, 4)).is_ok());
        let err = Prelude::parse(&prelude(20, 5)).unwrap_err();
        assert!(err.is_header(), "{err}");
        assert_eq!(
            err.to_string(),
            "event-stream prelude states 5 bytes of headers, more than a 20-byte frame \
             holds after its 16 bytes of prelude and CRC"
        );
    }

    #[test]
    fn crc_is_checked_before_the_lengths() {
        let mut bytes = prelude(u32::MAX, u32::MAX);
        bytes[11] ^= 1;
        let err = Prelude::parse(&bytes).unwrap_err();
        assert!(err.is_prelude_crc() && !err.is_too_large(), "{err}");
    }
}
