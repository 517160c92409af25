//! The byte scanner behind [`super::XmlDeframer`]. Every function resumes
//! at `pos` and only looks back a few bytes, so the total work is linear in
//! the stream length however it is chunked.

use bytes::{Buf, BytesMut};
use memchr::memmem;

use super::DeframeError;

/// The name whose start tag begins every event, and so ends a cut one.
const EVENT: &[u8] = b"event";

/// How far past `<event` a quoted value is read to tell a start tag from
/// text (see [`new_event_in_value`]); a longer run is text.
const LOOKAHEAD: usize = 64;

/// A frame being scanned; it starts at `buf[0]`.
#[derive(Debug)]
pub(super) struct Open {
    /// An `<auth>` block rather than an `<event>`.
    pub(super) auth: bool,
    /// Open root-named elements (`<event>` inside `<event>` nests).
    depth: u32,
    at: Where,
}

/// Where in the frame's markup the scan stands.
#[derive(Debug, Clone, Copy)]
enum Where {
    Content,
    /// Inside a tag; `quote` is the open quote character, `root` whether
    /// the tag is a start (`Some(true)`) or end (`Some(false)`) tag of the
    /// frame's root name.
    Tag {
        quote: Option<u8>,
        root: Option<bool>,
    },
    /// Inside a comment, CDATA section or processing instruction, waiting
    /// for its terminator.
    Until(&'static [u8]),
}

pub(super) enum Step {
    NeedMore,
    Start(Open),
    Done(usize),
    Fail(DeframeError),
}

/// Whether `b` starts with `pat`: `None` while `b` is a shorter prefix of
/// it and more bytes could still decide.
fn starts(b: &[u8], pat: &[u8]) -> Option<bool> {
    let n = b.len().min(pat.len());
    if b.get(..n) != pat.get(..n) {
        Some(false)
    } else if n == pat.len() {
        Some(true)
    } else {
        None
    }
}

/// Like [`starts`], ASCII case-insensitively.
fn starts_nocase(b: &[u8], pat: &[u8]) -> Option<bool> {
    let n = b.len().min(pat.len());
    match (b.get(..n), pat.get(..n)) {
        (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => (n == pat.len()).then_some(true),
        _ => Some(false),
    }
}

/// Whether `b` is `<name` followed by a delimiter ending the name.
fn tag_named(b: &[u8], name: &[u8]) -> Option<bool> {
    match starts(b, name)? {
        false => Some(false),
        true => b
            .get(name.len())
            .map(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/'),
    }
}

/// What a `<` at the start of `b` opens.
enum Markup {
    Comment,
    CData,
    /// `<!DOCTYPE`, `<!ENTITY`: `<!` and a letter.
    Dtd,
    /// `<?xml ` (a declaration, so a new document).
    Decl,
    /// Another processing instruction.
    Pi,
    /// A start (`end == false`) or end tag; `root` when it is named like
    /// the frame's root; `skip` is the length of `<` or `</`.
    Tag {
        end: bool,
        skip: usize,
        root: bool,
    },
    /// A `<` that cannot start markup (`a < b` in sloppy text).
    Stray,
}

/// Whether `c` can begin an XML name (ASCII letters, `_`, `:`, or any
/// byte of a multi-byte UTF-8 character).
fn name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80
}

/// Classifies the `<` at `b[0]` against a root element name; `None` when
/// more bytes are needed to decide.
fn classify(b: &[u8], root: &[u8]) -> Option<Markup> {
    let rest = b.get(1..).unwrap_or_default();
    Some(match *rest.first()? {
        b'!' => {
            if starts(rest, b"!--")? {
                Markup::Comment
            } else if starts(rest, b"![CDATA[")? {
                Markup::CData
            } else if rest.get(1)?.is_ascii_alphabetic() {
                Markup::Dtd
            } else {
                // `<!-x`, `<![CD<`: a cut-off opening, not a declaration
                Markup::Stray
            }
        }
        b'?' => {
            if starts_nocase(rest, b"?xml")? && rest.get(4)?.is_ascii_whitespace() {
                Markup::Decl
            } else {
                Markup::Pi
            }
        }
        b'/' => {
            let name = rest.get(1..).unwrap_or_default();
            let root = tag_named(name, root)?;
            Markup::Tag {
                end: true,
                skip: 2,
                root,
            }
        }
        c if name_start(c) => {
            let root = tag_named(rest, root)?;
            Markup::Tag {
                end: false,
                skip: 1,
                root,
            }
        }
        _ => Markup::Stray,
    })
}

/// Scans between frames: skips whitespace, declarations, comments and
/// garbage (discarding them from `buf`) until a frame starts at `buf[0]`.
pub(super) fn between(
    buf: &mut BytesMut,
    pos: &mut usize,
    skipping: &mut Option<&'static [u8]>,
    garbage: &mut usize,
    max: usize,
) -> Step {
    loop {
        if let Some(end) = *skipping {
            match memmem::find(buf.get(*pos..).unwrap_or_default(), end) {
                Some(i) => {
                    buf.advance(*pos + i + end.len());
                    *skipping = None;
                }
                None => {
                    // keep just enough to see a terminator split across reads
                    let keep = end.len() - 1;
                    buf.advance(buf.len().saturating_sub(keep));
                }
            }
            *pos = 0;
            if skipping.is_some() {
                return Step::NeedMore;
            }
        }
        let mut ws = buf.iter().take_while(|c| c.is_ascii_whitespace()).count();
        if *garbage > 0 {
            // whitespace inside a run of garbage belongs to it
            ws = ws.min(max - *garbage);
            *garbage += ws;
        }
        buf.advance(ws);
        if *garbage >= max {
            return Step::Fail(DeframeError::Garbage {
                skipped: std::mem::take(garbage),
            });
        }
        let b: &[u8] = buf;
        if b.is_empty() {
            return Step::NeedMore;
        }
        if *garbage == 0 {
            match starts(b, b"\xEF\xBB\xBF") {
                None => return Step::NeedMore,
                Some(true) => {
                    // a byte order mark before a document is not garbage
                    // (inside a run of garbage it is just more of it)
                    buf.advance(3);
                    continue;
                }
                Some(false) => {}
            }
        }
        let found = if b.first() == Some(&b'<') {
            let name = b.get(1..).unwrap_or_default();
            let Some(event) = tag_named(name, b"event") else {
                return Step::NeedMore;
            };
            let Some(auth) = tag_named(name, b"auth") else {
                return Step::NeedMore;
            };
            if event || auth {
                Some(Found::Frame(auth))
            } else {
                match classify(b, b"event") {
                    None => return Step::NeedMore,
                    Some(Markup::Comment) => Some(Found::Skip(b"-->", 4)),
                    Some(Markup::Decl | Markup::Pi) => Some(Found::Skip(b"?>", 2)),
                    Some(Markup::Dtd) => return Step::Fail(DeframeError::Doctype),
                    Some(_) => None,
                }
            }
        } else {
            None
        };
        match found {
            Some(f) => {
                if *garbage > 0 {
                    return Step::Fail(DeframeError::Garbage {
                        skipped: std::mem::take(garbage),
                    });
                }
                match f {
                    Found::Frame(auth) => {
                        *pos = if auth { 5 } else { 6 };
                        let at = Where::Tag {
                            quote: None,
                            root: Some(true),
                        };
                        return Step::Start(Open { auth, depth: 0, at });
                    }
                    Found::Skip(end, len) => {
                        buf.advance(len);
                        *skipping = Some(end);
                    }
                }
            }
            None => {
                // garbage runs to the next `<`; the count is capped at `max`
                // exactly so that reports do not depend on chunking
                let to =
                    memchr::memchr(b'<', b.get(1..).unwrap_or_default()).map_or(b.len(), |i| i + 1);
                let take = to.min(max - *garbage);
                buf.advance(take);
                *garbage += take;
                if *garbage >= max {
                    return Step::Fail(DeframeError::Garbage {
                        skipped: std::mem::take(garbage),
                    });
                }
            }
        }
    }
}

enum Found {
    Frame(bool),
    Skip(&'static [u8], usize),
}

/// Scans an open frame from `pos`; `Done(end)` gives its length.
pub(super) fn frame(buf: &[u8], pos: &mut usize, open: &mut Open) -> Step {
    let root: &[u8] = if open.auth { b"auth" } else { b"event" };
    loop {
        let rest = buf.get(*pos..).unwrap_or_default();
        match open.at {
            Where::Content => {
                let Some(i) = memchr::memchr(b'<', rest) else {
                    *pos = buf.len();
                    return Step::NeedMore;
                };
                *pos += i;
                let Some(m) = classify(rest.get(i..).unwrap_or_default(), root) else {
                    return Step::NeedMore;
                };
                let (at, skip) = match m {
                    Markup::Comment => (Where::Until(b"-->"), 4),
                    Markup::CData => (Where::Until(b"]]>"), 9),
                    Markup::Pi => (Where::Until(b"?>"), 2),
                    Markup::Dtd => return Step::Fail(DeframeError::Doctype),
                    Markup::Decl => return Step::Fail(DeframeError::Truncated { skipped: *pos }),
                    Markup::Tag { end, skip, root } => {
                        // a start tag is where markup may stand, so a new
                        // `<event` here is a new event, not a nested one
                        let new_event = !end
                            && if open.auth {
                                let Some(ev) =
                                    tag_named(rest.get(i + 1..).unwrap_or_default(), EVENT)
                                else {
                                    return Step::NeedMore;
                                };
                                ev
                            } else {
                                root
                            };
                        if new_event {
                            return Step::Fail(DeframeError::Truncated { skipped: *pos });
                        }
                        let root = root.then_some(!end);
                        (Where::Tag { quote: None, root }, skip)
                    }
                    Markup::Stray => (Where::Content, 1),
                };
                open.at = at;
                *pos += skip;
            }
            Where::Until(end) => match memmem::find(rest, end) {
                Some(i) => {
                    *pos += i + end.len();
                    open.at = Where::Content;
                }
                None => {
                    *pos += rest.len().saturating_sub(end.len() - 1);
                    return Step::NeedMore;
                }
            },
            Where::Tag {
                quote: Some(q),
                root,
            } => match memchr::memchr2(q, b'<', rest) {
                Some(i) if rest.get(i) == Some(&q) => {
                    *pos += i + 1;
                    open.at = Where::Tag { quote: None, root };
                }
                Some(i) => {
                    *pos += i;
                    match new_event_in_value(buf, *pos, q) {
                        None => return Step::NeedMore,
                        Some(true) => return Step::Fail(DeframeError::Truncated { skipped: *pos }),
                        Some(false) => *pos += 1,
                    }
                }
                None => {
                    *pos = buf.len();
                    return Step::NeedMore;
                }
            },
            Where::Tag {
                quote: None,
                root: is_root,
            } => {
                // the stretches of a tag outside quotes are a few bytes
                // (` uid=`): a plain loop beats setting up a memchr
                let Some(i) = rest
                    .iter()
                    .position(|&c| matches!(c, b'"' | b'\'' | b'>' | b'<'))
                else {
                    *pos = buf.len();
                    return Step::NeedMore;
                };
                if rest.get(i) == Some(&b'<') {
                    // no `<` belongs inside a tag: a new `<event` there
                    // means this tag was cut short
                    *pos += i;
                    match tag_named(buf.get(*pos + 1..).unwrap_or_default(), EVENT) {
                        None => return Step::NeedMore,
                        Some(true) => return Step::Fail(DeframeError::Truncated { skipped: *pos }),
                        Some(false) => {
                            *pos += 1;
                            continue;
                        }
                    }
                }
                let c = rest.get(i).copied().unwrap_or_default();
                let gt = *pos + i;
                *pos = gt + 1;
                if c != b'>' {
                    open.at = Where::Tag {
                        quote: Some(c),
                        root: is_root,
                    };
                    continue;
                }
                open.at = Where::Content;
                let self_closing = gt > 0 && buf.get(gt - 1) == Some(&b'/');
                match is_root {
                    Some(true) if !self_closing => open.depth = open.depth.saturating_add(1),
                    Some(false) => open.depth = open.depth.saturating_sub(1),
                    _ => {}
                }
                if is_root.is_some() && open.depth == 0 {
                    return Step::Done(*pos);
                }
            }
        }
    }
}

/// Whether the `<` at `buf[at]`, met inside a value quoted with `q`, starts
/// a new event (the value's quote never closed); `None` when more bytes are
/// needed. It does when it is `<event` and either
/// - it stands at a line start or right after a `>` (ignoring spaces, tabs
///   and carriage returns): where events begin in a stream, and where a
///   value whose quote never closed leaves the next event, since the odd
///   quote puts every gap between tags inside "quotes"; or
/// - `q` would close this value right after `<event name=`, which only an
///   attribute of a start tag does.
///
/// So `note="<event uid='z'/>"` stays text: a value can only contain the
/// other quote, and it does not follow a `>` or a line break.
fn new_event_in_value(buf: &[u8], at: usize, q: u8) -> Option<bool> {
    let after = buf.get(at + 1..).unwrap_or_default();
    if !tag_named(after, EVENT)? {
        return Some(false);
    }
    let before = buf.get(..at).unwrap_or_default();
    let boundary = before
        .iter()
        .rev()
        .find(|&&c| !matches!(c, b' ' | b'\t' | b'\r'))
        .is_some_and(|&c| c == b'\n' || c == b'>');
    if boundary {
        return Some(true);
    }
    attribute_follows(after.get(EVENT.len()..).unwrap_or_default(), q)
}

/// Whether `b` reads `\s+name\s*=\s*q`, the start of a first attribute
/// quoted with `q`; `None` when more bytes are needed. Bounded by
/// [`LOOKAHEAD`] so that a run of spaces is not buffered without end.
fn attribute_follows(b: &[u8], q: u8) -> Option<bool> {
    #[derive(PartialEq)]
    enum S {
        Gap,
        Name,
        Eq,
        Quote,
    }
    let mut s = S::Gap;
    for (i, &c) in b.iter().enumerate() {
        if i >= LOOKAHEAD {
            return Some(false);
        }
        let ws = c.is_ascii_whitespace();
        s = match s {
            S::Gap if ws => S::Gap,
            S::Gap if i > 0 && name_start(c) => S::Name,
            S::Name if c == b'=' => S::Quote,
            S::Name if ws => S::Eq,
            S::Name
                if c.is_ascii_alphanumeric()
                    || matches!(c, b'_' | b':' | b'.' | b'-')
                    || c >= 0x80 =>
            {
                S::Name
            }
            S::Eq if ws => S::Eq,
            S::Eq if c == b'=' => S::Quote,
            S::Quote if ws => S::Quote,
            S::Quote => return Some(c == q),
            _ => return Some(false),
        };
    }
    if b.len() < LOOKAHEAD {
        None
    } else {
        Some(false)
    }
}
