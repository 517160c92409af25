//! The connection's view of the `cot` codecs: one decoder that starts in
//! XML (or TAK protocol v1 if the first byte says so), can switch to
//! protobuf mid-stream, and sorts every failure into a [`DecodeErrorKind`].

use bytes::Bytes;
use cot::Event;
use picture::Encoding;

use crate::metrics::DecodeErrorKind;

/// What the decoder found in the stream.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A decoded event, with its raw XML bytes when it arrived as XML.
    Event(Box<Event>, Option<Bytes>),
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
                Ok(cot::Frame::Event(raw)) => match cot::xml::parse_event(&raw) {
                    Ok(e) => Inbound::Event(Box::new(e), Some(raw)),
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
                    Ok(e) => Inbound::Event(Box::new(e), None),
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
        _ => DecodeErrorKind::Garbage,
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
pub(crate) fn decode_datagram(
    d: &[u8],
) -> Result<(Event, Option<Bytes>), (DecodeErrorKind, String)> {
    if d.starts_with(&[0xBF, 0x01, 0xBF]) {
        let msg =
            cot::proto::decode_mesh(d).map_err(|e| (DecodeErrorKind::BadFrame, e.to_string()))?;
        let e = cot::proto::proto_to_event(&msg)
            .map_err(|e| (DecodeErrorKind::Malformed, e.to_string()))?;
        return Ok((e, None));
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
        return Ok((e, None));
    }
    let e = cot::xml::parse_event(d).map_err(|err| (xml_error_kind(&err), err.to_string()))?;
    Ok((e, None))
}
