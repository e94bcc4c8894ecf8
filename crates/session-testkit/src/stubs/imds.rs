//! A STUB of the EC2 instance metadata service (IMDSv2 only), for credential tests.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::{lock, Counter, Reply, Server, StubCredentials, StubRequest};

const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// A stub of the EC2 instance metadata service, as an instance with IMDSv2 required sees it.
///
/// - `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds` (1–21600) issues a
///   new token and echoes the TTL; a missing or bad TTL is `400`, and a request with
///   `X-Forwarded-For` is `403`, as on EC2.
/// - `GET` requests need a token it issued in `x-aws-ec2-metadata-token`; otherwise `401`.
/// - `GET /latest/meta-data/iam/security-credentials/` lists the role;
///   `GET /latest/meta-data/iam/security-credentials/<role>` returns the credentials
///   document (`Code: Success`, `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`);
///   any other path is `404`.
///
/// NOT the real service: it has no other metadata, never expires tokens by itself (use
/// [`ImdsStub::revoke_tokens`]) and does not speak IMDSv1.
pub struct ImdsStub {
    server: Server,
    state: Arc<State>,
}

struct State {
    role: String,
    creds: Mutex<StubCredentials>,
    tokens: Mutex<Vec<String>>,
    next_token: AtomicUsize,
    expired: AtomicBool,
    hang: AtomicBool,
    credentials_response: Mutex<Option<(u16, String)>>,
    requests: Counter,
    token_puts: Counter,
    role_gets: Counter,
    credential_gets: Counter,
    unauthorized: Counter,
}

impl ImdsStub {
    /// Starts a stub whose instance has role `role` with credentials `creds`.
    ///
    /// # Errors
    /// No loopback port could be bound.
    pub async fn start(role: &str, creds: StubCredentials) -> std::io::Result<Self> {
        let state = Arc::new(State {
            role: role.to_owned(),
            creds: Mutex::new(creds),
            tokens: Mutex::new(Vec::new()),
            next_token: AtomicUsize::new(1),
            expired: AtomicBool::new(false),
            hang: AtomicBool::new(false),
            credentials_response: Mutex::new(None),
            requests: Counter::default(),
            token_puts: Counter::default(),
            role_gets: Counter::default(),
            credential_gets: Counter::default(),
            unauthorized: Counter::default(),
        });
        let handler_state = state.clone();
        let server = Server::start(Arc::new(move |req| handle(&handler_state, req))).await?;
        Ok(Self { server, state })
    }

    /// The endpoint, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn endpoint(&self) -> String {
        self.server.url()
    }

    /// Replaces the credentials handed out.
    pub fn set_credentials(&self, creds: StubCredentials) {
        *lock(&self.state.creds) = creds;
    }

    /// The credentials handed out (with the real expiration, see [`ImdsStub::set_expired`]).
    pub fn credentials(&self) -> StubCredentials {
        lock(&self.state.creds).clone()
    }

    /// When set, the credentials document says they expired an hour ago.
    pub fn set_expired(&self, expired: bool) {
        self.state.expired.store(expired, Ordering::SeqCst);
    }

    /// When set, the stub accepts connections and never answers.
    pub fn set_hang(&self, hang: bool) {
        self.state.hang.store(hang, Ordering::SeqCst);
    }

    /// Answers the credentials `GET` (for a valid token and the right role) with this status
    /// and body instead of the document; `None` goes back to normal.
    pub fn set_credentials_response(&self, response: Option<(u16, &str)>) {
        *lock(&self.state.credentials_response) = response.map(|(s, b)| (s, b.to_owned()));
    }

    /// Forgets every token issued so far, as if they had expired: the next `GET` with one
    /// is `401`.
    pub fn revoke_tokens(&self) {
        lock(&self.state.tokens).clear();
    }

    /// The tokens issued and still valid (so tests can check that none leaks).
    pub fn tokens(&self) -> Vec<String> {
        lock(&self.state.tokens).clone()
    }

    /// Stops listening: from now on connections are refused.
    pub async fn refuse(&self) {
        self.server.stop().await;
    }

    /// Every request seen.
    pub fn requests(&self) -> usize {
        self.state.requests.get()
    }

    /// Token `PUT`s answered with a token.
    pub fn token_puts(&self) -> usize {
        self.state.token_puts.get()
    }

    /// Role listing `GET`s with a valid token.
    pub fn role_gets(&self) -> usize {
        self.state.role_gets.get()
    }

    /// Credentials `GET`s with a valid token.
    pub fn credential_gets(&self) -> usize {
        self.state.credential_gets.get()
    }

    /// Requests refused with `401` (missing or unknown token).
    pub fn unauthorized(&self) -> usize {
        self.state.unauthorized.get()
    }
}

fn handle(state: &State, req: &StubRequest) -> Reply {
    state.requests.bump();
    if state.hang.load(Ordering::SeqCst) {
        return Reply::Hang;
    }
    if req.method == "PUT" && req.path == TOKEN_PATH {
        if req.header("x-forwarded-for").is_some() {
            return Reply::text(403, "Forbidden");
        }
        let ttl = req
            .header("x-aws-ec2-metadata-token-ttl-seconds")
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|t| (1..=21_600).contains(t));
        let Some(ttl) = ttl else {
            return Reply::text(400, "Bad Request");
        };
        let n = state.next_token.fetch_add(1, Ordering::SeqCst);
        let token = format!("stub-imds-token-{}-{n}", std::process::id());
        lock(&state.tokens).push(token.clone());
        state.token_puts.bump();
        return Reply::Respond {
            status: 200,
            headers: vec![
                ("content-type", "text/plain".into()),
                ("x-aws-ec2-metadata-token-ttl-seconds", ttl.to_string()),
            ],
            body: token,
        };
    }
    if req.method != "GET" {
        return Reply::text(405, "Method Not Allowed");
    }
    let valid = req
        .header("x-aws-ec2-metadata-token")
        .is_some_and(|t| lock(&state.tokens).iter().any(|k| k == t));
    if !valid {
        state.unauthorized.bump();
        return Reply::text(401, "Unauthorized");
    }
    if req.path == ROLE_PATH {
        state.role_gets.bump();
        return Reply::text(200, format!("{}\n", state.role));
    }
    match req.path.strip_prefix(ROLE_PATH) {
        Some(role) if role == state.role => {
            state.credential_gets.bump();
            if let Some((status, body)) = lock(&state.credentials_response).clone() {
                return Reply::raw(status, &body);
            }
            let creds = lock(&state.creds).clone();
            let expiration = if state.expired.load(Ordering::SeqCst) {
                StubCredentials::expired().expiration_rfc3339()
            } else {
                creds.expiration_rfc3339()
            };
            Reply::json(
                200,
                &json!({
                    "Code": "Success",
                    "LastUpdated": super::rfc3339(std::time::SystemTime::now()),
                    "Type": "AWS-HMAC",
                    "AccessKeyId": creds.access_key_id,
                    "SecretAccessKey": creds.secret_access_key,
                    "Token": creds.session_token,
                    "Expiration": expiration,
                }),
            )
        }
        _ => Reply::text(404, "Not Found"),
    }
}
