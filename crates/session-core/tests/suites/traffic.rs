//! The recorded HTTP exchanges of a credential chain case (`http-traffic.json`), read as the
//! sequence of credential endpoints the SDK called, so a runner without HTTP can check that
//! our plan calls the same ones in the same order.

use std::collections::BTreeMap;
use std::path::Path;

use http::Uri;

use crate::support::{form_value, load};

/// One credential endpoint call, with what identifies it. STS calls are identified by their
/// action and endpoint only: the recordings reuse request bodies across cases (the role ARN
/// in `web_identity_token_profile`'s recording is another case's), so the roles themselves
/// are checked by the profile chain suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// Instance metadata (token, role name and credentials requests count as one call).
    Imds { origin: String },
    /// The container credentials URL.
    Container { uri: String },
    /// STS AssumeRole.
    AssumeRole { origin: String },
    /// STS AssumeRoleWithWebIdentity.
    WebIdentity { origin: String },
    /// The SSO portal's GetRoleCredentials.
    Sso {
        account_id: String,
        role_name: String,
        origin: String,
    },
}

struct Exchange {
    uri: Uri,
    body: String,
}

fn origin(uri: &Uri) -> String {
    format!(
        "{}://{}",
        uri.scheme_str().unwrap(),
        uri.authority().unwrap()
    )
}

fn exchanges(file: &Path) -> Vec<Exchange> {
    let doc = load(file.to_str().unwrap());
    // Requests in the order they were made; bodies are data events on the same connection.
    let mut order = Vec::new();
    let mut by_connection: BTreeMap<u64, Exchange> = BTreeMap::new();
    for event in doc["events"].as_array().unwrap() {
        let id = event["connection_id"].as_u64().unwrap();
        let action = &event["action"];
        if let Some(request) = action["Request"]["request"].as_object() {
            let uri: Uri = request["uri"].as_str().unwrap().parse().unwrap();
            order.push(id);
            by_connection.insert(
                id,
                Exchange {
                    uri,
                    body: String::new(),
                },
            );
        } else if action["Data"]["direction"] == "Request" {
            if let Some(text) = action["Data"]["data"]["Utf8"].as_str() {
                by_connection.get_mut(&id).unwrap().body.push_str(text);
            }
        }
    }
    order
        .into_iter()
        .map(|id| by_connection.remove(&id).unwrap())
        .collect()
}

fn call(x: &Exchange) -> Call {
    let origin = origin(&x.uri);
    let path = x.uri.path();
    let query = x.uri.query().unwrap_or("");
    match form_value(&x.body, "Action").as_deref() {
        Some("AssumeRole") => return Call::AssumeRole { origin },
        Some("AssumeRoleWithWebIdentity") => return Call::WebIdentity { origin },
        Some(other) => panic!("unknown STS action {other}"),
        None => {}
    }
    if path.starts_with("/latest/") {
        Call::Imds { origin }
    } else if path == "/federation/credentials" {
        Call::Sso {
            account_id: form_value(query, "account_id").unwrap(),
            role_name: form_value(query, "role_name").unwrap(),
            origin,
        }
    } else {
        Call::Container {
            uri: x.uri.to_string(),
        }
    }
}

/// The calls of a recording; retries and the several requests of one IMDS load collapse
/// into one call.
pub(crate) fn calls(file: &Path) -> Vec<Call> {
    let mut out: Vec<Call> = Vec::new();
    for x in exchanges(file) {
        let c = call(&x);
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out
}
