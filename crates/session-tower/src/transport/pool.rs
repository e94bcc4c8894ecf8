//! A lean HTTP/1.1 connection pool over hyper's connection API.
//!
//! hyper-util's pooled client is general (HTTP/2, proxies, any executor) and pays for it on
//! every request. This pool does one thing: per (scheme, authority), keep idle HTTP/1.1
//! connections and hand one out, or open a new one. A connection goes back to the pool when
//! its response body has been read to the end (an unread body means the connection cannot be
//! reused, so it is closed instead). A request that a pooled connection refused before
//! sending it — the server had closed the connection while it sat idle — is sent again on a
//! fresh connection, so servers that close every connection cause no errors.
//!
//! A request whose future is dropped before its response head (the loser of a hedged pair,
//! an elapsed timeout) takes its connection with it: a connection returns to the idle list
//! only through the [`Checkin`] of a response body read to its end, so one with a request
//! or an unread answer on it is never handed out again (hyper closes it when its sender is
//! dropped). `tests/hedge.rs` checks this against a server that answers late.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, Uri};
use hyper::client::conn::http1::{self, SendRequest};
use tower::ServiceExt;

use super::Connector;
use crate::body::SdkBody;
use crate::error::{Error, Kind};
use crate::metrics::{self, Stopwatch, TlsTiming};

type Sender = SendRequest<SdkBody>;

#[derive(Clone, PartialEq, Eq)]
struct Key {
    https: bool,
    authority: Authority,
}

struct Idle {
    key: Key,
    sender: Sender,
    since: Instant,
}

pub(crate) struct Pool {
    idle: Mutex<Vec<Idle>>,
    idle_timeout: Option<Duration>,
    max_idle_per_host: usize,
}

impl Pool {
    pub(crate) fn new(idle_timeout: Option<Duration>, max_idle_per_host: usize) -> Self {
        Self {
            idle: Mutex::new(Vec::new()),
            idle_timeout,
            max_idle_per_host,
        }
    }

    /// The most recently used live connection for `key`. Dead or expired ones met on the way
    /// are dropped; the lock is held for a few comparisons, not a scan of the whole pool.
    fn checkout(&self, key: &Key) -> Option<Sender> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        while let Some(pos) = idle.iter().rposition(|i| &i.key == key) {
            let entry = idle.swap_remove(pos);
            let expired = self.idle_timeout.is_some_and(|t| now - entry.since > t);
            if !entry.sender.is_closed() && !expired {
                return Some(entry.sender);
            }
            metrics::idle_dropped();
        }
        None
    }

    /// Puts a connection whose exchange is finished back on the idle list (unless it is
    /// closed or the host has enough idle ones, when it is dropped and so closed).
    fn checkin(&self, key: Key, sender: Sender, in_use: metrics::InUse) {
        if sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() >= self.max_idle_per_host
            && idle.iter().filter(|i| i.key == key).count() >= self.max_idle_per_host
        {
            return;
        }
        idle.push(Idle {
            key,
            sender,
            since: Instant::now(),
        });
        in_use.into_idle();
    }
}

/// Gives a connection back to its pool once the response body on it is finished. Dropped
/// instead (a body dropped half-read, a response never read), it closes the connection: only
/// [`Checkin::release`] returns one to the pool.
pub(crate) struct Checkin {
    pool: Arc<Pool>,
    key: Key,
    sender: Sender,
    in_use: metrics::InUse,
}

impl Checkin {
    pub(crate) fn release(self) {
        self.pool.checkin(self.key, self.sender, self.in_use);
    }
}

/// The lean client: a connector and a pool, behind one `Arc` so a request clones one
/// reference count, not one per part.
#[derive(Clone)]
pub(crate) struct LeanClient {
    inner: Arc<LeanInner>,
}

struct LeanInner {
    connector: Connector,
    pool: Arc<Pool>,
}

pub(crate) type LeanFuture = Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send>>;

impl LeanClient {
    pub(crate) fn new(connector: Connector, pool: Pool) -> Self {
        Self {
            inner: Arc::new(LeanInner {
                connector,
                pool: Arc::new(pool),
            }),
        }
    }

    pub(crate) fn request(&self, req: Request<SdkBody>) -> LeanFuture {
        // Checked and put in origin form here, so that the boxed future holds one request
        // and stays small: glibc serves blocks up to 1 KiB from a per-thread cache, and
        // larger ones take its arena lock, which other threads' frees contend for.
        match prepare(req) {
            Ok((key, req)) => Box::pin(self.clone().send(key, req)),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    async fn connect(&self, key: &Key) -> Result<Sender, Error> {
        let scheme = if key.https {
            Scheme::HTTPS
        } else {
            Scheme::HTTP
        };
        let uri = Uri::builder()
            .scheme(scheme)
            .authority(key.authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|e| Error::with(Kind::Connect, "invalid URL").source_from(e))?;
        let connecting = self.inner.connector.clone().oneshot(uri);
        let (io, tls_handshake) = TlsTiming::measure(connecting, key.https).await;
        let io = io.map_err(|e| Error::new(Kind::Connect).source_from(e))?;
        let (sender, conn) = http1::Builder::new()
            .handshake(io)
            .await
            .map_err(|e| Error::new(Kind::Connect).source_from(e))?;
        metrics::global::opened(tls_handshake);
        tokio::spawn(async move {
            // Ends when the server or the last sender closes the connection.
            let _ = conn.await;
        });
        Ok(sender)
    }

    // An `async move` block rather than an `async fn`: an async fn copies its arguments
    // into locals and keeps both, which would hold the request twice.
    #[allow(clippy::manual_async_fn)]
    fn send(
        self,
        key: Key,
        mut req: Request<SdkBody>,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send {
        async move {
            // A pooled connection may have been closed by the server while idle; a request it
            // refuses unsent is tried on the next one, and finally on a fresh connection.
            let acquiring = Stopwatch::start();
            loop {
                let (mut sender, fresh) = match self.inner.pool.checkout(&key) {
                    Some(s) => (s, false),
                    // Boxed: connecting (TCP, TLS) is a large state machine that most
                    // requests never enter; inline, every request's future would carry it.
                    None => (Box::pin(self.connect(&key)).await?, true),
                };
                // Counted as acquired until it goes back to the idle list or, dropped with
                // this future or its response, closes.
                let in_use = metrics::InUse::new(!fresh);
                if sender.ready().await.is_err() {
                    if fresh {
                        return Err(Error::with(
                            Kind::Connect,
                            "the connection closed before the request",
                        ));
                    }
                    continue;
                }
                let sending = metrics::global::acquired(acquiring);
                match sender.try_send_request(req).await {
                    Ok(resp) => {
                        metrics::global::first_byte(sending);
                        let checkin = Checkin {
                            pool: self.inner.pool.clone(),
                            key,
                            sender,
                            in_use,
                        };
                        return Ok(resp.map(|body| SdkBody::from_pooled(body, checkin)));
                    }
                    Err(mut e) => match e.take_message() {
                        Some(unsent) if !fresh => req = unsent,
                        _ => return Err(Error::new(Kind::Io).source_from(e.into_error())),
                    },
                }
            }
        }
    }
}

/// Checks that `req` has an absolute http(s) URL, sets its `Host`, and turns its URI into
/// origin form (HTTP/1.1 requests carry the path and query only).
fn prepare(mut req: Request<SdkBody>) -> Result<(Key, Request<SdkBody>), Error> {
    let uri = req.uri();
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(Error::request("request URL must be absolute http or https")),
    };
    let authority = uri
        .authority()
        .cloned()
        .ok_or_else(|| Error::request("request URL has no host"))?;
    if !req.headers().contains_key(http::header::HOST) {
        let host = HeaderValue::from_str(authority.as_str())
            .map_err(|e| Error::request("invalid host").source_from(e))?;
        req.headers_mut().insert(http::header::HOST, host);
    }
    let origin = req
        .uri()
        .path_and_query()
        .cloned()
        .unwrap_or_else(|| PathAndQuery::from_static("/"));
    *req.uri_mut() = Uri::from(origin);
    Ok((Key { https, authority }, req))
}
