//! The builders that transfers start from, and what they give back.

use std::future::IntoFuture;
use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::config::ChecksumAlgorithm;
use crate::error::TransferError;
use crate::handle::TransferHandle;
use crate::manager::{Options, TransferManager};
use crate::progress::ProgressCallback;

macro_rules! common_options {
    () => {
        /// Calls `callback` with progress events (byte counts rate-limited).
        pub fn on_progress(mut self, callback: ProgressCallback) -> Self {
            self.options.callback = Some(callback);
            self
        }
    };
}

macro_rules! into_future {
    ($ty:ty, $out:ty) => {
        impl IntoFuture for $ty {
            type Output = Result<$out, TransferError>;
            type IntoFuture = TransferHandle<$out>;

            fn into_future(self) -> Self::IntoFuture {
                self.start()
            }
        }
    };
}

pub(crate) enum UploadSource {
    File(PathBuf),
    Bytes(Bytes),
    Reader(Box<dyn tokio::io::AsyncRead + Send + Unpin>),
}

/// An upload, ready to [`start`](Self::start) (or to await, which starts it).
#[must_use]
pub struct UploadRequest {
    pub(crate) tm: TransferManager,
    pub(crate) source: UploadSource,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) options: Options,
}

impl UploadRequest {
    pub(crate) fn new(
        tm: TransferManager,
        source: UploadSource,
        bucket: String,
        key: String,
    ) -> Self {
        Self {
            tm,
            source,
            bucket,
            key,
            options: Options::default(),
        }
    }

    common_options!();

    /// Records the upload id and every finished part in this file, so that
    /// [`TransferManager::resume`] can finish the upload after a crash (files only). The
    /// file is removed once the upload completes; after a failure both the file and the
    /// multipart upload are kept for the resume.
    pub fn checkpoint(mut self, path: impl AsRef<Path>) -> Self {
        self.options.checkpoint = Some(path.as_ref().to_owned());
        self
    }

    /// The object's `Content-Type`.
    pub fn content_type(mut self, value: impl Into<String>) -> Self {
        self.options.content_type = Some(value.into());
        self
    }

    /// User metadata (`x-amz-meta-*`).
    pub fn metadata(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.metadata.push((name.into(), value.into()));
        self
    }

    /// Starts the upload.
    pub fn start(self) -> TransferHandle<UploadOutput> {
        crate::upload::start(self)
    }
}

into_future!(UploadRequest, UploadOutput);

/// A checksum S3 holds for an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectChecksum {
    /// The algorithm.
    pub algorithm: ChecksumAlgorithm,
    /// The base64 value (`...-N` for a composite checksum).
    pub value: String,
    /// A checksum of the whole object's bytes (else composite: of its parts' checksums).
    pub full_object: bool,
}

/// A finished upload.
#[derive(Debug, Clone)]
pub struct UploadOutput {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// Bytes uploaded.
    pub size: u64,
    /// The object's ETag.
    pub e_tag: Option<String>,
    /// The checksum sent (and, where S3 answered with one, confirmed by it).
    pub checksum: Option<ObjectChecksum>,
    /// Parts (1 for a single PutObject).
    pub parts: u32,
    /// The multipart upload's id, when there was one.
    pub upload_id: Option<String>,
    /// The version id, on a versioned bucket.
    pub version_id: Option<String>,
}

pub(crate) enum DownloadTarget {
    File(PathBuf),
    Writer(Box<dyn tokio::io::AsyncWrite + Send + Unpin>),
    Stream,
}

/// A download, ready to start.
#[must_use]
pub struct DownloadRequest {
    pub(crate) tm: TransferManager,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) target: DownloadTarget,
    pub(crate) options: Options,
    pub(crate) known: Option<(u64, Option<String>)>,
}

impl DownloadRequest {
    pub(crate) fn new(
        tm: TransferManager,
        bucket: String,
        key: String,
        target: DownloadTarget,
    ) -> Self {
        Self {
            tm,
            bucket,
            key,
            target,
            options: Options::default(),
            known: None,
        }
    }

    common_options!();

    /// Records the object's ETag and every finished range in this file, so that
    /// [`TransferManager::resume`] can finish the download after a crash (file targets
    /// only; the temporary file is kept for it after a failure).
    pub fn checkpoint(mut self, path: impl AsRef<Path>) -> Self {
        self.options.checkpoint = Some(path.as_ref().to_owned());
        self
    }

    /// Starts the download. For a stream target use [`into_stream`](Self::into_stream).
    pub fn start(self) -> TransferHandle<DownloadOutput> {
        crate::download::start(self)
    }

    /// Starts the download and returns its chunks in order, with the handle (which
    /// resolves once the stream has been read to its end). A checksum mismatch is the
    /// stream's last item. At most the memory budget is buffered ahead of the reader.
    pub fn into_stream(mut self) -> (TransferHandle<DownloadOutput>, crate::ordered::ObjectStream) {
        self.target = DownloadTarget::Stream;
        crate::ordered::start_stream(self)
    }
}

into_future!(DownloadRequest, DownloadOutput);

/// A finished download.
#[derive(Debug, Clone)]
pub struct DownloadOutput {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// Bytes downloaded.
    pub size: u64,
    /// The ETag the download was pinned to.
    pub e_tag: Option<String>,
    /// The object's checksum, which the bytes were found to match; `None` when S3 holds
    /// none for the object (nothing to verify against).
    pub verified: Option<ObjectChecksum>,
    /// Where it was written (file targets).
    pub path: Option<PathBuf>,
    /// Ranges fetched (1 for a single GET).
    pub parts: u32,
}

/// A server-side copy, ready to start.
#[must_use]
pub struct CopyRequest {
    pub(crate) tm: TransferManager,
    pub(crate) source_bucket: String,
    pub(crate) source_key: String,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) options: Options,
}

impl CopyRequest {
    pub(crate) fn new(
        tm: TransferManager,
        source_bucket: String,
        source_key: String,
        bucket: String,
        key: String,
    ) -> Self {
        Self {
            tm,
            source_bucket,
            source_key,
            bucket,
            key,
            options: Options::default(),
        }
    }

    common_options!();

    /// Starts the copy.
    pub fn start(self) -> TransferHandle<CopyOutput> {
        crate::copy::start(self)
    }
}

into_future!(CopyRequest, CopyOutput);

/// A finished copy.
#[derive(Debug, Clone)]
pub struct CopyOutput {
    /// The new object's ETag.
    pub e_tag: Option<String>,
    /// Bytes copied.
    pub size: u64,
    /// Parts (1 for CopyObject).
    pub parts: u32,
}

/// Which files of a directory transfer are moved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    pub(crate) recursive: bool,
    pub(crate) include: Vec<String>,
    pub(crate) exclude: Vec<String>,
}

macro_rules! selection_options {
    () => {
        /// Descend into subdirectories (default: true).
        pub fn recursive(mut self, yes: bool) -> Self {
            self.selection.recursive = yes;
            self
        }

        /// Move only paths (relative, `/`-separated) matching one of these globs (`*`
        /// within a segment, `**` across segments, `?` one character).
        pub fn include(mut self, glob: impl Into<String>) -> Self {
            self.selection.include.push(glob.into());
            self
        }

        /// Skip paths matching this glob (checked after the includes).
        pub fn exclude(mut self, glob: impl Into<String>) -> Self {
            self.selection.exclude.push(glob.into());
            self
        }
    };
}

/// A directory upload, ready to start.
#[must_use]
pub struct DirectoryUpload {
    pub(crate) tm: TransferManager,
    pub(crate) dir: PathBuf,
    pub(crate) bucket: String,
    pub(crate) prefix: String,
    pub(crate) selection: Selection,
    pub(crate) options: Options,
}

impl DirectoryUpload {
    pub(crate) fn new(tm: TransferManager, dir: PathBuf, bucket: String, prefix: String) -> Self {
        Self {
            tm,
            dir,
            bucket,
            prefix,
            selection: Selection {
                recursive: true,
                ..Selection::default()
            },
            options: Options::default(),
        }
    }

    common_options!();
    selection_options!();

    /// Starts the upload.
    pub fn start(self) -> TransferHandle<DirectoryReport> {
        crate::dir::start_upload(self)
    }
}

into_future!(DirectoryUpload, DirectoryReport);

/// A directory download, ready to start.
#[must_use]
pub struct DirectoryDownload {
    pub(crate) tm: TransferManager,
    pub(crate) bucket: String,
    pub(crate) prefix: String,
    pub(crate) dir: PathBuf,
    pub(crate) selection: Selection,
    pub(crate) options: Options,
}

impl DirectoryDownload {
    pub(crate) fn new(tm: TransferManager, bucket: String, prefix: String, dir: PathBuf) -> Self {
        Self {
            tm,
            bucket,
            prefix,
            dir,
            selection: Selection {
                recursive: true,
                ..Selection::default()
            },
            options: Options::default(),
        }
    }

    common_options!();
    selection_options!();

    /// Starts the download.
    pub fn start(self) -> TransferHandle<DirectoryReport> {
        crate::dir::start_download(self)
    }
}

into_future!(DirectoryDownload, DirectoryReport);

/// One file of a directory transfer.
#[derive(Debug)]
pub struct FileOutcome {
    /// The object key.
    pub key: String,
    /// The local path.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Why it failed, if it did. Files that succeeded stay in place either way.
    pub error: Option<TransferError>,
}

/// The outcome of each file of a directory transfer.
#[derive(Debug, Default)]
pub struct DirectoryReport {
    /// Every file, in the order they finished.
    pub files: Vec<FileOutcome>,
}

impl DirectoryReport {
    /// The files that failed.
    pub fn failed(&self) -> impl Iterator<Item = &FileOutcome> {
        self.files.iter().filter(|f| f.error.is_some())
    }

    /// The files that succeeded.
    pub fn succeeded(&self) -> impl Iterator<Item = &FileOutcome> {
        self.files.iter().filter(|f| f.error.is_none())
    }

    /// Every file succeeded.
    pub fn is_complete(&self) -> bool {
        self.failed().next().is_none()
    }

    /// Bytes moved by the files that succeeded.
    pub fn bytes(&self) -> u64 {
        self.succeeded().map(|f| f.bytes).sum()
    }
}

/// What [`TransferManager::resume`] finished.
#[derive(Debug, Clone)]
pub enum Resumed {
    /// An upload.
    Upload(UploadOutput),
    /// A download.
    Download(DownloadOutput),
}
