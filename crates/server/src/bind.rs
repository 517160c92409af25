//! Binding the server's sockets: what each listener is for, so a bind error
//! and the start-up log can say it in words an operator reads.

use std::fmt;
use std::net::SocketAddr;

use tokio::net::{TcpListener, UdpSocket};

use crate::ServerError;

/// What a listening socket is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Listener {
    /// Streaming CoT over plain TCP for TAK clients (`[tak] tcp`).
    Tcp,
    /// CoT datagrams over UDP (`[tak] udp`).
    Udp,
    /// Streaming CoT over mutual TLS for TAK clients (`[tls] listen`).
    Tls,
    /// Certificate enrollment over HTTPS (`[tls] enroll`).
    Enroll,
    /// The Marti API over HTTPS with client certificates (`[marti] https`).
    Https,
    /// Plain HTTP: metrics, health and the operator's API (`[http] listen`).
    Http,
    /// The web COP (`[web] listen`).
    Web,
    /// A socket of a sensor input (`[[sensors.inputs]]`).
    Sensor,
}

impl fmt::Display for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Listener::Tcp => "TAK clients, streaming CoT over TCP",
            Listener::Udp => "CoT datagrams over UDP",
            Listener::Tls => "TAK clients, streaming CoT over mutual TLS",
            Listener::Enroll => "certificate enrollment for TAK clients (HTTPS)",
            Listener::Https => "the Marti API for TAK clients (HTTPS, client certificates)",
            Listener::Http => "metrics, health and the operator's API (plain HTTP)",
            Listener::Web => "the web COP",
            Listener::Sensor => "a sensor input",
        })
    }
}

/// Why the OS refused an address, in words with the usual cause.
pub(crate) fn bind_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::AddrInUse => {
            "the address is already in use (by another program, or another watchfloor)".into()
        }
        ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)".into()
        }
        ErrorKind::AddrNotAvailable => "the address is not one of this machine's".into(),
        _ => e.to_string(),
    }
}

fn bind_error(listener: Listener, addr: SocketAddr, error: std::io::Error) -> ServerError {
    ServerError::Bind {
        listener,
        addr,
        error,
    }
}

/// Binds a TCP listener, or says which address could not be had and what for.
pub(crate) async fn tcp(addr: SocketAddr, what: Listener) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| bind_error(what, addr, e))
}

/// Binds a UDP socket, or says which address could not be had and what for.
pub(crate) async fn udp(addr: SocketAddr, what: Listener) -> Result<UdpSocket, ServerError> {
    UdpSocket::bind(addr)
        .await
        .map_err(|e| bind_error(what, addr, e))
}

/// Logs one line per bound socket: where, and what it is for.
pub(crate) fn log_listening(listening: &[(Listener, SocketAddr, String)]) {
    for (what, addr, note) in listening {
        if note.is_empty() {
            tracing::info!("listening on {addr}: {what}");
        } else {
            tracing::info!("listening on {addr}: {what} ({note})");
        }
    }
}
