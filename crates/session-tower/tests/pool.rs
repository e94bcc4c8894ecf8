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
use tower::ServiceExt;

const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";

/// Serves `per_connection` answers on each connection (keep-alive), then closes it without
/// saying so. Returns the address and the number of connections accepted.
async fn server(per_connection: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                for _ in 0..per_connection {
                    // One request per read is enough for these small requests.
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if sock.write_all(ANSWER).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, accepted)
}

fn get(url: &str) -> Request<SdkBody> {
    Request::get(format!("{url}/x"))
        .body(SdkBody::empty())
        .unwrap()
}

#[tokio::test]
async fn keep_alive_connections_are_reused() {
    let (url, accepted) = server(usize::MAX).await;
    let transport = Transport::builder().build().unwrap();
    for _ in 0..20 {
        let resp = transport.clone().oneshot(get(&url)).await.unwrap();
        assert_eq!(resp.into_body().collect().await.unwrap(), "hello");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unread_bodies_do_not_poison_the_pool() {
    let (url, accepted) = server(usize::MAX).await;
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
    let (url, accepted) = server(1).await;
    let transport = Transport::builder().build().unwrap();
    for _ in 0..10 {
        let resp = transport.clone().oneshot(get(&url)).await.unwrap();
        assert_eq!(resp.into_body().collect().await.unwrap(), "hello");
        // Give the server's close time to arrive, as it would while a connection sits idle.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn concurrent_requests_use_several_connections_and_all_succeed() {
    let (url, accepted) = server(usize::MAX).await;
    let transport = Transport::builder().build().unwrap();
    let tasks: Vec<_> = (0..32)
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
    for t in tasks {
        t.await.unwrap();
    }
    let n = accepted.load(Ordering::SeqCst);
    assert!(
        (1..=32).contains(&n),
        "{n} connections for 32 concurrent callers"
    );
}
