//! The canned SQS server: answers every `SendMessage` with a recorded-shape success, except
//! a chosen share of requests, whose connection is reset (RST, no answer) or which get a
//! `503 ServiceUnavailable`.
//!
//! An in-process STUB over tokio's `TcpListener`, writing raw HTTP/1.1: no installable
//! SQS resets connections on demand, and a server library would not send an RST. Unlike
//! `session_testkit::faults::FaultServer` it keeps no record of the requests it read (that
//! record would grow by a million entries and hide the client's memory in the samples);
//! it only counts them.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Request heads larger than this are refused (the client's are a few hundred bytes).
const MAX_HEAD: usize = 16 * 1024;

/// What the server does to its requests, in parts per 10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Faults {
    /// Connections reset instead of answered.
    pub reset_per_10k: u32,
    /// Requests answered `503`.
    pub unavailable_per_10k: u32,
    /// Seed of the fault choice, so a run can be repeated.
    pub seed: u64,
}

impl Default for Faults {
    /// 1% resets, 1% 503s.
    fn default() -> Self {
        Self {
            reset_per_10k: 100,
            unavailable_per_10k: 100,
            seed: 7,
        }
    }
}

/// What the server saw and did.
#[derive(Debug, Default)]
pub struct ServerCounts {
    /// Requests read whole.
    pub requests: AtomicU64,
    /// Connections accepted.
    pub connections: AtomicU64,
    /// Connections reset.
    pub resets: AtomicU64,
    /// `503` answers.
    pub unavailable: AtomicU64,
    /// `200` answers.
    pub ok: AtomicU64,
}

/// The server on `127.0.0.1:<free port>`; stops when dropped.
#[derive(Debug)]
pub struct CannedSqs {
    addr: SocketAddr,
    counts: Arc<ServerCounts>,
    accept: JoinHandle<()>,
}

impl CannedSqs {
    /// Listens on a free loopback port; every answer to a `SendMessage` of `message` says
    /// it was sent (with its MD5, which the client checks).
    ///
    /// # Errors
    /// No loopback port could be bound.
    pub async fn start(faults: Faults, message: &str) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let counts = Arc::new(ServerCounts::default());
        let ok = Arc::new(ok_answer(message));
        let rng = Arc::new(Mutex::new(fastrand::Rng::with_seed(faults.seed)));
        let shared = counts.clone();
        let accept = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::Relaxed);
                let (counts, ok, rng) = (shared.clone(), ok.clone(), rng.clone());
                tokio::spawn(async move {
                    let _ = serve(sock, faults, &counts, &ok, &rng).await;
                });
            }
        });
        Ok(Self {
            addr,
            counts,
            accept,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What it saw and did so far.
    pub fn counts(&self) -> &ServerCounts {
        &self.counts
    }
}

impl Drop for CannedSqs {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// The whole `200` answer to a `SendMessage` of `message`.
fn ok_answer(message: &str) -> Vec<u8> {
    use md5::Digest as _;
    let md5: String = md5::Md5::digest(message.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let body = format!(
        r#"{{"MD5OfMessageBody":"{md5}","MessageId":"5fea7756-0ea4-451a-a703-a558b933e274"}}"#
    );
    answer(200, "OK", &body)
}

fn answer(status: u16, reason: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: soak\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

enum Plan {
    Ok,
    Reset,
    Unavailable,
}

fn choose(faults: Faults, rng: &Mutex<fastrand::Rng>) -> Plan {
    let roll = rng
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .u32(0..10_000);
    if roll < faults.reset_per_10k {
        Plan::Reset
    } else if roll < faults.reset_per_10k + faults.unavailable_per_10k {
        Plan::Unavailable
    } else {
        Plan::Ok
    }
}

/// Serves one keep-alive connection until the client closes it or a plan resets it.
async fn serve(
    mut sock: TcpStream,
    faults: Faults,
    counts: &ServerCounts,
    ok: &[u8],
    rng: &Mutex<fastrand::Rng>,
) -> io::Result<()> {
    sock.set_nodelay(true)?;
    let unavailable = answer(
        503,
        "Service Unavailable",
        r#"{"__type":"com.amazonaws.sqs#ServiceUnavailable","message":"Service is unavailable. Try again later."}"#,
    );
    let mut buf = Vec::with_capacity(4096);
    loop {
        if !read_request(&mut sock, &mut buf).await? {
            return Ok(());
        }
        counts.requests.fetch_add(1, Ordering::Relaxed);
        match choose(faults, rng) {
            Plan::Ok => {
                counts.ok.fetch_add(1, Ordering::Relaxed);
                sock.write_all(ok).await?;
            }
            Plan::Unavailable => {
                counts.unavailable.fetch_add(1, Ordering::Relaxed);
                sock.write_all(&unavailable).await?;
            }
            Plan::Reset => {
                counts.resets.fetch_add(1, Ordering::Relaxed);
                // Linger 0: closing sends RST, the client sees a reset, not an end of file.
                socket2::SockRef::from(&sock).set_linger(Some(Duration::ZERO))?;
                return Ok(());
            }
        }
    }
}

/// Reads one request (head and `Content-Length` body) into `buf`, leaving any bytes of
/// the next one there; `false` at a clean end of the connection.
async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
        if !fill(sock, buf).await? {
            return Ok(false);
        }
    };
    let length = content_length(&buf[..head_end]);
    while buf.len() < head_end + length {
        if !fill(sock, buf).await? {
            return Ok(false);
        }
    }
    buf.drain(..head_end + length);
    Ok(true)
}

async fn fill(sock: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 4096];
    let n = sock.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `Content-Length` of a request head (0 when absent or unreadable).
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_is_found_in_any_case() {
        let head = b"POST / HTTP/1.1\r\nHost: x\r\ncontent-LENGTH: 42\r\n\r\n";
        assert_eq!(content_length(head), 42);
        assert_eq!(content_length(b"GET / HTTP/1.1\r\n\r\n"), 0);
    }

    #[test]
    fn the_fault_shares_are_what_was_asked() {
        let faults = Faults::default();
        let rng = Mutex::new(fastrand::Rng::with_seed(1));
        let (mut resets, mut unavailable) = (0, 0);
        for _ in 0..100_000 {
            match choose(faults, &rng) {
                Plan::Reset => resets += 1,
                Plan::Unavailable => unavailable += 1,
                Plan::Ok => {}
            }
        }
        // 1% of 100,000 each, within a generous margin.
        assert!((800..1200).contains(&resets), "{resets}");
        assert!((800..1200).contains(&unavailable), "{unavailable}");
    }
}
