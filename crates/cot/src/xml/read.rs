//! Reading one event with quick-xml, borrowing from the input where it can.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, BytesText, Event as X};
use quick_xml::Reader;

use super::XmlError;
use crate::accessors::parse_f64;
use crate::detail::{Detail, Element, Node};
use crate::event::{Event, Point};
use crate::time::Time;

/// How long an event without a `stale` attribute stays valid after its
/// `start`, in seconds. CoT requires `stale`; a sender that omits it still
/// gets a short life rather than a rejected message or an immortal one.
pub const DEFAULT_STALE_SECS: i64 = 60;

/// The deepest element nesting accepted inside `<event>` (counting
/// `<event>` itself as 1). Real details nest four or five deep; the limit
/// keeps recursion (here, in the writer and in `Drop`) far from the stack's
/// end whatever a peer sends.
pub const MAX_DEPTH: usize = 64;

/// Reads one `<event>` document.
///
/// Tolerated: a leading `<?xml ...?>` declaration whatever encoding it
/// claims (the bytes are always read as UTF-8, as TAK clients do),
/// comments and processing instructions around and inside the event,
/// whitespace, `<point>` after `<detail>`, and unknown attributes.
///
/// Decisions:
/// - `uid` and `type` are required; a missing `how` becomes `""`;
/// - `time` is required; a missing `start` is `time`; a missing `stale` is
///   `start` + [`DEFAULT_STALE_SECS`];
/// - point numbers are lenient: a missing `lat`/`lon` is 0, a missing
///   `hae`/`ce`/`le` is [`crate::UNKNOWN`], an unreadable one is NaN;
///   no `<point>` at all gives [`Point::default`]; only the first `<point>`
///   counts;
/// - the children of every `<detail>` are kept whole, in order (several
///   `<detail>` elements are concatenated); text that is only whitespace is
///   dropped, other text and CDATA are kept (adjacent pieces merged);
///   comments and processing instructions are dropped;
/// - other elements directly under `<event>` are checked for
///   well-formedness and then ignored, as is text directly under it.
pub fn parse_event(bytes: &[u8]) -> Result<Event, XmlError> {
    let mut r = reader(bytes);
    let (root, empty) = loop {
        match next(&mut r)? {
            X::Start(s) => break (s, false),
            X::Empty(s) => break (s, true),
            X::Text(t) if is_blank(&t) => {}
            X::Decl(_) | X::Comment(_) | X::PI(_) => {}
            X::Eof => return Err(XmlError::Empty),
            _ => return Err(syntax(&r, "content before the root element")),
        }
    };
    if root.name().as_ref() != b"event" {
        return Err(XmlError::NotEvent(
            String::from_utf8_lossy(root.name().as_ref()).into_owned(),
        ));
    }
    let mut event = header(&root)?;
    if !empty {
        body(&mut r, &mut event)?;
    }
    loop {
        match next(&mut r)? {
            X::Eof => return Ok(event),
            X::Text(t) if is_blank(&t) => {}
            X::Comment(_) | X::PI(_) => {}
            _ => return Err(XmlError::Trailing),
        }
    }
}

/// Reads a sequence of detail nodes (the TAK protocol `xmlDetail` string:
/// children of `<detail>` without the wrapper) with the same rules as the
/// inside of `<detail>` in [`parse_event`].
pub(crate) fn parse_fragment(bytes: &[u8]) -> Result<Detail, XmlError> {
    let mut r = reader(bytes);
    let mut children = Vec::new();
    // depths 1 and 2 stand for the absent <event> and <detail>
    if nodes(&mut r, &mut children, 3, false)? {
        return Err(syntax(&r, "unmatched end tag"));
    }
    Ok(Detail { children })
}

fn reader(bytes: &[u8]) -> Reader<&[u8]> {
    let mut r = Reader::from_reader(bytes);
    let cfg = r.config_mut();
    cfg.trim_text(false);
    cfg.check_end_names = true;
    cfg.expand_empty_elements = false;
    r
}

fn next<'a>(r: &mut Reader<&'a [u8]>) -> Result<X<'a>, XmlError> {
    match r.read_event() {
        Ok(X::DocType(_)) => Err(XmlError::Doctype),
        Ok(e) => Ok(e),
        Err(e) => Err(XmlError::Syntax {
            position: r.buffer_position(),
            message: e.to_string(),
        }),
    }
}

fn syntax(r: &Reader<&[u8]>, message: &str) -> XmlError {
    XmlError::Syntax {
        position: r.buffer_position(),
        message: message.to_string(),
    }
}

/// Whitespace-only text, judged on the raw bytes so that an escaped
/// `&#10;` is content the writer put there on purpose.
fn is_blank(t: &BytesText<'_>) -> bool {
    t.iter().all(u8::is_ascii_whitespace)
}

fn text(t: &BytesText<'_>) -> Result<String, XmlError> {
    t.unescape()
        .map(Cow::into_owned)
        .map_err(|e| XmlError::Entity(e.to_string()))
}

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|e| XmlError::Syntax {
        position: 0,
        message: e.to_string(),
    })
}

/// Calls `f` with each attribute's name and unescaped value.
fn each_attr<'s>(
    s: &'s BytesStart<'_>,
    mut f: impl FnMut(&[u8], Cow<'s, str>) -> Result<(), XmlError>,
) -> Result<(), XmlError> {
    for a in s.attributes() {
        let a = a.map_err(|e| XmlError::Syntax {
            position: 0,
            message: e.to_string(),
        })?;
        let v = a.unescape_value().map_err(|e| match e {
            quick_xml::Error::Escape(e) => XmlError::Entity(e.to_string()),
            other => XmlError::Syntax {
                position: 0,
                message: other.to_string(),
            },
        })?;
        f(a.key.as_ref(), v)?;
    }
    Ok(())
}

fn header(root: &BytesStart<'_>) -> Result<Event, XmlError> {
    let (mut uid, mut kind, mut how) = (None, None, None);
    let (mut time, mut start, mut stale) = (None, None, None);
    let (mut access, mut qos, mut opex, mut caveat, mut rel) = (None, None, None, None, None);
    each_attr(root, |k, v| {
        let slot = match k {
            b"uid" => &mut uid,
            b"type" => &mut kind,
            b"how" => &mut how,
            b"time" => &mut time,
            b"start" => &mut start,
            b"stale" => &mut stale,
            b"access" => &mut access,
            b"qos" => &mut qos,
            b"opex" => &mut opex,
            b"caveat" => &mut caveat,
            b"releaseableTo" => &mut rel,
            _ => return Ok(()),
        };
        *slot = Some(v.into_owned());
        Ok(())
    })?;
    let when = |attr: &'static str, v: &str| {
        Time::parse(v).map_err(|source| XmlError::BadTime { attr, source })
    };
    let time = when(
        "time",
        time.as_deref().ok_or(XmlError::MissingAttr("time"))?,
    )?;
    let start = start.map_or(Ok(time), |s| when("start", &s))?;
    let stale = match stale {
        Some(s) => when("stale", &s)?,
        None => start.plus_secs(DEFAULT_STALE_SECS),
    };
    let mut e = Event::new(
        uid.ok_or(XmlError::MissingAttr("uid"))?,
        kind.ok_or(XmlError::MissingAttr("type"))?,
        how.unwrap_or_default(),
        time,
        stale,
    );
    e.start = start;
    (e.access, e.qos, e.opex, e.caveat, e.releaseable_to) = (access, qos, opex, caveat, rel);
    Ok(e)
}

fn point(s: &BytesStart<'_>) -> Result<Point, XmlError> {
    let mut p = Point::default();
    each_attr(s, |k, v| {
        let slot = match k {
            b"lat" => &mut p.lat,
            b"lon" => &mut p.lon,
            b"hae" => &mut p.hae,
            b"ce" => &mut p.ce,
            b"le" => &mut p.le,
            _ => return Ok(()),
        };
        *slot = parse_f64(&v).unwrap_or(f64::NAN);
        Ok(())
    })?;
    Ok(p)
}

fn body(r: &mut Reader<&[u8]>, e: &mut Event) -> Result<(), XmlError> {
    let mut have_point = false;
    // content of ignored elements is still read, so that it is checked
    let mut ignored = Vec::new();
    loop {
        match next(r)? {
            X::Empty(s) if s.name().as_ref() == b"point" && !have_point => {
                e.point = point(&s)?;
                have_point = true;
            }
            X::Start(s) if s.name().as_ref() == b"point" && !have_point => {
                e.point = point(&s)?;
                have_point = true;
                ignored.clear();
                nodes(r, &mut ignored, 3, true)?;
            }
            X::Start(s) if s.name().as_ref() == b"detail" => {
                nodes(r, &mut e.detail.children, 3, true)?;
            }
            X::Start(_) => {
                ignored.clear();
                nodes(r, &mut ignored, 3, true)?;
            }
            X::Text(t) => {
                text(&t)?;
            }
            X::Empty(_) | X::Comment(_) | X::PI(_) | X::CData(_) => {}
            X::End(_) => return Ok(()),
            X::Eof => return Err(syntax(r, "unexpected end inside <event>")),
            X::Decl(_) => return Err(syntax(r, "xml declaration inside <event>")),
            X::DocType(_) => return Err(XmlError::Doctype),
        }
    }
}

/// Reads nodes into `out` until the end tag of the element that contains
/// them (`in_element`; quick-xml checks that the names match), or until end
/// of input otherwise. Returns whether an unmatched end tag was met (only
/// possible outside an element). `depth` is the nesting depth of the nodes
/// read, `<event>` being 1.
fn nodes(
    r: &mut Reader<&[u8]>,
    out: &mut Vec<Node>,
    depth: usize,
    in_element: bool,
) -> Result<bool, XmlError> {
    loop {
        match next(r)? {
            X::Start(s) => {
                let mut el = element(&s, depth)?;
                nodes(r, &mut el.children, depth + 1, true)?;
                out.push(Node::Element(el));
            }
            X::Empty(s) => out.push(Node::Element(element(&s, depth)?)),
            X::Text(t) if is_blank(&t) => {}
            X::Text(t) => {
                let t = text(&t)?;
                match out.last_mut() {
                    Some(Node::Text(prev)) => prev.push_str(&t),
                    _ => out.push(Node::Text(t)),
                }
            }
            X::CData(c) => {
                let c = utf8(&c)?.to_string();
                match out.last_mut() {
                    Some(Node::CData(prev)) => prev.push_str(&c),
                    _ => out.push(Node::CData(c)),
                }
            }
            X::Comment(_) | X::PI(_) => {}
            X::End(_) => return Ok(!in_element),
            X::Eof if !in_element => return Ok(false),
            X::Eof => return Err(syntax(r, "unexpected end of input")),
            X::Decl(_) => return Err(syntax(r, "xml declaration inside an element")),
            X::DocType(_) => return Err(XmlError::Doctype),
        }
    }
}

fn element(s: &BytesStart<'_>, depth: usize) -> Result<Element, XmlError> {
    if depth > MAX_DEPTH {
        return Err(XmlError::TooDeep);
    }
    let mut el = Element::new(name(s.name().as_ref())?);
    each_attr(s, |k, v| {
        el.attrs.push((name(k)?.to_string(), v.into_owned()));
        Ok(())
    })?;
    Ok(el)
}

/// An element or attribute name, checked against XML's name rules (ASCII
/// part exactly; any non-ASCII character allowed) because quick-xml takes
/// whatever lies before a space, and `<a"b>` must not be passed on.
fn name(bytes: &[u8]) -> Result<&str, XmlError> {
    let ok = match bytes.split_first() {
        Some((&first, rest)) => {
            (first.is_ascii_alphabetic() || matches!(first, b'_' | b':' | 0x80..))
                && rest.iter().all(|&c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-' | 0x80..)
                })
        }
        None => false,
    };
    // U+FFFE and U+FFFF are no XML characters at all, so in no name
    let ok = ok
        && !bytes
            .windows(3)
            .any(|w| matches!(w, [0xEF, 0xBF, 0xBE | 0xBF]));
    if ok {
        utf8(bytes)
    } else {
        Err(XmlError::Syntax {
            position: 0,
            message: format!("invalid name {:?}", String::from_utf8_lossy(bytes)),
        })
    }
}
