//! Where upload parts come from: positional reads of a file (in parallel, on the blocking
//! pool) or slices of bytes in memory. The part's checksum is computed where it is read.

use std::os::unix::fs::FileExt as _;
use std::sync::Arc;

use bytes::Bytes;

use crate::checksum::digest;
use crate::config::ChecksumAlgorithm;
use crate::error::TransferError;
use crate::pool::BufferPool;

#[derive(Clone)]
pub(crate) enum Positional {
    File(Arc<std::fs::File>, Arc<std::path::Path>, Arc<BufferPool>),
    Bytes(Bytes),
}

impl Positional {
    /// `len` bytes at `offset` and their checksum.
    pub(crate) async fn read(
        &self,
        offset: u64,
        len: u64,
        algorithm: ChecksumAlgorithm,
    ) -> Result<(Bytes, Vec<u8>), TransferError> {
        let this = self.clone();
        let work = move || this.read_now(offset, len, algorithm);
        if len <= 256 * 1024 && matches!(self, Self::Bytes(_)) {
            return work();
        }
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| TransferError::invalid(format!("a read task failed: {e}")))?
    }

    fn read_now(
        &self,
        offset: u64,
        len: u64,
        algorithm: ChecksumAlgorithm,
    ) -> Result<(Bytes, Vec<u8>), TransferError> {
        let data = match self {
            Self::File(file, path, pool) => {
                let n = usize::try_from(len)
                    .map_err(|_| TransferError::invalid("a part does not fit in memory"))?;
                let mut buf = pool.take(n);
                file.read_exact_at(buf.as_mut_slice(), offset)
                    .map_err(|e| {
                        TransferError::io(
                            format!("reading {} bytes at {offset} of {}", len, path.display()),
                            e,
                        )
                    })?;
                buf.freeze()
            }
            Self::Bytes(b) => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(b.len());
                let end = usize::try_from(offset + len)
                    .unwrap_or(usize::MAX)
                    .min(b.len());
                b.slice(start..end)
            }
        };
        let d = digest(algorithm, &data);
        Ok((data, d))
    }
}
