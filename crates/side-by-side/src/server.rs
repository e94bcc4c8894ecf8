//! The canned server (role `server`): answers the four exchanges with recorded responses,
//! counts every request by kind, and reports the counts on `GET /__count` (not counted).
//!
//! It runs on one thread in its own process, so its CPU never lands in a contender's
//! `getrusage`. It checks only what tells the exchanges apart (method, path, SQS target,
//! the PutObject body's length); anything else is answered 400 and counted as `other`.

use std::collections::HashSet;
use std::convert::Infallible;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;

use crate::exchange::{self, Recorded};

/// Request kinds the server counts, in the order of `/__count`'s answer.
pub(crate) const KINDS: [&str; 5] = ["sqs", "get", "put", "list", "other"];

/// Set to print each distinct request head (by kind and header names) on stderr: what
/// each contender actually sends.
pub(crate) const DUMP_ENV: &str = "SIDE_BY_SIDE_DUMP_REQUESTS";

/// The path of the count report.
pub(crate) const COUNT_PATH: &str = "/__count";

/// Request shapes already printed: kind and header names.
type Shapes = HashSet<(usize, Vec<String>)>;

struct Canned {
    sqs: Recorded,
    get: Recorded,
    put: Recorded,
    list: Recorded,
    object_path: String,
    listing_path: String,
    counts: [AtomicU64; 5],
    /// `Some` when [`DUMP_ENV`] is set: the request shapes already printed.
    dumped: Option<Mutex<Shapes>>,
}

/// Serves until killed; prints the port on stdout first.
///
/// # Errors
/// The listener cannot be bound or the runtime cannot start.
pub(crate) fn run() -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("server runtime: {e}"))?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let mut out = std::io::stdout();
        writeln!(out, "{port}")
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
        let canned = Arc::new(Canned {
            sqs: exchange::send_message(),
            get: exchange::get_object(),
            put: exchange::put_object(),
            list: exchange::list_objects_v2(),
            object_path: format!("/{}/{}", exchange::OBJECT_BUCKET, exchange::OBJECT_KEY),
            listing_path: format!("/{}", exchange::LISTING_BUCKET),
            counts: Default::default(),
            dumped: std::env::var_os(DUMP_ENV).map(|_| Mutex::default()),
        });
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let canned = Arc::clone(&canned);
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let canned = Arc::clone(&canned);
                    async move { Ok::<_, Infallible>(canned.answer(req).await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await;
            });
        }
    })
}

impl Canned {
    async fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
            return self.reject("request body cut short");
        };
        let path = parts.uri.path();
        let (kind, recorded) = match (&parts.method, path) {
            (&Method::GET, COUNT_PATH) => return self.report(),
            (&Method::POST, "/")
                if parts.headers.get("x-amz-target").map(|v| v.as_bytes())
                    == Some(b"AmazonSQS.SendMessage") =>
            {
                (0, &self.sqs)
            }
            (&Method::GET, p) if p == self.object_path => (1, &self.get),
            (&Method::PUT, p) if p == self.object_path && body.len() == 1024 => (2, &self.put),
            (&Method::GET, p)
                if p.trim_end_matches('/') == self.listing_path
                    && parts.uri.query().is_some_and(|q| q.contains("list-type=2")) =>
            {
                (3, &self.list)
            }
            _ => return self.reject("not one of the four exchanges"),
        };
        self.counts[kind].fetch_add(1, Ordering::Relaxed);
        if let Some(dumped) = &self.dumped {
            dump(dumped, kind, &parts, body.len());
        }
        let mut resp = Response::builder();
        for (name, value) in &recorded.headers {
            resp = resp.header(*name, *value);
        }
        resp.body(Full::new(recorded.body.clone()))
            .unwrap_or_else(|_| Response::new(Full::default()))
    }

    fn report(&self) -> Response<Full<Bytes>> {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed).to_string())
            .collect();
        Response::new(Full::new(Bytes::from(counts.join(" "))))
    }

    fn reject(&self, why: &'static str) -> Response<Full<Bytes>> {
        self.counts[4].fetch_add(1, Ordering::Relaxed);
        let mut resp = Response::new(Full::new(Bytes::from_static(why.as_bytes())));
        *resp.status_mut() = StatusCode::BAD_REQUEST;
        resp
    }
}

fn dump(dumped: &Mutex<Shapes>, kind: usize, parts: &http::request::Parts, body_len: usize) {
    let names: Vec<String> = parts.headers.keys().map(|k| k.to_string()).collect();
    let mut seen = dumped
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !seen.insert((kind, names)) {
        return;
    }
    let mut text = format!(
        "{} {} {} ({body_len} body bytes)\n",
        KINDS[kind], parts.method, parts.uri
    );
    for (name, value) in &parts.headers {
        let value = if name == http::header::AUTHORIZATION {
            format!("<{} bytes>", value.len())
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        text.push_str(&format!("  {name}: {value}\n"));
    }
    eprint!("{text}");
}
