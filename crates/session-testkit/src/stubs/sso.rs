//! A STUB of the IAM Identity Center portal's GetRoleCredentials.

use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use serde_json::json;

use super::{lock, Counter, Reply, Server, StubCredentials, StubRequest};

/// A stub of the IAM Identity Center (SSO) portal, GetRoleCredentials only.
///
/// `GET /federation/credentials?account_id=…&role_name=…` with the access token in
/// `x-amz-sso_bearer_token` returns `{"roleCredentials":{"accessKeyId", "secretAccessKey",
/// "sessionToken", "expiration"}}` (`expiration` in epoch milliseconds). A missing or wrong
/// token is `401 UnauthorizedException`; another account or role is `403
/// ForbiddenException`; missing parameters are `400 InvalidRequestException`. Error codes
/// come in `x-amzn-errortype` and the body's `message`, as the portal's REST-JSON protocol
/// sends them.
///
/// NOT the real portal: one token, one account, one role.
pub struct SsoStub {
    server: Server,
    state: Arc<State>,
}

struct State {
    access_token: String,
    account_id: String,
    role_name: String,
    creds: StubCredentials,
    response: Mutex<Option<(u16, String)>>,
    requests: Counter,
    unauthorized: Counter,
    forbidden: Counter,
}

impl SsoStub {
    /// Starts a stub that gives `creds` for `account_id` / `role_name` to holders of
    /// `access_token`.
    ///
    /// # Errors
    /// No loopback port could be bound.
    pub async fn start(
        access_token: &str,
        account_id: &str,
        role_name: &str,
        creds: StubCredentials,
    ) -> std::io::Result<Self> {
        let state = Arc::new(State {
            access_token: access_token.to_owned(),
            account_id: account_id.to_owned(),
            role_name: role_name.to_owned(),
            creds,
            response: Mutex::new(None),
            requests: Counter::default(),
            unauthorized: Counter::default(),
            forbidden: Counter::default(),
        });
        let handler_state = state.clone();
        let server = Server::start(Arc::new(move |req| handle(&handler_state, req))).await?;
        Ok(Self { server, state })
    }

    /// The portal endpoint, e.g. `http://127.0.0.1:40123`.
    pub fn endpoint(&self) -> String {
        self.server.url()
    }

    /// The credentials handed out.
    pub fn credentials(&self) -> StubCredentials {
        self.state.creds.clone()
    }

    /// Answers authorized requests for the right account and role with this status and
    /// body instead; `None` goes back to normal.
    pub fn set_response(&self, response: Option<(u16, &str)>) {
        *lock(&self.state.response) = response.map(|(s, b)| (s, b.to_owned()));
    }

    /// Every request seen.
    pub fn requests(&self) -> usize {
        self.state.requests.get()
    }

    /// Requests refused with `401` (missing or wrong token).
    pub fn unauthorized(&self) -> usize {
        self.state.unauthorized.get()
    }

    /// Requests refused with `403` (another account or role).
    pub fn forbidden(&self) -> usize {
        self.state.forbidden.get()
    }
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![
            ("content-type", "application/json".into()),
            ("x-amzn-errortype", code.to_owned()),
        ],
        body: json!({ "message": message }).to_string(),
    }
}

fn handle(state: &State, req: &StubRequest) -> Reply {
    state.requests.bump();
    if req.method != "GET" || req.path != "/federation/credentials" {
        return error(404, "ResourceNotFoundException", "no such operation");
    }
    if req.header("x-amz-sso_bearer_token") != Some(state.access_token.as_str()) {
        state.unauthorized.bump();
        return error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    let (Some(account), Some(role)) = (req.query("account_id"), req.query("role_name")) else {
        return error(
            400,
            "InvalidRequestException",
            "account_id and role_name are required",
        );
    };
    if account != state.account_id || role != state.role_name {
        state.forbidden.bump();
        return error(403, "ForbiddenException", "No access");
    }
    if let Some((status, body)) = lock(&state.response).clone() {
        return Reply::raw(status, &body);
    }
    let millis = state
        .creds
        .expiration
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    Reply::json(
        200,
        &json!({
            "roleCredentials": {
                "accessKeyId": state.creds.access_key_id,
                "secretAccessKey": state.creds.secret_access_key,
                "sessionToken": state.creds.session_token,
                "expiration": u64::try_from(millis).unwrap_or(u64::MAX),
            }
        }),
    )
}
