//! `serials.json`: what the CA issued, to whom, and what it revoked.
//!
//! The registry is re-read from disk for every change (under a lock), so the `watchfloor certs`
//! command line and a running server can share one folder.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::{self, Secrecy};

/// File name of the registry inside the certificate folder.
pub(crate) const FILE: &str = "serials.json";

/// What a certificate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertKind {
    /// The streaming/HTTPS server certificate.
    Server,
    /// A client certificate made by `issue_client`.
    Client,
    /// A client certificate signed from a CSR by enrollment.
    Enrolled,
}

/// One certificate the CA issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCert {
    /// Serial number, lower-case hex of its DER integer bytes.
    pub serial: String,
    /// Common name: the user name for client certificates, the first host for the server.
    pub name: String,
    /// What it is for.
    pub kind: CertKind,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
    /// When it was revoked, seconds since the Unix epoch; `None` while it is good.
    pub revoked_at: Option<i64>,
}

/// The registry file's content.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Registry {
    /// Organisation written into certificate subjects (O=).
    pub(crate) org: String,
    /// Names and addresses the server is reached at; the first one goes into connect strings.
    pub(crate) hosts: Vec<String>,
    /// TLS streaming port written into connection packages.
    pub(crate) stream_port: u16,
    /// Number of the last CRL written (RFC 5280 cRLNumber, increasing).
    pub(crate) crl_number: u64,
    /// Every certificate issued, oldest first.
    pub(crate) certs: Vec<IssuedCert>,
}

impl Registry {
    /// Reads the registry of a certificate folder.
    pub(crate) fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(FILE);
        if !path.exists() {
            return Err(Error::NoCa(dir.to_path_buf()));
        }
        let text = fsutil::read(&path)?;
        serde_json::from_slice(&text).map_err(|e| Error::malformed(&path, e))
    }

    /// Writes the registry atomically.
    pub(crate) fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(FILE);
        let text = serde_json::to_vec_pretty(self).map_err(|e| Error::malformed(&path, e))?;
        fsutil::write_atomic(&path, &text, Secrecy::Public)
    }

    /// Whether `name` holds a certificate made by `issue_client` that is neither revoked nor
    /// expired at `now` (seconds since the Unix epoch). Enrolled certificates do not count: a
    /// user may enroll several devices.
    pub(crate) fn has_live_client(&self, name: &str, now: i64) -> bool {
        self.certs.iter().any(|c| {
            c.name == name
                && c.kind != CertKind::Server
                && c.revoked_at.is_none()
                && c.not_after > now
        })
    }
}

/// Lower-case hex of serial bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses lower- or upper-case hex back into bytes.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes = [0x4a, 0x00, 0xff, 0x10];
        assert_eq!(hex(&bytes), "4a00ff10");
        assert_eq!(unhex("4a00FF10").unwrap(), bytes);
        assert!(unhex("abc").is_none());
        assert!(unhex("zz").is_none());
    }

    #[test]
    fn live_client() {
        let mut reg = Registry::default();
        reg.certs.push(IssuedCert {
            serial: "01".into(),
            name: "alice".into(),
            kind: CertKind::Client,
            not_after: 100,
            revoked_at: None,
        });
        assert!(reg.has_live_client("alice", 50));
        assert!(!reg.has_live_client("alice", 100), "expired counts as dead");
        assert!(!reg.has_live_client("bob", 50));
        reg.certs[0].revoked_at = Some(60);
        assert!(!reg.has_live_client("alice", 50));
    }
}
