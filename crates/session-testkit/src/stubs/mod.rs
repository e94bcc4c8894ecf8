//! STUBS of the credential endpoints that have no installable peer: the EC2 instance
//! metadata service ([`ImdsStub`]), the container credentials endpoint of ECS / EKS Pod
//! Identity ([`ContainerStub`]) and the IAM Identity Center portal's GetRoleCredentials
//! ([`SsoStub`]).
//!
//! These are not the real services. Each is a small in-process HTTP/1.1 responder on
//! `127.0.0.1:<free port>` that follows the documented protocol closely enough to test a
//! client against it: the paths, the headers that carry tokens, the JSON documents and the
//! error statuses. Each counts the requests it sees so that tests can assert on caching and
//! retries, and can be told to misbehave (wrong answers, expired credentials, hanging,
//! refusing connections).
//!
//! They need a tokio runtime with the `net` and `time` drivers (`#[tokio::test]`), answer one
//! request per connection (`Connection: close`), and stop when dropped.
//!
//! ```no_run
//! use std::time::Duration;
//! use session_testkit::stubs::{ImdsStub, StubCredentials};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let imds = ImdsStub::start("my-role", StubCredentials::valid_for(Duration::from_secs(3600))).await?;
//! // Point an IMDS client at imds.endpoint(); afterwards:
//! assert_eq!(imds.token_puts(), 1);
//! # Ok(()) }
//! ```

mod canned;
mod container;
mod imds;
mod sso;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub use canned::CannedHttp;
pub use container::ContainerStub;
pub use imds::ImdsStub;
pub use sso::SsoStub;

/// Fake temporary credentials that a stub hands out.
///
/// The values are made unique per instance (so a test can check that none of them leaks
/// into a message) and are not valid anywhere. `Debug` shows only the access key id.
#[derive(Clone)]
pub struct StubCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// When they expire.
    pub expiration: SystemTime,
}

impl StubCredentials {
    /// Credentials that expire `valid_for` from now (whole seconds, as the services say).
    pub fn valid_for(valid_for: Duration) -> Self {
        Self::expiring_at(whole_seconds(SystemTime::now() + valid_for))
    }

    /// Credentials that expired an hour ago.
    pub fn expired() -> Self {
        Self::expiring_at(whole_seconds(SystemTime::now() - Duration::from_secs(3600)))
    }

    fn expiring_at(expiration: SystemTime) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let salt = std::process::id();
        Self {
            access_key_id: format!("ASIASTUB{n:08}"),
            secret_access_key: format!("stub-secret-{salt}-{n}"),
            session_token: format!("stub-session-token-{salt}-{n}"),
            expiration,
        }
    }

    /// The expiration as RFC 3339 (`2030-01-01T00:00:00Z`), as IMDS and container endpoints
    /// send it.
    pub fn expiration_rfc3339(&self) -> String {
        rfc3339(self.expiration)
    }
}

impl fmt::Debug for StubCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StubCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration_rfc3339())
            .finish_non_exhaustive()
    }
}

fn whole_seconds(t: SystemTime) -> SystemTime {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// `t` as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds).
pub fn rfc3339(t: SystemTime) -> String {
    session_core::credentials::format_rfc3339(t)
}

/// A request as a stub sees it.
#[derive(Debug)]
pub(crate) struct StubRequest {
    pub(crate) method: String,
    /// The path without the query.
    pub(crate) path: String,
    /// Query parameters, percent-decoded.
    pub(crate) query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl StubRequest {
    /// The first header named `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter named `name`.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a stub does with a request.
pub(crate) enum Reply {
    /// Answer, then close.
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Keep the connection open and never answer (a black-holed service).
    Hang,
}

impl Reply {
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
        }
    }

    pub(crate) fn text(status: u16, body: impl Into<String>) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type", "text/plain".into())],
            body: body.into(),
        }
    }

    /// A scripted answer (`set_response` of the stubs): JSON-typed, whatever the body is.
    pub(crate) fn raw(status: u16, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_owned(),
        }
    }
}

type Handler = Arc<dyn Fn(&StubRequest) -> Reply + Send + Sync>;

/// The loopback listener every stub runs on.
struct Server {
    addr: SocketAddr,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Server {
    async fn start(handler: Handler) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let handler = handler.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, &handler).await;
                });
            }
        });
        Ok(Self {
            addr,
            task: Mutex::new(Some(task)),
        })
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops listening: from now on connections are refused.
    async fn stop(&self) {
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
            // Waiting for the task to end is what closes the listener.
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }
}

/// How long a stub waits for a client to finish sending a request.
const READ_LIMIT: Duration = Duration::from_secs(5);
/// How long a hanging stub holds a connection.
const HANG: Duration = Duration::from_secs(30);

async fn serve(mut sock: TcpStream, handler: &Handler) -> io::Result<()> {
    let Ok(req) = tokio::time::timeout(READ_LIMIT, read_request(&mut sock)).await else {
        return Ok(());
    };
    let Some(req) = req? else {
        return Ok(());
    };
    match handler(&req) {
        Reply::Hang => {
            tokio::time::sleep(HANG).await;
            Ok(())
        }
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body.as_bytes()).await?;
            sock.shutdown().await
        }
    }
}

/// Reads one request; `None` when the client closed before sending a whole head.
async fn read_request(sock: &mut TcpStream) -> io::Result<Option<StubRequest>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > 64 * 1024 {
            return Err(io::Error::other("request head too large"));
        }
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    // Bodies are not used by these protocols, but are drained so the client sees a clean
    // exchange.
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut have = buf.len() - head_end - 4;
    while have < length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        have += n;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    Ok(Some(StubRequest {
        method,
        path: percent_decode(path),
        query,
        headers,
    }))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Stub",
    }
}

/// A request counter shared between a stub and its handler.
#[derive(Default, Clone)]
struct Counter(Arc<AtomicUsize>);

impl Counter {
    fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_civil_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_893_456_000)),
            "2030-01-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400 + 3661)),
            "2000-02-29T01:01:01Z"
        );
    }

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(percent_decode("a%20b+c%2Fd"), "a b c/d");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
