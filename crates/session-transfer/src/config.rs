//! [`TransferConfig`]: boto3's `TransferConfig` names and defaults, plus a concurrency mode,
//! a memory budget and the checksum algorithm.

use std::time::Duration;

const MIB: u64 = 1024 * 1024;

/// The checksum computed while streaming, sent with every part, and checked on download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChecksumAlgorithm {
    /// CRC-64/NVME (the default): a full-object checksum for multipart uploads too.
    #[default]
    Crc64Nvme,
    /// CRC32 (IEEE), full-object.
    Crc32,
    /// CRC32C (Castagnoli), full-object.
    Crc32c,
    /// SHA-1: S3 keeps the composite form (a checksum of the parts' checksums, `-N`).
    Sha1,
    /// SHA-256: composite for multipart objects, like SHA-1.
    Sha256,
}

impl ChecksumAlgorithm {
    /// S3's name: `CRC64NVME`, `CRC32`, `CRC32C`, `SHA1`, `SHA256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Crc64Nvme => "CRC64NVME",
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }

    /// The algorithm S3 calls `name` (any case); `None` for ones not computed here.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Crc64Nvme,
            Self::Crc32,
            Self::Crc32c,
            Self::Sha1,
            Self::Sha256,
        ]
        .into_iter()
        .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// A CRC, whose multipart checksum covers the whole object (`FULL_OBJECT`); the SHAs
    /// are `COMPOSITE`.
    pub fn is_full_object(self) -> bool {
        matches!(self, Self::Crc64Nvme | Self::Crc32 | Self::Crc32c)
    }
}

/// How many requests run at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// This many (boto3's `max_concurrency`; default 10).
    Explicit(usize),
    /// Enough connections for this many bytes per second, counting
    /// [`Concurrency::PER_CONNECTION`] per connection (at most 64).
    TargetThroughput(u64),
    /// As many as the memory budget holds parts, between 4 and 32.
    Auto,
}

impl Concurrency {
    /// What one connection is assumed to carry when sizing for a target throughput.
    pub const PER_CONNECTION: u64 = 80 * MIB;
}

/// Settings of a [`TransferManager`](crate::TransferManager). The names and defaults are
/// boto3's where it has them.
///
/// ```
/// use session_transfer::{ChecksumAlgorithm, TransferConfig};
///
/// let config = TransferConfig::default()
///     .multipart_chunksize(16 * 1024 * 1024)
///     .max_concurrency(16)
///     .checksum(ChecksumAlgorithm::Crc32c);
/// assert_eq!(config.get_multipart_threshold(), 8 * 1024 * 1024);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct TransferConfig {
    pub(crate) multipart_threshold: u64,
    pub(crate) multipart_chunksize: u64,
    pub(crate) concurrency: Concurrency,
    pub(crate) num_download_attempts: u32,
    pub(crate) upload_attempts: Option<u32>,
    pub(crate) max_bandwidth: Option<u64>,
    pub(crate) memory_budget: u64,
    pub(crate) checksum: ChecksumAlgorithm,
    pub(crate) multipart_copy_threshold: u64,
    pub(crate) progress_interval: Duration,
    pub(crate) retry_backoff: Duration,
}

impl Default for TransferConfig {
    fn default() -> Self {
        Self {
            multipart_threshold: 8 * MIB,
            multipart_chunksize: 8 * MIB,
            concurrency: Concurrency::Explicit(10),
            num_download_attempts: 5,
            upload_attempts: None,
            max_bandwidth: None,
            memory_budget: 128 * MIB,
            checksum: ChecksumAlgorithm::Crc64Nvme,
            multipart_copy_threshold: 5 * 1024 * MIB,
            progress_interval: Duration::from_millis(100),
            retry_backoff: Duration::from_millis(200),
        }
    }
}

impl TransferConfig {
    /// Objects of this size or more go multipart (boto3's `multipart_threshold`, 8 MiB).
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes.max(1);
        self
    }

    /// Part size for uploads and range size for downloads (boto3's `multipart_chunksize`,
    /// 8 MiB). Upload parts are at least 5 MiB (S3's minimum) and grow to keep an object
    /// under 10,000 parts.
    pub fn multipart_chunksize(mut self, bytes: u64) -> Self {
        self.multipart_chunksize = bytes.max(64 * 1024);
        self
    }

    /// Requests at once (boto3's `max_concurrency`, 10).
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.concurrency = Concurrency::Explicit(n.max(1));
        self
    }

    /// The concurrency mode (explicit, a target throughput, or automatic).
    pub fn concurrency(mut self, mode: Concurrency) -> Self {
        self.concurrency = mode;
        self
    }

    /// Attempts per download range, the first included (boto3's `num_download_attempts`,
    /// 5). A range whose body breaks resumes from the byte it reached.
    pub fn num_download_attempts(mut self, n: u32) -> Self {
        self.num_download_attempts = n.max(1);
        self
    }

    /// Attempts per upload part; default: the session's `max_attempts` (3 when unset).
    pub fn upload_attempts(mut self, n: u32) -> Self {
        self.upload_attempts = Some(n.max(1));
        self
    }

    /// Bytes per second across the manager's transfers, both ways (boto3's
    /// `max_bandwidth`; unlimited by default).
    pub fn max_bandwidth(mut self, bytes_per_second: u64) -> Self {
        self.max_bandwidth = Some(bytes_per_second.max(1));
        self
    }

    /// The most bytes held in memory at once, whatever the file sizes (128 MiB): upload
    /// parts read ahead, downloaded ranges waiting to be written or consumed.
    pub fn memory_budget(mut self, bytes: u64) -> Self {
        self.memory_budget = bytes.max(MIB);
        self
    }

    /// The checksum (CRC64NVME by default).
    pub fn checksum(mut self, algorithm: ChecksumAlgorithm) -> Self {
        self.checksum = algorithm;
        self
    }

    /// Copies above this size use UploadPartCopy (5 GiB, CopyObject's limit).
    pub fn multipart_copy_threshold(mut self, bytes: u64) -> Self {
        self.multipart_copy_threshold = bytes.clamp(1, 5 * 1024 * MIB);
        self
    }

    /// The shortest time between two progress reports of one transfer (100 ms).
    pub fn progress_interval(mut self, interval: Duration) -> Self {
        self.progress_interval = interval;
        self
    }

    /// The backoff base between attempts of a part (200 ms; full jitter, doubling, capped
    /// at 20 s).
    pub fn retry_backoff(mut self, base: Duration) -> Self {
        self.retry_backoff = base;
        self
    }

    /// The multipart threshold.
    pub fn get_multipart_threshold(&self) -> u64 {
        self.multipart_threshold
    }

    /// The part size.
    pub fn get_multipart_chunksize(&self) -> u64 {
        self.multipart_chunksize
    }

    /// The memory budget.
    pub fn get_memory_budget(&self) -> u64 {
        self.memory_budget
    }

    /// The checksum algorithm.
    pub fn get_checksum(&self) -> ChecksumAlgorithm {
        self.checksum
    }

    /// Requests at once, as the concurrency mode and the memory budget decide.
    pub fn effective_concurrency(&self) -> usize {
        let parts_in_budget =
            usize::try_from(self.memory_budget / self.multipart_chunksize.max(1)).unwrap_or(64);
        match self.concurrency {
            Concurrency::Explicit(n) => n,
            Concurrency::TargetThroughput(bps) => {
                usize::try_from(bps.div_ceil(Concurrency::PER_CONNECTION)).unwrap_or(64)
            }
            Concurrency::Auto => parts_in_budget.clamp(4, 32),
        }
        .clamp(1, 64.max(parts_in_budget.min(256)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boto3_defaults() {
        let c = TransferConfig::default();
        assert_eq!(c.multipart_threshold, 8 * MIB);
        assert_eq!(c.multipart_chunksize, 8 * MIB);
        assert_eq!(c.effective_concurrency(), 10);
        assert_eq!(c.num_download_attempts, 5);
        assert_eq!(c.memory_budget, 128 * MIB);
        assert_eq!(c.checksum, ChecksumAlgorithm::Crc64Nvme);
    }

    #[test]
    fn concurrency_modes() {
        let c = TransferConfig::default().concurrency(Concurrency::TargetThroughput(800 * MIB));
        assert_eq!(c.effective_concurrency(), 10);
        let c = TransferConfig::default().concurrency(Concurrency::Auto);
        assert_eq!(c.effective_concurrency(), 16);
        assert_eq!(
            ChecksumAlgorithm::from_name("crc32c"),
            Some(ChecksumAlgorithm::Crc32c)
        );
        assert!(!ChecksumAlgorithm::Sha256.is_full_object());
    }
}
