//! A fault-injecting HTTP/1.1 server, for testing how clients behave when servers and
//! networks misbehave.
//!
//! This is an in-process STUB, not a real service: no installable server resets
//! connections mid-body or sends a `Date` in year 9999 on demand. It is its own code over
//! tokio's `TcpListener`, writing raw bytes, so it can break HTTP in ways a server library
//! refuses to: resets (RST) and closes (FIN) before the head, after it or mid-body; stalls
//! for a while or forever; bytes dripped a few at a time; truncated, over-long and badly
//! chunked bodies; huge or non-UTF-8 headers; any status, `Retry-After` or `Date`.
//!
//! Each request is answered by a [`Fault`] plan chosen by a [`Script`]: a queue (one plan
//! per request, the last repeated) or a function of the [`SeenRequest`] (method, path,
//! headers, body, index). The server records every request it read, with its arrival time
//! and whether the plan delivered a whole response, so that a test can count attempts and
//! check that an operation with effects was not carried out twice.
//!
//! [`refused_addr`] and [`BlackHole`] cover what happens before HTTP: a port nobody
//! listens on, one that accepts and never answers, one whose backlog is full so that
//! connecting times out.
//!
//! ```
//! use session_testkit::faults::{At, Fault, FaultServer, Script};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let server = FaultServer::start(Script::queue([
//!     Fault::json(200, r#"{"QueueUrls":[]}"#).reset_at(At::Body(5)),
//!     Fault::json(200, r#"{"QueueUrls":[]}"#),
//! ]))
//! .await?;
//! let session = server.session(); // signs with server.credentials(), endpoint server.url()
//! // ... call a client built from `session`, then:
//! assert!(server.requests().len() <= 2);
//! # let _ = session;
//! # Ok(()) }
//! ```
//!
//! Needs a tokio runtime with the `net` and `time` drivers. Connections are kept alive
//! (several requests per connection) unless a plan closes them; everything the server
//! holds (hung connections included) is released when it is dropped.

mod fault;
mod http_date;
mod ports;
mod request;
mod respond;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub use fault::{At, Fault};
pub use http_date::{http_date, utc};
pub use ports::{refused_addr, BlackHole};
pub use request::SeenRequest;

use crate::credentials::{random_credentials, Credentials};
use request::Reader;
use respond::After;

/// Chooses the plan for each request.
#[derive(Clone)]
pub struct Script {
    choose: Arc<dyn Fn(&SeenRequest) -> Fault + Send + Sync>,
}

impl Script {
    /// Request `i` gets plan `i`; requests past the end get the last plan again. An empty
    /// queue answers `500` with a body saying so.
    pub fn queue(plans: impl IntoIterator<Item = Fault>) -> Self {
        let plans: Vec<Fault> = plans.into_iter().collect();
        Self::from_fn(move |req| {
            plans
                .get(req.index)
                .or_else(|| plans.last())
                .cloned()
                .unwrap_or_else(|| Fault::status(500).body("fault script is empty"))
        })
    }

    /// The same plan for every request.
    pub fn always(plan: Fault) -> Self {
        Self::from_fn(move |_| plan.clone())
    }

    /// A plan computed from each request.
    pub fn from_fn(choose: impl Fn(&SeenRequest) -> Fault + Send + Sync + 'static) -> Self {
        Self {
            choose: Arc::new(choose),
        }
    }
}

impl From<Fault> for Script {
    fn from(plan: Fault) -> Self {
        Self::always(plan)
    }
}

impl From<Vec<Fault>> for Script {
    fn from(plans: Vec<Fault>) -> Self {
        Self::queue(plans)
    }
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Script")
    }
}

/// What the server shares with its connection tasks.
struct State {
    script: Script,
    started: Instant,
    requests: Mutex<Vec<SeenRequest>>,
    connections: AtomicUsize,
    /// The tasks serving connections; dropping it (with the server) aborts them all.
    tasks: Mutex<JoinSet<()>>,
}

/// The fault-injecting server on `127.0.0.1:<free port>`; stops when dropped.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<State>,
    credentials: Credentials,
    accept: JoinHandle<()>,
}

impl FaultServer {
    /// Starts listening; `script` chooses the plan for each request.
    ///
    /// # Errors
    /// No loopback port could be bound.
    pub async fn start(script: impl Into<Script>) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            script: script.into(),
            started: Instant::now(),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            tasks: Mutex::new(JoinSet::new()),
        });
        let shared = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let connection = shared.connections.fetch_add(1, Ordering::SeqCst);
                let conn_state = shared.clone();
                let mut tasks = lock(&shared.tasks);
                while tasks.try_join_next().is_some() {}
                tasks.spawn(async move {
                    let _ = serve(sock, connection, &conn_state).await;
                });
            }
        });
        Ok(Self {
            addr,
            state,
            credentials: random_credentials("AKFAULT"),
            accept,
        })
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Random credentials for clients of this server (it does not check signatures).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// A session pointed at this server, region `us-east-1`, signing with
    /// [`credentials`](Self::credentials), isolated from the machine's configuration (see
    /// [`session_for`](crate::session_for)).
    pub fn session(&self) -> session_core::Session {
        crate::session_for(&self.url(), "us-east-1", &self.credentials, None)
    }

    /// Like [`session`](Self::session), as a builder to add settings to (timeouts,
    /// retries, ...; see [`session_builder_for`](crate::session_builder_for)).
    pub fn session_builder(&self) -> session_core::SessionBuilder {
        crate::session_builder_for(&self.url(), "us-east-1", &self.credentials, None)
    }

    /// Every request read so far, in arrival order.
    pub fn requests(&self) -> Vec<SeenRequest> {
        lock(&self.state.requests).clone()
    }

    /// How many requests were read so far.
    pub fn request_count(&self) -> usize {
        lock(&self.state.requests).len()
    }

    /// How many connections were accepted so far.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Waits until `n` requests were read, or `limit` passed; returns the count.
    pub async fn wait_for_requests(&self, n: usize, limit: Duration) -> usize {
        let deadline = Instant::now() + limit;
        loop {
            let count = self.request_count();
            if count >= n || Instant::now() >= deadline {
                return count;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl fmt::Debug for FaultServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultServer")
            .field("addr", &self.addr)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.accept.abort();
        lock(&self.state.tasks).abort_all();
    }
}

/// Serves the requests of one connection until a plan closes it or the client does.
async fn serve(mut sock: TcpStream, connection: usize, state: &State) -> io::Result<()> {
    // Dripped bytes must leave one write at a time.
    sock.set_nodelay(true)?;
    let mut reader = Reader::default();
    for on_connection in 0.. {
        let Some(parsed) = reader.next(&mut sock).await? else {
            return Ok(());
        };
        let plan = {
            let mut requests = lock(&state.requests);
            let seen = SeenRequest {
                index: requests.len(),
                connection,
                on_connection,
                method: parsed.method,
                uri: parsed.uri,
                headers: parsed.headers,
                body: parsed.body,
                arrived: parsed.arrived,
                since_start: parsed.arrived.duration_since(state.started),
                answered: None,
            };
            let plan = (state.script.choose)(&seen);
            let answered = plan.delivers_whole_response().then(|| plan.status_code());
            let seen = SeenRequest { answered, ..seen };
            requests.push(seen);
            plan
        };
        let (after, back) = respond::carry_out(&plan, sock).await?;
        match (after, back) {
            (After::KeepAlive, Some(s)) if !parsed.close => sock = s,
            _ => return Ok(()),
        }
    }
    Ok(())
}

/// A session builder for a client of `endpoint` (a [`refused_addr`], a [`BlackHole`], or a
/// fault server's URL routed some other way): region `us-east-1`, random credentials,
/// isolated from the machine's configuration (see
/// [`session_builder_for`](crate::session_builder_for)).
pub fn session_builder(endpoint: &str) -> session_core::SessionBuilder {
    crate::session_builder_for(endpoint, "us-east-1", &random_credentials("AKFAULT"), None)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
