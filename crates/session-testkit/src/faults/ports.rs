//! Ports that fail before any HTTP: refused, silent, and unreachable (full backlog).

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A loopback address nobody listens on: bound to a free port, then closed, so connecting
/// is refused at once (until something else happens to bind the port, which the kernel
/// makes unlikely by handing out ports in turn).
///
/// # Errors
/// No loopback port could be bound.
pub fn refused_addr() -> io::Result<SocketAddr> {
    let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = listener.local_addr()?;
    drop(listener);
    Ok(addr)
}

/// How many connections are tried, at most, to fill a backlog.
const MAX_FILL: usize = 64;
/// A connection that takes this long means the backlog is full.
const FILL_PROBE: Duration = Duration::from_millis(200);

/// A port that takes connections and then does nothing with them.
///
/// - [`BlackHole::silent`] accepts, never reads, never answers: a client connects, sends,
///   and waits for an answer that never comes (a read or attempt timeout).
/// - [`BlackHole::full_backlog`] never accepts, and its accept queue is full: the kernel
///   drops new connection attempts (SYNs), so connecting hangs (a connect timeout), as with
///   a firewalled or black-holed address.
///
/// Everything it holds is released when it is dropped.
pub struct BlackHole {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    /// The silent kind's accept loop.
    accept: Option<JoinHandle<()>>,
    /// The full kind's listener (never accepting), held open.
    _listener: Option<StdListener>,
    /// The connections that fill its backlog.
    _fillers: Vec<TcpStream>,
}

impl BlackHole {
    /// Accepts connections and holds them, never reading or writing.
    ///
    /// # Errors
    /// No loopback port could be bound.
    pub async fn silent() -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let accept = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(sock);
            }
        });
        Ok(Self {
            addr,
            accepted,
            accept: Some(accept),
            _listener: None,
            _fillers: Vec::new(),
        })
    }

    /// A listener that never accepts, with its backlog filled by connections of its own, so
    /// that a client's connection attempt gets no answer at all.
    ///
    /// # Errors
    /// No port could be bound, or the backlog did not fill after 64 connections (a kernel
    /// that answers connections beyond the backlog; connect timeouts cannot be tested).
    pub async fn full_backlog() -> io::Result<Self> {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
        socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
        // The smallest queue the kernel allows: one or two connections fill it.
        socket.listen(0)?;
        let listener: StdListener = socket.into();
        let addr = listener.local_addr()?;
        let mut fillers = Vec::new();
        loop {
            match tokio::time::timeout(FILL_PROBE, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => fillers.push(stream),
                Ok(Err(e)) => return Err(e),
                // A connection attempt got no answer: the queue is full.
                Err(_) => break,
            }
            if fillers.len() >= MAX_FILL {
                return Err(io::Error::other(format!(
                    "the backlog of {addr} did not fill after {MAX_FILL} connections"
                )));
            }
        }
        Ok(Self {
            addr,
            accepted: Arc::new(AtomicUsize::new(0)),
            accept: None,
            _listener: Some(listener),
            _fillers: fillers,
        })
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far (always 0 for [`BlackHole::full_backlog`]).
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for BlackHole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlackHole")
            .field("addr", &self.addr)
            .field("accepted", &self.accepted())
            .finish_non_exhaustive()
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
    }
}
