//! Mutual TLS against `server_config`: who is let in, who is refused, and reloads.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};
use trust::tls::{peer_identity, server_config, Reloader};
use trust::{CertDir, IssueOptions};

use crate::support::{cert_dir, handshake, issued_client};

#[test]
fn issued_client_is_accepted_and_named() {
    let (_tmp, dir) = cert_dir();
    dir.issue_client("alice").unwrap();
    let server = server_config(dir.dir()).unwrap();
    for host in ["tak.example", "192.0.2.10", "localhost", "127.0.0.1"] {
        let who = handshake(server.clone(), issued_client(&dir, "alice"), host).unwrap();
        assert_eq!(who.as_deref(), Some("alice"), "via {host}");
    }
}

#[test]
fn tls12_client_is_accepted() {
    use rustls::pki_types::pem::PemObject;
    let (_tmp, dir) = cert_dir();
    dir.issue_client("bob").unwrap();
    let read = |f: &str| std::fs::read(dir.dir().join(f)).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(dir.ca_der().unwrap()).unwrap();
    let chain: Vec<_> = CertificateDer::pem_slice_iter(&read("bob.pem"))
        .map(Result::unwrap)
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(&read("bob.key")).unwrap();
    let v12 = rustls::ClientConfig::builder_with_provider(trust::tls::provider())
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .unwrap();
    let who = handshake(
        server_config(dir.dir()).unwrap(),
        Arc::new(v12),
        "localhost",
    )
    .unwrap();
    assert_eq!(who.as_deref(), Some("bob"));
}

#[test]
fn server_name_not_in_certificate_is_refused_by_the_client() {
    let (_tmp, dir) = cert_dir();
    dir.issue_client("alice").unwrap();
    let err = handshake(
        server_config(dir.dir()).unwrap(),
        issued_client(&dir, "alice"),
        "other.example",
    );
    assert!(err.is_err());
}

#[test]
fn client_of_another_ca_is_refused() {
    let (_tmp, dir) = cert_dir();
    let (_tmp2, other) = cert_dir();
    other.issue_client("mallory").unwrap();
    // Mallory trusts our server's CA but presents a certificate from her own CA.
    let read = |d: &CertDir, f: &str| std::fs::read(d.dir().join(f)).unwrap();
    let client = crate::support::client_config(
        &read(&dir, "ca.pem"),
        &read(&other, "mallory.pem"),
        &read(&other, "mallory.key"),
    );
    let err = handshake(server_config(dir.dir()).unwrap(), client, "localhost").unwrap_err();
    assert!(
        matches!(err, rustls::Error::InvalidCertificate(_)),
        "{err:?}"
    );
}

#[test]
fn expired_client_is_refused() {
    let (_tmp, dir) = cert_dir();
    let now = OffsetDateTime::now_utc();
    let options = IssueOptions {
        not_before: Some(now - Duration::days(10)),
        not_after: Some(now - Duration::days(1)),
    };
    dir.issue_client_with("old", &options).unwrap();
    let err = handshake(
        server_config(dir.dir()).unwrap(),
        issued_client(&dir, "old"),
        "localhost",
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            rustls::Error::InvalidCertificate(
                rustls::CertificateError::Expired | rustls::CertificateError::ExpiredContext { .. }
            )
        ),
        "{err:?}"
    );
    // An expired certificate does not block a new one for the same name.
    dir.issue_client("old").unwrap();
}

#[test]
fn revoked_client_is_refused_after_reload_without_restart() {
    let (_tmp, dir) = cert_dir();
    let files = dir.issue_client("carol").unwrap();
    dir.issue_client("dave").unwrap();
    let reloader = Reloader::new(dir.dir()).unwrap();
    assert!(handshake(
        reloader.current(),
        issued_client(&dir, "carol"),
        "localhost"
    )
    .is_ok());
    assert!(!reloader.refresh().unwrap(), "nothing changed yet");

    let revoked = dir.revoke("carol").unwrap();
    assert_eq!(revoked, vec![files.serial.clone()]);
    assert_eq!(dir.revoked_serials().unwrap(), vec![files.serial.clone()]);
    let err = handshake(
        reloader.current(),
        issued_client(&dir, "carol"),
        "localhost",
    )
    .unwrap_err();
    assert_eq!(
        err,
        rustls::Error::InvalidCertificate(rustls::CertificateError::Revoked)
    );
    // Others are unaffected; revoking again changes nothing; a new certificate works.
    assert!(handshake(reloader.current(), issued_client(&dir, "dave"), "localhost").is_ok());
    assert!(dir.revoke("carol").unwrap().is_empty());
    assert!(dir.revoke("nobody").is_err());
    dir.issue_client("carol").unwrap();
    assert_eq!(
        handshake(
            reloader.current(),
            issued_client(&dir, "carol"),
            "localhost"
        )
        .unwrap()
        .as_deref(),
        Some("carol")
    );
}

#[test]
fn broken_crl_keeps_the_last_good_configuration() {
    let (_tmp, dir) = cert_dir();
    dir.issue_client("erin").unwrap();
    let reloader = Reloader::new(dir.dir()).unwrap();
    std::fs::write(dir.dir().join("crl.pem"), "garbage").unwrap();
    assert!(reloader.refresh().is_err());
    assert!(handshake(reloader.current(), issued_client(&dir, "erin"), "localhost").is_ok());
}

#[test]
fn missing_or_empty_crl_fails_closed() {
    let (_tmp, dir) = cert_dir();
    std::fs::write(dir.dir().join("crl.pem"), "").unwrap();
    assert!(server_config(dir.dir()).is_err());
    std::fs::remove_file(dir.dir().join("crl.pem")).unwrap();
    assert!(server_config(dir.dir()).is_err());
}

#[test]
fn peer_identity_edge_cases() {
    assert_eq!(peer_identity(&[]), None);
    assert_eq!(peer_identity(&[CertificateDer::from(vec![1, 2, 3])]), None);
}
