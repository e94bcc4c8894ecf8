//! The fault server against a raw TCP client: what each plan puts on the wire.

#![allow(clippy::unwrap_used)]

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

const GET: &[u8] = b"GET /a?b=c HTTP/1.1\r\nhost: x\r\nx-test: 1\r\n\r\n";

/// What a client read before the server stopped, and how it stopped.
#[derive(Debug)]
struct Read {
    bytes: Vec<u8>,
    /// `Ok(())` at end of stream, the error on a reset, `TimedOut` if nothing more came.
    end: io::Result<()>,
    elapsed: Duration,
}

impl Read {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn body(&self) -> &[u8] {
        let at = self
            .bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap();
        &self.bytes[at + 4..]
    }

    fn reset(&self) -> bool {
        matches!(&self.end, Err(e) if e.kind() == io::ErrorKind::ConnectionReset)
    }

    fn eof(&self) -> bool {
        self.end.is_ok()
    }

    fn timed_out(&self) -> bool {
        matches!(&self.end, Err(e) if e.kind() == io::ErrorKind::TimedOut)
    }
}

/// Sends `request` on a new connection and reads until the server closes, or nothing
/// arrives for `idle`.
async fn exchange(addr: SocketAddr, request: &[u8], idle: Duration) -> Read {
    let mut sock = TcpStream::connect(addr).await.unwrap();
    sock.write_all(request).await.unwrap();
    read_all(&mut sock, idle).await
}

async fn read_all(sock: &mut TcpStream, idle: Duration) -> Read {
    let started = Instant::now();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        match tokio::time::timeout(idle, sock.read(&mut buf)).await {
            Err(_) => break Err(io::ErrorKind::TimedOut.into()),
            Ok(Ok(0)) => break Ok(()),
            Ok(Ok(n)) => bytes.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => break Err(e),
        }
    };
    Read {
        bytes,
        end,
        elapsed: started.elapsed(),
    }
}

/// Reads one response of known total length from a kept-alive connection.
async fn read_exactly(sock: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    tokio::time::timeout(Duration::from_secs(5), sock.read_exact(&mut out))
        .await
        .unwrap()
        .unwrap();
    out
}

const IDLE: Duration = Duration::from_millis(500);

#[tokio::test]
async fn records_requests_and_answers_a_queue_in_order_on_one_connection() {
    let server = FaultServer::start(Script::queue([
        Fault::json(200, "{}"),
        Fault::xml(503, "<Error/>"),
    ]))
    .await
    .unwrap();
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    let post = b"POST /q HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\nX-Bin: \xff\xfe\r\n\r\nhello";
    sock.write_all(post).await.unwrap();
    let first = Fault::json(200, "{}");
    let first_len = respond::wire(&first).bytes.len();
    let got = read_exactly(&mut sock, first_len).await;
    assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"), "{got:?}");
    assert!(got.ends_with(b"content-length: 2\r\n\r\n{}"));
    // The same connection carries the next request; the queue's last plan repeats.
    for _ in 0..2 {
        sock.write_all(GET).await.unwrap();
        let n = respond::wire(&Fault::xml(503, "<Error/>")).bytes.len();
        let got = read_exactly(&mut sock, n).await;
        assert!(got.starts_with(b"HTTP/1.1 503 Service Unavailable\r\n"));
    }
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(server.connection_count(), 1);
    let (a, b) = (&seen[0], &seen[1]);
    assert_eq!((a.index, a.connection, a.on_connection), (0, 0, 0));
    assert_eq!((b.index, b.connection, b.on_connection), (1, 0, 1));
    assert_eq!(
        (a.method.as_str(), a.path(), a.body.as_slice()),
        ("POST", "/q", &b"hello"[..])
    );
    assert_eq!((b.path(), b.query()), ("/a", "b=c"));
    assert_eq!(a.header_bytes("x-bin"), Some(&b"\xff\xfe"[..]));
    assert_eq!(a.header("x-bin"), None, "not UTF-8");
    assert_eq!(b.header("X-TEST"), Some("1"));
    assert_eq!((a.answered, b.answered), (Some(200), Some(503)));
    assert!(b.arrived >= a.arrived && b.since_start >= a.since_start);
}

#[tokio::test]
async fn a_function_script_sees_the_request() {
    let server = FaultServer::start(Script::from_fn(|req| {
        Fault::status(if req.path() == "/missing" { 404 } else { 204 })
            .header("x-index", &req.index.to_string())
    }))
    .await
    .unwrap();
    let r = exchange(
        server.addr(),
        b"GET /missing HTTP/1.1\r\nconnection: close\r\n\r\n",
        IDLE,
    )
    .await;
    assert!(
        r.text().starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("x-index: 0\r\n"));
    assert!(r.eof(), "the client asked to close: {r:?}");
    let r = exchange(
        server.addr(),
        b"GET /here HTTP/1.1\r\nconnection: close\r\n\r\n",
        IDLE,
    )
    .await;
    assert!(r.text().starts_with("HTTP/1.1 204 "), "{}", r.text());
    assert!(r.text().contains("x-index: 1\r\n"));
}

#[tokio::test]
async fn chunked_requests_are_decoded_and_100_continue_answered() {
    let server = FaultServer::start(Fault::ok().connection_close())
        .await
        .unwrap();
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    sock.write_all(
        b"PUT /k HTTP/1.1\r\nexpect: 100-continue\r\ntransfer-encoding: chunked\r\n\r\n",
    )
    .await
    .unwrap();
    let interim = read_exactly(&mut sock, 25).await;
    assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    sock.write_all(b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n")
        .await
        .unwrap();
    let r = read_all(&mut sock, IDLE).await;
    assert!(r.text().starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(r.text().contains("connection: close\r\n"));
    assert!(r.eof());
    assert_eq!(server.requests()[0].body, b"abcde");
}

#[tokio::test]
async fn resets_and_closes_before_the_head() {
    let server = FaultServer::start(Script::queue([Fault::reset(), Fault::close()]))
        .await
        .unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.bytes.is_empty() && r.reset(), "{r:?}");
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.bytes.is_empty() && r.eof(), "{r:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "both requests were read first");
    assert_eq!((seen[0].answered, seen[1].answered), (None, None));
}

#[tokio::test]
async fn resets_after_the_head_and_mid_body() {
    let body = "0123456789abcdefghij";
    let server = FaultServer::start(Script::queue([
        Fault::json(200, body).reset_at(At::AfterHead),
        Fault::json(200, body).reset_at(At::Body(7)),
    ]))
    .await
    .unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.reset(), "{r:?}");
    assert!(
        r.text().contains("content-length: 20\r\n\r\n"),
        "{}",
        r.text()
    );
    assert_eq!(r.body(), b"");
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.reset(), "{r:?}");
    assert_eq!(r.body(), b"0123456");
    assert_eq!(server.requests()[1].answered, None);
}

#[tokio::test]
async fn truncated_over_long_and_close_delimited_bodies() {
    let server = FaultServer::start(Script::queue([
        Fault::json(200, "0123456789").truncate_body(4),
        Fault::json(200, "0123456789")
            .content_length(50)
            .connection_close(),
        Fault::json(200, "0123")
            .extra_body("EXTRA")
            .connection_close(),
        Fault::json(200, "all of it").close_delimited(),
    ]))
    .await
    .unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.eof(), "{r:?}");
    assert!(r.text().contains("content-length: 10\r\n"));
    assert_eq!(r.body(), b"0123");
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.text().contains("content-length: 50\r\n"));
    assert_eq!(r.body(), b"0123456789");
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.text().contains("content-length: 4\r\n"));
    assert_eq!(r.body(), b"0123EXTRA");
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(!r.text().contains("content-length"));
    assert_eq!(r.body(), b"all of it");
    let answered: Vec<_> = server.requests().iter().map(|s| s.answered).collect();
    assert_eq!(answered, [None, None, Some(200), Some(200)]);
}

#[tokio::test]
async fn chunked_and_badly_chunked_bodies() {
    let server = FaultServer::start(Script::queue([
        Fault::json(200, "abcdefg").chunked(3).connection_close(),
        Fault::json(200, "abcdefg").bad_chunk(3),
    ]))
    .await
    .unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.text().contains("transfer-encoding: chunked\r\n"));
    assert_eq!(r.body(), b"3\r\nabc\r\n3\r\ndef\r\n1\r\ng\r\n0\r\n\r\n");
    let r = exchange(server.addr(), GET, IDLE).await;
    assert_eq!(r.body(), b"3\r\nabc\r\nzz-not-hex\r\ndef");
    assert!(r.eof());
}

#[tokio::test]
async fn stalls_pause_then_continue_or_hang_until_dropped() {
    let server = FaultServer::start(Script::queue([
        Fault::json(200, "late")
            .pause_at(At::AfterHead, Duration::from_millis(300))
            .connection_close(),
        Fault::json(200, "never").hang_at(At::Body(2)),
    ]))
    .await
    .unwrap();
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    sock.write_all(GET).await.unwrap();
    let started = Instant::now();
    let head_len = respond::wire(&Fault::json(200, "late").connection_close()).head_len;
    let head = read_exactly(&mut sock, head_len).await;
    assert!(head.ends_with(b"\r\n\r\n"));
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "the head comes at once"
    );
    let r = read_all(&mut sock, Duration::from_secs(2)).await;
    assert_eq!(r.bytes, b"late");
    assert!(started.elapsed() >= Duration::from_millis(300));

    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    sock.write_all(GET).await.unwrap();
    let r = read_all(&mut sock, Duration::from_millis(300)).await;
    assert!(r.timed_out(), "{r:?}");
    assert!(r.text().ends_with("\r\n\r\nne"), "{}", r.text());
    drop(server);
    let r = read_all(&mut sock, Duration::from_secs(2)).await;
    assert!(
        r.eof() || r.reset(),
        "dropping the server frees the connection: {r:?}"
    );
}

#[tokio::test]
async fn drips_bytes_at_the_given_pace() {
    let plan =
        Fault::json(200, "0123456789").drip_from(At::AfterHead, 2, Duration::from_millis(40));
    let server = FaultServer::start(plan.connection_close()).await.unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert_eq!(r.body(), b"0123456789");
    // Five pieces of two bytes, 40 ms before each.
    assert!(r.elapsed >= Duration::from_millis(200), "{:?}", r.elapsed);
    assert!(r.elapsed < Duration::from_secs(2));

    let whole = Fault::ok()
        .connection_close()
        .drip(16, Duration::from_millis(30));
    let n = respond::wire(&whole).bytes.len();
    let server = FaultServer::start(whole).await.unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert_eq!(r.bytes.len(), n);
    let pieces = n.div_ceil(16) as u32;
    assert!(
        r.elapsed >= Duration::from_millis(30) * pieces,
        "{:?}",
        r.elapsed
    );
}

#[tokio::test]
async fn headers_dates_and_bytes_are_sent_as_given() {
    let year_9999 = utc(9999, 12, 31, 23, 59, 59);
    let plan = Fault::xml(403, b"<Error>\xff</Error>".to_vec())
        .date(year_9999)
        .retry_after("3600")
        .header_bytes(b"x-amz-request-id", b"\xc3\x28")
        .huge_header("x-big", 70_000)
        .reason(b"Forbidden \xfe".to_vec())
        .connection_close();
    let server = FaultServer::start(plan).await.unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    let has = |needle: &[u8]| r.bytes.windows(needle.len()).any(|w| w == needle);
    assert!(r.bytes.starts_with(b"HTTP/1.1 403 Forbidden \xfe\r\n"));
    assert!(has(b"date: Fri, 31 Dec 9999 23:59:59 GMT\r\n"));
    assert!(has(b"retry-after: 3600\r\n"));
    assert!(has(b"x-amz-request-id: \xc3\x28\r\n"));
    assert!(has(
        &[b"x-big: ".as_slice(), &[b'a'; 70_000], b"\r\n"].concat()
    ));
    assert_eq!(r.body(), b"<Error>\xff</Error>");
    assert!(http_date(SystemTime::now()).ends_with(" GMT"));
}

#[tokio::test]
async fn redirects_and_raw_bytes() {
    let server = FaultServer::start(Script::queue([
        Fault::s3_redirect(301, "bkt", "eu-west-1").connection_close(),
        Fault::s3_redirect(307, "bkt", "eu-west-1").connection_close(),
        Fault::raw("not HTTP at all\r\n\r\n"),
    ]))
    .await
    .unwrap();
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r.text().starts_with("HTTP/1.1 301 Moved Permanently\r\n"));
    assert!(r.text().contains("x-amz-bucket-region: eu-west-1\r\n"));
    assert!(r.text().contains("<Code>PermanentRedirect</Code>"));
    assert!(r
        .text()
        .contains("<Endpoint>bkt.s3.eu-west-1.amazonaws.com</Endpoint>"));
    let r = exchange(server.addr(), GET, IDLE).await;
    assert!(r
        .text()
        .contains("location: https://bkt.s3.eu-west-1.amazonaws.com/\r\n"));
    assert!(r.text().contains("<Code>TemporaryRedirect</Code>"));
    let r = exchange(server.addr(), GET, IDLE).await;
    assert_eq!(r.bytes, b"not HTTP at all\r\n\r\n");
    assert!(r.eof());
}

#[tokio::test]
async fn refused_silent_and_full_ports() {
    let refused = refused_addr().unwrap();
    let e = TcpStream::connect(refused).await.unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);

    let silent = BlackHole::silent().await.unwrap();
    let r = exchange(silent.addr(), GET, Duration::from_millis(200)).await;
    assert!(r.timed_out() && r.bytes.is_empty(), "{r:?}");
    assert_eq!(silent.accepted(), 1);

    let full = BlackHole::full_backlog().await.unwrap();
    let started = Instant::now();
    let attempt =
        tokio::time::timeout(Duration::from_millis(300), TcpStream::connect(full.addr())).await;
    assert!(attempt.is_err(), "connecting must hang: {attempt:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(full.accepted(), 0);
}

#[tokio::test]
async fn sessions_point_at_the_server_without_the_machines_configuration() {
    let server = FaultServer::start(Fault::ok()).await.unwrap();
    let session = server
        .session_builder()
        .setting("read_timeout", "0.25")
        .build()
        .unwrap();
    assert_eq!(
        session.settings().read_timeout(),
        Duration::from_millis(250)
    );
    assert_eq!(session.settings().region(), Some("us-east-1"));
    assert!(server.credentials().access_key_id().starts_with("AKFAULT"));
    assert!(
        !format!("{:?}", server.credentials()).contains(server.credentials().secret_access_key())
    );
    let _ = server.session();
}
