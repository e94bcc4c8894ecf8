//! rustls client configuration: webpki roots plus an optional CA bundle.

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::error::{Error, Kind};

pub(super) fn client_config(ca_bundle: Option<&Path>) -> Result<rustls::ClientConfig, Error> {
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
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::with(Kind::Build, "TLS configuration").source_from(e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_empty_bundles_are_build_errors() {
        let e = client_config(Some(Path::new("/definitely/missing.pem"))).unwrap_err();
        assert!(e.is_build());
        assert!(e.to_string().contains("/definitely/missing.pem"));
        let dir = tempfile_dir();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        assert!(client_config(Some(&empty))
            .unwrap_err()
            .to_string()
            .contains("no certificates"));
        assert!(client_config(None).is_ok());
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("session-tower-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
