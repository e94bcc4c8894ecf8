//! A `Session` pointed at a peer, isolated from the machine's own configuration.

use session_core::{Env, Session, SessionBuilder};

use crate::Credentials;

/// A session that talks to `endpoint` in `region` with `credentials` (the secret replaced by
/// `secret` when given, to test rejected signatures). Nothing of the machine's environment or
/// `~/.aws` is read.
///
/// # Panics
/// Never for the values the peers hand out; a test helper, it panics if the session cannot
/// be built.
pub fn session_for(
    endpoint: &str,
    region: &str,
    credentials: &Credentials,
    secret: Option<&str>,
) -> Session {
    session_builder_for(endpoint, region, credentials, secret)
        .build()
        .unwrap_or_else(|e| panic!("session for {endpoint}: {e}"))
}

/// The builder behind [`session_for`], to add settings (timeouts, retries, ...) before
/// building. The environment holds only `AWS_REGION`, and both files are empty.
pub fn session_builder_for(
    endpoint: &str,
    region: &str,
    credentials: &Credentials,
    secret: Option<&str>,
) -> SessionBuilder {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", region)]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id(credentials.access_key_id())
        .secret_access_key(secret.unwrap_or(credentials.secret_access_key()))
        .setting("endpoint_url", endpoint)
}
