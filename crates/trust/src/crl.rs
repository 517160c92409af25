//! Revocation: `crl.pem`, a CRL signed by the CA listing every revoked serial.
//!
//! The CRL is rewritten whole on each revocation with an increasing cRLNumber; the TLS
//! [`Reloader`](crate::tls::Reloader) notices the new file and applies it to the next
//! handshake.

use rcgen::{
    CertificateRevocationListParams, Issuer, KeyIdMethod, KeyPair, RevokedCertParams, SerialNumber,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateRevocationListDer;
use time::{Duration, OffsetDateTime};

use crate::ca::CertDir;
use crate::error::{Error, Result};
use crate::fsutil::{self, Secrecy};
use crate::registry::{self, CertKind, Registry};

/// File name of the CRL inside the certificate folder.
pub const CRL_FILE: &str = "crl.pem";

/// The CRL's nextUpdate distance: one year. The server does not enforce it (a stale CRL must
/// not lock every client out); other relying parties may.
pub const CRL_VALIDITY: Duration = Duration::days(365);

impl CertDir {
    /// Revokes every client certificate issued to `name` and rewrites `crl.pem`. Returns the
    /// serials newly revoked (empty if all were already revoked).
    pub fn revoke(&self, name: &str) -> Result<Vec<String>> {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut reg = Registry::load(&self.dir)?;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut found = false;
        let mut newly = Vec::new();
        for cert in reg
            .certs
            .iter_mut()
            .filter(|c| c.name == name && c.kind != CertKind::Server)
        {
            found = true;
            if cert.revoked_at.is_none() {
                cert.revoked_at = Some(now);
                newly.push(cert.serial.clone());
            }
        }
        if !found {
            return Err(Error::UnknownClient(name.to_owned()));
        }
        let (issuer, _) = self.issuer()?;
        self.write_crl(&mut reg, &issuer)?;
        reg.save(&self.dir)?;
        Ok(newly)
    }

    /// Serials (lower-case hex) listed in the current `crl.pem`.
    pub fn revoked_serials(&self) -> Result<Vec<String>> {
        let path = self.dir.join(CRL_FILE);
        let der = CertificateRevocationListDer::from_pem_slice(&fsutil::read(&path)?)
            .map_err(|e| Error::malformed(&path, e))?;
        let (_, crl) = x509_parser::parse_x509_crl(&der).map_err(|e| Error::malformed(&path, e))?;
        Ok(crl
            .iter_revoked_certificates()
            .map(|r| registry::hex(r.raw_serial()))
            .collect())
    }

    /// Signs a CRL of every revoked serial in `reg` and writes it; bumps the CRL number.
    pub(crate) fn write_crl(&self, reg: &mut Registry, issuer: &Issuer<'_, KeyPair>) -> Result<()> {
        let now = OffsetDateTime::now_utc();
        let mut revoked = Vec::new();
        for cert in &reg.certs {
            let Some(at) = cert.revoked_at else { continue };
            let serial = registry::unhex(&cert.serial)
                .ok_or_else(|| Error::malformed(self.dir.join(registry::FILE), "bad serial"))?;
            revoked.push(RevokedCertParams {
                serial_number: SerialNumber::from_slice(&serial),
                revocation_time: OffsetDateTime::from_unix_timestamp(at).unwrap_or(now),
                reason_code: None,
                invalidity_date: None,
            });
        }
        reg.crl_number += 1;
        let params = CertificateRevocationListParams {
            this_update: now - Duration::minutes(5),
            next_update: now + CRL_VALIDITY,
            crl_number: SerialNumber::from(reg.crl_number),
            issuing_distribution_point: None,
            revoked_certs: revoked,
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let crl = params.signed_by(issuer)?;
        fsutil::write_atomic(
            &self.dir.join(CRL_FILE),
            crl.pem()?.as_bytes(),
            Secrecy::Public,
        )
    }
}
