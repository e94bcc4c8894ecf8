//! A transfer manager for S3 over the session's stack: boto3's `upload_file`,
//! `download_file`, `copy` and `TransferConfig`, for tokio.
//!
//! - **Uploads** from a file, bytes, or any reader or stream of unknown length: one
//!   PutObject below [`TransferConfig::multipart_threshold`], else a multipart upload with
//!   parts read by positional reads and sent in parallel. Part size grows to stay under
//!   10,000 parts (5 TiB objects).
//! - **Downloads** to a file (ranged GETs in parallel, positional writes into a temporary
//!   file renamed on success), to a writer, or as a stream; every GET pinned to the ETag
//!   with If-Match, so a changed object fails the download instead of mixing versions. A
//!   range whose body breaks resumes from the byte it reached.
//! - **Integrity**: a checksum (CRC64NVME by default) computed while streaming, sent with
//!   each part and for the whole object, and checked on download.
//! - **Copies** server-side (UploadPartCopy in parallel above 5 GiB), **directories** both
//!   ways with filters, **checkpoints** to resume across process restarts.
//! - Every transfer returns a [`TransferHandle`]: await it, cancel it (a multipart upload
//!   is aborted), read its [`Progress`].
//!
//! ```no_run
//! use session_transfer::{TransferConfig, TransferManager};
//!
//! # async fn demo(session: &session_core::Session) -> Result<(), Box<dyn std::error::Error>> {
//! let tm = TransferManager::from_session(session, TransferConfig::default())?;
//! let handle = tm.upload_file("disk.img", "bucket", "disk.img").checkpoint("disk.img.checkpoint").start();
//! let mut progress = handle.subscribe();
//! tokio::spawn(async move {
//!     while progress.changed().await.is_ok() {
//!         let p = *progress.borrow();
//!         eprintln!("{} / {:?}", p.bytes_done, p.bytes_total);
//!     }
//! });
//! let uploaded = handle.await?;
//! println!("{:?}", uploaded.checksum);
//! # Ok(()) }
//! ```
//!
//! See `docs/transfers.md` for boto3's names next to ours, the defaults, the checkpoint
//! format and the guarantees.

#![warn(missing_docs)]

mod body;
mod checkpoint;
mod checksum;
mod config;
mod copy;
mod dir;
mod download;
mod error;
mod ext;
mod glob;
mod handle;
mod limits;
mod manager;
mod ordered;
mod parts;
mod plan;
mod pool;
mod progress;
mod range;
mod request;
mod reread;
mod resume;
mod retry;
mod source;
mod unknown;
mod upload;

pub use config::{ChecksumAlgorithm, Concurrency, TransferConfig};
pub use error::TransferError;
pub use ext::{BucketTransferExt, ObjectTransferExt, S3TransferExt};
pub use handle::TransferHandle;
pub use manager::TransferManager;
pub use ordered::ObjectStream;
pub use progress::{Progress, ProgressCallback, ProgressEvent};
pub use request::{
    CopyOutput, CopyRequest, DirectoryDownload, DirectoryReport, DirectoryUpload, DownloadOutput,
    DownloadRequest, FileOutcome, ObjectChecksum, Resumed, UploadOutput, UploadRequest,
};

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync + Clone>() {}
    fn send<T: Send>() {}

    #[test]
    fn shareable() {
        send_sync::<crate::TransferManager>();
        send::<crate::TransferHandle<crate::UploadOutput>>();
        send::<crate::ObjectStream>();
        send::<crate::UploadRequest>();
    }
}

/// The S3 listing helpers the CLI's `sync` uses (not a stable API).
#[doc(hidden)]
pub mod listing {
    pub use crate::dir::{join_key, local_path, relative, walk};

    /// The directory filters' glob rules (`*`, `**`, `?`).
    pub fn glob_matches(pattern: &str, path: &str) -> bool {
        crate::glob::matches(pattern, path)
    }

    /// One listed object: key, size, ETag, last modified (seconds).
    pub type Listed = (String, u64, Option<String>, Option<i64>);

    /// Every object under `prefix`.
    ///
    /// # Errors
    /// The listing failed.
    pub async fn list(
        tm: &crate::TransferManager,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<Listed>, crate::TransferError> {
        Ok(crate::dir::list(tm, bucket, prefix)
            .await?
            .into_iter()
            .map(|l| (l.key, l.size, l.e_tag, l.last_modified))
            .collect())
    }
}
