//! boto3's transfer entry points as extension traits: on the client
//! (`client.upload_file(...)`), on a `Bucket` and on an `Object` resource.

use std::path::Path;

use services_s3::resources::{Bucket, Object};
use services_s3::S3Client;

use crate::config::TransferConfig;
use crate::manager::TransferManager;
use crate::request::{CopyRequest, DownloadRequest, UploadRequest};

/// boto3's `client.upload_file`, `download_file`, `upload_fileobj`, `download_fileobj` and
/// `copy` on [`S3Client`]. Each call makes a manager with the default
/// [`TransferConfig`]; use [`transfer_manager`](Self::transfer_manager) to choose one and
/// share its limits.
///
/// ```no_run
/// use session_transfer::S3TransferExt as _;
///
/// # async fn demo(s3: services_s3::S3Client) -> Result<(), session_transfer::TransferError> {
/// s3.upload_file("report.csv", "bucket", "reports/2024.csv").await?;
/// s3.download_file("bucket", "reports/2024.csv", "copy.csv").await?;
/// # Ok(()) }
/// ```
pub trait S3TransferExt {
    /// A manager over this client.
    fn transfer_manager(&self, config: TransferConfig) -> TransferManager;

    /// Uploads a file.
    fn upload_file(&self, path: impl AsRef<Path>, bucket: &str, key: &str) -> UploadRequest {
        self.transfer_manager(TransferConfig::default())
            .upload_file(path, bucket, key)
    }

    /// Downloads an object to a file.
    fn download_file(&self, bucket: &str, key: &str, path: impl AsRef<Path>) -> DownloadRequest {
        self.transfer_manager(TransferConfig::default())
            .download_file(bucket, key, path)
    }

    /// Uploads what a reader yields.
    fn upload_fileobj<R>(&self, reader: R, bucket: &str, key: &str) -> UploadRequest
    where
        R: tokio::io::AsyncRead + Send + Unpin + 'static,
    {
        self.transfer_manager(TransferConfig::default())
            .upload_reader(reader, bucket, key)
    }

    /// Downloads an object into a writer.
    fn download_fileobj<W>(&self, bucket: &str, key: &str, writer: W) -> DownloadRequest
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        self.transfer_manager(TransferConfig::default())
            .download_writer(bucket, key, writer)
    }

    /// Copies `source_bucket/source_key` to `bucket/key` (boto3's managed `copy`).
    fn copy(&self, source_bucket: &str, source_key: &str, bucket: &str, key: &str) -> CopyRequest {
        self.transfer_manager(TransferConfig::default()).copy(
            source_bucket,
            source_key,
            bucket,
            key,
        )
    }
}

impl S3TransferExt for S3Client {
    fn transfer_manager(&self, config: TransferConfig) -> TransferManager {
        TransferManager::new(self.clone(), config)
    }
}

/// boto3's `bucket.upload_file`, `download_file`, `upload_fileobj`, `download_fileobj`,
/// `copy` on a [`Bucket`] resource.
pub trait BucketTransferExt {
    /// Uploads a file to `key` in this bucket.
    fn upload_file(&self, path: impl AsRef<Path>, key: &str) -> UploadRequest;
    /// Downloads `key` of this bucket to a file.
    fn download_file(&self, key: &str, path: impl AsRef<Path>) -> DownloadRequest;
    /// Uploads what a reader yields to `key`.
    fn upload_fileobj<R>(&self, reader: R, key: &str) -> UploadRequest
    where
        R: tokio::io::AsyncRead + Send + Unpin + 'static;
    /// Downloads `key` into a writer.
    fn download_fileobj<W>(&self, key: &str, writer: W) -> DownloadRequest
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static;
    /// Copies `source_bucket/source_key` to `key` in this bucket.
    fn copy(&self, source_bucket: &str, source_key: &str, key: &str) -> CopyRequest;
}

impl BucketTransferExt for Bucket {
    fn upload_file(&self, path: impl AsRef<Path>, key: &str) -> UploadRequest {
        self.client().upload_file(path, self.name(), key)
    }

    fn download_file(&self, key: &str, path: impl AsRef<Path>) -> DownloadRequest {
        self.client().download_file(self.name(), key, path)
    }

    fn upload_fileobj<R>(&self, reader: R, key: &str) -> UploadRequest
    where
        R: tokio::io::AsyncRead + Send + Unpin + 'static,
    {
        self.client().upload_fileobj(reader, self.name(), key)
    }

    fn download_fileobj<W>(&self, key: &str, writer: W) -> DownloadRequest
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        self.client().download_fileobj(self.name(), key, writer)
    }

    fn copy(&self, source_bucket: &str, source_key: &str, key: &str) -> CopyRequest {
        S3TransferExt::copy(self.client(), source_bucket, source_key, self.name(), key)
    }
}

/// boto3's `object.upload_file`, `download_file`, `upload_fileobj`, `download_fileobj`,
/// `copy` on an [`Object`] resource.
pub trait ObjectTransferExt {
    /// Uploads a file to this object.
    fn upload_file(&self, path: impl AsRef<Path>) -> UploadRequest;
    /// Downloads this object to a file.
    fn download_file(&self, path: impl AsRef<Path>) -> DownloadRequest;
    /// Uploads what a reader yields to this object.
    fn upload_fileobj<R>(&self, reader: R) -> UploadRequest
    where
        R: tokio::io::AsyncRead + Send + Unpin + 'static;
    /// Downloads this object into a writer.
    fn download_fileobj<W>(&self, writer: W) -> DownloadRequest
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static;
    /// Copies `source_bucket/source_key` to this object.
    fn copy_from(&self, source_bucket: &str, source_key: &str) -> CopyRequest;
}

impl ObjectTransferExt for Object {
    fn upload_file(&self, path: impl AsRef<Path>) -> UploadRequest {
        self.client()
            .upload_file(path, self.bucket_name(), self.key())
    }

    fn download_file(&self, path: impl AsRef<Path>) -> DownloadRequest {
        self.client()
            .download_file(self.bucket_name(), self.key(), path)
    }

    fn upload_fileobj<R>(&self, reader: R) -> UploadRequest
    where
        R: tokio::io::AsyncRead + Send + Unpin + 'static,
    {
        self.client()
            .upload_fileobj(reader, self.bucket_name(), self.key())
    }

    fn download_fileobj<W>(&self, writer: W) -> DownloadRequest
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        self.client()
            .download_fileobj(self.bucket_name(), self.key(), writer)
    }

    fn copy_from(&self, source_bucket: &str, source_key: &str) -> CopyRequest {
        S3TransferExt::copy(
            self.client(),
            source_bucket,
            source_key,
            self.bucket_name(),
            self.key(),
        )
    }
}
