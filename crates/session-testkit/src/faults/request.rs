//! Reading requests off a connection, and the record kept of each.

use std::io;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest request head accepted (a client's head is a few KiB).
const MAX_HEAD: usize = 1 << 20;
/// The largest request body kept (the suites send small bodies).
const MAX_BODY: usize = 64 << 20;

/// A request the fault server received, as it arrived.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    /// Its position among all requests the server received (from 0).
    pub index: usize,
    /// The connection it came on (from 0, in accept order).
    pub connection: usize,
    /// Its position among the requests of its connection (from 0).
    pub on_connection: usize,
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target as sent (path and query).
    pub uri: String,
    /// The headers in order, names as sent, values as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body (chunked bodies decoded).
    pub body: Vec<u8>,
    /// When its head was complete.
    pub arrived: Instant,
    /// Time since the server started.
    pub since_start: Duration,
    /// The status of the answer when its plan sends a whole response by its framing
    /// (decided when the plan was chosen: what a real server would have committed to);
    /// `None` for plans that reset, close, stall forever, truncate or garble the answer.
    pub answered: Option<u16>,
}

impl SeenRequest {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.uri.split('?').next().unwrap_or_default()
    }

    /// The query string (empty when none).
    pub fn query(&self) -> &str {
        self.uri.split_once('?').map_or("", |(_, q)| q)
    }

    /// The first header named `name` (case-insensitive), when it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_bytes(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The first header named `name` (case-insensitive), as bytes.
    pub fn header_bytes(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `Host` header.
    pub fn host(&self) -> Option<&str> {
        self.header("host")
    }
}

/// A request head and body as read, before the server numbers it.
pub(crate) struct Parsed {
    pub(crate) method: String,
    pub(crate) uri: String,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    pub(crate) body: Vec<u8>,
    pub(crate) arrived: Instant,
    /// The client asked to close after this exchange.
    pub(crate) close: bool,
}

/// Bytes read past one request, kept for the next one on the connection.
#[derive(Default)]
pub(crate) struct Reader {
    buf: Vec<u8>,
}

impl Reader {
    /// Reads one request; `Ok(None)` when the client closed (or sent garbage) before a whole
    /// head. Answers `Expect: 100-continue` before reading the body.
    pub(crate) async fn next(&mut self, sock: &mut TcpStream) -> io::Result<Option<Parsed>> {
        let head_end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::other("request head too large"));
            }
            if !self.fill(sock).await? {
                return Ok(None);
            }
        };
        let arrived = Instant::now();
        let head: Vec<u8> = self.buf.drain(..head_end + 4).collect();
        let text = String::from_utf8_lossy(&head[..head_end]).into_owned();
        let mut lines = text.split("\r\n");
        let mut first = lines.next().unwrap_or_default().split(' ');
        let method = first.next().unwrap_or_default().to_owned();
        let uri = first.next().unwrap_or_default().to_owned();
        if method.is_empty() || uri.is_empty() {
            return Ok(None);
        }
        let headers = raw_headers(&head[..head_end]);
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
        };
        let close = value("connection").is_some_and(|v| v.contains("close"));
        if value("expect").is_some_and(|v| v == "100-continue") {
            sock.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }
        let body = if value("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            self.chunked_body(sock).await?
        } else {
            let length = value("content-length")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
                .min(MAX_BODY);
            while self.buf.len() < length {
                if !self.fill(sock).await? {
                    break;
                }
            }
            let take = length.min(self.buf.len());
            self.buf.drain(..take).collect()
        };
        Ok(Some(Parsed {
            method,
            uri,
            headers,
            body,
            arrived,
            close,
        }))
    }

    /// Reads more bytes; false at end of stream.
    async fn fill(&mut self, sock: &mut TcpStream) -> io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        let n = sock.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    async fn line(&mut self, sock: &mut TcpStream) -> io::Result<Vec<u8>> {
        loop {
            if let Some(pos) = find(&self.buf, b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..pos + 2).collect();
                return Ok(line[..pos].to_vec());
            }
            if self.buf.len() > MAX_HEAD || !self.fill(sock).await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    async fn chunked_body(&mut self, sock: &mut TcpStream) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line(sock).await?;
            let size_text = String::from_utf8_lossy(&line);
            let size_text = size_text.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| io::Error::other(format!("bad chunk size {size_text:?}")))?;
            if size == 0 {
                // Trailers, up to the blank line.
                while !self.line(sock).await?.is_empty() {}
                return Ok(body);
            }
            while self.buf.len() < size + 2 {
                if !self.fill(sock).await? {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
            if body.len() > MAX_BODY {
                return Err(io::Error::other("request body too large"));
            }
        }
    }
}

/// The header lines of a head (after the request line), names as text, values as bytes.
fn raw_headers(head: &[u8]) -> Vec<(String, Vec<u8>)> {
    head.split(|&b| b == b'\n')
        .skip(1)
        .filter_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
            Some((name, line[colon + 1..].trim_ascii().to_vec()))
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
