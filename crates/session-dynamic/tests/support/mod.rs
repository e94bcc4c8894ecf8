//! What the tests share: the vendored pack as the model source, and sessions that read
//! nothing of the machine (environment and files injected).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use session_core::{Env, Session};
use session_dynamic::{DynClient, ModelSource};

/// The vendored pack of every botocore service.
pub(crate) const PACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
);

/// The pack as a model source.
pub(crate) fn pack() -> ModelSource {
    ModelSource::pack(PACK)
}

/// A session in us-east-1 with fixed keys, pointed at `endpoint` (nothing is sent unless a
/// test sends), one attempt per call.
pub(crate) fn offline_session(endpoint: &str) -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDDYNAMICTEST")
        .secret_access_key("dynamic-test-secret")
        .setting("endpoint_url", endpoint)
        .setting("max_attempts", "1")
        .build()
        .expect("test session")
}

/// A dynamic client of `name` on `session`, models from the pack.
pub(crate) fn client(session: &Session, name: &str) -> DynClient {
    DynClient::builder(session, name)
        .models(pack())
        .build()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A multi-thread runtime for a test's calls.
pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("tokio runtime")
}
