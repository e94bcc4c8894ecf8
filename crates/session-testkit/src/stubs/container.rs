//! A STUB of the container credentials endpoint (ECS task roles, EKS Pod Identity).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::{lock, Counter, Reply, Server, StubCredentials, StubRequest};

/// The path the stub serves credentials on.
const PATH: &str = "/v2/credentials/stub-task";

/// A stub of the container credentials endpoint.
///
/// `GET /v2/credentials/stub-task` returns `{"AccessKeyId", "SecretAccessKey", "Token",
/// "Expiration", "RoleArn"}`. When it was started with an expected token, the request's
/// `Authorization` header must be exactly that token, else `401` with
/// `{"Code":"InvalidToken","Message":…}` (as the EKS Pod Identity agent does for a bad token).
/// Other paths are `404`.
///
/// NOT the real ECS agent or EKS Pod Identity agent: there is no task or pod behind it.
pub struct ContainerStub {
    server: Server,
    state: Arc<State>,
}

struct State {
    expected_token: Mutex<Option<String>>,
    creds: Mutex<StubCredentials>,
    response: Mutex<Option<(u16, String)>>,
    fail_next: AtomicUsize,
    last_authorization: Mutex<Option<String>>,
    requests: Counter,
    unauthorized: Counter,
}

impl ContainerStub {
    /// Starts a stub that hands out `creds`, requiring `expected_token` (if any) in the
    /// `Authorization` header.
    ///
    /// # Errors
    /// No loopback port could be bound.
    pub async fn start(
        expected_token: Option<&str>,
        creds: StubCredentials,
    ) -> std::io::Result<Self> {
        let state = Arc::new(State {
            expected_token: Mutex::new(expected_token.map(str::to_owned)),
            creds: Mutex::new(creds),
            response: Mutex::new(None),
            fail_next: AtomicUsize::new(0),
            last_authorization: Mutex::new(None),
            requests: Counter::default(),
            unauthorized: Counter::default(),
        });
        let handler_state = state.clone();
        let server = Server::start(Arc::new(move |req| handle(&handler_state, req))).await?;
        Ok(Self { server, state })
    }

    /// The full credentials URL, e.g. `http://127.0.0.1:40123/v2/credentials/stub-task`.
    pub fn url(&self) -> String {
        format!("{}{PATH}", self.server.url())
    }

    /// The port it listens on (to build `localhost` or `[::1]` URLs).
    pub fn port(&self) -> u16 {
        self.server.addr.port()
    }

    /// Changes the token required from now on (a rotated token).
    pub fn set_expected_token(&self, token: Option<&str>) {
        *lock(&self.state.expected_token) = token.map(str::to_owned);
    }

    /// The credentials handed out.
    pub fn credentials(&self) -> StubCredentials {
        lock(&self.state.creds).clone()
    }

    /// Answers authorized requests with this status and body instead of the credentials;
    /// `None` goes back to normal.
    pub fn set_response(&self, response: Option<(u16, &str)>) {
        *lock(&self.state.response) = response.map(|(s, b)| (s, b.to_owned()));
    }

    /// Answers the next `n` authorized requests with `503` (to test retries).
    pub fn fail_next(&self, n: usize) {
        self.state.fail_next.store(n, Ordering::SeqCst);
    }

    /// The `Authorization` header of the last request, if it had one.
    pub fn last_authorization(&self) -> Option<String> {
        lock(&self.state.last_authorization).clone()
    }

    /// Every request seen.
    pub fn requests(&self) -> usize {
        self.state.requests.get()
    }

    /// Requests refused with `401`.
    pub fn unauthorized(&self) -> usize {
        self.state.unauthorized.get()
    }
}

fn handle(state: &State, req: &StubRequest) -> Reply {
    state.requests.bump();
    let auth = req.header("authorization").map(str::to_owned);
    lock(&state.last_authorization).clone_from(&auth);
    if req.method != "GET" || req.path != PATH {
        return Reply::json(
            404,
            &json!({"Code": "NotFound", "Message": "no credentials at this path"}),
        );
    }
    let expected = lock(&state.expected_token).clone();
    if let Some(expected) = expected {
        if auth.as_deref() != Some(expected.as_str()) {
            state.unauthorized.bump();
            return Reply::json(
                401,
                &json!({"Code": "InvalidToken", "Message": "the authorization token is not valid"}),
            );
        }
    }
    let failing = state
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return Reply::json(
            503,
            &json!({"Code": "ServiceUnavailable", "Message": "try again"}),
        );
    }
    if let Some((status, body)) = lock(&state.response).clone() {
        return Reply::raw(status, &body);
    }
    let creds = lock(&state.creds).clone();
    Reply::json(
        200,
        &json!({
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "Token": creds.session_token,
            "Expiration": creds.expiration_rfc3339(),
            "RoleArn": "arn:aws:iam::123456789012:role/stub-task-role",
        }),
    )
}
