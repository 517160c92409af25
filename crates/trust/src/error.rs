//! The one error type of the crate: every fallible call returns [`Error`].

use std::path::PathBuf;

/// What went wrong in the certificate authority, the TLS set-up, the users file or enrollment.
///
/// Each variant says what the caller can do about it: IO and parse errors point at a file the
/// operator must fix; `Invalid*` errors go back to the requester as a 400-class answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `init` found a CA already in the folder and was not told to overwrite it.
    #[error("a CA already exists in {0} (use force to replace it)")]
    CaExists(PathBuf),
    /// The folder does not hold a CA made by `init`.
    #[error("no CA in {0} (run `watchfloor certs init` first)")]
    NoCa(PathBuf),
    /// A name (client, user or group) is not acceptable.
    #[error("invalid name {name:?}: {reason}")]
    InvalidName {
        /// The name as given.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A host given to `init` is neither an IP address nor a DNS name.
    #[error("invalid host {0:?}")]
    InvalidHost(String),
    /// A client already holds a valid, unrevoked certificate.
    #[error("client {0:?} already has a valid certificate (revoke it first)")]
    ClientExists(String),
    /// No certificate was ever issued to this name.
    #[error("no certificate issued to {0:?}")]
    UnknownClient(String),
    /// A certificate signing request could not be decoded.
    #[error("certificate signing request not readable: {0}")]
    InvalidCsr(String),
    /// A certificate signing request whose signature does not verify.
    #[error("certificate signing request signature does not verify")]
    CsrSignature,
    /// A PEM, DER or JSON file of the CA folder is malformed.
    #[error("{path}: malformed: {reason}")]
    Malformed {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Certificate generation or signing failed.
    #[error("certificate generation: {0}")]
    Cert(#[from] rcgen::Error),
    /// The TLS configuration could not be built.
    #[error("tls configuration: {0}")]
    Tls(#[from] rustls::Error),
    /// The client-certificate verifier could not be built (e.g. an unusable CRL).
    #[error("client verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    /// A PKCS#12 file could not be built.
    #[error("pkcs#12: {0}")]
    P12(&'static str),
    /// The data-package zip could not be written.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A user is already in the users file.
    #[error("user {0:?} already exists")]
    UserExists(String),
    /// A user is not in the users file.
    #[error("unknown user {0:?}")]
    UnknownUser(String),
    /// A password outside the accepted length.
    #[error("password must be {min} to {max} bytes long")]
    PasswordLength {
        /// Minimum length in bytes.
        min: usize,
        /// Maximum length in bytes.
        max: usize,
    },
    /// A group specification such as `G1:sideways`.
    #[error("invalid group {0:?} (expected NAME, NAME:in or NAME:out)")]
    InvalidGroup(String),
    /// Password hashing failed.
    #[error("password hash: {0}")]
    Hash(String),
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Wraps an IO error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A malformed-file error.
    pub(crate) fn malformed(path: impl Into<PathBuf>, reason: impl ToString) -> Self {
        Error::Malformed {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}
