//! TAK protocol v1 framing: `0xBF <varint length> <message>` on streams,
//! `0xBF 0x01 0xBF <message>` in UDP datagrams.

use bytes::{Buf, Bytes, BytesMut};
use prost::Message as _;

use super::{ProtoError, TakMessage};

/// The byte that starts every TAK protocol frame.
pub const MAGIC: u8 = 0xBF;

/// The header of a mesh (UDP) datagram: magic, version 1, magic.
pub const MESH_HEADER: [u8; 3] = [MAGIC, 0x01, MAGIC];

/// A varint of a `u64` never needs more than ten bytes.
const MAX_VARINT_LEN: usize = 10;

/// What went wrong in a TAK protocol stream. All but [`Decode`] mean the
/// stream is out of step: **drop the connection** (TAK Server closes the
/// channel too); the deframer stops after them. See [`is_fatal`].
///
/// [`Decode`]: ProtoFrameError::Decode
/// [`is_fatal`]: ProtoFrameError::is_fatal
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoFrameError {
    /// A well-framed payload is not a `TakMessage`. The framing is intact:
    /// **skip the message** (TAK Server would close; watchfloor need not).
    #[error("invalid protobuf payload: {0}")]
    Decode(String),
    /// A frame did not start with `0xBF`.
    #[error("bad magic byte 0x{0:02x}, expected 0xbf")]
    BadMagic(u8),
    /// The length varint is longer than ten bytes or overflows 64 bits.
    #[error("malformed length varint")]
    BadVarint,
    /// The announced length is above the deframer's limit.
    #[error("message of {len} bytes exceeds {limit}")]
    TooLarge {
        /// Announced payload length.
        len: u64,
        /// The limit given to [`ProtoDeframer::new`].
        limit: usize,
    },
}

impl ProtoFrameError {
    /// Whether the connection should be dropped (the deframer has stopped).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, ProtoFrameError::Decode(_))
    }
}

/// Incremental splitter of a TAK protocol v1 stream into message payloads.
///
/// [`push`](Self::push) bytes as they arrive, then call
/// [`next_frame`](Self::next_frame) until it returns `None` (or
/// [`next_payload`](Self::next_payload) for the undecoded bytes). Holds at
/// most one message of `max_len` bytes plus its header and the rest of the
/// last push.
#[derive(Debug)]
pub struct ProtoDeframer {
    buf: BytesMut,
    max: usize,
    stopped: bool,
}

impl ProtoDeframer {
    /// A deframer that refuses messages longer than `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        ProtoDeframer {
            buf: BytesMut::new(),
            max: max_len,
            stopped: false,
        }
    }

    /// Appends bytes read from the connection; ignored after an error.
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.stopped {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes held and not yet returned.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next message, decoded; an error (see
    /// [`ProtoFrameError::is_fatal`]); or `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Result<TakMessage, ProtoFrameError>> {
        Some(self.next_payload()?.and_then(|payload| {
            TakMessage::decode(payload).map_err(|e| ProtoFrameError::Decode(e.to_string()))
        }))
    }

    /// The next message payload (without magic and length), undecoded, for
    /// forwarding as is; an error after which the connection must be
    /// dropped; or `None` when more bytes are needed.
    pub fn next_payload(&mut self) -> Option<Result<Bytes, ProtoFrameError>> {
        if self.stopped {
            return None;
        }
        let (&first, rest) = self.buf.split_first()?;
        if first != MAGIC {
            return Some(Err(self.stop(ProtoFrameError::BadMagic(first))));
        }
        let (len, n) = match read_varint(rest) {
            Varint::Incomplete => return None,
            Varint::Bad => return Some(Err(self.stop(ProtoFrameError::BadVarint))),
            Varint::Value(len, n) => (len, n),
        };
        let size = match usize::try_from(len) {
            Ok(size) if size <= self.max => size,
            _ => {
                let e = ProtoFrameError::TooLarge {
                    len,
                    limit: self.max,
                };
                return Some(Err(self.stop(e)));
            }
        };
        if rest.len() - n < size {
            return None;
        }
        self.buf.advance(1 + n);
        Some(Ok(self.buf.split_to(size).freeze()))
    }

    fn stop(&mut self, e: ProtoFrameError) -> ProtoFrameError {
        self.stopped = true;
        self.buf = BytesMut::new();
        e
    }
}

enum Varint {
    Incomplete,
    Bad,
    /// The value and the number of bytes it took.
    Value(u64, usize),
}

fn read_varint(b: &[u8]) -> Varint {
    let mut v: u64 = 0;
    for (i, &byte) in b.iter().take(MAX_VARINT_LEN).enumerate() {
        let bits = u64::from(byte & 0x7f);
        // the tenth byte may only hold the top bit of a u64
        if i == MAX_VARINT_LEN - 1 && byte > 1 {
            return Varint::Bad;
        }
        v |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Varint::Value(v, i + 1);
        }
    }
    if b.len() >= MAX_VARINT_LEN {
        Varint::Bad
    } else {
        Varint::Incomplete
    }
}

/// `msg` framed for a stream: `0xBF`, varint length, payload.
pub fn encode_stream(msg: &TakMessage) -> Vec<u8> {
    let len = msg.encoded_len();
    let mut out = Vec::with_capacity(1 + MAX_VARINT_LEN + len);
    out.push(MAGIC);
    // encoding into a Vec cannot run out of space
    let _ = msg.encode_length_delimited(&mut out);
    out
}

/// `msg` as a mesh (UDP) datagram: `0xBF 0x01 0xBF` then the payload.
pub fn encode_mesh(msg: &TakMessage) -> Vec<u8> {
    let mut out = Vec::with_capacity(MESH_HEADER.len() + msg.encoded_len());
    out.extend_from_slice(&MESH_HEADER);
    let _ = msg.encode(&mut out);
    out
}

/// Reads one mesh datagram (`0xBF 0x01 0xBF` then a [`TakMessage`]).
pub fn decode_mesh(datagram: &[u8]) -> Result<TakMessage, ProtoError> {
    match datagram.strip_prefix(&MESH_HEADER[..]) {
        Some(payload) => decode_message(payload),
        None => Err(ProtoError::NotMesh),
    }
}

/// Reads one [`TakMessage`] payload (as yielded by [`ProtoDeframer`]).
/// Unknown fields are skipped, as proto3 requires.
pub fn decode_message(payload: &[u8]) -> Result<TakMessage, ProtoError> {
    TakMessage::decode(payload).map_err(|e| ProtoError::Decode(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn frames(d: &mut ProtoDeframer) -> Vec<Result<Bytes, ProtoFrameError>> {
        std::iter::from_fn(|| d.next_payload()).collect()
    }

    #[test]
    fn splits_frames_across_any_chunking() {
        let msg = TakMessage {
            submission_time: 42,
            ..Default::default()
        };
        let mut stream = encode_stream(&msg);
        stream.extend(encode_stream(&TakMessage::default()));
        for chunk in 1..stream.len() {
            let mut d = ProtoDeframer::new(1024);
            let mut got = Vec::new();
            for c in stream.chunks(chunk) {
                d.push(c);
                got.extend(frames(&mut d));
            }
            assert_eq!(got.len(), 2, "chunk {chunk}");
            let first = got[0].clone().map(|b| decode_message(&b));
            assert_eq!(first, Ok(Ok(msg.clone())));
            assert_eq!(got[1], Ok(Bytes::new()));
            assert_eq!(d.buffered(), 0);
        }
    }

    #[test]
    fn bad_magic_varint_and_length_stop_the_stream() {
        let mut d = ProtoDeframer::new(100);
        d.push(b"<event");
        assert_eq!(frames(&mut d), vec![Err(ProtoFrameError::BadMagic(b'<'))]);
        d.push(&[MAGIC, 0]);
        assert_eq!(d.next_payload(), None);

        let mut d = ProtoDeframer::new(100);
        d.push(&[MAGIC, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(d.next_payload(), None, "nine bytes may still end well");
        d.push(&[0x7f]);
        assert_eq!(frames(&mut d), vec![Err(ProtoFrameError::BadVarint)]);

        let mut d = ProtoDeframer::new(100);
        d.push(&[MAGIC, 0xe5, 0x00]);
        let e = ProtoFrameError::TooLarge {
            len: 101,
            limit: 100,
        };
        assert_eq!(frames(&mut d), vec![Err(e)]);
    }

    #[test]
    fn undecodable_payload_is_skipped_not_fatal() {
        let mut d = ProtoDeframer::new(100);
        d.push(&[MAGIC, 1, 0xff]);
        d.push(&encode_stream(&TakMessage::default()));
        let got: Vec<_> = std::iter::from_fn(|| d.next_frame()).collect();
        assert!(matches!(&got[0], Err(e @ ProtoFrameError::Decode(_)) if !e.is_fatal()));
        assert_eq!(got[1], Ok(TakMessage::default()));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn mesh_round_trip_and_header_check() {
        let msg = TakMessage {
            creation_time: 7,
            ..Default::default()
        };
        let dgram = encode_mesh(&msg);
        assert_eq!(dgram[..3], MESH_HEADER);
        assert_eq!(decode_mesh(&dgram), Ok(msg));
        assert_eq!(decode_mesh(b"\xbf\x02\xbf"), Err(ProtoError::NotMesh));
        assert!(matches!(
            decode_mesh(b"\xbf\x01\xbf\xff"),
            Err(ProtoError::Decode(_))
        ));
    }
}
