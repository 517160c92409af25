//! Mutual-TLS server configuration: client certificates must chain to `ca.pem` and not be on
//! `crl.pem`; and a [`Reloader`] that picks up a new CRL (or a renewed server certificate)
//! without a restart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use x509_parser::prelude::FromDer as _;

use crate::crl::CRL_FILE;
use crate::error::{Error, Result};
use crate::fsutil;

/// The files a server configuration is built from; a change to any of them triggers a reload.
const WATCHED: [&str; 4] = ["ca.pem", "server.pem", "server.key", CRL_FILE];

/// The crypto provider every configuration of this crate uses (ring: pure Rust and assembly,
/// no C build step).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds a TLS 1.2/1.3 server configuration from a certificate folder: the server's chain and
/// key, and a verifier that requires a client certificate chaining to the CA and refuses
/// those on the CRL.
pub fn server_config(dir: impl AsRef<Path>) -> Result<Arc<ServerConfig>> {
    let dir = dir.as_ref();
    let provider = provider();
    let mut roots = RootCertStore::empty();
    for ca in read_certs(&dir.join("ca.pem"))? {
        roots.add(ca)?;
    }
    let crl_path = dir.join(CRL_FILE);
    let crls = CertificateRevocationListDer::pem_slice_iter(&fsutil::read(&crl_path)?)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::malformed(&crl_path, e))?;
    if crls.is_empty() {
        // With no CRL the verifier would skip revocation entirely: fail closed instead.
        return Err(Error::malformed(&crl_path, "no CRL in file"));
    }
    // Revocation is checked on the client's certificate; an unknown status (no CRL from its
    // issuer) is refused, so deleting the CRL cannot silently re-admit revoked clients.
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .with_crls(crls)
        .only_check_end_entity_revocation()
        .build()?;
    let chain = read_certs(&dir.join("server.pem"))?;
    let key_path = dir.join("server.key");
    let key = PrivateKeyDer::from_pem_slice(&fsutil::read(&key_path)?)
        .map_err(|e| Error::malformed(&key_path, e))?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?;
    Ok(Arc::new(config))
}

/// The user a verified client certificate names: the common name of the leaf (first)
/// certificate. `None` if there is no certificate, it does not parse, or the name is not an
/// acceptable user name.
pub fn peer_identity(certs: &[CertificateDer<'_>]) -> Option<String> {
    let leaf = certs.first()?;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(leaf).ok()?;
    let cn = cert.subject().iter_common_name().next()?.as_str().ok()?;
    fsutil::check_name(cn).ok()?;
    Some(cn.to_owned())
}

/// Holds the current server configuration and rebuilds it when a watched file changes.
///
/// Call [`Reloader::current`] once per accepted connection (one `stat` of four files, no
/// rebuild unless something changed) and hand the result to the TLS acceptor; a revoked
/// client is then refused from the first handshake after `watchfloor certs revoke`.
#[derive(Debug)]
pub struct Reloader {
    dir: PathBuf,
    state: RwLock<State>,
}

#[derive(Debug)]
struct State {
    stamp: Vec<Stamp>,
    config: Arc<ServerConfig>,
}

/// What identifies a version of a file: files are replaced by rename, so the inode changes
/// even when two writes fall within the file system's timestamp granularity.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl Reloader {
    /// Builds the first configuration; fails if the folder is not usable.
    pub fn new(dir: impl AsRef<Path>) -> Result<Reloader> {
        let dir = dir.as_ref().to_path_buf();
        let stamp = stamps(&dir);
        let config = server_config(&dir)?;
        Ok(Reloader {
            dir,
            state: RwLock::new(State { stamp, config }),
        })
    }

    /// The configuration to use for the next handshake, reloaded first if a watched file
    /// changed. If the reload fails (a half-edited file) the previous configuration is kept;
    /// call [`Reloader::refresh`] to see the error.
    pub fn current(&self) -> Arc<ServerConfig> {
        let _ = self.refresh();
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .config
            .clone()
    }

    /// Reloads if a watched file changed; `Ok(true)` if a new configuration is in place.
    pub fn refresh(&self) -> Result<bool> {
        let now = stamps(&self.dir);
        {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            if state.stamp == now {
                return Ok(false);
            }
        }
        let config = server_config(&self.dir)?;
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.stamp = now;
        state.config = config;
        Ok(true)
    }
}

fn stamps(dir: &Path) -> Vec<Stamp> {
    WATCHED
        .iter()
        .map(|name| match std::fs::metadata(dir.join(name)) {
            Ok(meta) => Stamp {
                modified: meta.modified().ok(),
                len: meta.len(),
                inode: inode(&meta),
            },
            Err(_) => Stamp {
                modified: None,
                len: 0,
                inode: 0,
            },
        })
        .collect()
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(&fsutil::read(path)?)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::malformed(path, e))?;
    if certs.is_empty() {
        return Err(Error::malformed(path, "no certificate"));
    }
    Ok(certs)
}

/// A TLS server configuration with the server certificate but no client
/// certificate requirement, for the enrollment port, where users who have
/// no certificate yet authenticate with a password.
pub fn server_config_without_client_auth(dir: impl AsRef<Path>) -> Result<Arc<ServerConfig>> {
    let dir = dir.as_ref();
    let chain = read_certs(&dir.join("server.pem"))?;
    let key_path = dir.join("server.key");
    let key = PrivateKeyDer::from_pem_slice(&fsutil::read(&key_path)?)
        .map_err(|e| Error::malformed(&key_path, e))?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    Ok(Arc::new(config))
}

/// The serial number of the leaf certificate, lower-case hex, as
/// [`crate::CertDir::revoked_serials`] lists them.
pub fn peer_serial(certs: &[CertificateDer<'_>]) -> Option<String> {
    let leaf = certs.first()?;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(leaf).ok()?;
    Some(crate::registry::hex(cert.raw_serial()))
}
