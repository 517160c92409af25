//! A throwaway CA with a server and a client certificate, written as PEM
//! files the way `watchfloor certs init` / `certs client` lay them out, and
//! the mutual-TLS acceptor a test relay uses.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;

use bench::TlsFiles;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A certificate folder on disk, removed on drop.
pub(crate) struct CertDir {
    pub(crate) dir: PathBuf,
    pub(crate) acceptor: TlsAcceptor,
}

impl Drop for CertDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl CertDir {
    /// Client settings using this folder's CA, certificate and key.
    pub(crate) fn files(&self, resume: bool) -> TlsFiles {
        TlsFiles {
            ca: self.dir.join("ca.pem"),
            cert: self.dir.join("load.pem"),
            key: self.dir.join("load.key"),
            server_name: "127.0.0.1".into(),
            resume,
        }
    }
}

fn leaf(cn: &str, eku: ExtendedKeyUsagePurpose) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.extended_key_usages = vec![eku];
    p
}

/// Makes a fresh CA, server certificate for 127.0.0.1 and client `load`.
pub(crate) fn make(tag: &str) -> CertDir {
    let dir = std::env::temp_dir().join(format!("wf-loadgen-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::default();
    ca.distinguished_name.push(DnType::CommonName, "test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let server_key = KeyPair::generate().unwrap();
    let mut sp = leaf("127.0.0.1", ExtendedKeyUsagePurpose::ServerAuth);
    sp.subject_alt_names = vec![SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST))];
    let server_cert = sp.signed_by(&server_key, &issuer).unwrap();

    let client_key = KeyPair::generate().unwrap();
    let cp = leaf("load", ExtendedKeyUsagePurpose::ClientAuth);
    let client_cert = cp.signed_by(&client_key, &issuer).unwrap();

    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("load.pem"), client_cert.pem() + &ca_cert.pem()).unwrap();
    std::fs::write(dir.join("load.key"), client_key.serialize_pem()).unwrap();

    let mut roots = RootCertStore::empty();
    roots.add(ca_cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(server_key.serialize_pem().as_bytes()).unwrap();
    let chain = vec![
        CertificateDer::from(server_cert.der().to_vec()),
        ca_cert.der().clone(),
    ];
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    CertDir {
        dir,
        acceptor: TlsAcceptor::from(Arc::new(config)),
    }
}
