//! Trust for watchfloor: a certificate authority for mutual TLS, connection data packages for
//! ATAK/WinTAK, TLS server configuration with revocation, users and groups, and sans-IO helpers
//! for the TAK enrollment endpoints.
//!
//! Nothing here opens a socket; the server crate wires these into its listeners.
//!
//! - [`CertDir`]: `init` a CA and server certificate, `issue_client`, `sign_csr`, `revoke`.
//! - [`tls`]: [`tls::server_config`], [`tls::Reloader`] (revocation without restart),
//!   [`tls::peer_identity`].
//! - [`users`]: [`users::UsersFile`] (argon2id hashes, groups with directions) and
//!   [`users::LoginLimiter`].
//! - [`enroll`]: the `/Marti/api/tls/config` and `/Marti/api/tls/signClient/v2` bodies.

// A failed unwrap in a test is a failed test.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod ca;
mod crl;
pub mod enroll;
mod error;
mod fsutil;
mod issue;
mod p12file;
mod package;
mod registry;
pub mod tls;
pub mod users;

pub use ca::{
    CertDir, InitOptions, CA_VALIDITY, DEFAULT_P12_PASSWORD, DEFAULT_STREAM_PORT, LEAF_VALIDITY,
};
pub use crl::{CRL_FILE, CRL_VALIDITY};
pub use error::{Error, Result};
pub use issue::{ClientFiles, IssueOptions, SignedCsr, MAX_CSR_LEN};
pub use registry::{CertKind, IssuedCert};

use base64::Engine as _;
use rustls::pki_types::CertificateDer;

/// The base64 body of a certificate in 64-column lines, without the BEGIN/END lines (the form
/// the enrollment responses carry).
pub fn pem_body(cert: &CertificateDer<'_>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect();
    lines.join("\n")
}

/// A certificate as PEM with its armour lines.
pub fn pem_cert(cert: &CertificateDer<'_>) -> String {
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        pem_body(cert)
    )
}
