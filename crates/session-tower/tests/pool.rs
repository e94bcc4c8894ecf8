//! Connection reuse of the transport's pool, against an in-process STUB server (raw TCP,
//! HTTP/1.1 keep-alive) that counts the connections it accepts.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::Request;
use session_tower::transport::Transport;
use session_tower::SdkBody;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Barrier};
use tower::ServiceExt;

const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";

/// The stub server of these tests and what it observed.
struct Server {
    url: String,
    /// Connections accepted.
    accepted: Arc<AtomicUsize>,
    /// One message per connection the client closed after the server closed it (sent once
    /// the server reads the client's end of the stream).
    closed: mpsc::UnboundedReceiver<()>,
}

/// Serves `per_connection` answers on each connection (keep-alive), then closes it without
/// saying so. With `gate`, the first `gate.len()` requests (counted over all connections)
/// are answered only once that many are waiting at once.
async fn server(per_connection: usize, gate: Option<Gate>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let (closed_tx, closed) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            count.fetch_add(1, Ordering::SeqCst);
            let (gate, closed_tx) = (gate.clone(), closed_tx.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                for _ in 0..per_connection {
                    // One request per read is enough for these small requests.
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if let Some(gate) = &gate {
                        gate.pass().await;
                    }
                    if sock.write_all(ANSWER).await.is_err() {
                        return;
                    }
                }
                // Close our side, then wait for the client to close its own: from then on
                // the client's connection is known to be dead, with no timer involved.
                let _ = sock.shutdown().await;
                while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {}
                let _ = closed_tx.send(());
            });
        }
    });
    Server {
        url,
        accepted,
        closed,
    }
}

/// Holds the first `len` requests the server reads until all `len` are waiting together.
#[derive(Clone)]
struct Gate {
    barrier: Arc<Barrier>,
    arrived: Arc<AtomicUsize>,
    len: usize,
}

impl Gate {
    fn new(len: usize) -> Self {
        Self {
            barrier: Arc::new(Barrier::new(len)),
            arrived: Arc::new(AtomicUsize::new(0)),
            len,
        }
    }

    async fn pass(&self) {
        if self.arrived.fetch_add(1, Ordering::SeqCst) < self.len {
            self.barrier.wait().await;
        }
    }
}

/// Fails a test that would hang (a gate that never opens, a close never seen) instead of
/// letting it block the suite. Not a synchronization: nothing waits for it to elapse.
async fn bounded<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 30 s"))
}

fn get(url: &str) -> Request<SdkBody> {
    Request::get(format!("{url}/x"))
        .body(SdkBody::empty())
        .unwrap()
}

#[tokio::test]
async fn keep_alive_connections_are_reused() {
    let Server { url, accepted, .. } = server(usize::MAX, None).await;
    let transport = Transport::builder().build().unwrap();
    for _ in 0..20 {
        let resp = transport.clone().oneshot(get(&url)).await.unwrap();
        assert_eq!(resp.into_body().collect().await.unwrap(), "hello");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unread_bodies_do_not_poison_the_pool() {
    let Server { url, accepted, .. } = server(usize::MAX, None).await;
    let transport = Transport::builder().build().unwrap();
    for _ in 0..5 {
        let resp = transport.clone().oneshot(get(&url)).await.unwrap();
        drop(resp); // body never read: its connection cannot be reused
    }
    let resp = transport.clone().oneshot(get(&url)).await.unwrap();
    assert_eq!(resp.into_body().collect().await.unwrap(), "hello");
    // Tiny bodies may arrive with the head and count as read; either way every answer was
    // right and no more than one connection per request was opened.
    assert!(accepted.load(Ordering::SeqCst) <= 6);
}

#[tokio::test]
async fn connections_closed_while_idle_are_replaced_transparently() {
    // Each connection answers once, then the server drops it without a `Connection: close`.
    let Server {
        url,
        accepted,
        mut closed,
    } = server(1, None).await;
    let transport = Transport::builder().build().unwrap();
    for _ in 0..10 {
        let resp = transport.clone().oneshot(get(&url)).await.unwrap();
        assert_eq!(resp.into_body().collect().await.unwrap(), "hello");
        // The next request starts only once the connection it would reuse is closed at
        // both ends, as it would be after sitting idle past the server's keep-alive.
        bounded("the close", closed.recv()).await.unwrap();
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn concurrent_requests_use_several_connections_and_all_succeed() {
    const CALLERS: usize = 32;
    // The server answers nothing until every caller's first request is waiting: HTTP/1.1
    // carries one request at a time, so those 32 requests need 32 connections.
    let Server { url, accepted, .. } = server(usize::MAX, Some(Gate::new(CALLERS))).await;
    let transport = Transport::builder().build().unwrap();
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let t = transport.clone();
            let url = url.clone();
            tokio::spawn(async move {
                for _ in 0..10 {
                    let resp = t.clone().oneshot(get(&url)).await.unwrap();
                    assert_eq!(resp.into_body().collect().await.unwrap(), "hello");
                }
            })
        })
        .collect();
    bounded("the callers", async {
        for t in tasks {
            t.await.unwrap();
        }
    })
    .await;
    let n = accepted.load(Ordering::SeqCst);
    assert!(
        (1..=32).contains(&n),
        "{n} connections for 32 concurrent callers"
    );
    // Several connections, and then reuse: a caller opens a connection only when every one
    // already open is busy with another caller's request, so never more than one each.
    assert_eq!(n, CALLERS, "one connection per concurrent caller");
}
