//! What the event-stream tests share: models (the vendored `models/<svc>/` files, the pack
//! for Bedrock Runtime) built into shape tables as the dynamic client builds them, a real
//! client stack for one, and an in-process loopback STUB server that answers with scripted
//! event-stream bytes, written in pieces so that frames split across TCP reads.
//!
//! The stub stands in for services that no installable server streams (Kinesis
//! SubscribeToShard, Lambda InvokeWithResponseStream, Bedrock ConverseStream) and for what
//! no real server sends on purpose (bad CRCs, bodies cut inside a frame, exceptions on cue).
//! S3 SelectObjectContent and Logs StartLiveTail also run against moto, a real peer.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use session_core::{Env, Session};
use session_eventstream::Message;
use session_runtime::shapes::{Protocol, Service};
use session_runtime::value::Value;
use session_runtime::EventStream;
use session_tower::{Client, ServiceInfo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
);

/// A service's model and endpoint rules: the vendored `models/<name>/` files, else the
/// pack's.
fn files(name: &str) -> (String, String) {
    let dir = format!("{}/../../models/{name}", env!("CARGO_MANIFEST_DIR"));
    if let (Ok(model), Ok(rules)) = (
        std::fs::read_to_string(format!("{dir}/service-2.json")),
        std::fs::read_to_string(format!("{dir}/endpoint-rule-set-1.json")),
    ) {
        return (model, rules);
    }
    let pack = session_models::Pack::open(PACK).expect("the vendored pack opens");
    let svc = pack.service(name).expect("the pack has the service");
    let model = svc.service_json().expect("its model");
    let rules = svc
        .file(session_models::FileKind::EndpointRuleSet)
        .expect("its rules")
        .expect("a rule set");
    (model, rules)
}

/// Logs' StartLiveTail has the endpoint trait `streaming-`, which in front of a loopback
/// address makes a host that does not resolve: the tests drop it (host prefixes are the
/// request side's concern, tested there).
fn without_host_prefix(model: &str, op: &str) -> String {
    let mut json: serde_json::Value = serde_json::from_str(model).expect("the model is JSON");
    if let Some(o) = json["operations"][op].as_object_mut() {
        o.remove("endpoint");
    }
    json.to_string()
}

/// A service's tables and compiled rules, built once per test process.
pub(crate) fn service(name: &str) -> (&'static Service, &'static session_endpoints::RuleSet) {
    type Built = (&'static Service, &'static session_endpoints::RuleSet);
    static BUILT: OnceLock<Mutex<HashMap<String, Built>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *built.entry(name.to_owned()).or_insert_with(|| {
        let (model, rules) = files(name);
        let model = if name == "logs" {
            without_host_prefix(&model, "StartLiveTail")
        } else {
            model
        };
        let service = session_runtime::model::build(name, &model, &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let rules = session_endpoints::RuleSet::from_json(&rules)
            .unwrap_or_else(|e| panic!("{name} rules: {e}"));
        (service, &*Box::leak(Box::new(rules)))
    })
}

fn stack_protocol(p: Protocol) -> session_tower::protocol::Protocol {
    use session_tower::protocol::Protocol as P;
    match p {
        Protocol::Json10 => P::AwsJson1_0,
        Protocol::Json11 => P::AwsJson1_1,
        Protocol::RestXml => P::RestXml,
        Protocol::RestJson => P::RestJson,
        Protocol::Query => P::AwsQuery,
        Protocol::Ec2 => P::Ec2,
        _ => P::RpcV2Cbor,
    }
}

/// A client of `name` through the real stack (endpoint rules, SigV4, retries, timeouts,
/// the hyper transport), with `session`.
pub(crate) fn client_with(name: &str, session: &Session) -> (Client, &'static Service) {
    let (service, rules) = service(name);
    let info: &'static ServiceInfo = Box::leak(Box::new(ServiceInfo {
        service_id: service.service_id,
        signing_name: service.signing_name,
        protocol: stack_protocol(service.protocol),
        endpoint_rules: session_tower::client::Rules::Ready(rules),
        region_when_unset: None,
        s3_signing: name == "s3",
        api_version: service.api_version,
        auth: &[],
        roles: None,
    }));
    let client = Client::builder(session, info)
        .build()
        .unwrap_or_else(|e| panic!("client of {name}: {e}"));
    (client, service)
}

/// A client of `name` whose endpoint is `endpoint`; nothing of the machine's environment
/// or files is read.
pub(crate) fn client(name: &str, endpoint: &str) -> (Client, &'static Service) {
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEVENTSTREAMTEST")
        .secret_access_key("event-stream-test-secret")
        .setting("endpoint_url", endpoint)
        .setting("max_attempts", "1")
        .build()
        .unwrap_or_else(|e| panic!("test session: {e}"));
    client_with(name, &session)
}

/// Frames back to back, as a service writes them.
pub(crate) fn wire(messages: &[Message]) -> Bytes {
    let mut out = BytesMut::new();
    for m in messages {
        m.encode_into(&mut out).expect("a frame within the limits");
    }
    out.freeze()
}

/// `bytes` cut into pieces of the given sizes in turn (so that frames split across pieces
/// and, where a piece is long, several frames share one).
pub(crate) fn pieces(bytes: &Bytes, sizes: &[usize]) -> Vec<Bytes> {
    let mut out = Vec::new();
    let mut at = 0;
    for size in sizes.iter().cycle() {
        if at >= bytes.len() {
            break;
        }
        let end = (at + size.max(&1)).min(bytes.len());
        out.push(bytes.slice(at..end));
        at = end;
    }
    out
}

/// Piece sizes that split every frame of the tests (frame preludes are 12 bytes) and put
/// several small frames in one read now and then.
pub(crate) const SPLIT: &[usize] = &[1, 5, 11, 3, 64, 2, 400, 7];

/// What the stub answers.
#[derive(Clone)]
pub(crate) struct Reply {
    /// HTTP status.
    pub(crate) status: u16,
    /// Headers besides the framing ones.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The body, written one piece per TCP write (chunked encoding, a flush and a pause
    /// after each, so that each arrives in a read of its own).
    pub(crate) pieces: Vec<Bytes>,
    /// Whether the body ends properly; `false` drops the connection after the last piece
    /// (a transport failure mid-body).
    pub(crate) complete: bool,
}

impl Reply {
    /// `200` with an event-stream body in `pieces`.
    pub(crate) fn events(pieces: Vec<Bytes>) -> Self {
        Self {
            status: 200,
            headers: vec![(
                "content-type",
                "application/vnd.amazon.eventstream".to_owned(),
            )],
            pieces,
            complete: true,
        }
    }

    /// With one more header.
    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// A request the stub received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// `POST /path?query`.
    pub(crate) line: String,
    /// Header names lower-cased.
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Seen {
    /// The first header of this (lower-case) name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An in-process loopback STUB answering every request with one [`Reply`].
pub(crate) struct Stub {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stub {
    /// Listens on a free loopback port (call inside a runtime).
    pub(crate) async fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("its address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let reply = reply.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, reply, log).await;
                });
            }
        });
        Self { addr, seen, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut socket: tokio::net::TcpStream,
    reply: Reply,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(Seen {
            line: line
                .rsplit_once(' ')
                .map_or(line.clone(), |(l, _)| l.to_owned()),
            headers,
            body,
        });
    let mut out = format!("HTTP/1.1 {} Stub\r\n", reply.status);
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
    socket.write_all(out.as_bytes()).await?;
    socket.flush().await?;
    for piece in &reply.pieces {
        socket
            .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
            .await?;
        socket.write_all(piece).await?;
        socket.write_all(b"\r\n").await?;
        socket.flush().await?;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    if reply.complete {
        socket.write_all(b"0\r\n\r\n").await?;
        socket.flush().await?;
    }
    socket.shutdown().await
}

/// Every event until the stream ends, and how it ended (`None`: on a frame boundary).
pub(crate) async fn drain(
    events: &mut EventStream<Value>,
) -> (Vec<Value>, Option<session_runtime::EventStreamError>) {
    let mut got = Vec::new();
    loop {
        match events.recv().await {
            Ok(Some(v)) => got.push(v),
            Ok(None) => return (got, None),
            Err(e) if e.is_decode() => panic!("an event did not decode: {e:?}"),
            Err(e) => return (got, Some(e)),
        }
    }
}

/// `v`'s member at `path` (a `.`-separated list of member names and list indices).
pub(crate) fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    path.split('.').fold(v, |v, k| match k.parse::<usize>() {
        Ok(i) => v.at(i).unwrap_or(&NULL),
        Err(_) => v.get(k).unwrap_or(&NULL),
    })
}

/// The runtime the tests run in (multi-threaded, so the stub and the client run apart).
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}
