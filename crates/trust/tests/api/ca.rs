//! The certificate folder: what `init` and `issue_client` write, and what they refuse.

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::*;

use trust::{CertDir, CertKind, Error, InitOptions};

use crate::support::cert_dir;

fn pem_certs(path: &std::path::Path) -> Vec<Vec<u8>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_file_iter(path)
        .unwrap()
        .map(|c| c.unwrap().to_vec())
        .collect()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_writes_ca_and_server_with_all_names() {
    let (_tmp, dir) = cert_dir();
    let ca = pem_certs(&dir.dir().join("ca.pem"));
    assert_eq!(ca.len(), 1);
    let (_, ca_cert) = X509Certificate::from_der(&ca[0]).unwrap();
    assert!(ca_cert.is_ca());
    let ku = ca_cert.key_usage().unwrap().unwrap().value;
    assert!(ku.key_cert_sign() && ku.crl_sign());
    let years = (ca_cert.validity().not_after.timestamp()
        - ca_cert.validity().not_before.timestamp())
        / 86400
        / 365;
    assert_eq!(years, 10);

    let chain = pem_certs(&dir.dir().join("server.pem"));
    assert_eq!(chain.len(), 2, "server.pem is leaf + CA");
    assert_eq!(chain[1], ca[0]);
    let (_, leaf) = X509Certificate::from_der(&chain[0]).unwrap();
    assert!(!leaf.is_ca());
    let eku = leaf.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth && !eku.client_auth);
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for ext in leaf.extensions() {
        if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
            for name in &san.general_names {
                match name {
                    GeneralName::DNSName(d) => dns.push(d.to_string()),
                    GeneralName::IPAddress(ip) => ips.push(ip.to_vec()),
                    _ => {}
                }
            }
        }
    }
    assert_eq!(dns, ["tak.example", "localhost"]);
    assert_eq!(ips, [vec![192, 0, 2, 10], vec![127, 0, 0, 1]]);
    let cn = leaf
        .subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(cn, "tak.example");

    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.dir().join("ca.key")), 0o600);
        assert_eq!(mode(&dir.dir().join("server.key")), 0o600);
    }
    let issued = dir.issued().unwrap();
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].kind, CertKind::Server);
    assert!(
        dir.revoked_serials().unwrap().is_empty(),
        "empty CRL from the start"
    );
}

#[test]
fn init_refuses_to_overwrite_unless_forced() {
    let (_tmp, dir) = cert_dir();
    let before = std::fs::read(dir.dir().join("ca.pem")).unwrap();
    let again = CertDir::init(dir.dir(), &["x.example".to_owned()], "Other");
    assert!(matches!(again, Err(Error::CaExists(_))));
    assert_eq!(std::fs::read(dir.dir().join("ca.pem")).unwrap(), before);
    let forced = CertDir::init_with(
        dir.dir(),
        &InitOptions {
            hosts: vec!["x.example".to_owned()],
            org: "Other".to_owned(),
            force: true,
            stream_port: 8089,
        },
    );
    assert!(forced.is_ok());
    assert_ne!(std::fs::read(dir.dir().join("ca.pem")).unwrap(), before);
}

#[test]
fn init_refuses_bad_hosts_and_open_needs_a_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = CertDir::init(tmp.path(), &["bad host/x".to_owned()], "O");
    assert!(matches!(bad, Err(Error::InvalidHost(_))), "{bad:?}");
    assert!(matches!(
        CertDir::open(tmp.path().join("nothing")),
        Err(Error::NoCa(_))
    ));
    let (_tmp, dir) = cert_dir();
    assert!(CertDir::open(dir.dir()).is_ok());
}

#[test]
fn issue_refuses_path_tricks_and_duplicates() {
    let (_tmp, dir) = cert_dir();
    for bad in ["../x", "a/b", "..", "", "ca", "server", "a:b", ".x"] {
        assert!(
            matches!(dir.issue_client(bad), Err(Error::InvalidName { .. })),
            "{bad:?} accepted"
        );
    }
    assert!(!dir.dir().parent().unwrap().join("x.pem").exists());
    dir.issue_client("alice").unwrap();
    assert!(matches!(
        dir.issue_client("alice"),
        Err(Error::ClientExists(_))
    ));
}
