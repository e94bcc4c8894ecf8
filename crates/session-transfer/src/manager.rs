//! [`TransferManager`]: the shared limits of a set of transfers over one S3 client, and
//! the entry points that start them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use services_s3::S3Client;
use session_core::Session;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::config::TransferConfig;
use crate::error::TransferError;
use crate::handle::TransferHandle;
use crate::limits::{Bandwidth, MemoryBudget, RetryPolicy, RetryQuota};
use crate::progress::{ProgressCallback, Tracker};
use crate::request::{
    CopyRequest, DirectoryDownload, DirectoryUpload, DownloadRequest, DownloadTarget,
    UploadRequest, UploadSource,
};

/// Moves files and streams to and from S3 over one client's stack (its connection pool,
/// credentials, signing and timeouts). Cheap to clone; clones share the limits: requests
/// at once, the memory budget, the bandwidth cap and the retry quota.
///
/// ```no_run
/// use session_transfer::{TransferConfig, TransferManager};
///
/// # async fn demo(session: &session_core::Session) -> Result<(), Box<dyn std::error::Error>> {
/// let tm = TransferManager::from_session(session, TransferConfig::default())?;
/// let up = tm.upload_file("big.iso", "bucket", "isos/big.iso").start();
/// println!("{:?}", up.progress());
/// let out = up.await?;
/// tm.download_file("bucket", "isos/big.iso", "copy.iso").await?;
/// # let _ = out; Ok(()) }
/// ```
#[derive(Clone)]
pub struct TransferManager {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) s3: S3Client,
    pub(crate) config: TransferConfig,
    pub(crate) requests: Semaphore,
    pub(crate) memory: MemoryBudget,
    pub(crate) bandwidth: Option<Bandwidth>,
    pub(crate) quota: RetryQuota,
    pub(crate) buffers: Arc<crate::pool::BufferPool>,
    pub(crate) upload_policy: RetryPolicy,
    pub(crate) download_policy: RetryPolicy,
}

impl Shared {
    pub(crate) async fn throttle(&self, bytes: u64) {
        if let Some(bw) = &self.bandwidth {
            bw.take(bytes).await;
        }
    }
}

/// What every transfer may be given besides its source and target.
#[derive(Clone, Default)]
pub(crate) struct Options {
    pub(crate) checkpoint: Option<PathBuf>,
    pub(crate) callback: Option<ProgressCallback>,
    pub(crate) content_type: Option<String>,
    pub(crate) metadata: Vec<(String, String)>,
}

/// What a task of one transfer carries.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) shared: Arc<Shared>,
    pub(crate) tracker: Arc<Tracker>,
    pub(crate) cancel: CancellationToken,
}

impl TransferManager {
    /// A manager over `client`.
    pub fn new(client: S3Client, config: TransferConfig) -> Self {
        let session_attempts = client
            .raw()
            .session()
            .settings()
            .text("max_attempts")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(3)
            .max(1);
        let concurrency = config.effective_concurrency();
        let shared = Shared {
            requests: Semaphore::new(concurrency),
            memory: MemoryBudget::new(config.memory_budget),
            bandwidth: config.max_bandwidth.map(Bandwidth::new),
            quota: RetryQuota::new(),
            buffers: crate::pool::BufferPool::new(
                usize::try_from(config.memory_budget / config.multipart_chunksize.max(1))
                    .unwrap_or(16)
                    + 2,
            ),
            upload_policy: RetryPolicy {
                attempts: config.upload_attempts.unwrap_or(session_attempts),
                base: config.retry_backoff,
            },
            download_policy: RetryPolicy {
                attempts: config.num_download_attempts,
                base: config.retry_backoff,
            },
            s3: client,
            config,
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// A manager with a new S3 client of `session`.
    ///
    /// # Errors
    /// The session's CA bundle is unreadable.
    pub fn from_session(session: &Session, config: TransferConfig) -> Result<Self, TransferError> {
        let client = S3Client::new(session)
            .map_err(|e| TransferError::invalid("cannot make an S3 client").with_source(e))?;
        Ok(Self::new(client, config))
    }

    /// The client transfers go through.
    pub fn client(&self) -> &S3Client {
        &self.shared.s3
    }

    /// The settings.
    pub fn config(&self) -> &TransferConfig {
        &self.shared.config
    }

    /// Uploads a file (multipart from the threshold on, parts read in parallel).
    pub fn upload_file(
        &self,
        path: impl AsRef<Path>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> UploadRequest {
        UploadRequest::new(
            self.clone(),
            UploadSource::File(path.as_ref().to_owned()),
            bucket.into(),
            key.into(),
        )
    }

    /// Uploads bytes held in memory (no copy: parts are slices).
    pub fn upload_bytes(
        &self,
        data: impl Into<Bytes>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> UploadRequest {
        UploadRequest::new(
            self.clone(),
            UploadSource::Bytes(data.into()),
            bucket.into(),
            key.into(),
        )
    }

    /// Uploads what a reader yields, of unknown length, part by part (boto3's
    /// `upload_fileobj`). Parts are read in order and sent in parallel.
    pub fn upload_reader<R>(
        &self,
        reader: R,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> UploadRequest
    where
        R: tokio::io::AsyncRead + Send + Unpin + 'static,
    {
        UploadRequest::new(
            self.clone(),
            UploadSource::Reader(Box::new(reader)),
            bucket.into(),
            key.into(),
        )
    }

    /// Uploads a stream of byte chunks of unknown length.
    pub fn upload_stream<S, E>(
        &self,
        stream: S,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> UploadRequest
    where
        S: futures_core::Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::TryStreamExt as _;
        let reader = tokio_util::io::StreamReader::new(stream.map_err(std::io::Error::other));
        self.upload_reader(reader, bucket, key)
    }

    /// Downloads an object to a file: ranged GETs in parallel, written in place into a
    /// temporary file that is renamed once the whole object is verified.
    pub fn download_file(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        path: impl AsRef<Path>,
    ) -> DownloadRequest {
        DownloadRequest::new(
            self.clone(),
            bucket.into(),
            key.into(),
            DownloadTarget::File(path.as_ref().to_owned()),
        )
    }

    /// Downloads an object into a writer, in order (boto3's `download_fileobj`).
    pub fn download_writer<W>(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        writer: W,
    ) -> DownloadRequest
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        DownloadRequest::new(
            self.clone(),
            bucket.into(),
            key.into(),
            DownloadTarget::Writer(Box::new(writer)),
        )
    }

    /// Downloads an object as a stream of chunks, in order; see
    /// [`DownloadRequest::into_stream`].
    pub fn download_stream(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> DownloadRequest {
        DownloadRequest::new(
            self.clone(),
            bucket.into(),
            key.into(),
            DownloadTarget::Stream,
        )
    }

    /// Copies an object within S3 (CopyObject, or UploadPartCopy in parallel above
    /// [`TransferConfig::multipart_copy_threshold`]).
    pub fn copy(
        &self,
        source_bucket: impl Into<String>,
        source_key: impl Into<String>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> CopyRequest {
        CopyRequest::new(
            self.clone(),
            source_bucket.into(),
            source_key.into(),
            bucket.into(),
            key.into(),
        )
    }

    /// Uploads the files of a directory under a key prefix.
    pub fn upload_directory(
        &self,
        dir: impl AsRef<Path>,
        bucket: impl Into<String>,
        prefix: impl Into<String>,
    ) -> DirectoryUpload {
        DirectoryUpload::new(
            self.clone(),
            dir.as_ref().to_owned(),
            bucket.into(),
            prefix.into(),
        )
    }

    /// Downloads the objects under a key prefix into a directory.
    pub fn download_directory(
        &self,
        bucket: impl Into<String>,
        prefix: impl Into<String>,
        dir: impl AsRef<Path>,
    ) -> DirectoryDownload {
        DirectoryDownload::new(
            self.clone(),
            bucket.into(),
            prefix.into(),
            dir.as_ref().to_owned(),
        )
    }

    /// Continues the upload or download a checkpoint file describes, after the process
    /// that started it stopped; the whole object is verified at the end.
    pub fn resume(&self, checkpoint: impl AsRef<Path>) -> TransferHandle<crate::Resumed> {
        crate::resume::start(self.clone(), checkpoint.as_ref().to_owned(), None)
    }

    /// [`resume`](Self::resume) with a progress callback.
    pub fn resume_with_progress(
        &self,
        checkpoint: impl AsRef<Path>,
        callback: ProgressCallback,
    ) -> TransferHandle<crate::Resumed> {
        crate::resume::start(self.clone(), checkpoint.as_ref().to_owned(), Some(callback))
    }

    pub(crate) fn ctx(&self, callback: Option<ProgressCallback>) -> Ctx {
        Ctx {
            shared: self.shared.clone(),
            tracker: Tracker::new(self.shared.config.progress_interval, callback),
            cancel: CancellationToken::new(),
        }
    }
}

impl std::fmt::Debug for TransferManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferManager")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}
