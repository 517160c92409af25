//! The connection's view of the `cot` codecs: one decoder that starts in
//! XML (or TAK protocol v1 if the first byte says so), can switch to
//! protobuf mid-stream, and sorts every failure into a [`DecodeErrorKind`].
//!
//! Every decoded event leaves here without the characters XML 1.0 forbids
//! (see [`cot::xml::scrub_document`] for why they are scrubbed, not
//! refused): XML before it is parsed, so that the bytes forwarded as
//! received are clean too; TAK protocol v1 after it is converted.

use bytes::Bytes;
use cot::Event;
use picture::Encoding;

use crate::metrics::DecodeErrorKind;

/// What the decoder found in the stream.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A decoded event, with its raw XML bytes when it arrived as XML.
    Event(Decoded),
    /// A TAK Server style `<auth>` preamble (accepted and ignored).
    Auth,
    /// A bad event or bad bytes that were skipped; the stream goes on.
    Skipped(DecodeErrorKind, String),
    /// The stream cannot go on; the connection must be closed.
    Fatal(DecodeErrorKind, String),
}

enum Mode {
    /// Nothing but whitespace seen yet.
    Detect(Vec<u8>),
    Xml(cot::XmlDeframer),
    Proto(cot::proto::ProtoDeframer),
}

/// One event as decoded.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) event: Box<Event>,
    /// The XML as received (less any forbidden characters), to forward.
    pub(crate) raw: Option<Bytes>,
    /// Whether characters XML 1.0 forbids were removed.
    pub(crate) scrubbed: bool,
}

/// Reads one XML event, scrubbed of the characters XML 1.0 forbids.
fn decode_xml(raw: Bytes) -> Result<Decoded, cot::XmlError> {
    let (raw, scrubbed) = match cot::xml::scrub_document(&raw) {
        Some(clean) => (Bytes::from(clean), true),
        None => (raw, false),
    };
    let event = Box::new(cot::xml::parse_event(&raw)?);
    Ok(Decoded {
        event,
        raw: Some(raw),
        scrubbed,
    })
}

/// An event converted from TAK protocol v1, scrubbed of the characters
/// XML 1.0 forbids (its strings reach XML clients through the writer).
fn decoded_proto(mut event: Event) -> Decoded {
    let scrubbed = cot::xml::scrub_event(&mut event) > 0;
    Decoded {
        event: Box::new(event),
        raw: None,
        scrubbed,
    }
}

/// Streaming decoder for one connection.
pub(crate) struct StreamDecoder {
    mode: Mode,
    max: usize,
}

impl StreamDecoder {
    /// A decoder refusing events larger than `max_event_bytes`.
    pub(crate) fn new(max_event_bytes: usize) -> Self {
        StreamDecoder {
            mode: Mode::Detect(Vec::new()),
            max: max_event_bytes,
        }
    }

    /// The encoding the peer is sending in, once known.
    pub(crate) fn encoding(&self) -> Option<Encoding> {
        match self.mode {
            Mode::Detect(_) => None,
            Mode::Xml(_) => Some(Encoding::Xml),
            Mode::Proto(_) => Some(Encoding::Proto),
        }
    }

    /// Feeds bytes read from the socket.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        match &mut self.mode {
            Mode::Detect(pending) => {
                pending.extend_from_slice(bytes);
                let Some(first) = pending.iter().position(|b| !b.is_ascii_whitespace()) else {
                    pending.clear();
                    return;
                };
                let rest = pending.split_off(first);
                if rest[0] == 0xBF {
                    let mut d = cot::proto::ProtoDeframer::new(self.max);
                    d.push(&rest);
                    self.mode = Mode::Proto(d);
                } else {
                    let mut d = cot::XmlDeframer::new(self.max);
                    d.push(&rest);
                    self.mode = Mode::Xml(d);
                }
            }
            Mode::Xml(d) => d.push(bytes),
            Mode::Proto(d) => d.push(bytes),
        }
    }

    /// Switches an XML stream to TAK protocol v1; bytes already buffered
    /// after the last event are read as protobuf.
    pub(crate) fn switch_to_proto(&mut self) {
        let leftover = match &mut self.mode {
            Mode::Xml(d) => d.take_remaining(),
            Mode::Detect(p) => std::mem::take(p),
            Mode::Proto(_) => return,
        };
        let mut d = cot::proto::ProtoDeframer::new(self.max);
        d.push(&leftover);
        self.mode = Mode::Proto(d);
    }

    /// The next decoded item, or `None` when more bytes are needed.
    pub(crate) fn next(&mut self) -> Option<Inbound> {
        match &mut self.mode {
            Mode::Detect(_) => None,
            Mode::Xml(d) => Some(match d.next_frame()? {
                Ok(cot::Frame::Event(raw)) => match decode_xml(raw) {
                    Ok(d) => Inbound::Event(d),
                    Err(err) => Inbound::Skipped(xml_error_kind(&err), err.to_string()),
                },
                Ok(cot::Frame::Auth(_)) => Inbound::Auth,
                Err(err) => {
                    let (kind, fatal) = deframe_error_kind(&err);
                    if fatal {
                        Inbound::Fatal(kind, err.to_string())
                    } else {
                        Inbound::Skipped(kind, err.to_string())
                    }
                }
            }),
            Mode::Proto(d) => Some(match d.next_frame()? {
                Ok(msg) => match cot::proto::proto_to_event(&msg) {
                    Ok(e) => Inbound::Event(decoded_proto(e)),
                    Err(err) => Inbound::Skipped(DecodeErrorKind::Malformed, err.to_string()),
                },
                // Intact framing around a bad message: skip it, as with XML.
                Err(err) if !err.is_fatal() => {
                    Inbound::Skipped(DecodeErrorKind::Malformed, err.to_string())
                }
                Err(err) => Inbound::Fatal(DecodeErrorKind::BadFrame, err.to_string()),
            }),
        }
    }
}

fn xml_error_kind(err: &cot::XmlError) -> DecodeErrorKind {
    if err.is_forbidden() {
        DecodeErrorKind::Forbidden
    } else {
        DecodeErrorKind::Malformed
    }
}

/// The counter for a deframing error, and whether the stream must end
/// (a DTD is only ever sent by an attacker; an endless event never ends).
fn deframe_error_kind(err: &cot::DeframeError) -> (DecodeErrorKind, bool) {
    let kind = match err {
        cot::DeframeError::TooLarge { .. } => DecodeErrorKind::TooLarge,
        cot::DeframeError::Doctype => DecodeErrorKind::Forbidden,
        cot::DeframeError::Truncated { .. } => DecodeErrorKind::Truncated,
        cot::DeframeError::Garbage { .. } => DecodeErrorKind::Garbage,
    };
    (kind, err.is_fatal())
}

/// Encodes an event for a client speaking `enc` (stream framing for protobuf).
pub(crate) fn encode(e: &Event, enc: Encoding) -> Bytes {
    match enc {
        Encoding::Xml => Bytes::from(cot::xml::to_xml(e)),
        Encoding::Proto => Bytes::from(cot::proto::encode_event_stream(e)),
    }
}

/// Decodes one datagram: CoT XML, TAK protocol v1 mesh framing, or one
/// stream-framed message (pytak sends that to unicast UDP addresses).
pub(crate) fn decode_datagram(d: &[u8]) -> Result<Decoded, (DecodeErrorKind, String)> {
    if d.starts_with(&[0xBF, 0x01, 0xBF]) {
        let msg =
            cot::proto::decode_mesh(d).map_err(|e| (DecodeErrorKind::BadFrame, e.to_string()))?;
        let e = cot::proto::proto_to_event(&msg)
            .map_err(|e| (DecodeErrorKind::Malformed, e.to_string()))?;
        return Ok(decoded_proto(e));
    }
    if d.first() == Some(&0xBF) {
        let mut frames = cot::proto::ProtoDeframer::new(d.len());
        frames.push(d);
        let msg = match frames.next_frame() {
            Some(Ok(msg)) if frames.buffered() == 0 => msg,
            Some(Err(e)) => return Err((DecodeErrorKind::BadFrame, e.to_string())),
            _ => {
                return Err((
                    DecodeErrorKind::BadFrame,
                    "datagram is not one whole frame".into(),
                ))
            }
        };
        let e = cot::proto::proto_to_event(&msg)
            .map_err(|e| (DecodeErrorKind::Malformed, e.to_string()))?;
        return Ok(decoded_proto(e));
    }
    let mut d = decode_xml(Bytes::copy_from_slice(d))
        .map_err(|err| (xml_error_kind(&err), err.to_string()))?;
    // A datagram's event is written afresh for XML clients, as before.
    d.raw = None;
    Ok(d)
}
