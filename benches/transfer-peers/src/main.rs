//! The aws-sdk-s3-transfer-manager contender of the transfer bench: one transfer per
//! process, with the crate's defaults (8 MiB parts, its own concurrency and memory rules).
//!
//! `transfer-peers SHAPE ENDPOINT BUCKET KEY_OR_PREFIX PATH`, with the access key and secret
//! in `BENCH_AK` / `BENCH_SK` (nothing else of the environment is read). Shapes:
//! `upload` (file to key), `download` (key to file), `upload-dir` (directory to prefix),
//! `download-dir` (prefix to directory), `start` (client made, one HeadObject).

use std::error::Error;
use std::path::Path;

use aws_credential_types::Credentials;
use aws_sdk_s3_transfer_manager::io::InputStream;

type BoxError = Box<dyn Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let [_, shape, endpoint, bucket, key, path] = args.as_slice() else {
        return Err("usage: transfer-peers SHAPE ENDPOINT BUCKET KEY PATH".into());
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(shape, endpoint, bucket, key, Path::new(path)))
}

async fn run(
    shape: &str,
    endpoint: &str,
    bucket: &str,
    key: &str,
    path: &Path,
) -> Result<(), BoxError> {
    let ak = std::env::var("BENCH_AK")?;
    let sk = std::env::var("BENCH_SK")?;
    let s3_config = aws_sdk_s3::config::Builder::new()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::new(ak, sk, None, None, "bench"))
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(s3_config);
    let config = aws_sdk_s3_transfer_manager::Config::builder()
        .client(s3.clone())
        .build();
    let tm = aws_sdk_s3_transfer_manager::Client::new(config);
    match shape {
        "upload" => {
            let stream = InputStream::from_path(path)?;
            tm.upload()
                .bucket(bucket)
                .key(key)
                .body(stream)
                .initiate()?
                .join()
                .await?;
        }
        "download" => {
            let handle = tm
                .download()
                .bucket(bucket)
                .key(key)
                .write_to_path(path)
                .await?;
            handle.join().await?;
        }
        "upload-dir" => {
            let out = tm
                .upload_objects()
                .bucket(bucket)
                .key_prefix(key)
                .source(path)
                .initiate()?
                .join()
                .await?;
            if out.failed_transfers().len() > 0 {
                return Err(format!("{} uploads failed", out.failed_transfers().len()).into());
            }
        }
        "download-dir" => {
            tokio::fs::create_dir_all(path).await?;
            let out = tm
                .download_objects()
                .bucket(bucket)
                .key_prefix(key)
                .destination(path)
                .initiate()?
                .join()
                .await?;
            if out.failed_transfers().len() > 0 {
                return Err(format!("{} downloads failed", out.failed_transfers().len()).into());
            }
        }
        "start" => {
            s3.head_object().bucket(bucket).key(key).send().await?;
        }
        other => return Err(format!("unknown shape {other}").into()),
    }
    Ok(())
}
