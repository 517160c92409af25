//! Signed notes and checkpoints, including the Go `note` package's published example.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::key;
use crate::{open_note, sign_note, Checkpoint, KeyError, NoteError, SigningKey, VerifierKey};

const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_TEXT: &str =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn go_example_signs_and_opens_byte_for_byte() {
    let signer = SigningKey::parse(GO_SKEY).unwrap();
    let verifier = VerifierKey::parse(GO_VKEY).unwrap();
    assert_eq!(signer.verifier(), verifier);
    assert_eq!(signer.to_text(), GO_SKEY);
    assert_eq!(verifier.to_text(), GO_VKEY);
    assert_eq!(verifier.key_id(), 0xc74f20a3);
    let note = sign_note(GO_TEXT, &signer).unwrap();
    assert_eq!(note, format!("{GO_TEXT}\n{GO_SIG}"));
    let opened = open_note(&note, &[verifier]).unwrap();
    assert_eq!(opened.text, GO_TEXT);
    assert_eq!(opened.signers, vec!["PeterNeumann".to_owned()]);
}

#[test]
fn keys_round_trip_and_bad_keys_are_refused() {
    let k = key("watchfloor.test/audit", 1);
    assert_eq!(
        SigningKey::parse(&k.to_text()).unwrap().verifier(),
        k.verifier()
    );
    assert_eq!(
        VerifierKey::parse(&k.verifier().to_text()).unwrap(),
        k.verifier()
    );
    assert!(
        !format!("{k:?}").contains(&k.to_text()[20..]),
        "Debug must not show the seed"
    );
    assert!(SigningKey::generate("fresh").is_ok());
    for bad in ["", "a b", "a+b", "tab\t"] {
        assert!(matches!(
            SigningKey::from_seed(bad, [0; 32]),
            Err(KeyError::BadName(_))
        ));
    }
    // Every shortening and every changed byte of the Go verifier key is refused.
    let b = GO_VKEY.as_bytes();
    for i in 0..b.len() {
        assert!(VerifierKey::parse(&GO_VKEY[..i]).is_err());
        let mut m = b.to_vec();
        m[i] = m[i].wrapping_add(1);
        if let Ok(s) = String::from_utf8(m) {
            assert!(VerifierKey::parse(&s).is_err(), "changed byte {i}");
        }
    }
    assert!(matches!(
        VerifierKey::parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(KeyError::KeyIdMismatch)
    ));
    assert!(SigningKey::parse("PRIVATE+KEY+x+00000000+AQ==").is_err());
}

#[test]
fn wrong_key_unknown_name_and_edits_are_refused() {
    let a = key("log.a", 1);
    let b = key("log.b", 2);
    let note = sign_note("hello\nworld\n", &a).unwrap();
    assert!(
        matches!(open_note(&note, &[b.verifier()]), Err(NoteError::UnknownKey { names }) if names == ["log.a"])
    );
    // Same name, other key: an unknown key (name and id both must match), not trusted.
    let impostor = key("log.a", 9);
    assert!(matches!(
        open_note(&note, &[impostor.verifier()]),
        Err(NoteError::UnknownKey { .. })
    ));
    let edited = note.replacen("world", "World", 1);
    assert!(
        matches!(open_note(&edited, &[a.verifier()]), Err(NoteError::BadSignature { name }) if name == "log.a")
    );
    assert!(matches!(
        open_note(&note, &[]),
        Err(NoteError::UnknownKey { .. })
    ));
}

#[test]
fn every_flipped_signature_byte_is_refused() {
    let a = key("log.a", 1);
    let note = sign_note("size\n", &a).unwrap();
    let (text, sig_line) = note.split_once("\n\n").unwrap();
    let b64 = sig_line.trim_end().rsplit_once(' ').unwrap().1;
    let raw = STANDARD.decode(b64).unwrap();
    for i in 0..raw.len() {
        let mut m = raw.clone();
        m[i] ^= 0x01;
        let forged = format!("{text}\n\n\u{2014} log.a {}\n", STANDARD.encode(&m));
        let got = open_note(&forged, &[a.verifier()]);
        if i < 4 {
            assert!(
                matches!(got, Err(NoteError::UnknownKey { .. })),
                "key id byte {i}"
            );
        } else {
            assert!(
                matches!(got, Err(NoteError::BadSignature { .. })),
                "sig byte {i}"
            );
        }
    }
}

#[test]
fn several_signers_and_unknown_extra_signatures() {
    let a = key("log.a", 1);
    let w = key("witness.b", 2);
    let note = sign_note("tree\n", &a).unwrap();
    let cosig = sign_note("tree\n", &w).unwrap();
    let both = format!("{note}{}", cosig.split_once("\n\n").unwrap().1);
    let opened = open_note(&both, &[a.verifier(), w.verifier()]).unwrap();
    assert_eq!(
        opened.signers,
        vec!["log.a".to_owned(), "witness.b".to_owned()]
    );
    // A signature from a key we do not know is ignored when a trusted one verifies.
    assert_eq!(
        open_note(&both, &[a.verifier()]).unwrap().signers,
        vec!["log.a".to_owned()]
    );
}

#[test]
fn malformed_notes_are_typed_errors() {
    let a = key("log.a", 1);
    let v = [a.verifier()];
    let good = sign_note("x\n", &a).unwrap();
    assert!(matches!(open_note("", &v), Err(NoteError::Unsigned)));
    assert!(matches!(open_note("x\n", &v), Err(NoteError::Unsigned)));
    assert!(matches!(open_note("x\n\n", &v), Err(NoteError::Unsigned)));
    assert!(matches!(
        open_note(&good[..good.len() - 1], &v),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        open_note(&good[..good.len() - 10], &v),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        open_note(&good.replace('\u{2014}', "-"), &v),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        open_note("x\n\n\u{2014} log.a !!!\n", &v),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        open_note("x\r\n\n\u{2014} log.a AAAA\n", &v),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        open_note(&"x\n".repeat(40_000), &v),
        Err(NoteError::TooLarge(_))
    ));
    assert!(matches!(
        sign_note("no newline", &a),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        sign_note("bell\u{7}\n", &a),
        Err(NoteError::Malformed(_))
    ));
    for cut in 0..good.len() {
        if good.is_char_boundary(cut) {
            assert!(open_note(&good[..cut], &v).is_err(), "cut at {cut}");
        }
    }
}

#[test]
fn checkpoints_round_trip_and_refuse_bad_bodies() {
    let a = key("log.a", 1);
    let cp = Checkpoint::new("log.a", 20852163, [7; 32]);
    assert_eq!(
        cp.to_text(),
        format!("log.a\n20852163\n{}\n", STANDARD.encode([7u8; 32]))
    );
    let note = cp.sign(&a).unwrap();
    assert_eq!(
        Checkpoint::open(&note, &[a.verifier()]).unwrap(),
        (cp.clone(), vec!["log.a".to_owned()])
    );
    let root = STANDARD.encode([7u8; 32]);
    for bad in [
        format!("\n5\n{root}\n"),
        format!("o\n05\n{root}\n"),
        format!("o\n-5\n{root}\n"),
        format!("o\n5\n{}\n", STANDARD.encode([7u8; 31])),
        format!("o\n5\n{root}"),
        format!("o\n5\n{root}\n\n"),
        "o\n5\n".to_owned(),
        format!("o\n99999999999999999999999\n{root}\n"),
    ] {
        assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
    }
    let ext = Checkpoint::parse(&format!("o\n0\n{root}\nextension line\n")).unwrap();
    assert_eq!(ext.extensions, vec!["extension line".to_owned()]);
    assert_eq!(Checkpoint::parse(&ext.to_text()).unwrap(), ext);
}
