//! The characters XML 1.0 forbids, and removing them from what peers send.
//!
//! XML 1.0 (`Char`) allows tab, line feed, carriage return and everything
//! from U+0020 on except the surrogates (which a Rust `str` cannot hold),
//! U+FFFE and U+FFFF. A document with any other character, or with a
//! character reference to one (`&#1;`), is not well-formed: ATAK's parser
//! refuses the whole event and node-tak strips U+000B–U+001F itself. The
//! server therefore scrubs them on the way in, whichever encoding they
//! came in, rather than refusing the event: what is left is the event the
//! sender meant (a callsign with a stray control byte is still that
//! callsign), and it is what node-tak users see of it already.

use memchr::memmem;

use crate::detail::Node;
use crate::event::Event;

/// Whether XML 1.0 allows `c` in a document.
pub fn is_xml_char(c: char) -> bool {
    !matches!(
        c,
        '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'
    )
}

/// The length of the forbidden character encoded at `b[i]` (a C0 control
/// byte, or U+FFFE / U+FFFF in UTF-8), or 0. Neither can be part of another
/// character, so this holds for any bytes, valid UTF-8 or not.
fn forbidden_at(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(&c) if c < 0x20 => usize::from(!matches!(c, b'\t' | b'\n' | b'\r')),
        Some(0xEF) if matches!(b.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => 3,
        _ => 0,
    }
}

/// Whether `b` holds a forbidden character (not a reference to one).
fn has_forbidden(b: &[u8]) -> bool {
    // the common case, no control byte and no 0xEF, is one quick pass
    b.iter().any(|&c| c < 0x20 || c == 0xEF) && (0..b.len()).any(|i| forbidden_at(b, i) > 0)
}

/// The length of the character reference at the start of `b` (`&#9;`,
/// `&#x1F;`) and the character it names, when it names a valid one.
fn char_ref(b: &[u8]) -> Option<(usize, char)> {
    let (digits, radix) = match b.get(2) {
        Some(b'x') => (b.get(3..)?, 16),
        _ => (b.get(2..)?, 10),
    };
    // a longer run of digits is no code point; leave it to the parser
    let n = digits
        .iter()
        .take(9)
        .take_while(|c| c.is_ascii_hexdigit())
        .count();
    if n == 0 || digits.get(n) != Some(&b';') {
        return None;
    }
    let text = std::str::from_utf8(digits.get(..n)?).ok()?;
    let c = char::from_u32(u32::from_str_radix(text, radix).ok()?)?;
    Some((b.len() - digits.len() + n + 1, c))
}

/// The bytes of one XML document without the characters XML 1.0 forbids:
/// literal ones anywhere, and character references to them outside CDATA
/// sections (where `&#1;` is just text). `None` when there was none, so
/// that a clean document, nearly every one, is not copied.
///
/// The result is clean in turn: what a removal joins (`&\u{1}#1;` becoming
/// `&#1;`, or bytes of broken UTF-8 around a control byte becoming U+FFFF)
/// is removed too, because each check looks at the output, not the input.
/// References to what is no character at all (`&#xD800;`) are left for the
/// parser to refuse.
pub fn scrub_document(b: &[u8]) -> Option<Vec<u8>> {
    if !has_forbidden(b) && memmem::find(b, b"&#").is_none() {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut in_cdata = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let n = forbidden_at(b, i);
        if n == 1 {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
        let len = out.len();
        if matches!(
            out.get(len.saturating_sub(3)..),
            Some([0xEF, 0xBF, 0xBE | 0xBF])
        ) {
            out.truncate(len - 3);
        } else if in_cdata {
            in_cdata = !out.ends_with(b"]]>");
        } else if out.ends_with(b"<![CDATA[") {
            in_cdata = true;
        } else if c == b';' {
            // the longest reference `char_ref` reads is `&#x` + 9 digits + `;`
            let from = len.saturating_sub(13);
            let tail = out.get(from..).unwrap_or_default();
            if let Some(amp) = memchr::memrchr(b'&', tail) {
                let at = from + amp;
                match char_ref(out.get(at..).unwrap_or_default()) {
                    Some((n, r)) if at + n == len && !is_xml_char(r) => out.truncate(at),
                    _ => {}
                }
            }
        }
    }
    (out.len() != b.len()).then_some(out)
}

/// Removes the characters XML 1.0 forbids from `s`; returns how many.
pub fn scrub_str(s: &mut String) -> usize {
    if !has_forbidden(s.as_bytes()) {
        return 0;
    }
    let before = s.chars().count();
    s.retain(is_xml_char);
    before - s.chars().count()
}

/// Removes the characters XML 1.0 forbids from every string of `e` (its
/// attributes, and the attribute values, text and CDATA of its detail);
/// returns how many. For events decoded from TAK protocol v1, whose
/// strings would otherwise reach XML clients as they are. Element and
/// attribute names need no scrubbing: the readers refuse such names.
pub fn scrub_event(e: &mut Event) -> usize {
    let mut n = scrub_str(&mut e.uid) + scrub_str(&mut e.kind) + scrub_str(&mut e.how);
    for s in [
        &mut e.access,
        &mut e.qos,
        &mut e.opex,
        &mut e.caveat,
        &mut e.releaseable_to,
    ]
    .into_iter()
    .flatten()
    {
        n += scrub_str(s);
    }
    n + scrub_nodes(&mut e.detail.children)
}

fn scrub_nodes(nodes: &mut [Node]) -> usize {
    nodes
        .iter_mut()
        .map(|node| match node {
            Node::Element(el) => {
                el.attrs
                    .iter_mut()
                    .map(|(_, v)| scrub_str(v))
                    .sum::<usize>()
                    + scrub_nodes(&mut el.children)
            }
            Node::Text(t) | Node::CData(t) => scrub_str(t),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use super::*;

    #[test]
    fn literal_characters_and_references_to_them_go() {
        let doc = "<e a='x\u{1}y&#1;&#x1F;&#0;'>\u{b}t\u{fffe}&#xFFFF;\u{ffff}&#9;&#10;&amp;é</e>";
        let clean = scrub_document(doc.as_bytes()).unwrap();
        assert_eq!(clean, "<e a='xy'>t&#9;&#10;&amp;é</e>".as_bytes());
        assert_eq!(scrub_document(&clean), None);
    }

    #[test]
    fn cdata_keeps_its_text_but_not_its_control_bytes() {
        let doc = "<e><![CDATA[&#1;\u{2}]]>&#1;</e>";
        assert_eq!(
            scrub_document(doc.as_bytes()).unwrap(),
            b"<e><![CDATA[&#1;]]></e>"
        );
    }

    #[test]
    fn what_is_no_character_is_left_to_the_parser() {
        for doc in ["&#xD800;", "&#1", "&#12345678901;", "&#;", "&#x;", "&"] {
            assert_eq!(scrub_document(doc.as_bytes()), None, "{doc}");
        }
    }

    #[test]
    fn what_a_removal_joins_is_removed_too() {
        // found by fuzzing: NULs between the bytes of a broken U+FFFF
        for doc in [
            &b"\xef\xef\0\0\xbf\0\0\0\xbf"[..],
            b"&\x01#1;",
            b"&#&#1;1;x",
            b"]\x01]>&#1;",
        ] {
            let clean = scrub_document(doc).unwrap();
            assert_eq!(scrub_document(&clean), None, "{doc:?} gave {clean:?}");
        }
        assert_eq!(scrub_document(b"&#&#1;1;x").unwrap(), b"x");
    }

    #[test]
    fn clean_documents_are_not_copied() {
        assert_eq!(
            scrub_document("<e a='&#10;'>\t\r\n漢\u{fffd}</e>".as_bytes()),
            None
        );
    }

    #[test]
    fn scrub_event_reaches_every_string() {
        let t = crate::Time::from_millis(0);
        let mut e = Event::new("u\u{1}", "a\u{2}", "m\u{3}", t, t);
        e.access = Some("x\u{fffe}".into());
        let mut el = crate::Element::with_attrs("contact", [("callsign", "A\u{1f}B")]);
        el.children.push(Node::Text("t\u{c}".into()));
        el.children.push(Node::CData("c\u{ffff}".into()));
        e.detail.push_element(el);
        assert_eq!(scrub_event(&mut e), 7);
        assert_eq!(
            (e.uid.as_str(), e.kind.as_str(), e.how.as_str()),
            ("u", "a", "m")
        );
        assert_eq!(e.access.as_deref(), Some("x"));
        assert_eq!(e.detail.callsign().as_deref(), Some("AB"));
        assert_eq!(scrub_event(&mut e), 0);
    }
}
