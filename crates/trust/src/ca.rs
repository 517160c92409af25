//! The certificate folder: a CA, the server certificate, and the files both are kept in.
//!
//! Layout of `DIR`: `ca.pem`, `ca.key`, `server.pem` (leaf + CA), `server.key`, `crl.pem`,
//! `serials.json`, and per client `NAME.pem`, `NAME.key`, `NAME.p12`, `NAME.zip`, plus the shared
//! `truststore.p12`. Keys and PKCS#12 files are written 0600.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::fsutil::{self, Secrecy};
use crate::registry::{self, CertKind, IssuedCert, Registry};

/// Validity of the CA certificate: ten years.
pub const CA_VALIDITY: Duration = Duration::days(3650);
/// Validity of server and client certificates: two years.
pub const LEAF_VALIDITY: Duration = Duration::days(730);
/// How far back `not_before` is set, so a phone whose clock runs slow still accepts a new
/// certificate: one hour.
pub(crate) const BACKDATE: Duration = Duration::hours(1);
/// The PKCS#12 password TAK tools use by default (TAK Server's scripts, taky, FreeTAKServer);
/// ATAK and WinTAK prompt for it only when it differs from what the data package says.
pub const DEFAULT_P12_PASSWORD: &str = "atakatak";
/// Default TLS streaming port written into connect strings (TAK convention).
pub const DEFAULT_STREAM_PORT: u16 = 8089;

/// Options of [`CertDir::init_with`].
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// DNS names and IP addresses the server is reached at; the first goes into connect strings.
    /// `localhost` and `127.0.0.1` are always added to the server certificate.
    pub hosts: Vec<String>,
    /// Organisation (O=) of every certificate subject.
    pub org: String,
    /// Replace an existing CA (every certificate it issued stops being trusted).
    pub force: bool,
    /// TLS streaming port written into connection packages.
    pub stream_port: u16,
}

/// A certificate folder with its CA: issues, signs and revokes certificates.
///
/// All methods take `&self`; changes to `serials.json` are serialised by an internal lock so a
/// server can share one `CertDir` between enrollment requests.
#[derive(Debug)]
pub struct CertDir {
    pub(crate) dir: PathBuf,
    pub(crate) p12_password: String,
    pub(crate) lock: Mutex<()>,
}

impl CertDir {
    /// Creates a CA and a server certificate for `hosts` in `dir` (created if missing), with the
    /// default streaming port; refuses if a CA is already there.
    pub fn init(dir: impl AsRef<Path>, hosts: &[String], org: &str) -> Result<CertDir> {
        Self::init_with(
            dir,
            &InitOptions {
                hosts: hosts.to_vec(),
                org: org.to_owned(),
                force: false,
                stream_port: DEFAULT_STREAM_PORT,
            },
        )
    }

    /// Creates a CA and a server certificate as `options` say.
    pub fn init_with(dir: impl AsRef<Path>, options: &InitOptions) -> Result<CertDir> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if !options.force && (dir.join("ca.key").exists() || dir.join(registry::FILE).exists()) {
            return Err(Error::CaExists(dir.to_path_buf()));
        }
        let hosts = server_hosts(&options.hosts);
        let cn = hosts.first().map_or("localhost", String::as_str);
        let now = OffsetDateTime::now_utc();

        let ca_key = KeyPair::generate()?;
        let mut ca_params = CertificateParams::default();
        ca_params.distinguished_name = subject(&format!("{} CA", options.org), &options.org);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params.serial_number = Some(new_serial());
        ca_params.not_before = now - BACKDATE;
        ca_params.not_after = now + CA_VALIDITY;
        let ca_cert = ca_params.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate()?;
        let mut params = leaf_params(cn, &options.org, now - BACKDATE, now + LEAF_VALIDITY);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.subject_alt_names = hosts.iter().map(|h| san(h)).collect::<Result<_>>()?;
        let server_cert = params.signed_by(&server_key, &issuer)?;

        let mut reg = Registry {
            org: options.org.clone(),
            hosts: options.hosts.iter().map(|h| h.trim().to_owned()).collect(),
            stream_port: options.stream_port,
            crl_number: 0,
            certs: Vec::new(),
        };
        reg.certs.push(record(&params, cn, CertKind::Server));

        let write = |name: &str, text: &str, secrecy| {
            fsutil::write_atomic(&dir.join(name), text.as_bytes(), secrecy)
        };
        write("ca.key", &issuer.key().serialize_pem(), Secrecy::Secret)?;
        write("ca.pem", &ca_cert.pem(), Secrecy::Public)?;
        write("server.key", &server_key.serialize_pem(), Secrecy::Secret)?;
        write(
            "server.pem",
            &(server_cert.pem() + &ca_cert.pem()),
            Secrecy::Public,
        )?;
        let cert_dir = CertDir {
            dir: dir.to_path_buf(),
            p12_password: DEFAULT_P12_PASSWORD.to_owned(),
            lock: Mutex::new(()),
        };
        // An empty CRL from the start: the TLS verifier then always has one to apply.
        cert_dir.write_crl(&mut reg, &issuer)?;
        reg.save(dir)?;
        Ok(cert_dir)
    }

    /// Opens a folder made by [`CertDir::init`].
    pub fn open(dir: impl AsRef<Path>) -> Result<CertDir> {
        let dir = dir.as_ref();
        Registry::load(dir)?;
        for file in ["ca.pem", "ca.key"] {
            if !dir.join(file).exists() {
                return Err(Error::NoCa(dir.to_path_buf()));
            }
        }
        Ok(CertDir {
            dir: dir.to_path_buf(),
            p12_password: DEFAULT_P12_PASSWORD.to_owned(),
            lock: Mutex::new(()),
        })
    }

    /// Uses `password` instead of [`DEFAULT_P12_PASSWORD`] for the PKCS#12 files written next.
    pub fn with_p12_password(mut self, password: &str) -> CertDir {
        self.p12_password = password.to_owned();
        self
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the CA certificate (`ca.pem`).
    pub fn ca_pem_path(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// Every certificate issued so far, oldest first.
    pub fn issued(&self) -> Result<Vec<IssuedCert>> {
        Ok(Registry::load(&self.dir)?.certs)
    }

    /// The CA certificate in DER.
    pub fn ca_der(&self) -> Result<CertificateDer<'static>> {
        let path = self.ca_pem_path();
        CertificateDer::from_pem_slice(&fsutil::read(&path)?)
            .map_err(|e| Error::malformed(&path, e))
    }

    /// Loads the CA as an issuer, with its certificate in DER.
    pub(crate) fn issuer(&self) -> Result<(Issuer<'static, KeyPair>, CertificateDer<'static>)> {
        let key_path = self.dir.join("ca.key");
        let key = KeyPair::from_pem(&fsutil::read_string(&key_path)?)
            .map_err(|e| Error::malformed(&key_path, e))?;
        let ca_der = self.ca_der()?;
        let issuer = Issuer::from_ca_cert_der(&ca_der, key)
            .map_err(|e| Error::malformed(self.ca_pem_path(), e))?;
        Ok((issuer, ca_der))
    }
}

/// Subject with a common name and an organisation.
pub(crate) fn subject(cn: &str, org: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    if !org.is_empty() {
        dn.push(DnType::OrganizationName, org);
    }
    dn
}

/// Parameters shared by server and client leaves: signature key usage, a fresh serial, and
/// the authority key identifier so clients find the issuer quickly.
pub(crate) fn leaf_params(
    cn: &str,
    org: &str,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject(cn, org);
    // Signature only: TLS 1.2 ECDHE and TLS 1.3 never encrypt with the leaf key.
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.serial_number = Some(new_serial());
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    params
}

/// A random positive 128-bit serial whose first byte is never zero (minimal DER).
pub(crate) fn new_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

/// The registry entry of a certificate just made.
pub(crate) fn record(params: &CertificateParams, name: &str, kind: CertKind) -> IssuedCert {
    let serial = params
        .serial_number
        .as_ref()
        .map(|s| registry::hex(s.as_ref()))
        .unwrap_or_default();
    IssuedCert {
        serial,
        name: name.to_owned(),
        kind,
        not_after: params.not_after.unix_timestamp(),
        revoked_at: None,
    }
}

/// The hosts of the server certificate: those given, then `localhost` and `127.0.0.1`,
/// without duplicates; the first is the certificate's common name.
fn server_hosts(given: &[String]) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for host in given
        .iter()
        .map(|h| h.trim().to_owned())
        .chain(["localhost".into(), "127.0.0.1".into()])
    {
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
            hosts.push(host);
        }
    }
    hosts
}

/// A subject alternative name: an IP address, or else a DNS name (checked by rcgen).
fn san(host: &str) -> Result<SanType> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SanType::IpAddress(ip));
    }
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
        });
    if !valid {
        return Err(Error::InvalidHost(host.to_owned()));
    }
    let name = host
        .to_owned()
        .try_into()
        .map_err(|_| Error::InvalidHost(host.to_owned()))?;
    Ok(SanType::DnsName(name))
}
