//! Enrollment: signing CSRs in the forms TAK clients send them, and the response bodies.

use base64::Engine as _;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use x509_parser::prelude::*;

use trust::enroll::{tls_config_xml, ResponseFormat};
use trust::tls::server_config;
use trust::{CertKind, Error};

use crate::support::{cert_dir, client_config, handshake};

/// A CSR asking for more than it may get: another name and server authentication.
fn greedy_csr() -> (KeyPair, rcgen::CertificateSigningRequest) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["evil.example".to_owned()]).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "admin");
    params.distinguished_name = dn;
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let csr = params.serialize_request(&key).unwrap();
    (key, csr)
}

#[test]
fn csr_in_every_form_is_signed_for_the_authenticated_user() {
    let (_tmp, dir) = cert_dir();
    let (key, csr) = greedy_csr();
    let pem = csr.pem().unwrap();
    let bare: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = csr.der().to_vec();
    for (form, body) in [
        ("pem", pem.into_bytes()),
        ("bare", bare.into_bytes()),
        ("der", der),
    ] {
        let signed = dir.sign_csr(&body, "alice").unwrap();
        let (_, cert) = X509Certificate::from_der(&signed.leaf).unwrap();
        let cn = cert
            .subject()
            .iter_common_name()
            .next()
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(cn, "alice", "{form}: subject overridden");
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(
            eku.client_auth && !eku.server_auth,
            "{form}: clientAuth only"
        );
        assert!(
            cert.subject_alternative_name().unwrap().is_none(),
            "{form}: no SANs copied"
        );
        assert_eq!(signed.chain, vec![dir.ca_der().unwrap()]);
    }
    let enrolled: Vec<_> = dir
        .issued()
        .unwrap()
        .into_iter()
        .filter(|c| c.kind == CertKind::Enrolled)
        .collect();
    assert_eq!(enrolled.len(), 3);

    // The enrolled certificate works for mutual TLS, and revoking the user covers it.
    let signed = dir
        .sign_csr(csr.pem().unwrap().as_bytes(), "alice")
        .unwrap();
    let chain_pem = signed.leaf_pem() + &trust::pem_cert(&signed.chain[0]);
    let client = client_config(
        &std::fs::read(dir.ca_pem_path()).unwrap(),
        chain_pem.as_bytes(),
        key.serialize_pem().as_bytes(),
    );
    let who = handshake(
        server_config(dir.dir()).unwrap(),
        client.clone(),
        "localhost",
    )
    .unwrap();
    assert_eq!(who.as_deref(), Some("alice"));
    assert_eq!(dir.revoke("alice").unwrap().len(), 4);
    assert!(handshake(server_config(dir.dir()).unwrap(), client, "localhost").is_err());
}

#[test]
fn corrupted_or_garbage_csr_is_refused() {
    let (_tmp, dir) = cert_dir();
    let (_key, csr) = greedy_csr();
    let mut der = csr.der().to_vec();
    let last = der.len() - 3;
    der[last] ^= 0x55; // inside the signature
    assert!(matches!(
        dir.sign_csr(&der, "alice"),
        Err(Error::CsrSignature)
    ));
    assert!(matches!(
        dir.sign_csr(b"hello", "alice"),
        Err(Error::InvalidCsr(_))
    ));
    assert!(matches!(
        dir.sign_csr(&[0x30, 0x82, 0xff], "alice"),
        Err(Error::InvalidCsr(_))
    ));
    assert!(dir.sign_csr(&[], "alice").is_err());
    let huge = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 20_000]);
    assert!(matches!(
        dir.sign_csr(huge.as_bytes(), "alice"),
        Err(Error::InvalidCsr(_))
    ));
    assert!(matches!(
        dir.sign_csr(csr.der(), "bad\nname"),
        Err(Error::InvalidName { .. })
    ));
    assert_eq!(
        dir.issued().unwrap().len(),
        1,
        "nothing issued for refused requests"
    );
}

#[test]
fn response_bodies_decode_to_the_signed_certificates() {
    let (_tmp, dir) = cert_dir();
    let (_key, csr) = greedy_csr();
    let signed = dir.sign_csr(csr.der(), "alice").unwrap();
    let format = ResponseFormat::from_accept(Some("application/json")).unwrap();
    assert_eq!(format.content_type(), "application/json");
    let json: serde_json::Value =
        serde_json::from_str(&format.render(&signed.leaf, &signed.chain)).unwrap();
    let decode = |body: &str| {
        let compact: String = body.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .unwrap()
    };
    assert_eq!(
        decode(json["signedCert"].as_str().unwrap()),
        signed.leaf.to_vec()
    );
    assert_eq!(
        decode(json["ca0"].as_str().unwrap()),
        signed.chain[0].to_vec()
    );

    let xml = ResponseFormat::Xml.render(&signed.leaf, &signed.chain);
    let ca_body = xml
        .split("<ca>")
        .nth(1)
        .unwrap()
        .split("</ca>")
        .next()
        .unwrap();
    assert_eq!(decode(ca_body), signed.chain[0].to_vec());

    let cfg = tls_config_xml("Task Force", "Ops");
    assert!(cfg.contains("<nameEntry name=\"O\" value=\"Task Force\"/>"));
    assert!(cfg.contains("<nameEntry name=\"OU\" value=\"Ops\"/>"));
    let mut reader = quick_xml::Reader::from_str(&cfg);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            _ => continue,
        }
    }
}

/// ATAK makes RSA keys for its CSR; rcgen on ring cannot, so OpenSSL makes one if present.
#[test]
fn rsa_csr_from_openssl_is_signed_and_works_for_tls() {
    let tmp = tempfile::tempdir().unwrap();
    let (key_path, csr_path) = (tmp.path().join("k.pem"), tmp.path().join("r.csr"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=whoever/O=TAK",
        ])
        .arg("-keyout")
        .arg(&key_path)
        .arg("-out")
        .arg(&csr_path)
        .output();
    if !made.as_ref().map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("skipped: openssl is not installed");
        return;
    }
    let (_tmp, dir) = cert_dir();
    // ATAK's form: the base64 body without the armour lines.
    let pem = std::fs::read_to_string(&csr_path).unwrap();
    let bare: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let signed = dir.sign_csr(bare.as_bytes(), "frank").unwrap();
    let chain_pem = signed.leaf_pem() + &trust::pem_cert(&signed.chain[0]);
    let client = client_config(
        &std::fs::read(dir.ca_pem_path()).unwrap(),
        chain_pem.as_bytes(),
        &std::fs::read(&key_path).unwrap(),
    );
    let who = handshake(server_config(dir.dir()).unwrap(), client, "localhost").unwrap();
    assert_eq!(who.as_deref(), Some("frank"));
}
