//! Shared helpers: a fresh certificate folder, client configurations, an in-memory handshake.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};
use trust::CertDir;

/// A temporary folder with a CA for `tak.example` and 192.0.2.10.
pub(crate) fn cert_dir() -> (tempfile::TempDir, CertDir) {
    let tmp = tempfile::tempdir().unwrap();
    let hosts = vec!["tak.example".to_owned(), "192.0.2.10".to_owned()];
    let dir = CertDir::init(tmp.path().join("certs"), &hosts, "Task Force").unwrap();
    (tmp, dir)
}

/// A client configuration trusting `ca.pem` of `dir`, presenting the chain and key files.
pub(crate) fn client_config(ca_pem: &[u8], chain_pem: &[u8], key_pem: &[u8]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for ca in CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(ca.unwrap()).unwrap();
    }
    let chain: Vec<_> = CertificateDer::pem_slice_iter(chain_pem)
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_slice(key_pem).unwrap();
    Arc::new(
        ClientConfig::builder_with_provider(trust::tls::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .unwrap(),
    )
}

/// The client configuration of an issued client `name` in `dir`.
pub(crate) fn issued_client(dir: &CertDir, name: &str) -> Arc<ClientConfig> {
    let read = |f: String| std::fs::read(dir.dir().join(f)).unwrap();
    client_config(
        &read("ca.pem".into()),
        &read(format!("{name}.pem")),
        &read(format!("{name}.key")),
    )
}

/// Runs a TLS handshake over in-memory buffers (at most 20 flights, so it always ends) and
/// returns the identity the server derived from the client certificate, or the first error.
pub(crate) fn handshake(
    server: Arc<ServerConfig>,
    client: Arc<ClientConfig>,
    host: &str,
) -> Result<Option<String>, rustls::Error> {
    let name = ServerName::try_from(host.to_owned()).unwrap();
    let mut c = ClientConnection::new(client, name)?;
    let mut s = ServerConnection::new(server)?;
    for _ in 0..20 {
        let mut buf = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut buf).unwrap();
        }
        let mut slice = &buf[..];
        while !slice.is_empty() {
            s.read_tls(&mut slice).unwrap();
        }
        s.process_new_packets()?;
        let mut buf = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut buf).unwrap();
        }
        let mut slice = &buf[..];
        while !slice.is_empty() {
            c.read_tls(&mut slice).unwrap();
        }
        c.process_new_packets()?;
        if !c.is_handshaking() && !s.is_handshaking() {
            return Ok(s.peer_certificates().and_then(trust::tls::peer_identity));
        }
    }
    panic!("handshake did not finish in 20 flights");
}
