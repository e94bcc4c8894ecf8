//! TLS through the real transport: a local HTTPS server (an in-process STUB with a freshly
//! generated certificate authority) proves that `ca_bundle` is honoured, that the webpki roots
//! alone reject an unknown CA, and that requests go over TLS end to end.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{call, INFO};
use session_core::{Env, Session};
use session_tower::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A CA, a `localhost` certificate it signed, and the CA's PEM.
fn pki() -> (rustls::ServerConfig, String) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "session-tower test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let ca = rcgen::Issuer::from_params(&ca_params, &ca_key);

    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf_params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();

    let key = rustls_pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    (config, ca_cert.pem())
}

async fn https_server(config: rustls::ServerConfig) -> u16 {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let mut buf = vec![0u8; 65536];
                let _ = tls.read(&mut buf).await;
                let body = "{\"Tls\":true}";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

fn session(port: u16, ca_bundle: Option<&std::path::Path>) -> Session {
    let mut b = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("tls-test-secret")
        .setting("endpoint_url", format!("https://localhost:{port}"));
    if let Some(path) = ca_bundle {
        b = b.setting("ca_bundle", path.to_str().unwrap());
    }
    b.build().unwrap()
}

#[tokio::test]
async fn ca_bundle_is_trusted_and_unknown_cas_are_not() {
    let (config, ca_pem) = pki();
    let port = https_server(config).await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, ca_pem).unwrap();

    let trusted = Client::new(&session(port, Some(&bundle)), &INFO).unwrap();
    assert_eq!(call(&trusted).await.unwrap()["Tls"], true);

    // Same server, webpki roots only: the handshake must fail, and fail as a connect error.
    let untrusted = Client::new(&session(port, None), &INFO).unwrap();
    let e = call(&untrusted).await.unwrap_err();
    assert!(e.is_connect() || e.is_io(), "{e:?}");
}
