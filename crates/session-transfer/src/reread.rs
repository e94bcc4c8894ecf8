//! Reading a downloaded file again to check it whole (after a resume, or for a
//! full-object SHA, which does not combine over ranges).

use std::os::unix::fs::FileExt as _;
use std::path::Path;

use crate::checksum::PartHasher;
use crate::config::ChecksumAlgorithm;
use crate::error::TransferError;
use crate::plan::Part;
use crate::range::WRITE_BUFFER;

pub(crate) enum Reread {
    Whole(Vec<u8>),
    Parts(Vec<(Vec<u8>, u64)>),
}

/// Hashes a downloaded file from its start: whole, or per part for a composite checksum.
pub(crate) async fn hash_file(
    path: &Path,
    alg: ChecksumAlgorithm,
    parts: Option<&[Part]>,
) -> Result<Reread, TransferError> {
    let path = path.to_owned();
    let parts = parts.map(<[Part]>::to_vec);
    tokio::task::spawn_blocking(move || {
        let f = std::fs::File::open(&path)
            .map_err(|e| TransferError::io(format!("opening {}", path.display()), e))?;
        let mut buf = vec![0u8; WRITE_BUFFER];
        let mut read_into =
            |h: &mut PartHasher, offset: u64, len: u64| -> Result<(), TransferError> {
                let mut at = offset;
                while at < offset + len {
                    let n = usize::try_from((offset + len - at).min(WRITE_BUFFER as u64))
                        .unwrap_or(WRITE_BUFFER);
                    f.read_exact_at(&mut buf[..n], at)
                        .map_err(|e| TransferError::io(format!("reading {}", path.display()), e))?;
                    h.update(&buf[..n]);
                    at += n as u64;
                }
                Ok(())
            };
        match parts {
            Some(parts) => {
                let mut out = Vec::with_capacity(parts.len());
                for p in parts {
                    let mut h = PartHasher::new(alg);
                    read_into(&mut h, p.offset, p.len)?;
                    out.push((h.finish(), p.len));
                }
                Ok(Reread::Parts(out))
            }
            None => {
                let len = f
                    .metadata()
                    .map_err(|e| TransferError::io("reading a file's size", e))?
                    .len();
                let mut h = PartHasher::new(alg);
                read_into(&mut h, 0, len)?;
                Ok(Reread::Whole(h.finish()))
            }
        }
    })
    .await
    .map_err(|e| TransferError::invalid(format!("a hash task failed: {e}")))?
}
