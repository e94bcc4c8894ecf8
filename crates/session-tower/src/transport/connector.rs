//! The connector under both HTTP clients: TCP, then TLS for `https` URLs with the
//! configuration [`Tls`] gives at that moment (so the root store is loaded by the first TLS
//! connection, not by building a transport).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::uri::Scheme;
use http::Uri;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use tower_service::Service;

use super::tls::Tls;
use crate::metrics::TcpTimed;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A connection, with or without TLS.
pub(crate) type Stream = MaybeHttpsStream<<HttpConnector as Service<Uri>>::Response>;

/// TCP (timed for the TLS handshake metric), then TLS where the URL says `https`.
#[derive(Clone)]
pub(crate) struct Connector {
    tcp: TcpTimed<HttpConnector>,
    tls: Tls,
}

impl Connector {
    pub(super) fn new(tcp: HttpConnector, tls: Tls) -> Self {
        Self {
            tcp: TcpTimed(tcp),
            tls,
        }
    }
}

impl Service<Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // hyper-util's HttpConnector is always ready; each call clones it.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        if uri.scheme() == Some(&Scheme::HTTPS) {
            return match self.tls.config() {
                Ok(config) => HttpsConnector::from((self.tcp.clone(), config)).call(uri),
                Err(e) => Box::pin(std::future::ready(Err(e.into()))),
            };
        }
        if uri.scheme() != Some(&Scheme::HTTP) {
            let message = format!("unsupported URL scheme in {uri}");
            return Box::pin(std::future::ready(Err(message.into())));
        }
        let connecting = self.tcp.call(uri);
        Box::pin(async move { Ok(MaybeHttpsStream::Http(connecting.await?)) })
    }
}
