//! The HTTP transport: hyper-util's pooled client over rustls.
//!
//! HTTP/1.1 keep-alive by default (HTTP/2 with the `http2` feature and
//! [`TransportBuilder::http2`]). TLS with rustls and the webpki roots, plus the certificates
//! of `ca_bundle` when set. Plain `http://` is accepted by the transport; the endpoint layer
//! only produces it for explicitly configured endpoint URLs.

mod connector;
pub(crate) mod pool;
mod tls;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_service::Service;

use crate::body::SdkBody;
use crate::error::{Error, Kind};

use connector::Connector;

/// The pooled HTTP client every stack of a session sends through.
///
/// Cloning is cheap and clones share one connection pool.
#[derive(Clone)]
pub struct Transport {
    client: Inner,
}

#[derive(Clone)]
enum Inner {
    /// Our HTTP/1.1 pool (the default).
    Lean(pool::LeanClient),
    /// hyper-util's client, for HTTP/2.
    Util(Client<Connector, SdkBody>),
}

impl Transport {
    /// A builder with the documented defaults.
    pub fn builder() -> TransportBuilder {
        TransportBuilder::default()
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Transport")
    }
}

/// Settings of a [`Transport`].
#[must_use]
#[derive(Debug, Clone)]
pub struct TransportBuilder {
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    http2: bool,
    ca_bundle: Option<std::path::PathBuf>,
}

impl Default for TransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Some(Duration::from_millis(3100)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            pool_max_idle_per_host: 64,
            http2: false,
            ca_bundle: None,
        }
    }
}

impl TransportBuilder {
    /// Time allowed to open a TCP connection. Default: 3.1 s (the session's
    /// `connect_timeout`). `None` waits as long as the OS does.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept. Default: 90 s.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Idle connections kept per host. Default: 64.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Offer HTTP/2 over TLS (ALPN). Default: off. Needs the `http2` feature, else ignored.
    pub fn http2(mut self, enabled: bool) -> Self {
        self.http2 = enabled;
        self
    }

    /// A PEM file of extra trusted certificates (the session's `ca_bundle`). Default: none,
    /// only the webpki roots.
    pub fn ca_bundle(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.ca_bundle = path;
        self
    }

    /// Builds the transport. Reads the CA bundle, if any; the default TLS configuration (the
    /// webpki roots) is built by the first TLS connection of the process and shared.
    ///
    /// # Errors
    /// An unreadable or empty CA bundle.
    pub fn build(self) -> Result<Transport, Error> {
        let http2 = self.http2 && cfg!(feature = "http2");
        let tls = tls::Tls::new(self.ca_bundle.as_deref(), http2)?;
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(self.connect_timeout);
        let connector = Connector::new(tcp, tls);
        let client = if http2 {
            Inner::Util(
                Client::builder(TokioExecutor::new())
                    .pool_idle_timeout(self.pool_idle_timeout)
                    .pool_max_idle_per_host(self.pool_max_idle_per_host)
                    .pool_timer(hyper_util::rt::TokioTimer::new())
                    .build(connector),
            )
        } else {
            Inner::Lean(pool::LeanClient::new(
                connector,
                pool::Pool::new(self.pool_idle_timeout, self.pool_max_idle_per_host),
            ))
        };
        Ok(Transport { client })
    }
}

impl Transport {
    /// Sends `req` (what [`Service::call`] does, without needing `&mut`).
    pub(crate) fn request(&self, req: Request<SdkBody>) -> TransportFuture {
        TransportFuture {
            inner: match &self.client {
                Inner::Lean(c) => FutureInner::Lean(c.request(req)),
                Inner::Util(c) => FutureInner::Util(c.request(req)),
            },
        }
    }
}

/// hyper-util's error as ours: connection failures are retryable connect errors.
fn util_error(e: hyper_util::client::legacy::Error) -> Error {
    let kind = if e.is_connect() {
        Kind::Connect
    } else {
        Kind::Io
    };
    Error::new(kind).source_from(e)
}

impl Service<Request<SdkBody>> for Transport {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        // hyper-util's client queues internally and is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> TransportFuture {
        self.request(req)
    }
}

/// The future of a [`Transport`] call.
pub struct TransportFuture {
    inner: FutureInner,
}

impl TransportFuture {
    /// Another HTTP client's future, boxed, as a transport future.
    pub(crate) fn boxed(
        inner: impl Future<Output = Result<Response<SdkBody>, Error>> + Send + 'static,
    ) -> Self {
        Self {
            inner: FutureInner::Lean(Box::pin(inner)),
        }
    }
}

enum FutureInner {
    /// Our pool's future, or another client's (both boxed).
    Lean(pool::LeanFuture),
    Util(hyper_util::client::legacy::ResponseFuture),
}

impl Future for TransportFuture {
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let util = match &mut self.inner {
            FutureInner::Lean(f) => return f.as_mut().poll(cx),
            FutureInner::Util(f) => f,
        };
        Pin::new(util)
            .poll(cx)
            .map_ok(|resp| resp.map(SdkBody::from_incoming))
            .map_err(util_error)
    }
}

impl fmt::Debug for TransportFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TransportFuture")
    }
}
