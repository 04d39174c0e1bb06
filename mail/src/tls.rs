//! The trust every mail connection uses: the public CAs (Mozilla's list,
//! compiled in, so no system store is needed) plus `PARLOR_MAIL_CA_FILE`.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the CA file {path}: {message}")]
    CaFile { path: String, message: String },
}

/// The extra CA certificates, as PEM bytes (for lettre) and parsed.
pub(crate) fn read_ca_file(
    path: &Path,
) -> Result<(Vec<u8>, Vec<CertificateDer<'static>>), TlsError> {
    let fail = |message: String| TlsError::CaFile {
        path: path.display().to_string(),
        message,
    };
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if certs.is_empty() {
        return Err(fail("no certificate in it".into()));
    }
    Ok((pem, certs))
}

/// A rustls client configuration trusting the public CAs and `extra`.
pub(crate) fn client_config(
    extra: &[CertificateDer<'static>],
) -> Result<Arc<ClientConfig>, TlsError> {
    // ring, as lettre uses: rustls deprecates its provider for lacking
    // post-quantum key exchange, but aws-lc-rs would add a large C build,
    // and mail servers rarely offer it yet.
    #[allow(deprecated)]
    let provider = tokio_rustls::rustls::crypto::ring::default_provider();
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra {
        roots.add(cert.clone()).map_err(|e| TlsError::CaFile {
            path: "PARLOR_MAIL_CA_FILE".into(),
            message: e.to_string(),
        })?;
    }
    let config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::CaFile {
            path: "rustls".into(),
            message: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
