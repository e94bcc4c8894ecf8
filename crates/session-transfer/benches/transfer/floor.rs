//! The floor: what moving the bytes costs with nothing else. Raw hyper (one pooled
//! client), unsigned requests, no checksums, no retries, no progress: multipart uploads
//! from positional reads and ranged GETs into positional writes, 10 at a time, 8 MiB
//! parts — the same shape as the transfer manager's defaults.

use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt as _;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

type C = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;
type E = Box<dyn std::error::Error + Send + Sync>;

const PART: u64 = 8 << 20;
const AT_ONCE: usize = 10;

fn client() -> C {
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build(http)
}

fn enc(key: &str) -> String {
    key.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn send(
    c: &C,
    method: &str,
    url: String,
    body: Bytes,
    range: Option<String>,
) -> Result<hyper::Response<hyper::body::Incoming>, E> {
    let mut req = hyper::Request::builder().method(method).uri(url);
    if let Some(r) = range {
        req = req.header("range", r);
    }
    let resp = c.request(req.body(Full::new(body))?).await?;
    if !resp.status().is_success() {
        let status = resp.status();
        let text = resp.into_body().collect().await?.to_bytes();
        return Err(format!("{method}: {status}: {}", String::from_utf8_lossy(&text)).into());
    }
    Ok(resp)
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let start = s.find(a)? + a.len();
    Some(&s[start..start + s[start..].find(b)?])
}

async fn upload(c: &C, base: &str, key: &str, path: &Path) -> Result<(), E> {
    let file = Arc::new(std::fs::File::open(path)?);
    let size = file.metadata()?.len();
    let url = format!("{base}/{}", enc(key));
    if size < PART {
        let data = tokio::fs::read(path).await?;
        send(c, "PUT", url, data.into(), None).await?;
        return Ok(());
    }
    let created = send(c, "POST", format!("{url}?uploads"), Bytes::new(), None).await?;
    let xml = String::from_utf8(created.into_body().collect().await?.to_bytes().to_vec())?;
    let id = between(&xml, "<UploadId>", "</UploadId>")
        .ok_or("no UploadId")?
        .to_owned();
    let parts = size.div_ceil(PART);
    let etags: Vec<Result<(u64, String), E>> = futures_util::stream::iter(0..parts)
        .map(|i| {
            let (c, file, url, id) = (c.clone(), file.clone(), url.clone(), id.clone());
            tokio::spawn(async move {
                let len = PART.min(size - i * PART);
                let data = tokio::task::spawn_blocking(move || {
                    let mut buf = vec![0u8; len as usize];
                    file.read_exact_at(&mut buf, i * PART)
                        .map(|()| Bytes::from(buf))
                })
                .await??;
                let r = send(
                    &c,
                    "PUT",
                    format!("{url}?partNumber={}&uploadId={id}", i + 1),
                    data,
                    None,
                )
                .await?;
                let etag = r
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                Ok::<_, E>((i + 1, etag))
            })
        })
        .buffer_unordered(AT_ONCE)
        .map(|r| r.map_err(E::from).and_then(|r| r))
        .collect()
        .await;
    let mut done = etags.into_iter().collect::<Result<Vec<_>, _>>()?;
    done.sort();
    let mut xml = String::from("<CompleteMultipartUpload>");
    for (n, e) in done {
        xml.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"
        ));
    }
    xml.push_str("</CompleteMultipartUpload>");
    send(c, "POST", format!("{url}?uploadId={id}"), xml.into(), None).await?;
    Ok(())
}

async fn download(c: &C, base: &str, key: &str, path: &Path) -> Result<(), E> {
    let url = format!("{base}/{}", enc(key));
    let head = send(c, "HEAD", url.clone(), Bytes::new(), None).await?;
    let size: u64 = head
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .ok_or("no size")?;
    let file = Arc::new(std::fs::File::create(path)?);
    file.set_len(size)?;
    let ranges = size.div_ceil(PART).max(1);
    let results: Vec<Result<(), E>> = futures_util::stream::iter(0..ranges)
        .map(|i| {
            let (c, file, url) = (c.clone(), file.clone(), url.clone());
            tokio::spawn(async move {
                let (a, b) = (
                    i * PART,
                    (PART.min(size - i * PART) + i * PART).saturating_sub(1),
                );
                let range = (size > 0).then(|| format!("bytes={a}-{b}"));
                let mut body = send(&c, "GET", url, Bytes::new(), range).await?.into_body();
                let (mut buf, mut at, mut pos) = (Vec::with_capacity(1 << 20), a, a);
                while let Some(frame) = body.frame().await {
                    if let Ok(d) = frame?.into_data() {
                        buf.extend_from_slice(&d);
                        pos += d.len() as u64;
                        if buf.len() >= 1 << 20 {
                            let (f, data) = (
                                file.clone(),
                                std::mem::replace(&mut buf, Vec::with_capacity(1 << 20)),
                            );
                            tokio::task::spawn_blocking(move || f.write_all_at(&data, at))
                                .await??;
                            at = pos;
                        }
                    }
                }
                let f = file.clone();
                tokio::task::spawn_blocking(move || f.write_all_at(&buf, at)).await??;
                Ok::<_, E>(())
            })
        })
        .buffer_unordered(AT_ONCE)
        .map(|r| r.map_err(E::from).and_then(|r| r))
        .collect()
        .await;
    results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(())
}

async fn list(c: &C, base: &str, prefix: &str) -> Result<Vec<String>, E> {
    let r = send(
        c,
        "GET",
        format!("{base}?list-type=2&prefix={}", enc(prefix)),
        Bytes::new(),
        None,
    )
    .await?;
    let xml = String::from_utf8(r.into_body().collect().await?.to_bytes().to_vec())?;
    Ok(xml
        .split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next().map(str::to_owned))
        .collect())
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

pub fn run(shape: &str, endpoint: &str, bucket: &str, key: &str, path: &Path) -> Result<(), E> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let c = client();
        let base = format!("{endpoint}/{bucket}");
        match shape {
            "upload" => upload(&c, &base, key, path).await,
            "download" => download(&c, &base, key, path).await,
            "upload-dir" => {
                let r: Vec<Result<(), E>> = futures_util::stream::iter(files(path))
                    .map(|f| {
                        let (c, base) = (c.clone(), base.clone());
                        let k = format!("{key}{}", f.file_name().unwrap().to_string_lossy());
                        async move { upload(&c, &base, &k, &f).await }
                    })
                    .buffer_unordered(AT_ONCE)
                    .collect()
                    .await;
                r.into_iter().collect()
            }
            "download-dir" => {
                std::fs::create_dir_all(path)?;
                let keys = list(&c, &base, key).await?;
                let r: Vec<Result<(), E>> = futures_util::stream::iter(keys)
                    .map(|k| {
                        let (c, base) = (c.clone(), base.clone());
                        let p = path.join(k.rsplit('/').next().unwrap_or(&k));
                        async move {
                            let url = format!("{base}/{}", enc(&k));
                            let body = send(&c, "GET", url, Bytes::new(), None)
                                .await?
                                .into_body()
                                .collect()
                                .await?
                                .to_bytes();
                            tokio::fs::write(p, body).await?;
                            Ok(())
                        }
                    })
                    .buffer_unordered(AT_ONCE)
                    .collect()
                    .await;
                r.into_iter().collect()
            }
            "start" => send(
                &c,
                "HEAD",
                format!("{base}/{}", enc(key)),
                Bytes::new(),
                None,
            )
            .await
            .map(|_| ()),
            other => Err(format!("unknown shape {other}").into()),
        }
    })
}
