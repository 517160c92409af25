//! PKCS#12 files as ATAK and WinTAK read them.
//!
//! The `p12` crate writes the legacy layout TAK tooling has always produced with OpenSSL 1.1:
//! key in a PBE-SHA1-3DES shrouded bag, certificates in a PBE-SHA1-RC2-40 encrypted bag, a
//! SHA-1 MAC with 2048 iterations. ATAK's Android keystore rejects the newer SHA-256 MAC
//! (AndroidTacticalAssaultKit-CIV#224), so this is deliberate, not an oversight. OpenSSL 3's
//! command line needs `-legacy` to open these files; Python's cryptography and Java's keytool
//! read them as they are (both checked by the tests when installed).

use p12::{
    CertBag, ContentInfo, EncryptedData, MacData, OtherAttribute, PKCS12Attribute, SafeBag,
    SafeBagKind, PFX,
};
use yasna::models::ObjectIdentifier;

use crate::error::{Error, Result};

/// A PKCS#12 with the private key (PKCS#8 DER), its certificate and the CA certificate.
pub(crate) fn identity(
    cert_der: &[u8],
    key_pkcs8_der: &[u8],
    ca_der: &[u8],
    password: &str,
    alias: &str,
) -> Result<Vec<u8>> {
    PFX::new_with_cas(cert_der, key_pkcs8_der, &[ca_der], password, alias)
        .map(|pfx| pfx.to_der())
        .ok_or(Error::P12("could not encrypt the key bag"))
}

/// A PKCS#12 truststore holding the CA certificate alone (no key), as ATAK's `caLocation`
/// expects.
pub(crate) fn truststore(ca_der: &[u8], password: &str) -> Result<Vec<u8>> {
    let password = bmp_password(password);
    let bag = SafeBag {
        bag: SafeBagKind::CertBag(CertBag::X509(ca_der.to_vec())),
        // Java keystores use the friendly name as the entry's alias, and the SUN provider
        // lists a key-less certificate only if it carries Oracle's trusted-key-usage
        // attribute; BouncyCastle (Android) and Windows ignore the attribute.
        attributes: vec![
            PKCS12Attribute::FriendlyName("ca".to_owned()),
            trusted_for_any_usage(),
        ],
    };
    let encrypted = EncryptedData::from_safe_bags(&[bag], &password)
        .ok_or(Error::P12("could not encrypt the certificate bag"))?;
    let auth_safe = yasna::construct_der(|w| {
        w.write_sequence_of(|w| ContentInfo::EncryptedData(encrypted).write(w.next()));
    });
    let mac_data = MacData::new(&auth_safe, &password);
    Ok(PFX {
        version: 3,
        auth_safe: ContentInfo::Data(auth_safe),
        mac_data: Some(mac_data),
    }
    .to_der())
}

/// Oracle's `trustedKeyUsage` attribute (2.16.840.1.113894.746875.1.1) with the value
/// anyExtendedKeyUsage (2.5.29.37.0), as Java's `keytool -importcert` writes it.
fn trusted_for_any_usage() -> PKCS12Attribute {
    let any_usage = yasna::construct_der(|w| {
        w.write_oid(&ObjectIdentifier::from_slice(&[2, 5, 29, 37, 0]));
    });
    PKCS12Attribute::Other(OtherAttribute {
        oid: ObjectIdentifier::from_slice(&[2, 16, 840, 1, 113_894, 746_875, 1, 1]),
        data: vec![any_usage],
    })
}

/// The PKCS#12 password encoding: UTF-16 big-endian with a two-byte terminator (RFC 7292 B.1).
fn bmp_password(password: &str) -> Vec<u8> {
    let mut out: Vec<u8> = password.encode_utf16().flat_map(u16::to_be_bytes).collect();
    out.extend_from_slice(&[0, 0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_encoding() {
        assert_eq!(bmp_password("ab"), vec![0, b'a', 0, b'b', 0, 0]);
    }

    #[test]
    fn truststore_parses_back_with_the_password_only() {
        let ca = b"\x30\x03\x02\x01\x01".to_vec();
        let der = truststore(&ca, "atakatak").unwrap();
        let pfx = PFX::parse(&der).unwrap();
        assert!(pfx.verify_mac("atakatak"));
        assert!(!pfx.verify_mac("wrong"));
        assert_eq!(pfx.cert_x509_bags("atakatak").unwrap(), vec![ca]);
        assert!(pfx.key_bags("atakatak").unwrap().is_empty());
    }
}
