//! Atomic file writes and name checks shared by the CA and the users file.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Whether a file holds a secret (a private key, password hashes, a PKCS#12 bundle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Secrecy {
    /// World-readable is fine (certificates, CRLs).
    Public,
    /// Owner read/write only (0600).
    Secret,
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (the TLS reloader, a second `watchfloor` process) never sees a half-written file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], secrecy: Secrecy) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::malformed(path, "not a file path"))?;
    let tmp = dir.join(format!(".{file_name}.{}.tmp", rand::random::<u64>()));
    let result = write_new(&tmp, bytes, secrecy)
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if result.is_err() {
        // Best effort: a stray temp file is harmless but untidy.
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_new(tmp: &Path, bytes: &[u8], secrecy: Secrecy) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The mode is set at creation so a key is never readable by others, not even briefly.
        options.mode(match secrecy {
            Secrecy::Public => 0o644,
            Secrecy::Secret => 0o600,
        });
    }
    #[cfg(not(unix))]
    let _ = secrecy;
    let mut file = options.open(tmp).map_err(|e| Error::io(tmp, e))?;
    file.write_all(bytes).map_err(|e| Error::io(tmp, e))?;
    file.sync_all().map_err(|e| Error::io(tmp, e))
}

/// Reads a whole file, naming it in the error.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io(path, e))
}

/// Reads a whole UTF-8 file, naming it in the error.
pub(crate) fn read_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Longest accepted user, client or group name, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 64;

/// Checks a user or group name: non-empty, bounded, no control characters, and none of the
/// separators of the `--groups G1:in,G2` syntax.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let refuse = |reason| {
        Err(Error::InvalidName {
            name: name.to_owned(),
            reason,
        })
    };
    if name.is_empty() {
        return refuse("empty");
    }
    if name.len() > MAX_NAME_LEN {
        return refuse("longer than 64 bytes");
    }
    if name.chars().any(char::is_control) {
        return refuse("control character");
    }
    if name.contains([':', ',']) {
        return refuse("colon or comma");
    }
    if name.trim() != name {
        return refuse("leading or trailing space");
    }
    Ok(())
}

/// Checks a name that also becomes a file name in the certificate folder (`NAME.pem`): only
/// ASCII letters, digits, `-`, `_` and `.`, not starting with a dot, and not one of the
/// folder's own files.
pub(crate) fn check_file_name(name: &str) -> Result<()> {
    check_name(name)?;
    let refuse = |reason| {
        Err(Error::InvalidName {
            name: name.to_owned(),
            reason,
        })
    };
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return refuse("only letters, digits, '-', '_' and '.' are allowed");
    }
    if name.starts_with('.') {
        return refuse("starts with a dot");
    }
    if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return refuse("reserved for the certificate folder's own files");
    }
    Ok(())
}

const RESERVED: &[&str] = &["ca", "server", "truststore", "crl", "serials"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("alice").is_ok());
        assert!(check_name("Alpha Team").is_ok());
        for bad in ["", "a:b", "a,b", "a\nb", "a\u{7f}", " a", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_file_name("alpha-1.lead_2").is_ok());
        for bad in ["../x", "a/b", "a\\b", ".hidden", "ca", "Server", "a b", "ü"] {
            assert!(check_file_name(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn atomic_write_sets_mode_and_replaces() {
        let dir = std::env::temp_dir().join(format!("trust-fsutil-{}", rand::random::<u64>()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k.key");
        write_atomic(&path, b"one", Secrecy::Secret).unwrap();
        write_atomic(&path, b"two", Secrecy::Secret).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "temp file left behind"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
