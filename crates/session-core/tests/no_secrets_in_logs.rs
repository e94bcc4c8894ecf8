//! Captures everything the library logs (TRACE and up) while it resolves a configuration full
//! of secrets and warnings, and checks that no secret appears.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use session_core::{Env, Session};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const SECRETS: [&str; 4] = [
    "env-secret-9f8e7d",
    "env-token-1a2b3c",
    "file-secret-4d5e6f",
    "file-token-7a8b9c",
];

#[tokio::test]
async fn tracing_output_holds_no_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let credentials = format!(
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = {}\naws_session_token = {}\n\
         [profile ignored]\naws_secret_access_key = {}\nbad name = {}\n",
        SECRETS[2], SECRETS[3], SECRETS[2], SECRETS[3]
    );
    let session = Session::builder()
        .env(Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", SECRETS[0]),
            ("AWS_SESSION_TOKEN", SECRETS[1]),
            ("AWS_ENDPOINT_URL_NOT.VALID", "http://x"),
        ]))
        .config_file_contents("[oops]\nregion = x\n")
        .credentials_file_contents(credentials)
        .build()
        .unwrap();
    let creds = session.local_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIDENV");
    tracing::info!(?session, ?creds, "what a user might log");

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    // The capture works: the ignored sections were logged as warnings.
    assert!(logged.contains("WARN"), "{logged}");
    assert!(logged.contains("[oops]"), "{logged}");
    assert!(logged.contains("AKIDENV"), "{logged}");
    for secret in SECRETS {
        assert!(!logged.contains(secret), "{secret} leaked: {logged}");
    }
}
