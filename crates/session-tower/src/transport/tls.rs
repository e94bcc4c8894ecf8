//! rustls client configuration: webpki roots plus an optional CA bundle.
//!
//! Without a CA bundle the configuration is built when the first TLS connection of the
//! process is made, and shared by every transport after it: a process that only talks plain
//! HTTP (a local endpoint) never loads the root store, and a client is made in microseconds.
//! A CA bundle is read when the transport is built, so that an unreadable or empty file is
//! an error from the builder, not from the first request.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::error::{Error, Kind};

/// Where a transport's TLS configuration comes from.
#[derive(Clone)]
pub(super) struct Tls {
    /// Built from the CA bundle when the transport was built; `None` uses the shared default.
    custom: Option<Arc<rustls::ClientConfig>>,
    /// Offer HTTP/2 by ALPN.
    http2: bool,
}

impl Tls {
    /// Reads `ca_bundle` now, if given; the default configuration waits for its first use.
    pub(super) fn new(ca_bundle: Option<&Path>, http2: bool) -> Result<Self, Error> {
        let custom = match ca_bundle {
            Some(path) => Some(Arc::new(client_config(Some(path), http2)?)),
            None => None,
        };
        Ok(Self { custom, http2 })
    }

    /// The configuration to handshake with: the CA bundle's, or the process-wide default
    /// (built on the first call).
    pub(super) fn config(&self) -> Result<Arc<rustls::ClientConfig>, Error> {
        static HTTP1: Shared = OnceLock::new();
        static HTTP2: Shared = OnceLock::new();
        self.config_in(if self.http2 { &HTTP2 } else { &HTTP1 })
    }

    fn config_in(&self, shared: &Shared) -> Result<Arc<rustls::ClientConfig>, Error> {
        if let Some(config) = &self.custom {
            return Ok(Arc::clone(config));
        }
        shared
            .get_or_init(|| {
                client_config(None, self.http2)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|message| Error::with(Kind::Connect, message))
    }
}

/// A default configuration, built once (an error is kept as its message).
type Shared = OnceLock<Result<Arc<rustls::ClientConfig>, String>>;

/// A configuration with the webpki roots, the certificates of `ca_bundle`, and ALPN for
/// HTTP/2 when `http2` (HTTP/1.1 only leaves ALPN empty, as hyper-rustls does).
fn client_config(ca_bundle: Option<&Path>, http2: bool) -> Result<rustls::ClientConfig, Error> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_bundle {
        let shown = path.display();
        let mut added = 0;
        let certs = CertificateDer::pem_file_iter(path).map_err(|e| {
            Error::with(Kind::Build, format!("ca_bundle {shown}: cannot read")).source_from(e)
        })?;
        for cert in certs {
            let cert = cert.map_err(|e| {
                Error::with(Kind::Build, format!("ca_bundle {shown}: malformed PEM")).source_from(e)
            })?;
            roots.add(cert).map_err(|e| {
                Error::with(Kind::Build, format!("ca_bundle {shown}: bad certificate"))
                    .source_from(e)
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(Error::with(
                Kind::Build,
                format!("ca_bundle {shown}: no certificates found"),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::with(Kind::Build, "TLS configuration").source_from(e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    if http2 {
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_empty_bundles_are_build_errors() {
        let e = client_config(Some(Path::new("/definitely/missing.pem")), false).unwrap_err();
        assert!(e.is_build());
        assert!(e.to_string().contains("/definitely/missing.pem"));
        let dir = tempfile_dir();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        assert!(client_config(Some(&empty), false)
            .unwrap_err()
            .to_string()
            .contains("no certificates"));
        assert!(client_config(None, false).is_ok());
        // Through `Tls`, a bad bundle fails when the transport is built.
        assert!(Tls::new(Some(&empty), false).is_err());
        assert!(Tls::new(None, false).unwrap().config().is_ok());
    }

    #[test]
    fn the_default_configuration_is_built_on_first_use_and_shared() {
        let shared = Shared::new();
        let tls = Tls::new(None, false).unwrap();
        assert!(shared.get().is_none(), "Tls::new must not build it");
        let first = tls.config_in(&shared).unwrap();
        assert!(shared.get().is_some());
        let again = Tls::new(None, false).unwrap().config_in(&shared).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert!(first.alpn_protocols.is_empty());
        let h2 = Tls::new(None, true)
            .unwrap()
            .config_in(&Shared::new())
            .unwrap();
        assert_eq!(h2.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("session-tower-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
