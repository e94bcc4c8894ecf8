//! The canned in-memory S3 stand-in: answers PutObject, multipart uploads, HeadObject,
//! ranged GetObject and ListObjectsV2 from a map of key -> size, bodies cut from one
//! static pattern buffer (no copy, no allocation per byte). Request bodies are read and
//! dropped; signatures are not checked. It runs in its own process so that its CPU and
//! memory are not the contenders'.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;

const PATTERN_LEN: usize = 1 << 20;

type Objects = Arc<Mutex<BTreeMap<(String, String), u64>>>;

/// `len` bytes of the pattern from `offset`, in frames of up to 1 MiB.
pub struct PatternBody {
    pattern: Bytes,
    offset: u64,
    left: u64,
}

impl Body for PatternBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let start = (self.offset % PATTERN_LEN as u64) as usize;
        let n = (PATTERN_LEN - start).min(self.left as usize);
        let chunk = self.pattern.slice(start..start + n);
        self.offset += n as u64;
        self.left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }
}

type Reply = Response<http_body_util::Either<PatternBody, http_body_util::Full<Bytes>>>;

fn text(status: StatusCode, body: String) -> Reply {
    let mut r = Response::new(http_body_util::Either::Right(http_body_util::Full::new(
        Bytes::from(body),
    )));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/xml"),
    );
    r
}

fn etag(r: &mut Reply) {
    r.headers_mut().insert(
        "etag",
        http::HeaderValue::from_static("\"0123456789abcdef0123456789abcdef\""),
    );
}

fn query<'a>(q: &'a str, name: &str) -> Option<&'a str> {
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then_some(v)
    })
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn path_decode(s: &str) -> String {
    decode(&s.replace('+', "%2B"))
}

async fn handle(
    req: Request<Incoming>,
    objects: Objects,
    pattern: Bytes,
) -> Result<Reply, Infallible> {
    let (parts, body) = req.into_parts();
    // Read and drop the body (aws-chunked or not: its framing does not matter here).
    let mut body = body;
    while let Some(f) = body.frame().await {
        if f.is_err() {
            break;
        }
    }
    let path = parts.uri.path().trim_start_matches('/');
    let q = parts.uri.query().unwrap_or("");
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    let (bucket, key) = (bucket.to_owned(), path_decode(key));
    let method = parts.method.as_str();
    let size_of = |k: &str| -> Option<u64> {
        objects
            .lock()
            .unwrap()
            .get(&(bucket.clone(), k.to_owned()))
            .copied()
            .or_else(|| k.rsplit('/').next()?.strip_prefix("sz-")?.parse().ok())
    };
    let reply = match (method, key.is_empty()) {
        ("PUT", true) => text(StatusCode::OK, String::new()),
        ("GET", true) if query(q, "list-type") == Some("2") => {
            let prefix = decode(query(q, "prefix").unwrap_or(""));
            let map = objects.lock().unwrap();
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><IsTruncated>false</IsTruncated>");
            for ((b, k), size) in map.iter() {
                if *b == bucket && k.starts_with(&prefix) {
                    xml.push_str(&format!("<Contents><Key>{k}</Key><Size>{size}</Size><ETag>\"0123456789abcdef0123456789abcdef\"</ETag><LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>"));
                }
            }
            xml.push_str("</ListBucketResult>");
            text(StatusCode::OK, xml)
        }
        ("POST", false) if query(q, "uploads").is_some() => text(
            StatusCode::OK,
            format!("<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>{bucket}</Bucket><Key>{key}</Key><UploadId>canned-upload</UploadId></InitiateMultipartUploadResult>"),
        ),
        ("PUT", false) if query(q, "uploadId").is_some() => {
            let n = body_len(&parts.headers);
            let part: u64 = query(q, "partNumber").and_then(|v| v.parse().ok()).unwrap_or(1);
            let mut map = objects.lock().unwrap();
            // Sizes of parts accumulate under a side key until the upload completes.
            *map.entry((bucket.clone(), format!("\0parts/{key}"))).or_insert(0) += if part > 0 { n } else { 0 };
            drop(map);
            let mut r = text(StatusCode::OK, String::new());
            etag(&mut r);
            r
        }
        ("POST", false) if query(q, "uploadId").is_some() => {
            let mut map = objects.lock().unwrap();
            let total = map.remove(&(bucket.clone(), format!("\0parts/{key}"))).unwrap_or(0);
            map.insert((bucket.clone(), key.clone()), total);
            text(
                StatusCode::OK,
                format!("<?xml version=\"1.0\"?><CompleteMultipartUploadResult><Bucket>{bucket}</Bucket><Key>{key}</Key><ETag>\"0123456789abcdef0123456789abcdef-1\"</ETag></CompleteMultipartUploadResult>"),
            )
        }
        ("DELETE", false) => text(StatusCode::NO_CONTENT, String::new()),
        ("PUT", false) => {
            let n = body_len(&parts.headers);
            objects.lock().unwrap().insert((bucket.clone(), key.clone()), n);
            let mut r = text(StatusCode::OK, String::new());
            etag(&mut r);
            r
        }
        ("HEAD" | "GET", false) => match size_of(&key) {
            None => text(StatusCode::NOT_FOUND, "<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>".into()),
            Some(size) => {
                let range = parts.headers.get("range").and_then(|v| v.to_str().ok()).and_then(|r| {
                    let (a, b) = r.strip_prefix("bytes=")?.split_once('-')?;
                    let a: u64 = a.parse().ok()?;
                    let b: u64 = if b.is_empty() { size.saturating_sub(1) } else { b.parse::<u64>().ok()?.min(size.saturating_sub(1)) };
                    Some((a, b))
                });
                let (status, offset, len) = match range {
                    Some((a, b)) if a <= b && a < size => (StatusCode::PARTIAL_CONTENT, a, b - a + 1),
                    _ => (StatusCode::OK, 0, size),
                };
                let body = PatternBody { pattern: pattern.clone(), offset, left: if method == "HEAD" { 0 } else { len } };
                let mut r = Response::new(http_body_util::Either::Left(body));
                *r.status_mut() = status;
                let h = r.headers_mut();
                h.insert("content-length", http::HeaderValue::from(len));
                h.insert("accept-ranges", http::HeaderValue::from_static("bytes"));
                h.insert("last-modified", http::HeaderValue::from_static("Thu, 01 Jan 2026 00:00:00 GMT"));
                h.insert("content-type", http::HeaderValue::from_static("application/octet-stream"));
                if status == StatusCode::PARTIAL_CONTENT {
                    h.insert("content-range", http::HeaderValue::from_str(&format!("bytes {offset}-{}/{size}", offset + len - 1)).unwrap());
                }
                etag(&mut r);
                r
            }
        },
        _ => text(StatusCode::NOT_IMPLEMENTED, format!("<Error><Code>NotImplemented</Code><Message>{method} {path}?{q}</Message></Error>")),
    };
    Ok(reply)
}

/// The object bytes a request carries: an aws-chunked body's decoded length, else its
/// content length.
fn body_len(h: &http::HeaderMap) -> u64 {
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    get("x-amz-decoded-content-length")
        .or_else(|| get("content-length"))
        .unwrap_or(0)
}

/// Serves forever on 127.0.0.1 (a free port), printing the port on stdout.
pub fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        let objects: Objects = Arc::default();
        let pattern: Bytes = (0..PATTERN_LEN)
            .map(|i| (i * 7 % 251) as u8)
            .collect::<Vec<_>>()
            .into();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (objects, pattern) = (objects.clone(), pattern.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    handle(req, objects.clone(), pattern.clone())
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}
