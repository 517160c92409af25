//! Detached rule-set signatures.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::key;
use crate::{sign_bytes, verify_bytes, RuleSigError};

const RULES: &[u8] = b"[[authority]]\nid = \"pca\"\nkind = \"PROHIBITION\"\n";

#[test]
fn signed_rule_set_verifies_and_names_the_signer() {
    let counsel = key("counsel.watchfloor.test", 4);
    let sig = sign_bytes(RULES, &counsel);
    assert!(sig.starts_with("watchfloor rule set\n"));
    assert_eq!(
        verify_bytes(RULES, &sig, &[counsel.verifier()]).unwrap(),
        "counsel.watchfloor.test"
    );
    assert!(verify_bytes(b"", &sign_bytes(b"", &counsel), &[counsel.verifier()]).is_ok());
}

#[test]
fn edited_bytes_are_a_digest_mismatch() {
    let counsel = key("counsel", 4);
    let sig = sign_bytes(RULES, &counsel);
    let mut edited = RULES.to_vec();
    edited[5] ^= 0x20;
    assert!(matches!(
        verify_bytes(&edited, &sig, &[counsel.verifier()]),
        Err(RuleSigError::DigestMismatch { .. })
    ));
    assert!(matches!(
        verify_bytes(&RULES[..RULES.len() - 1], &sig, &[counsel.verifier()]),
        Err(RuleSigError::DigestMismatch { .. })
    ));
}

#[test]
fn forged_signatures_are_refused() {
    let counsel = key("counsel", 4);
    let mallory = key("counsel", 5);
    // Signed by another key under the trusted name: not the trusted key.
    let forged = sign_bytes(RULES, &mallory);
    assert!(matches!(
        verify_bytes(RULES, &forged, &[counsel.verifier()]),
        Err(RuleSigError::NotTrusted { .. })
    ));
    // The trusted key's id on another key's signature: a bad signature.
    let sig = sign_bytes(RULES, &counsel);
    let (text, line) = sig.split_once("\n\n").unwrap();
    let mut raw = STANDARD
        .decode(line.trim_end().rsplit_once(' ').unwrap().1)
        .unwrap();
    let m_line = forged.split_once("\n\n").unwrap().1;
    let m_raw = STANDARD
        .decode(m_line.trim_end().rsplit_once(' ').unwrap().1)
        .unwrap();
    raw[4..].copy_from_slice(&m_raw[4..]);
    let spliced = format!("{text}\n\n\u{2014} counsel {}\n", STANDARD.encode(&raw));
    assert!(matches!(
        verify_bytes(RULES, &spliced, &[counsel.verifier()]),
        Err(RuleSigError::BadSignature { .. })
    ));
    // A signature text whose digest was changed to match edited bytes.
    let edited = b"[[authority]]\nid = \"none\"\n";
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(edited));
    let old = text.lines().nth(1).unwrap();
    let relabelled = sig.replace(old, &digest).replace(
        &format!("\n{}\n", RULES.len()),
        &format!("\n{}\n", edited.len()),
    );
    assert!(matches!(
        verify_bytes(edited, &relabelled, &[counsel.verifier()]),
        Err(RuleSigError::BadSignature { .. })
    ));
}

#[test]
fn truncated_unsigned_untrusted_and_malformed() {
    let counsel = key("counsel", 4);
    let other = key("ops", 6);
    let sig = sign_bytes(RULES, &counsel);
    let v = [counsel.verifier()];
    assert!(matches!(
        verify_bytes(RULES, "", &v),
        Err(RuleSigError::Unsigned)
    ));
    assert!(matches!(
        verify_bytes(RULES, "\n", &v),
        Err(RuleSigError::Unsigned)
    ));
    let body_only = sig.split_once("\n\n").unwrap().0.to_owned() + "\n";
    assert!(matches!(
        verify_bytes(RULES, &body_only, &v),
        Err(RuleSigError::Unsigned)
    ));
    for cut in [sig.len() - 1, sig.len() - 5, sig.len() - 40] {
        assert!(
            matches!(
                verify_bytes(RULES, &sig[..cut], &v),
                Err(RuleSigError::Malformed(_))
            ),
            "cut {cut}"
        );
    }
    assert!(matches!(
        verify_bytes(RULES, &sig, &[other.verifier()]),
        Err(RuleSigError::NotTrusted { names }) if names == ["counsel"]
    ));
    assert!(matches!(
        verify_bytes(RULES, &sig, &[]),
        Err(RuleSigError::NotTrusted { .. })
    ));
    let not_rules = crate::sign_note("something else\n", &counsel).unwrap();
    assert!(matches!(
        verify_bytes(RULES, &not_rules, &v),
        Err(RuleSigError::Malformed(_))
    ));
    assert!(matches!(
        verify_bytes(RULES, "garbage", &v),
        Err(RuleSigError::Malformed(_))
    ));
}
