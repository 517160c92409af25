//! Sans-IO bodies of the TAK enrollment endpoints (served on 8446 with HTTP Basic auth):
//! `GET /Marti/api/tls/config` and `POST /Marti/api/tls/signClient/v2`.
//!
//! The HTTP handler authenticates the user ([`crate::users::UsersFile::verify`] behind a
//! [`crate::users::LoginLimiter`]), calls [`crate::CertDir::sign_csr`] with the body and the
//! authenticated name, picks a [`ResponseFormat`] from the `Accept` header and renders the
//! answer here.

use quick_xml::escape::escape;
use rustls::pki_types::CertificateDer;

use crate::pem_body;

/// Content type of the `tls/config` answer. TAKAware's enrollment broke when a server sent
/// `application/xml` here (flighttactics/TAKAware#132), so it is `text/plain` as TAK Server
/// sends it.
pub const TLS_CONFIG_CONTENT_TYPE: &str = "text/plain";

/// The `certificateConfig` document of `GET /Marti/api/tls/config`: the subject fields (O, OU)
/// the client puts into its CSR.
pub fn tls_config_xml(org: &str, ou: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <ns2:certificateConfig xmlns=\"http://bbn.com/marti/xml/config\" \
         xmlns:ns2=\"com.bbn.marti.config\">\n  <nameEntries>\n",
    );
    for (name, value) in [("O", org), ("OU", ou)] {
        if !value.is_empty() {
            xml += &format!(
                "    <nameEntry name=\"{name}\" value=\"{}\"/>\n",
                escape(value)
            );
        }
    }
    xml += "  </nameEntries>\n</ns2:certificateConfig>\n";
    xml
}

/// Which body `signClient/v2` answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFormat {
    /// `{"signedCert": …, "ca0": …}`.
    Json,
    /// `<enrollment><signedCert>…</signedCert><ca>…</ca></enrollment>`.
    Xml,
}

impl ResponseFormat {
    /// Chooses by the request's `Accept` header as TAK Server does: absent, `*/*` or JSON give
    /// JSON; XML gives XML; `text/plain` gives JSON too (iTAK sends it but parses JSON); any
    /// other type gives `None`, to be answered with 400.
    pub fn from_accept(accept: Option<&str>) -> Option<ResponseFormat> {
        let Some(accept) = accept else {
            return Some(ResponseFormat::Json);
        };
        if accept.trim().is_empty() {
            return Some(ResponseFormat::Json);
        }
        // Media ranges in the order given; parameters such as q= are ignored.
        for range in accept.split(',') {
            let media = range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            match media.as_str() {
                "*/*" | "application/*" | "application/json" | "text/plain" | "text/*" => {
                    return Some(ResponseFormat::Json)
                }
                "application/xml" | "text/xml" => return Some(ResponseFormat::Xml),
                _ => {}
            }
        }
        None
    }

    /// The `Content-Type` of the answer.
    pub fn content_type(self) -> &'static str {
        match self {
            ResponseFormat::Json => "application/json",
            ResponseFormat::Xml => "application/xml",
        }
    }

    /// Renders the answer in this format.
    pub fn render(self, leaf: &CertificateDer<'_>, chain: &[CertificateDer<'_>]) -> String {
        match self {
            ResponseFormat::Json => sign_response_json(leaf, chain),
            ResponseFormat::Xml => sign_response_xml(leaf, chain),
        }
    }
}

/// JSON answer: `signedCert` and `ca0`, `ca1`… (nearest issuer first), each the PEM body
/// without its BEGIN/END lines.
pub fn sign_response_json(leaf: &CertificateDer<'_>, chain: &[CertificateDer<'_>]) -> String {
    let mut map = serde_json::Map::new();
    map.insert("signedCert".into(), pem_body(leaf).into());
    for (i, ca) in chain.iter().enumerate() {
        map.insert(format!("ca{i}"), pem_body(ca).into());
    }
    serde_json::Value::Object(map).to_string()
}

/// XML answer: `<enrollment>` with `signedCert` and one `ca` per issuer, PEM bodies without
/// BEGIN/END lines.
pub fn sign_response_xml(leaf: &CertificateDer<'_>, chain: &[CertificateDer<'_>]) -> String {
    let mut xml = format!("<enrollment><signedCert>{}</signedCert>", pem_body(leaf));
    for ca in chain {
        xml += &format!("<ca>{}</ca>", pem_body(ca));
    }
    xml += "</enrollment>";
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_header_choice() {
        use ResponseFormat::*;
        assert_eq!(ResponseFormat::from_accept(None), Some(Json));
        assert_eq!(ResponseFormat::from_accept(Some("*/*")), Some(Json));
        assert_eq!(
            ResponseFormat::from_accept(Some("application/json")),
            Some(Json)
        );
        assert_eq!(ResponseFormat::from_accept(Some("text/plain")), Some(Json));
        assert_eq!(
            ResponseFormat::from_accept(Some("Application/XML;q=0.9")),
            Some(Xml)
        );
        assert_eq!(
            ResponseFormat::from_accept(Some("image/png, application/xml")),
            Some(Xml)
        );
        assert_eq!(ResponseFormat::from_accept(Some("image/png")), None);
    }

    #[test]
    fn bodies_have_no_armour() {
        let leaf = CertificateDer::from(vec![0x30u8; 100]);
        let ca = CertificateDer::from(vec![0x31u8; 10]);
        let json: serde_json::Value =
            serde_json::from_str(&sign_response_json(&leaf, std::slice::from_ref(&ca))).unwrap();
        let signed = json["signedCert"].as_str().unwrap();
        assert!(
            !signed.contains("BEGIN") && signed.contains('\n'),
            "64-column body lines"
        );
        assert!(json["ca0"].is_string());
        let xml = sign_response_xml(&leaf, &[ca]);
        assert!(xml.starts_with("<enrollment><signedCert>MDAw"));
        assert!(xml.ends_with("</ca></enrollment>"));
        let cfg = tls_config_xml("Task & Force", "");
        assert!(cfg.contains("name=\"O\" value=\"Task &amp; Force\""));
        assert!(!cfg.contains("name=\"OU\""));
    }
}
