//! Writing one event as XML, by hand: the shape is fixed and small, and a
//! writer that only appends to a `Vec<u8>` has nothing that can fail.

use std::io::Write as _;

use crate::detail::Node;
use crate::event::Event;

/// Appends `e` as one `<event>` document (no XML declaration, no trailing
/// newline) to `out`.
///
/// Attribute order: `version="2.0" uid type how time start stale`, then
/// whichever of `access qos opex caveat releaseableTo` are set; then
/// `<point lat lon hae ce le/>` and `<detail>` (always present, possibly
/// empty). Times are written as by [`crate::Time`]'s `Display`, numbers as
/// the shortest text that reads back to the same `f64` (`9999999.0`,
/// `nan`, `inf`). `& < > " '` and control characters are escaped; a NUL
/// character, which XML cannot carry at all, is written as U+FFFD.
pub fn write_event(e: &Event, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<event version=\"2.0\"");
    attr(out, "uid", &e.uid);
    attr(out, "type", &e.kind);
    attr(out, "how", &e.how);
    // Time's Display is plain ASCII, nothing to escape; Vec never fails
    let _ = write!(
        out,
        " time=\"{}\" start=\"{}\" stale=\"{}\"",
        e.time, e.start, e.stale
    );
    for (name, value) in [
        ("access", &e.access),
        ("qos", &e.qos),
        ("opex", &e.opex),
        ("caveat", &e.caveat),
        ("releaseableTo", &e.releaseable_to),
    ] {
        if let Some(v) = value {
            attr(out, name, v);
        }
    }
    out.extend_from_slice(b"><point");
    let p = &e.point;
    for (name, v) in [
        ("lat", p.lat),
        ("lon", p.lon),
        ("hae", p.hae),
        ("ce", p.ce),
        ("le", p.le),
    ] {
        let _ = write!(out, " {name}=\"{}\"", F64(v));
    }
    out.extend_from_slice(b"/><detail>");
    write_nodes(&e.detail.children, out);
    out.extend_from_slice(b"</detail></event>");
}

/// `e` as one `<event>` document; see [`write_event`].
pub fn to_xml(e: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    write_event(e, &mut out);
    out
}

/// Appends detail nodes as XML. Text that is only whitespace is written
/// entirely as character references, because the reader drops literal
/// whitespace-only text as formatting.
pub(crate) fn write_nodes(nodes: &[Node], out: &mut Vec<u8>) {
    for n in nodes {
        match n {
            Node::Element(el) => {
                out.push(b'<');
                out.extend_from_slice(el.name.as_bytes());
                for (k, v) in &el.attrs {
                    attr(out, k, v);
                }
                if el.children.is_empty() {
                    out.extend_from_slice(b"/>");
                } else {
                    out.push(b'>');
                    write_nodes(&el.children, out);
                    out.extend_from_slice(b"</");
                    out.extend_from_slice(el.name.as_bytes());
                    out.push(b'>');
                }
            }
            Node::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {
                for b in t.bytes() {
                    let _ = write!(out, "&#{b};");
                }
            }
            Node::Text(t) => escape(t, false, out),
            Node::CData(c) => {
                out.extend_from_slice(b"<![CDATA[");
                // `]]>` cannot appear inside a section: end it between `]]`
                // and `>`; the reader merges the adjacent sections again
                let mut parts = c.split("]]>");
                if let Some(first) = parts.next() {
                    out.extend_from_slice(first.as_bytes());
                }
                for part in parts {
                    out.extend_from_slice(b"]]]]><![CDATA[>");
                    out.extend_from_slice(part.as_bytes());
                }
                out.extend_from_slice(b"]]>");
            }
        }
    }
}

fn attr(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    escape(value, true, out);
    out.push(b'"');
}

/// Escapes markup characters; in attributes also tab, newline and carriage
/// return, which attribute-value normalisation would otherwise turn into
/// spaces in a conforming reader.
fn escape(s: &str, in_attr: bool, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&apos;",
            b'\t' | b'\n' if !in_attr => continue,
            0 => "\u{FFFD}".as_bytes(),
            0x01..=0x1f | 0x7f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[last..i]);
        if rep.is_empty() {
            let _ = write!(out, "&#{b};");
        } else {
            out.extend_from_slice(rep);
        }
        last = i + 1;
    }
    out.extend_from_slice(&bytes[last..]);
}

/// The text an `f64` is written as: the shortest form that reads back to
/// the same value, always with a fraction or exponent (`0.0`, `1e-7`), and
/// `nan` for NaN as TAK clients write it.
pub(crate) fn format_f64(v: f64) -> String {
    F64(v).to_string()
}

struct F64(f64);

impl std::fmt::Display for F64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_nan() {
            f.write_str("nan")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}
