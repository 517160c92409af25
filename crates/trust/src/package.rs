//! The connection data package: one zip that ATAK or WinTAK imports to get the server's
//! connect string, the client certificate and the truststore.
//!
//! Entries: `MANIFEST/manifest.xml` (MissionPackageManifest version 2), `cert/NAME.pref`
//! (the `cot_streams` and `com.atakmap.app_preferences` preferences), `cert/NAME.p12` and
//! `cert/truststore.p12`. The pref's paths (`cert/…`) are where ATAK files the imported
//! certificates, relative to its own folder.

use std::io::Write;

use quick_xml::escape::escape;
use zip::write::SimpleFileOptions;

use crate::error::{Error, Result};

/// What goes into a connection package.
pub(crate) struct PackageSpec<'a> {
    /// Client (user) name: the package's display name and the p12's file name.
    pub(crate) name: &'a str,
    /// Host of the connect string.
    pub(crate) host: &'a str,
    /// TLS streaming port of the connect string.
    pub(crate) port: u16,
    /// Password of both PKCS#12 files.
    pub(crate) password: &'a str,
    /// The client's PKCS#12 (key, certificate, CA).
    pub(crate) client_p12: &'a [u8],
    /// The truststore PKCS#12 (CA only).
    pub(crate) truststore_p12: &'a [u8],
}

/// Builds the zip in memory.
pub(crate) fn connection_package(spec: &PackageSpec<'_>) -> Result<Vec<u8>> {
    let pref_entry = format!("cert/{}.pref", spec.name);
    let p12_entry = format!("cert/{}.p12", spec.name);
    let trust_entry = "cert/truststore.p12".to_owned();
    let manifest = manifest_xml(
        &uuid::Uuid::new_v4().to_string(),
        spec.name,
        &[&pref_entry, &p12_entry, &trust_entry],
    );
    let pref = pref_xml(spec, &p12_entry, &trust_entry);

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let entries: [(&str, &[u8]); 4] = [
        ("MANIFEST/manifest.xml", manifest.as_bytes()),
        (&pref_entry, pref.as_bytes()),
        (&p12_entry, spec.client_p12),
        (&trust_entry, spec.truststore_p12),
    ];
    for (path, bytes) in entries {
        zip.start_file(path, options)?;
        zip.write_all(bytes)
            .map_err(|e| Error::Zip(zip::result::ZipError::Io(e)))?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `MANIFEST/manifest.xml`: uid, display name, delete-after-import, and the entries.
pub(crate) fn manifest_xml(uid: &str, name: &str, entries: &[&str]) -> String {
    let mut xml = String::from("<MissionPackageManifest version=\"2\">\n  <Configuration>\n");
    for (key, value) in [("uid", uid), ("name", name), ("onReceiveDelete", "true")] {
        xml += &format!(
            "    <Parameter name=\"{key}\" value=\"{}\"/>\n",
            escape(value)
        );
    }
    xml += "  </Configuration>\n  <Contents>\n";
    for entry in entries {
        xml += &format!(
            "    <Content ignore=\"false\" zipEntry=\"{}\"/>\n",
            escape(*entry)
        );
    }
    xml += "  </Contents>\n</MissionPackageManifest>\n";
    xml
}

/// The `.pref` file: one TLS stream, and where the certificates are.
fn pref_xml(spec: &PackageSpec<'_>, p12_entry: &str, trust_entry: &str) -> String {
    const S: &str = "class java.lang.String";
    const B: &str = "class java.lang.Boolean";
    const I: &str = "class java.lang.Integer";
    let connect = format!("{}:{}:ssl", spec.host, spec.port);
    let streams: [(&str, &str, &str); 4] = [
        ("count", I, "1"),
        ("description0", S, spec.host),
        ("enabled0", B, "true"),
        ("connectString0", S, &connect),
    ];
    let app: [(&str, &str, &str); 5] = [
        ("displayServerConnectionWidget", B, "true"),
        ("caLocation", S, trust_entry),
        ("caPassword", S, spec.password),
        ("clientPassword", S, spec.password),
        ("certificateLocation", S, p12_entry),
    ];
    let mut xml =
        String::from("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<preferences>\n");
    for (pref, entries) in [
        ("cot_streams", &streams[..]),
        ("com.atakmap.app_preferences", &app[..]),
    ] {
        xml += &format!("  <preference version=\"1\" name=\"{pref}\">\n");
        for (key, class, value) in entries {
            xml += &format!(
                "    <entry key=\"{key}\" class=\"{class}\">{}</entry>\n",
                escape(*value)
            );
        }
        xml += "  </preference>\n";
    }
    xml += "</preferences>\n";
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_escapes_and_lists_entries() {
        let xml = manifest_xml("u-1", "a<b", &["cert/x.p12"]);
        assert!(xml.contains("value=\"a&lt;b\""));
        assert!(xml.contains("zipEntry=\"cert/x.p12\""));
        assert!(xml.starts_with("<MissionPackageManifest version=\"2\">"));
    }
}
