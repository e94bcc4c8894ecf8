//! Part plans: how an object of a known size splits into parts or ranges.

use crate::error::TransferError;

const MIB: u64 = 1024 * 1024;
/// S3's part count limit.
pub(crate) const MAX_PARTS: u64 = 10_000;
/// S3's smallest part (all but the last).
pub(crate) const MIN_PART: u64 = 5 * MIB;
/// S3's largest part.
pub(crate) const MAX_PART: u64 = 5 * 1024 * MIB;
/// S3's largest object.
pub(crate) const MAX_OBJECT: u64 = 5 * 1024 * 1024 * MIB;

/// The upload part size for `total` bytes: the chunk size, at least 5 MiB, grown (in whole
/// MiB) until the object fits in 10,000 parts.
pub(crate) fn upload_part_size(total: u64, chunksize: u64) -> Result<u64, TransferError> {
    if total > MAX_OBJECT {
        return Err(TransferError::invalid(format!(
            "{total} bytes is more than S3's largest object (5 TiB)"
        )));
    }
    let needed = total.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    Ok(chunksize.max(MIN_PART).max(needed).min(MAX_PART))
}

/// One part: its number (from 1), offset and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) number: u32,
    pub(crate) offset: u64,
    pub(crate) len: u64,
}

impl Part {
    /// The inclusive last byte, for a `Range` header.
    pub(crate) fn last(&self) -> u64 {
        self.offset + self.len.max(1) - 1
    }
}

/// The parts of `total` bytes in `size` pieces (one empty part for an empty object).
pub(crate) fn parts(total: u64, size: u64) -> Vec<Part> {
    let size = size.max(1);
    let count = total.div_ceil(size).max(1);
    (0..count)
        .map(|i| Part {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            offset: i * size,
            len: size.min(total - (i * size).min(total)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_size_stays_under_ten_thousand_parts() {
        assert_eq!(upload_part_size(100 * MIB, 8 * MIB).unwrap(), 8 * MIB);
        assert_eq!(upload_part_size(100 * MIB, MIB).unwrap(), 5 * MIB);
        let huge = MAX_OBJECT;
        let size = upload_part_size(huge, 8 * MIB).unwrap();
        assert!(huge.div_ceil(size) <= MAX_PARTS, "{size}");
        assert_eq!(size % MIB, 0);
        assert!(upload_part_size(MAX_OBJECT + 1, 8 * MIB)
            .unwrap_err()
            .is_invalid_input());
        let s = upload_part_size(200 * 1024 * MIB, 8 * MIB).unwrap();
        assert!((200 * 1024 * MIB).div_ceil(s) <= MAX_PARTS);
    }

    #[test]
    fn parts_cover_the_object() {
        let p = parts(10, 4);
        assert_eq!(p.len(), 3);
        assert_eq!((p[2].offset, p[2].len, p[2].last()), (8, 2, 9));
        assert_eq!(
            parts(0, 4),
            vec![Part {
                number: 1,
                offset: 0,
                len: 0
            }]
        );
        assert_eq!(parts(8, 4).len(), 2);
        let sum: u64 = parts(1_000_003, 7).iter().map(|p| p.len).sum();
        assert_eq!(sum, 1_000_003);
    }
}
