//! Mutual TLS: certificates made by the trust crate, users' groups from the
//! users file, revocation without a restart, and enrollment.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use trust::users::{GroupSpec, UsersFile};

use super::util::*;

struct Setup {
    _tmp: tempfile::TempDir,
    certs: std::path::PathBuf,
    server: server::Server,
}

async fn setup(users: &[(&str, &str)]) -> Setup {
    let tmp = tempfile::tempdir().expect("tmp");
    let certs = tmp.path().join("certs");
    let data = tmp.path().join("data");
    let dir = trust::CertDir::init(&certs, &["127.0.0.1".to_string()], "test").expect("ca");
    let mut file = UsersFile::open({
        std::fs::create_dir_all(&data).expect("data dir");
        &data
    })
    .expect("users")
    .with_cost(trust::users::HashCost::INSECURE_TEST);
    for (name, group) in users {
        dir.issue_client(name).expect("client cert");
        let groups = GroupSpec::parse_list(group).expect("groups");
        file.add(name, "password-123", &groups).expect("user");
    }
    let mut cfg = config();
    cfg.tls.certs = Some(certs.clone());
    cfg.tls.listen = vec!["127.0.0.1:0".parse().expect("addr")];
    cfg.tls.enroll = Some("127.0.0.1:0".parse().expect("addr"));
    cfg.store.data_dir = Some(data);
    let server = start(cfg).await;
    Setup {
        _tmp: tmp,
        certs,
        server,
    }
}

fn client_config(certs: &Path, user: &str) -> Arc<rustls::ClientConfig> {
    client_config_from(certs, certs, user)
}

/// Trusts the server's CA in `ca_dir`, presents `user`'s certificate from `cert_dir`.
fn client_config_from(ca_dir: &Path, certs: &Path, user: &str) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca_dir.join("ca.pem")).expect("ca") {
        roots.add(c.expect("ca cert")).expect("root");
    }
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(certs.join(format!("{user}.pem")))
            .expect("chain")
            .map(|c| c.expect("cert"))
            .collect();
    let key = PrivateKeyDer::from_pem_file(certs.join(format!("{user}.key"))).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .expect("client auth");
    Arc::new(cfg)
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

async fn connect(addr: SocketAddr, cfg: Arc<rustls::ClientConfig>) -> std::io::Result<Tls> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("127.0.0.1").expect("name").to_owned();
    let mut tls = tokio_rustls::TlsConnector::from(cfg)
        .connect(name, tcp)
        .await?;
    // TLS 1.3 reports a refused client certificate only on the first read.
    tls.write_all(b"\n").await?;
    Ok(tls)
}

/// Reads until `needle` shows up, or `wait` passes (false), or the peer closes (false).
async fn wait_for(tls: &mut Tls, needle: &str, wait: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if String::from_utf8_lossy(&seen).contains(needle) {
            return true;
        }
        match tokio::time::timeout_at(deadline, tls.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => return false,
        }
    }
}

#[tokio::test]
async fn users_exchange_sa_within_their_groups_only() {
    let s = setup(&[("alice", "blue"), ("bob", "blue"), ("carol", "red")]).await;
    let addr = s.server.tls_addrs[0];
    let mut alice = connect(addr, client_config(&s.certs, "alice"))
        .await
        .expect("alice");
    alice
        .write_all(sa("U-ALICE", "ALICE", "Cyan").as_bytes())
        .await
        .expect("send");
    assert!(wait_for(&mut alice, "t-x-takp-v", WAIT).await);
    let mut bob = connect(addr, client_config(&s.certs, "bob"))
        .await
        .expect("bob");
    bob.write_all(sa("U-BOB", "BOB", "Cyan").as_bytes())
        .await
        .expect("send");
    assert!(
        wait_for(&mut bob, "U-ALICE", WAIT).await,
        "bob gets alice's SA on joining"
    );
    let mut carol = connect(addr, client_config(&s.certs, "carol"))
        .await
        .expect("carol");
    carol
        .write_all(sa("U-CAROL", "CAROL", "Red").as_bytes())
        .await
        .expect("send");
    assert!(wait_for(&mut carol, "t-x-takp-v", WAIT).await);
    alice
        .write_all(sa("U-ALICE", "ALICE", "Cyan").as_bytes())
        .await
        .expect("send");
    assert!(wait_for(&mut bob, "U-ALICE", WAIT).await);
    assert!(
        !wait_for(&mut carol, "U-ALICE", QUIET).await,
        "red saw blue"
    );
    s.server.shutdown().await;
}

#[tokio::test]
async fn revoked_and_foreign_certificates_are_refused() {
    let s = setup(&[("alice", "blue"), ("mallory", "blue")]).await;
    let addr = s.server.tls_addrs[0];
    // A certificate from another CA.
    let other = tempfile::tempdir().expect("tmp");
    let foreign =
        trust::CertDir::init(other.path(), &["127.0.0.1".to_string()], "other").expect("ca");
    foreign.issue_client("alice").expect("cert");
    let refused = match connect(addr, client_config_from(&s.certs, other.path(), "alice")).await {
        Err(_) => true,
        Ok(mut t) => {
            !wait_for(&mut t, "never", QUIET).await
                && t.read(&mut [0u8; 16]).await.map_or(true, |n| n == 0)
        }
    };
    assert!(refused, "a certificate from another CA was accepted");

    // Mallory works, is revoked, and is refused from then on without a restart.
    let mut m = connect(addr, client_config(&s.certs, "mallory"))
        .await
        .expect("mallory");
    m.write_all(sa("U-M", "MALLORY", "Cyan").as_bytes())
        .await
        .expect("send");
    assert!(wait_for(&mut m, "t-x-takp-v", WAIT).await);
    let serials = trust::CertDir::open(&s.certs)
        .expect("certs")
        .revoke("mallory")
        .expect("revoke");
    assert_eq!(serials.len(), 1);
    // The session already open with it is closed too.
    let mut closed = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    let mut buf = [0u8; 4096];
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout_at(deadline, m.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => continue,
            Err(_) => break,
        }
    }
    assert!(
        closed,
        "the revoked certificate's open session was not closed"
    );
    let again = connect(addr, client_config(&s.certs, "mallory")).await;
    let refused = match again {
        Err(_) => true,
        Ok(mut t) => t.read(&mut [0u8; 16]).await.map_or(true, |n| n == 0),
    };
    assert!(refused, "a revoked certificate was accepted");
    assert!(
        s.server
            .metrics()
            .tls_refused
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 2
    );
    // Others are unaffected.
    let mut a = connect(addr, client_config(&s.certs, "alice"))
        .await
        .expect("alice still works");
    a.write_all(sa("U-A", "ALICE", "Cyan").as_bytes())
        .await
        .expect("send");
    assert!(
        wait_for(&mut a, "t-x-takp-v", WAIT).await,
        "alice refused after mallory's revocation"
    );
    s.server.shutdown().await;
}

#[tokio::test]
async fn enrollment_signs_a_csr_for_a_user_with_the_right_password() {
    let s = setup(&[("alice", "blue")]).await;
    let addr = s.server.enroll_addr.expect("enroll");
    let key = rcgen::KeyPair::generate().expect("key");
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .expect("params")
        .serialize_request(&key)
        .expect("csr");
    let pem = csr.pem().expect("pem");
    // ATAK sends the base64 body without the armour lines.
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let good = https_post(&s.certs, addr, "alice:password-123", &body).await;
    assert!(good.starts_with("HTTP/1.1 200"), "{good}");
    assert!(
        good.contains("\"signedCert\"") && good.contains("\"ca0\""),
        "{good}"
    );
    let bad = https_post(&s.certs, addr, "alice:wrong-password", &body).await;
    assert!(bad.starts_with("HTTP/1.1 401"), "{bad}");
    let garbage = https_post(&s.certs, addr, "alice:password-123", "not a csr").await;
    assert!(
        garbage.starts_with("HTTP/1.1 400") && garbage.contains("\"error\""),
        "{garbage}"
    );
    s.server.shutdown().await;
}

/// One HTTPS POST to the signClient endpoint (server-only TLS).
async fn https_post(certs: &Path, addr: SocketAddr, credentials: &str, body: &str) -> String {
    use base64::Engine as _;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(certs.join("ca.pem")).expect("ca") {
        roots.add(c.expect("ca cert")).expect("root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("127.0.0.1").expect("name").to_owned();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(cfg))
        .connect(name, tcp)
        .await
        .expect("tls");
    let auth = base64::engine::general_purpose::STANDARD.encode(credentials);
    let req = format!(
        "POST /Marti/api/tls/signClient/v2?clientUid=test&version=3 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(req.as_bytes()).await.expect("send");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(WAIT, tls.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}
