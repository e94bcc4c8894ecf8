//! Carrying out a [`Fault`] plan on a connection: the bytes it sends, where it pauses,
//! drips and stops.

use std::io;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::fault::{At, Fault, Framing, Stop};

/// What is left of the connection after a plan ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// Open for the next request.
    KeepAlive,
    /// Closed (or reset) by the plan.
    Closed,
}

/// The response's bytes on the wire, and where its head ends.
pub(crate) struct Wire {
    pub(crate) bytes: Vec<u8>,
    pub(crate) head_len: usize,
}

impl Wire {
    /// The offset of `at` in the bytes.
    fn offset(&self, at: At) -> usize {
        let at = match at {
            At::BeforeHead => 0,
            At::AfterHead => self.head_len,
            At::Body(n) => self.head_len.saturating_add(n),
        };
        at.min(self.bytes.len())
    }
}

/// The bytes `fault` sends when nothing cuts it short.
pub(crate) fn wire(fault: &Fault) -> Wire {
    if let Some(raw) = &fault.raw {
        return Wire {
            bytes: raw.clone(),
            head_len: 0,
        };
    }
    let mut head = Vec::with_capacity(256);
    head.extend_from_slice(format!("HTTP/1.1 {} ", fault.status).as_bytes());
    head.extend_from_slice(&fault.reason);
    head.extend_from_slice(b"\r\n");
    let has = |name: &[u8]| {
        fault
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    for (name, value) in &fault.headers {
        head.extend_from_slice(name);
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    let framed_by_caller = has(b"content-length") || has(b"transfer-encoding");
    let body = match &fault.framing {
        Framing::Length(declared) => {
            if !framed_by_caller {
                let n = declared.unwrap_or(fault.body.len() as u64);
                head.extend_from_slice(format!("content-length: {n}\r\n").as_bytes());
            }
            fault.body.clone()
        }
        Framing::CloseDelimited => fault.body.clone(),
        Framing::Chunked { chunk, bad } => {
            if !framed_by_caller {
                head.extend_from_slice(b"transfer-encoding: chunked\r\n");
            }
            chunked(&fault.body, *chunk, *bad)
        }
    };
    if !fault.keep_alive && !has(b"connection") {
        head.extend_from_slice(b"connection: close\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let head_len = head.len();
    let mut bytes = head;
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(&fault.extra);
    Wire { bytes, head_len }
}

/// `body` in chunked transfer coding; `bad` replaces everything after the first chunk with
/// a chunk-size line that is not hexadecimal.
fn chunked(body: &[u8], chunk: usize, bad: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 32);
    for (i, piece) in body.chunks(chunk).enumerate() {
        if bad && i == 1 {
            out.extend_from_slice(b"zz-not-hex\r\n");
            out.extend_from_slice(piece);
            return out;
        }
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    if bad {
        out.extend_from_slice(b"zz-not-hex\r\n");
        return out;
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Sends `fault` on `sock` and ends the exchange as it says.
pub(crate) async fn carry_out(
    fault: &Fault,
    mut sock: TcpStream,
) -> io::Result<(After, Option<TcpStream>)> {
    let wire = wire(fault);
    let end = fault
        .stop
        .map_or(wire.bytes.len(), |(at, _)| wire.offset(at));
    let mut pause = fault.pause.map(|(at, d)| (wire.offset(at), d));
    let drip = fault.drip.map(|d| (wire.offset(d.from), d.bytes, d.every));
    let mut pos = 0;
    loop {
        if let Some((at, d)) = pause {
            if at == pos {
                tokio::time::sleep(d).await;
                pause = None;
            }
        }
        if pos >= end {
            break;
        }
        let mut next = end;
        if let Some((at, _)) = pause {
            next = next.min(at);
        }
        match drip {
            Some((from, bytes, every)) if pos >= from => {
                tokio::time::sleep(every).await;
                next = next.min(pos + bytes);
            }
            Some((from, _, _)) if from > pos => next = next.min(from),
            _ => {}
        }
        sock.write_all(&wire.bytes[pos..next]).await?;
        sock.flush().await?;
        pos = next;
    }
    match fault.stop.map(|(_, stop)| stop) {
        Some(Stop::Reset) => {
            reset(sock);
            Ok((After::Closed, None))
        }
        Some(Stop::Close) => {
            let _ = sock.shutdown().await;
            Ok((After::Closed, None))
        }
        Some(Stop::Hang) => {
            // Held until the server drops this task.
            std::future::pending::<()>().await;
            Ok((After::Closed, None))
        }
        None if fault.keep_alive => Ok((After::KeepAlive, Some(sock))),
        None => {
            let _ = sock.shutdown().await;
            Ok((After::Closed, None))
        }
    }
}

/// Closes with RST: a zero linger makes close() discard what is unsent and reset.
pub(crate) fn reset(sock: TcpStream) {
    let _ = socket2::SockRef::from(&sock).set_linger(Some(Duration::ZERO));
    drop(sock);
}
