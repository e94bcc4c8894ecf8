//! Flexible checksums (S3's `x-amz-checksum-*`): CRC32, CRC32C, CRC64/NVME, SHA-1 and
//! SHA-256 over request bodies, and validation of the bodies that come back.
//!
//! The CRCs are small table-driven implementations (a few hundred MB/s, ample next to the
//! network); the SHAs come from the crates the signer already uses.

use std::pin::Pin;
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use sha1::Digest as _;

use session_tower::body::{BoxError, SdkBody};

/// A checksum algorithm S3 accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// CRC32 (IEEE).
    Crc32,
    /// CRC32C (Castagnoli).
    Crc32c,
    /// CRC64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl Algorithm {
    /// The algorithm a model value names (`CRC32`, `crc32c`, ...); `None` for ones we do
    /// not compute.
    pub fn from_name(name: &str) -> Option<Self> {
        const NAMES: [(&str, Algorithm); 5] = [
            ("CRC32", Algorithm::Crc32),
            ("CRC32C", Algorithm::Crc32c),
            ("CRC64NVME", Algorithm::Crc64Nvme),
            ("SHA1", Algorithm::Sha1),
            ("SHA256", Algorithm::Sha256),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, a)| *a)
    }

    /// The header carrying it: `x-amz-checksum-crc32`, ...
    pub fn header(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// A fresh hasher.
    pub fn hasher(self) -> Hasher {
        Hasher {
            state: match self {
                Self::Crc32 => State::Crc32(!0),
                Self::Crc32c => State::Crc32c(!0),
                Self::Crc64Nvme => State::Crc64(!0),
                Self::Sha1 => State::Sha1(sha1::Sha1::new()),
                Self::Sha256 => State::Sha256(sha2::Sha256::new()),
            },
        }
    }

    /// The base64 checksum of `data`, as the header carries it.
    pub fn checksum(self, data: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(data);
        h.finish_base64()
    }
}

/// An incremental checksum.
#[derive(Clone)]
pub struct Hasher {
    state: State,
}

#[derive(Clone)]
enum State {
    Crc32(u32),
    Crc32c(u32),
    Crc64(u64),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

const fn table32(poly: u32) -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { (c >> 1) ^ poly } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

const fn table64(poly: u64) -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u64;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { (c >> 1) ^ poly } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static CRC32: [u32; 256] = table32(0xEDB8_8320);
static CRC32C: [u32; 256] = table32(0x82F6_3B78);
/// CRC-64/NVME's polynomial 0xAD93D23594C93659, reflected.
static CRC64_NVME: [u64; 256] = table64(0x9A6C_9329_AC4B_C9B5);

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc32(c) => *c = crc32_update(&CRC32, *c, data),
            State::Crc32c(c) => *c = crc32_update(&CRC32C, *c, data),
            State::Crc64(c) => {
                for &b in data {
                    *c = CRC64_NVME[usize::from((*c as u8) ^ b)] ^ (*c >> 8);
                }
            }
            State::Sha1(h) => h.update(data),
            State::Sha256(h) => h.update(data),
        }
    }

    /// The digest, big-endian.
    pub fn finish(self) -> Vec<u8> {
        match self.state {
            State::Crc32(c) | State::Crc32c(c) => (!c).to_be_bytes().to_vec(),
            State::Crc64(c) => (!c).to_be_bytes().to_vec(),
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
        }
    }

    /// The digest in base64.
    pub fn finish_base64(self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.finish())
    }
}

fn crc32_update(table: &[u32; 256], mut c: u32, data: &[u8]) -> u32 {
    for &b in data {
        c = table[usize::from((c as u8) ^ b)] ^ (c >> 8);
    }
    c
}

/// A response body that checks its checksum as it streams: the last read fails when the
/// bytes do not match what the service said, so a corrupted download is never taken for a
/// complete one.
pub struct Validating {
    inner: SdkBody,
    hasher: Option<Hasher>,
    expected: String,
    algorithm: Algorithm,
}

impl Validating {
    /// Wraps `body`, expecting `expected` (base64) under `algorithm`.
    pub fn new(body: SdkBody, algorithm: Algorithm, expected: String) -> Self {
        Self {
            inner: body,
            hasher: Some(algorithm.hasher()),
            expected,
            algorithm,
        }
    }
}

impl Body for Validating {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(data), Some(h)) = (frame.data_ref(), this.hasher.as_mut()) {
                    h.update(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => match this.hasher.take() {
                Some(h) => {
                    let got = h.finish_base64();
                    if got == this.expected {
                        Poll::Ready(None)
                    } else {
                        Poll::Ready(Some(Err(format!(
                            "the body's {} checksum is {got}, the service said {}",
                            this.algorithm.header(),
                            this.expected
                        )
                        .into())))
                    }
                }
                None => Poll::Ready(None),
            },
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values_of_the_catalogue() {
        let check = |a: Algorithm| {
            let mut h = a.hasher();
            h.update(b"1234");
            h.update(b"56789");
            h.finish()
        };
        assert_eq!(check(Algorithm::Crc32), 0xCBF4_3926u32.to_be_bytes());
        assert_eq!(check(Algorithm::Crc32c), 0xE306_9283u32.to_be_bytes());
        assert_eq!(
            check(Algorithm::Crc64Nvme),
            0xAE8B_1486_0A79_9888u64.to_be_bytes()
        );
        assert_eq!(Algorithm::Sha256.checksum(b"").len(), 44);
        assert_eq!(Algorithm::from_name("crc32c"), Some(Algorithm::Crc32c));
        assert_eq!(Algorithm::from_name("XXHASH3"), None);
    }

    #[tokio::test]
    async fn validating_bodies_fail_on_a_mismatch() {
        let good = Algorithm::Crc32.checksum(b"hello");
        let ok = SdkBody::from_stream(Validating::new(
            SdkBody::from("hello"),
            Algorithm::Crc32,
            good,
        ));
        assert_eq!(ok.collect().await.unwrap(), "hello");
        let bad = SdkBody::from_stream(Validating::new(
            SdkBody::from("hellO"),
            Algorithm::Crc32,
            Algorithm::Crc32.checksum(b"hello"),
        ));
        let e = bad.collect().await.unwrap_err();
        assert!(format!("{e:?}").contains("checksum"), "{e:?}");
    }
}
