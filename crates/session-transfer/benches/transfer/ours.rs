//! Our contender: the transfer manager with its defaults (8 MiB parts, 10 at once,
//! CRC64NVME computed and sent, every GET pinned with If-Match, signed requests).

use std::path::Path;

use futures_util::StreamExt as _;
use session_transfer::{TransferConfig, TransferManager};

type E = Box<dyn std::error::Error + Send + Sync>;

pub fn run(shape: &str, endpoint: &str, bucket: &str, key: &str, path: &Path) -> Result<(), E> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let session = session_core::Session::builder()
            .env(session_core::Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id(std::env::var("BENCH_AK")?)
            .secret_access_key(std::env::var("BENCH_SK")?)
            .setting("endpoint_url", endpoint);
        // `ours-nv`: the stack neither asks for nor checks response checksums (its
        // table-driven CRC is what whole-object GETs of checksummed objects cost).
        let session = if std::env::var_os("BENCH_NO_STACK_VALIDATION").is_some() {
            session.setting("response_checksum_validation", "when_required")
        } else {
            session
        }
        .build()?;
        let tm = TransferManager::from_session(&session, TransferConfig::default())?;
        match shape {
            "upload" => drop(tm.upload_file(path, bucket, key).await?),
            "download" => drop(tm.download_file(bucket, key, path).await?),
            "upload-dir" => {
                let r = tm
                    .upload_directory(path, bucket, key)
                    .recursive(false)
                    .await?;
                if !r.is_complete() {
                    return Err(format!("{} uploads failed", r.failed().count()).into());
                }
            }
            "download-dir" => {
                let r = tm.download_directory(bucket, key, path).await?;
                if !r.is_complete() {
                    return Err(format!("{} downloads failed", r.failed().count()).into());
                }
            }
            "sink" => {
                let (handle, mut stream) = tm.download_stream(bucket, key).into_stream();
                while let Some(chunk) = stream.next().await {
                    drop(chunk?);
                }
                handle.await?;
            }
            "start" => drop(
                tm.client()
                    .head_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await?,
            ),
            other => return Err(format!("unknown shape {other}").into()),
        }
        Ok(())
    })
}
