//! Timing the TLS handshake of a new connection.
//!
//! hyper-rustls's connector runs the TCP connect of the connector it wraps and then the
//! handshake, in one future. [`TcpTimed`] wraps the TCP connector and notes when it
//! connected; [`TlsTiming::measure`] runs a whole connect and takes the time after that
//! note as the handshake's. The note travels in a task-local value, set only inside
//! `measure` (a connect made elsewhere notes nothing).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tower_service::Service;

#[cfg(feature = "metrics")]
tokio::task_local! {
    static TCP_CONNECTED: std::cell::Cell<Option<std::time::Instant>>;
}

/// A TCP connector that notes when its connection is up.
#[derive(Clone, Debug)]
pub(crate) struct TcpTimed<C>(pub(crate) C);

impl<C, R> Service<R> for TcpTimed<C>
where
    C: Service<R>,
{
    type Response = C::Response;
    type Error = C::Error;
    type Future = TcpFuture<C::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        TcpFuture {
            inner: self.0.call(req),
        }
    }
}

pin_project! {
    /// The future of [`TcpTimed`].
    pub(crate) struct TcpFuture<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for TcpFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let out = std::task::ready!(self.project().inner.poll(cx));
        #[cfg(feature = "metrics")]
        let _ = TCP_CONNECTED.try_with(|at| at.set(Some(std::time::Instant::now())));
        Poll::Ready(out)
    }
}

/// Measures the TLS handshake of a connect.
pub(crate) struct TlsTiming;

impl TlsTiming {
    /// Runs `connecting` (a connector wrapping [`TcpTimed`]); with the output, the time from
    /// the TCP connection to the end, when `tls` says a handshake took place.
    pub(crate) async fn measure<F: Future>(
        connecting: F,
        tls: bool,
    ) -> (F::Output, Option<Duration>) {
        #[cfg(feature = "metrics")]
        {
            TCP_CONNECTED
                .scope(std::cell::Cell::new(None), async move {
                    let out = connecting.await;
                    let handshake = TCP_CONNECTED
                        .with(std::cell::Cell::get)
                        .filter(|_| tls)
                        .map(|at| at.elapsed());
                    (out, handshake)
                })
                .await
        }
        #[cfg(not(feature = "metrics"))]
        {
            let _ = tls;
            (connecting.await, None)
        }
    }
}
