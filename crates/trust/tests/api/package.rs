//! What a client receives: the PKCS#12 files and the connection data package, read back with
//! this crate's dependencies and, where installed, Python's cryptography and Java's keytool.

use std::io::Read;

use x509_parser::prelude::*;

use crate::support::cert_dir;

fn pem_certs(path: &std::path::Path) -> Vec<Vec<u8>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_file_iter(path)
        .unwrap()
        .map(|c| c.unwrap().to_vec())
        .collect()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn client_p12_holds_key_cert_and_ca() {
    let (_tmp, dir) = cert_dir();
    let files = dir.issue_client("alice").unwrap();
    let pfx = p12::PFX::parse(&std::fs::read(&files.p12).unwrap()).unwrap();
    assert!(pfx.verify_mac(trust::DEFAULT_P12_PASSWORD));
    let certs = pfx.cert_x509_bags(trust::DEFAULT_P12_PASSWORD).unwrap();
    let chain = pem_certs(&files.pem);
    assert_eq!(certs, chain, "p12 holds the leaf then the CA, as NAME.pem");
    let keys = pfx.key_bags(trust::DEFAULT_P12_PASSWORD).unwrap();
    use rustls::pki_types::pem::PemObject;
    let key = rustls::pki_types::PrivatePkcs8KeyDer::from_pem_file(&files.key).unwrap();
    assert_eq!(keys, vec![key.secret_pkcs8_der().to_vec()]);

    let trust_pfx = p12::PFX::parse(&std::fs::read(&files.truststore).unwrap()).unwrap();
    assert!(trust_pfx.verify_mac(trust::DEFAULT_P12_PASSWORD));
    assert_eq!(
        trust_pfx
            .cert_x509_bags(trust::DEFAULT_P12_PASSWORD)
            .unwrap(),
        pem_certs(&dir.dir().join("ca.pem"))
    );
    assert!(trust_pfx
        .key_bags(trust::DEFAULT_P12_PASSWORD)
        .unwrap()
        .is_empty());

    let (_, leaf) = X509Certificate::from_der(&chain[0]).unwrap();
    assert_eq!(
        leaf.subject()
            .iter_common_name()
            .next()
            .unwrap()
            .as_str()
            .unwrap(),
        "alice"
    );
    let eku = leaf.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.client_auth && !eku.server_auth);
    #[cfg(unix)]
    for path in [&files.key, &files.p12, &files.truststore, &files.zip] {
        assert_eq!(mode(path), 0o600, "{path:?}");
    }
}

#[test]
fn custom_p12_password_is_used_everywhere() {
    let (_tmp, dir) = cert_dir();
    let dir = dir.with_p12_password("s3cret-pw");
    let files = dir.issue_client("alice").unwrap();
    let pfx = p12::PFX::parse(&std::fs::read(&files.p12).unwrap()).unwrap();
    assert!(pfx.verify_mac("s3cret-pw") && !pfx.verify_mac("atakatak"));
    let pref = zip_entries(&files.zip).remove("cert/alice.pref").unwrap();
    assert!(String::from_utf8(pref)
        .unwrap()
        .contains(">s3cret-pw</entry>"));
}

fn zip_entries(path: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.insert(entry.name().to_owned(), bytes);
    }
    out
}

/// An XML element as the tests look at it.
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

/// Every start or empty element, in document order, with its non-blank text.
fn elements(xml: &[u8]) -> Vec<Element> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.unescape_value().unwrap().into_owned(),
                        )
                    })
                    .collect();
                out.push(Element {
                    name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                    attrs,
                    text: String::new(),
                });
            }
            quick_xml::events::Event::Text(t) => {
                let text = t.unescape().unwrap();
                if let Some(last) = out.last_mut().filter(|_| !text.trim().is_empty()) {
                    last.text += &text;
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[test]
fn connection_package_has_exactly_the_expected_entries() {
    let (_tmp, dir) = cert_dir();
    let files = dir.issue_client("alice").unwrap();
    let entries = zip_entries(&files.zip);
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "MANIFEST/manifest.xml",
            "cert/alice.p12",
            "cert/alice.pref",
            "cert/truststore.p12"
        ]
    );
    assert_eq!(
        entries["cert/alice.p12"],
        std::fs::read(&files.p12).unwrap()
    );
    assert_eq!(
        entries["cert/truststore.p12"],
        std::fs::read(&files.truststore).unwrap()
    );

    let manifest = elements(&entries["MANIFEST/manifest.xml"]);
    assert_eq!(manifest[0].name, "MissionPackageManifest");
    assert_eq!(attr(&manifest[0].attrs, "version"), "2");
    let params: Vec<(&str, &str)> = manifest
        .iter()
        .filter(|e| e.name == "Parameter")
        .map(|e| (attr(&e.attrs, "name"), attr(&e.attrs, "value")))
        .collect();
    assert_eq!(params[0].0, "uid");
    assert!(uuid::Uuid::parse_str(params[0].1).is_ok());
    assert_eq!(
        params[1..],
        [("name", "alice"), ("onReceiveDelete", "true")]
    );
    let mut contents: Vec<&str> = manifest
        .iter()
        .filter(|e| e.name == "Content")
        .map(|e| attr(&e.attrs, "zipEntry"))
        .collect();
    contents.sort();
    assert_eq!(
        contents,
        ["cert/alice.p12", "cert/alice.pref", "cert/truststore.p12"]
    );

    let pref = elements(&entries["cert/alice.pref"]);
    let prefs: Vec<&str> = pref
        .iter()
        .filter(|e| e.name == "preference")
        .map(|e| attr(&e.attrs, "name"))
        .collect();
    assert_eq!(prefs, ["cot_streams", "com.atakmap.app_preferences"]);
    let value = |key: &str| {
        pref.iter()
            .find(|e| e.name == "entry" && attr(&e.attrs, "key") == key)
            .map(|e| (attr(&e.attrs, "class").to_owned(), e.text.clone()))
            .unwrap()
    };
    assert_eq!(
        value("count"),
        ("class java.lang.Integer".into(), "1".into())
    );
    assert_eq!(value("enabled0").1, "true");
    assert_eq!(value("connectString0").1, "tak.example:8089:ssl");
    assert!(!value("description0").1.is_empty());
    assert_eq!(value("caLocation").1, "cert/truststore.p12");
    assert_eq!(value("certificateLocation").1, "cert/alice.p12");
    assert_eq!(value("caPassword").1, "atakatak");
    assert_eq!(value("clientPassword").1, "atakatak");
    assert_eq!(
        value("displayServerConnectionWidget"),
        ("class java.lang.Boolean".into(), "true".into())
    );
}

#[test]
fn python_cryptography_loads_the_p12_files() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import cryptography"])
        .output();
    if !probe.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("skipped: python3 with the cryptography package is not installed");
        return;
    }
    let (_tmp, dir) = cert_dir();
    let files = dir.issue_client("alice").unwrap();
    let script = "import sys\n\
from cryptography.hazmat.primitives.serialization import pkcs12\n\
k, c, extra = pkcs12.load_key_and_certificates(open(sys.argv[1],'rb').read(), b'atakatak')\n\
assert k is not None and c is not None and len(extra) == 1\n\
print(c.subject.rfc4514_string())\n\
t = pkcs12.load_pkcs12(open(sys.argv[2],'rb').read(), b'atakatak')\n\
assert t.key is None and len(t.additional_certs) == 1\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&files.p12)
        .arg(&files.truststore)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("CN=alice"));
}

/// Java's PKCS#12 keystore is the closest stand-in for ATAK's and WinTAK's here.
#[test]
fn java_keytool_reads_the_p12_files() {
    if std::process::Command::new("keytool")
        .arg("-help")
        .output()
        .is_err()
    {
        eprintln!("skipped: keytool (a Java runtime) is not installed");
        return;
    }
    let (_tmp, dir) = cert_dir();
    let files = dir.issue_client("alice").unwrap();
    let list = |path: &std::path::Path| {
        let out = std::process::Command::new("keytool")
            .args([
                "-list",
                "-v",
                "-storetype",
                "PKCS12",
                "-storepass",
                "atakatak",
                "-keystore",
            ])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let client = list(&files.p12);
    assert!(client.contains("PrivateKeyEntry"), "{client}");
    assert!(client.contains("Certificate chain length: 2"), "{client}");
    let store = list(&files.truststore);
    assert!(store.contains("trustedCertEntry"), "{store}");
    assert!(store.contains("Your keystore contains 1 entry"), "{store}");
}
