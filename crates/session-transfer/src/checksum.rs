//! Checksums computed while streaming: SIMD CRCs (crc-fast, with `combine` for a
//! full-object CRC over parts sent in parallel) and the SHAs of the stack's checksum
//! module; S3's composite form (`<checksum of the parts' checksums>-N`).

use base64::Engine as _;
use crc_fast::CrcAlgorithm;
use session_runtime::checksum::{Algorithm as StackAlgorithm, Hasher as StackHasher};

use crate::config::ChecksumAlgorithm;

fn crc_algorithm(a: ChecksumAlgorithm) -> Option<CrcAlgorithm> {
    match a {
        ChecksumAlgorithm::Crc64Nvme => Some(CrcAlgorithm::Crc64Nvme),
        ChecksumAlgorithm::Crc32 => Some(CrcAlgorithm::Crc32IsoHdlc),
        ChecksumAlgorithm::Crc32c => Some(CrcAlgorithm::Crc32Iscsi),
        ChecksumAlgorithm::Sha1 | ChecksumAlgorithm::Sha256 => None,
    }
}

fn width(a: ChecksumAlgorithm) -> usize {
    match a {
        ChecksumAlgorithm::Crc64Nvme => 8,
        ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
        ChecksumAlgorithm::Sha1 => 20,
        ChecksumAlgorithm::Sha256 => 32,
    }
}

/// An incremental checksum of one part or range.
#[derive(Clone)]
pub(crate) struct PartHasher {
    algorithm: ChecksumAlgorithm,
    state: State,
}

#[derive(Clone)]
enum State {
    Crc(crc_fast::Digest),
    Sha(StackHasher),
}

impl PartHasher {
    pub(crate) fn new(algorithm: ChecksumAlgorithm) -> Self {
        let state = match crc_algorithm(algorithm) {
            Some(c) => State::Crc(crc_fast::Digest::new(c)),
            None => State::Sha(
                match algorithm {
                    ChecksumAlgorithm::Sha1 => StackAlgorithm::Sha1,
                    _ => StackAlgorithm::Sha256,
                }
                .hasher(),
            ),
        };
        Self { algorithm, state }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc(d) => d.update(data),
            State::Sha(h) => h.update(data),
        }
    }

    /// The digest, big-endian (as S3's base64 carries it).
    pub(crate) fn finish(self) -> Vec<u8> {
        match self.state {
            State::Crc(d) => {
                let v = d.finalize().to_be_bytes();
                v[8 - width(self.algorithm)..].to_vec()
            }
            State::Sha(h) => h.finish(),
        }
    }
}

/// The digest of `data` in one go.
pub(crate) fn digest(algorithm: ChecksumAlgorithm, data: &[u8]) -> Vec<u8> {
    let mut h = PartHasher::new(algorithm);
    h.update(data);
    h.finish()
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

fn to_u64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// The CRC of the whole object from its parts' CRCs and lengths, in order; `None` for the
/// SHAs, which do not combine.
pub(crate) fn combine(algorithm: ChecksumAlgorithm, parts: &[(Vec<u8>, u64)]) -> Option<Vec<u8>> {
    let crc = crc_algorithm(algorithm)?;
    let mut iter = parts.iter();
    let mut acc = match iter.next() {
        Some((d, _)) => to_u64(d),
        None => return Some(digest(algorithm, b"")),
    };
    for (d, len) in iter {
        acc = crc_fast::checksum_combine(crc, acc, to_u64(d), *len);
    }
    let v = acc.to_be_bytes();
    Some(v[8 - width(algorithm)..].to_vec())
}

/// S3's composite checksum: the algorithm over the concatenated part digests, `-N`.
pub(crate) fn composite(algorithm: ChecksumAlgorithm, digests: &[Vec<u8>]) -> String {
    let mut h = PartHasher::new(algorithm);
    for d in digests {
        h.update(d);
    }
    format!("{}-{}", b64(&h.finish()), digests.len())
}

/// The value of `algorithm` among an output's checksum members.
pub(crate) fn pick(
    algorithm: ChecksumAlgorithm,
    crc32: Option<&String>,
    crc32c: Option<&String>,
    crc64: Option<&String>,
    sha1: Option<&String>,
    sha256: Option<&String>,
) -> Option<String> {
    match algorithm {
        ChecksumAlgorithm::Crc32 => crc32,
        ChecksumAlgorithm::Crc32c => crc32c,
        ChecksumAlgorithm::Crc64Nvme => crc64,
        ChecksumAlgorithm::Sha1 => sha1,
        ChecksumAlgorithm::Sha256 => sha256,
    }
    .cloned()
}

/// The first checksum an output carries, in the order CRC64NVME, CRC32C, CRC32, SHA256,
/// SHA1 (what a download verifies against).
pub(crate) fn first_present(
    crc32: Option<&String>,
    crc32c: Option<&String>,
    crc64: Option<&String>,
    sha1: Option<&String>,
    sha256: Option<&String>,
) -> Option<(ChecksumAlgorithm, String)> {
    [
        (ChecksumAlgorithm::Crc64Nvme, crc64),
        (ChecksumAlgorithm::Crc32c, crc32c),
        (ChecksumAlgorithm::Crc32, crc32),
        (ChecksumAlgorithm::Sha256, sha256),
        (ChecksumAlgorithm::Sha1, sha1),
    ]
    .into_iter()
    .find_map(|(a, v)| v.map(|v| (a, v.clone())))
}

/// Sets the checksum member of a request builder that has the five `checksum_*` setters.
macro_rules! set_checksum {
    ($call:expr, $alg:expr, $value:expr) => {{
        let call = $call;
        let value: String = $value;
        match $alg {
            $crate::config::ChecksumAlgorithm::Crc64Nvme => call.checksum_crc64_nvme(value),
            $crate::config::ChecksumAlgorithm::Crc32 => call.checksum_crc32(value),
            $crate::config::ChecksumAlgorithm::Crc32c => call.checksum_crc32_c(value),
            $crate::config::ChecksumAlgorithm::Sha1 => call.checksum_sha1(value),
            $crate::config::ChecksumAlgorithm::Sha256 => call.checksum_sha256(value),
        }
    }};
}
pub(crate) use set_checksum;

/// The model's algorithm value for ours.
pub(crate) fn model_algorithm(a: ChecksumAlgorithm) -> services_s3::types::ChecksumAlgorithm {
    services_s3::types::ChecksumAlgorithm::from(a.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values_match_the_stack() {
        for (ours, stack) in [
            (ChecksumAlgorithm::Crc32, StackAlgorithm::Crc32),
            (ChecksumAlgorithm::Crc32c, StackAlgorithm::Crc32c),
            (ChecksumAlgorithm::Crc64Nvme, StackAlgorithm::Crc64Nvme),
            (ChecksumAlgorithm::Sha1, StackAlgorithm::Sha1),
            (ChecksumAlgorithm::Sha256, StackAlgorithm::Sha256),
        ] {
            assert_eq!(
                b64(&digest(ours, b"123456789")),
                stack.checksum(b"123456789")
            );
        }
    }

    #[test]
    fn combined_parts_equal_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for alg in [
            ChecksumAlgorithm::Crc32,
            ChecksumAlgorithm::Crc32c,
            ChecksumAlgorithm::Crc64Nvme,
        ] {
            let parts: Vec<(Vec<u8>, u64)> = data
                .chunks(33_333)
                .map(|c| (digest(alg, c), c.len() as u64))
                .collect();
            assert_eq!(combine(alg, &parts).unwrap(), digest(alg, &data), "{alg:?}");
        }
        assert!(combine(ChecksumAlgorithm::Sha256, &[]).is_none());
        assert_eq!(
            combine(ChecksumAlgorithm::Crc32, &[]).unwrap(),
            digest(ChecksumAlgorithm::Crc32, b"")
        );
    }

    #[test]
    fn composite_form() {
        let d = vec![
            digest(ChecksumAlgorithm::Sha256, b"a"),
            digest(ChecksumAlgorithm::Sha256, b"b"),
        ];
        let c = composite(ChecksumAlgorithm::Sha256, &d);
        assert!(c.ends_with("-2"), "{c}");
        let mut cat = d[0].clone();
        cat.extend_from_slice(&d[1]);
        assert_eq!(
            c,
            format!("{}-2", b64(&digest(ChecksumAlgorithm::Sha256, &cat)))
        );
    }
}
