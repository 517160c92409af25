//! Splitting a streaming-CoT TCP byte stream into whole `<event>`s.
//!
//! A hand-written scanner rather than an XML parser: it only has to find
//! where each event ends, which needs quotes, comments, CDATA and the
//! nesting of `event` tags, and it must resume where it stopped when more
//! bytes arrive so that a slow sender costs nothing extra.

mod scan;

use bytes::{Bytes, BytesMut};

use scan::{Open, Step};

/// One unit cut from an XML stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The bytes of exactly one `<event ...>...</event>` (or `<event .../>`),
    /// unchanged, ready to forward to XML clients or give to
    /// [`crate::parse_event`].
    Event(Bytes),
    /// An `<auth>...</auth>` block (TAK Server file/LDAP authentication
    /// preamble, `<auth><cot username=.. password=.. uid=../></auth>`),
    /// unchanged. It carries credentials: never log or forward it.
    Auth(Bytes),
}

impl Frame {
    /// The frame's bytes.
    pub fn bytes(&self) -> &Bytes {
        match self {
            Frame::Event(b) | Frame::Auth(b) => b,
        }
    }
}

/// What went wrong in an XML stream, and what the server does about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeframeError {
    /// Bytes between events that start no event, declaration, comment or
    /// auth block (reported once per run, or every `max_event_bytes` of a
    /// long run). **Skip**: count it and keep reading; the next good event
    /// still comes out.
    #[error("skipped {skipped} bytes of garbage between events")]
    Garbage {
        /// How many bytes were skipped, from the first one that is not
        /// whitespace to the start of what follows.
        skipped: usize,
    },
    /// An event (or auth block) was cut short by the start of a new one: a
    /// new `<?xml` declaration or `<event` start tag (see [`XmlDeframer`]
    /// for where one counts), a sign that its sender restarted or wrote a
    /// broken event. **Skip** the partial event; the next one comes out.
    #[error("event cut off after {skipped} bytes by the start of the next one")]
    Truncated {
        /// Length of the dropped partial event.
        skipped: usize,
    },
    /// An event or auth block grew past `max_event_bytes` without ending.
    /// **Drop the connection**: the deframer stops.
    #[error("event exceeds {limit} bytes")]
    TooLarge {
        /// The limit given to [`XmlDeframer::new`].
        limit: usize,
    },
    /// A `<!DOCTYPE` (or other DTD markup such as `<!ENTITY`): only an
    /// attack needs one. **Drop the connection**: the deframer stops.
    #[error("dtd markup (<!DOCTYPE, <!ENTITY) in the stream")]
    Doctype,
}

impl DeframeError {
    /// Whether the connection should be dropped (the deframer has stopped
    /// and will yield nothing more).
    pub fn is_fatal(&self) -> bool {
        matches!(self, DeframeError::TooLarge { .. } | DeframeError::Doctype)
    }
}

/// Incremental splitter of a streaming-CoT connection into [`Frame`]s.
///
/// Feed it bytes as they arrive with [`push`](Self::push), then call
/// [`next_frame`](Self::next_frame) until it returns `None`. The result
/// does not depend on how the stream was chunked. It tolerates XML
/// declarations, comments and whitespace between events, several events
/// per read, an `<auth>` preamble, and `</event>` inside attribute values,
/// comments or CDATA. Memory: at most `max_event_bytes` of an unfinished
/// event plus the unscanned rest of the last push are held.
///
/// # Finding the next event after a broken one
/// CoT never nests events, so inside an event a new `<event` start tag
/// means the one before was cut off: it is dropped as
/// [`DeframeError::Truncated`] and the new one is scanned from its `<`.
/// Where markup may stand (between tags, inside a tag but outside quotes)
/// any `<event` counts. Inside a quoted attribute value it counts only at
/// a line start or right after a `>` (spaces, tabs and carriage returns
/// between are ignored), or when the value's own quote would close right
/// after `<event name=`. This is how a quote that never closes (a cut
/// value, or `version="2.0 uid="x"`) is survived: the odd quote shifts
/// every later one, so the gaps between tags, where the next event
/// begins after the `>` of `</event>` or of `?>`, read as quoted, and
/// the rules above find it there. A well-formed value such as
/// `note="<event uid='z'/>"` is not split. What it costs: a value cut off
/// right before a next event that follows neither a line break nor a `>`
/// and has no attribute in that quote (`<event>`) swallows that event too,
/// up to the next boundary; a value that really holds a raw `>` or line
/// break before `<event` is split (XML forbids a raw `<` in values, and
/// writers escape it). Comments, CDATA and processing instructions are
/// opaque: `<event` inside them is text, so one that never ends runs to
/// the size limit.
#[derive(Debug)]
pub struct XmlDeframer {
    buf: BytesMut,
    /// Where scanning resumes, relative to `buf`.
    pos: usize,
    max: usize,
    /// The frame being scanned, which then starts at `buf[0]`.
    open: Option<Open>,
    /// Inside a comment or declaration between events.
    skipping: Option<&'static [u8]>,
    /// Garbage bytes skipped since the last report.
    garbage: usize,
    stopped: bool,
}

impl XmlDeframer {
    /// A deframer that refuses events longer than `max_event_bytes` (TAK
    /// Server uses 8 MiB; SA messages are under 2 KiB).
    pub fn new(max_event_bytes: usize) -> Self {
        XmlDeframer {
            buf: BytesMut::new(),
            pos: 0,
            max: max_event_bytes.max(1),
            open: None,
            skipping: None,
            garbage: 0,
            stopped: false,
        }
    }

    /// Appends bytes read from the connection. Ignored once a fatal error
    /// has been returned.
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.stopped {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes held: an unfinished frame and not yet scanned input.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Takes every byte not yet returned in a frame, leaving the deframer
    /// empty, for a connection that switches to TAK protocol v1 after the
    /// last XML event. Whitespace between that event and the rest is
    /// dropped, as the deframer would have skipped it.
    pub fn take_remaining(&mut self) -> Vec<u8> {
        let ws = if self.open.is_none() && self.skipping.is_none() {
            self.buf
                .iter()
                .take_while(|c| c.is_ascii_whitespace())
                .count()
        } else {
            0
        };
        let rest = self.buf.get(ws..).unwrap_or_default().to_vec();
        self.buf.clear();
        self.pos = 0;
        self.open = None;
        self.skipping = None;
        self.garbage = 0;
        rest
    }

    /// The next complete frame, an error to act on (see [`DeframeError`]),
    /// or `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Result<Frame, DeframeError>> {
        if self.stopped {
            return None;
        }
        loop {
            let step = match self.open.as_mut() {
                Some(open) => scan::frame(&self.buf, &mut self.pos, open),
                None => scan::between(
                    &mut self.buf,
                    &mut self.pos,
                    &mut self.skipping,
                    &mut self.garbage,
                    self.max,
                ),
            };
            match step {
                Step::NeedMore => {
                    if self.open.is_some() && self.pos > self.max {
                        return Some(Err(self.stop(DeframeError::TooLarge { limit: self.max })));
                    }
                    return None;
                }
                Step::Start(open) => {
                    self.open = Some(open);
                }
                Step::Done(end) => {
                    let open = self.open.take();
                    if end > self.max {
                        return Some(Err(self.stop(DeframeError::TooLarge { limit: self.max })));
                    }
                    self.pos = 0;
                    let bytes = self.buf.split_to(end).freeze();
                    return Some(Ok(match open.map(|o| o.auth) {
                        Some(true) => Frame::Auth(bytes),
                        _ => Frame::Event(bytes),
                    }));
                }
                Step::Fail(_) if self.open.is_some() && self.pos > self.max => {
                    // judged by the frame's length alone, so that the
                    // outcome does not depend on where the reads were cut
                    return Some(Err(self.stop(DeframeError::TooLarge { limit: self.max })));
                }
                Step::Fail(e) => {
                    if let DeframeError::Truncated { skipped } = e {
                        self.open = None;
                        self.pos = 0;
                        let _ = self.buf.split_to(skipped);
                    }
                    if e.is_fatal() {
                        return Some(Err(self.stop(e)));
                    }
                    return Some(Err(e));
                }
            }
        }
    }

    fn stop(&mut self, e: DeframeError) -> DeframeError {
        self.stopped = true;
        self.buf = BytesMut::new();
        self.open = None;
        e
    }
}

#[cfg(test)]
mod tests;
