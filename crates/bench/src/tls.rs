//! The two transports a load client can use: plain TCP, or mutual TLS with
//! one client certificate shared by every client.
//!
//! One [`rustls::ClientConfig`] is built per run and shared, so the cost
//! measured is the handshake, not loading keys. Session resumption is off
//! unless asked for, so every connection does a full handshake (ECDHE plus
//! signatures and certificate checks on both sides).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::Resumption;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, HandshakeKind, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// Where the client's TLS material is, and how to use it.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsFiles {
    /// CA certificate(s) the server's chain must lead to (PEM).
    pub ca: PathBuf,
    /// Client certificate chain, leaf first (PEM).
    pub cert: PathBuf,
    /// Client private key (PEM: PKCS#8, SEC1 or PKCS#1).
    pub key: PathBuf,
    /// Name the server certificate must carry: an IP address or DNS name.
    pub server_name: String,
    /// Keep a session cache so later connections resume (abbreviated handshake).
    pub resume: bool,
}

/// Why the TLS client configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// File that was read.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A file held no usable PEM item of the expected kind.
    #[error("{path}: {reason}")]
    Pem {
        /// File that was read.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// `--tls-name` is neither an IP address nor a valid DNS name.
    #[error("--tls-name {0:?} is not a valid server name")]
    ServerName(String),
    /// rustls refused the certificates or key.
    #[error("tls configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

fn pem_err(path: &Path, reason: impl ToString) -> TlsSetupError {
    TlsSetupError::Pem {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsSetupError> {
    std::fs::read(path).map_err(|source| TlsSetupError::Read {
        path: path.to_owned(),
        source,
    })
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let v = CertificateDer::pem_slice_iter(&read(path)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_err(path, e))?;
    if v.is_empty() {
        return Err(pem_err(path, "no certificate found"));
    }
    Ok(v)
}

/// Parses `--tls-name`: an IP address, else a DNS name.
pub fn server_name(name: &str) -> Result<ServerName<'static>, TlsSetupError> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(name.to_owned()).map_err(|_| TlsSetupError::ServerName(name.to_owned()))
}

/// Builds the shared client configuration from the files (ring provider,
/// TLS 1.2 and 1.3, client certificate always presented).
pub fn client_config(files: &TlsFiles) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    for ca in certs(&files.ca)? {
        roots.add(ca)?;
    }
    let chain = certs(&files.cert)?;
    let key =
        PrivateKeyDer::from_pem_slice(&read(&files.key)?).map_err(|e| pem_err(&files.key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)?;
    if !files.resume {
        config.resumption = Resumption::disabled();
    }
    Ok(Arc::new(config))
}

/// How clients reach the server; cheap to clone (the TLS state is shared).
#[derive(Clone)]
pub enum Transport {
    /// Plain TCP.
    Plain,
    /// Mutual TLS over TCP.
    Tls {
        /// Connector holding the shared client configuration.
        connector: TlsConnector,
        /// Name checked against the server certificate.
        name: ServerName<'static>,
    },
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Transport {
    /// The transport a run's TLS settings call for (plain when `None`).
    pub fn new(tls: Option<&TlsFiles>) -> Result<Self, TlsSetupError> {
        let Some(files) = tls else {
            return Ok(Transport::Plain);
        };
        Ok(Transport::Tls {
            connector: TlsConnector::from(client_config(files)?),
            name: server_name(&files.server_name)?,
        })
    }

    /// `"tcp"` or `"tls"`, as the report names it.
    pub fn label(&self) -> &'static str {
        match self {
            Transport::Plain => "tcp",
            Transport::Tls { .. } => "tls",
        }
    }

    /// Connects and, for TLS, completes the handshake. Nagle is turned off
    /// first: it would add up to 40 ms to the handshake and to every SA.
    pub async fn connect(&self, addr: SocketAddr) -> std::io::Result<Stream> {
        let tcp = TcpStream::connect(addr).await?;
        let _ = tcp.set_nodelay(true);
        match self {
            Transport::Plain => Ok(Stream::Plain(tcp)),
            Transport::Tls { connector, name } => {
                let tls = connector.connect(name.clone(), tcp).await?;
                Ok(Stream::Tls(Box::new(tls)))
            }
        }
    }
}

/// A connected client stream of either transport.
#[derive(Debug)]
pub enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS (boxed: the session state is a few KiB).
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// Whether the TLS handshake was a resumption; `None` for plain TCP.
    pub fn resumed(&self) -> Option<bool> {
        match self {
            Stream::Plain(_) => None,
            Stream::Tls(t) => Some(t.get_ref().1.handshake_kind() == Some(HandshakeKind::Resumed)),
        }
    }
}

// Both inner streams are `Unpin`, so pinning through `&mut` needs no unsafe
// projection.
impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> TlsFiles {
        TlsFiles {
            ca: dir.join("ca.pem"),
            cert: dir.join("c.pem"),
            key: dir.join("c.key"),
            server_name: "127.0.0.1".into(),
            resume: false,
        }
    }

    #[test]
    fn server_names_parse() {
        assert!(matches!(
            server_name("127.0.0.1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("::1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("tak.example").unwrap(),
            ServerName::DnsName(_)
        ));
        assert!(matches!(
            server_name("not a name"),
            Err(TlsSetupError::ServerName(_))
        ));
    }

    #[test]
    fn missing_and_empty_files_are_reported_by_path() {
        let dir = std::env::temp_dir().join(format!("wf-loadgen-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = Transport::new(Some(&files(&dir))).unwrap_err();
        assert!(matches!(e, TlsSetupError::Read { .. }), "{e}");
        assert!(e.to_string().contains("ca.pem"));
        std::fs::write(dir.join("ca.pem"), "not pem\n").unwrap();
        let e = Transport::new(Some(&files(&dir))).unwrap_err();
        assert!(e.to_string().contains("no certificate found"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_tls_is_plain() {
        let t = Transport::new(None).unwrap();
        assert_eq!(t.label(), "tcp");
    }
}
