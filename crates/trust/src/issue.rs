//! Client certificates: made here with their key (`issue_client`), or signed from a CSR that a
//! TAK client sent to the enrollment endpoint (`sign_csr`).

use std::path::PathBuf;

use base64::Engine as _;
use rcgen::{ExtendedKeyUsagePurpose, KeyPair, SubjectPublicKeyInfo};
use rustls::pki_types::CertificateDer;
use time::OffsetDateTime;
use x509_parser::prelude::FromDer as _;

use crate::ca::{leaf_params, record, CertDir, BACKDATE, LEAF_VALIDITY};
use crate::error::{Error, Result};
use crate::fsutil::{self, Secrecy};
use crate::registry::{CertKind, Registry};
use crate::{p12file, package};

/// Largest CSR accepted, in bytes: an RSA-4096 request is about 1.7 kB in PEM.
pub const MAX_CSR_LEN: usize = 16 * 1024;

/// Overrides of validity for [`CertDir::issue_client_with`] (short-lived certificates, and
/// tests that need an expired one).
#[derive(Clone, Debug, Default)]
pub struct IssueOptions {
    /// Start of validity; default now minus one hour.
    pub not_before: Option<OffsetDateTime>,
    /// End of validity; default now plus [`LEAF_VALIDITY`].
    pub not_after: Option<OffsetDateTime>,
}

/// The files [`CertDir::issue_client`] wrote.
#[derive(Clone, Debug)]
pub struct ClientFiles {
    /// `NAME.pem`: the client certificate then the CA certificate.
    pub pem: PathBuf,
    /// `NAME.key`: the PKCS#8 private key (0600).
    pub key: PathBuf,
    /// `NAME.p12`: key, certificate and CA, legacy PKCS#12 encryption (0600).
    pub p12: PathBuf,
    /// `truststore.p12`: the CA certificate alone (0600, it carries the password convention).
    pub truststore: PathBuf,
    /// `NAME.zip`: the connection data package ATAK and WinTAK import in one step (0600).
    pub zip: PathBuf,
    /// Serial number of the new certificate, lower-case hex.
    pub serial: String,
}

/// A certificate signed from a CSR, ready for the enrollment response.
#[derive(Clone, Debug)]
pub struct SignedCsr {
    /// The new client certificate.
    pub leaf: CertificateDer<'static>,
    /// The issuing chain, nearest first (today just the CA).
    pub chain: Vec<CertificateDer<'static>>,
    /// Serial number of the new certificate, lower-case hex.
    pub serial: String,
}

impl SignedCsr {
    /// The client certificate as PEM.
    pub fn leaf_pem(&self) -> String {
        crate::pem_cert(&self.leaf)
    }
}

impl CertDir {
    /// Issues a client certificate whose common name is the user `name`, and writes its files
    /// and connection data package. Refuses while `name` holds a valid, unrevoked certificate.
    pub fn issue_client(&self, name: &str) -> Result<ClientFiles> {
        self.issue_client_with(name, &IssueOptions::default())
    }

    /// [`CertDir::issue_client`] with validity overrides.
    pub fn issue_client_with(&self, name: &str, options: &IssueOptions) -> Result<ClientFiles> {
        fsutil::check_file_name(name)?;
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut reg = Registry::load(&self.dir)?;
        let now = OffsetDateTime::now_utc();
        if reg.has_live_client(name, now.unix_timestamp()) {
            return Err(Error::ClientExists(name.to_owned()));
        }
        let (issuer, ca_der) = self.issuer()?;
        let key = KeyPair::generate()?;
        let mut params = leaf_params(
            name,
            &reg.org,
            options.not_before.unwrap_or(now - BACKDATE),
            options.not_after.unwrap_or(now + LEAF_VALIDITY),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, &issuer)?;
        let entry = record(&params, name, CertKind::Client);

        let client_p12 = p12file::identity(
            cert.der(),
            &key.serialize_der(),
            &ca_der,
            &self.p12_password,
            name,
        )?;
        let trust_p12 = p12file::truststore(&ca_der, &self.p12_password)?;
        let host = reg.hosts.first().map_or("127.0.0.1", String::as_str);
        let zip = package::connection_package(&package::PackageSpec {
            name,
            host,
            port: reg.stream_port,
            password: &self.p12_password,
            client_p12: &client_p12,
            truststore_p12: &trust_p12,
        })?;

        let files = ClientFiles {
            pem: self.dir.join(format!("{name}.pem")),
            key: self.dir.join(format!("{name}.key")),
            p12: self.dir.join(format!("{name}.p12")),
            truststore: self.dir.join("truststore.p12"),
            zip: self.dir.join(format!("{name}.zip")),
            serial: entry.serial.clone(),
        };
        let chain_pem = cert.pem() + &crate::pem_cert(&ca_der);
        fsutil::write_atomic(&files.key, key.serialize_pem().as_bytes(), Secrecy::Secret)?;
        fsutil::write_atomic(&files.pem, chain_pem.as_bytes(), Secrecy::Public)?;
        fsutil::write_atomic(&files.p12, &client_p12, Secrecy::Secret)?;
        fsutil::write_atomic(&files.truststore, &trust_p12, Secrecy::Secret)?;
        fsutil::write_atomic(&files.zip, &zip, Secrecy::Secret)?;
        reg.certs.push(entry);
        reg.save(&self.dir)?;
        Ok(files)
    }

    /// Signs a certificate signing request for the authenticated user `name`.
    ///
    /// `csr` may be PEM, base64 without the armour lines (what ATAK sends), or DER. The
    /// request's signature must verify (proof the requester holds the key); everything else in
    /// it is ignored: the subject becomes `CN=name, O=org` and the only extended key usage is
    /// clientAuth, so a client cannot ask for a server certificate or another user's name.
    pub fn sign_csr(&self, csr: &[u8], name: &str) -> Result<SignedCsr> {
        fsutil::check_name(name)?;
        let der = csr_der(csr)?;
        let (rest, request) =
            x509_parser::certification_request::X509CertificationRequest::from_der(&der)
                .map_err(|e| Error::InvalidCsr(e.to_string()))?;
        if !rest.is_empty() {
            return Err(Error::InvalidCsr("trailing bytes".into()));
        }
        request
            .verify_signature()
            .map_err(|_| Error::CsrSignature)?;
        let spki =
            SubjectPublicKeyInfo::from_der(request.certification_request_info.subject_pki.raw)
                .map_err(|e| Error::InvalidCsr(e.to_string()))?;

        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut reg = Registry::load(&self.dir)?;
        let (issuer, ca_der) = self.issuer()?;
        let now = OffsetDateTime::now_utc();
        let mut params = leaf_params(name, &reg.org, now - BACKDATE, now + LEAF_VALIDITY);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&spki, &issuer)?;
        let entry = record(&params, name, CertKind::Enrolled);
        let serial = entry.serial.clone();
        reg.certs.push(entry);
        reg.save(&self.dir)?;
        Ok(SignedCsr {
            leaf: cert.der().clone(),
            chain: vec![ca_der],
            serial,
        })
    }
}

/// The DER bytes of a CSR given as PEM, bare base64, or DER.
fn csr_der(input: &[u8]) -> Result<Vec<u8>> {
    if input.len() > MAX_CSR_LEN {
        return Err(Error::InvalidCsr("too large".into()));
    }
    // DER starts with a SEQUENCE tag (0x30); the text forms start with "-----" or "MII".
    if input.first() == Some(&0x30) {
        return Ok(input.to_vec());
    }
    let text =
        std::str::from_utf8(input).map_err(|_| Error::InvalidCsr("neither DER nor text".into()))?;
    let body: String = if text.contains("-----BEGIN") {
        text.lines()
            .skip_while(|l| !l.trim_start().starts_with("-----BEGIN"))
            .skip(1)
            .take_while(|l| !l.trim_start().starts_with("-----END"))
            .collect()
    } else {
        text.to_owned()
    };
    let body: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|e| Error::InvalidCsr(format!("base64: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_forms_decode_to_the_same_der() {
        let key = KeyPair::generate().unwrap();
        let csr = rcgen::CertificateParams::new(vec![])
            .unwrap()
            .serialize_request(&key)
            .unwrap();
        let der = csr.der().to_vec();
        let pem = csr.pem().unwrap();
        let bare: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(csr_der(&der).unwrap(), der);
        assert_eq!(csr_der(pem.as_bytes()).unwrap(), der);
        assert_eq!(csr_der(bare.as_bytes()).unwrap(), der);
        assert!(csr_der(b"not base64 !!").is_err());
        assert!(csr_der(&vec![b'A'; MAX_CSR_LEN + 1]).is_err());
    }
}
