//! Recordings of ASTERIX traffic: a raw file of back-to-back data blocks, or a
//! pcap capture whose UDP payloads hold blocks, either bare or with the 6-byte
//! ORADIS-style header (2-byte big-endian total length, 4 more bytes) before each.
//!
//! [`asterix_payloads`] detects which and yields "payloads": units that hold whole
//! data blocks. A UDP datagram of bare blocks is one payload; with the ORADIS
//! header each framed block is its own payload, as recorders number them.

use crate::pcap::{is_pcap, PcapError, PcapReader};

/// Size of the ORADIS-style per-block header, bytes.
const FRAME_HEADER: usize = 6;

/// The kind of a recording, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingKind {
    /// Classic libpcap capture.
    Pcap,
    /// Raw ASTERIX data blocks with no framing.
    RawAsterix,
}

/// Tells a pcap capture from a raw ASTERIX file by its magic number.
pub fn detect(bytes: &[u8]) -> RecordingKind {
    if is_pcap(bytes) {
        RecordingKind::Pcap
    } else {
        RecordingKind::RawAsterix
    }
}

/// A buffer of whole ASTERIX data blocks taken from a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload<'a> {
    /// Position of this payload in the recording, from 0.
    pub index: usize,
    /// The data blocks.
    pub bytes: &'a [u8],
}

/// True when `buf` is exactly a sequence of data blocks by their LEN fields.
fn tiles_as_blocks(buf: &[u8]) -> bool {
    let mut rest = buf;
    while let Some(&[_, hi, lo]) = rest.first_chunk::<3>() {
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if len < 3 || len > rest.len() {
            return false;
        }
        rest = rest.get(len..).unwrap_or_default();
    }
    rest.is_empty() && !buf.is_empty()
}

/// The blocks of `buf` if it is exactly a sequence of ORADIS-framed blocks whose
/// frame length agrees with the inner block length.
fn oradis_frames(buf: &[u8]) -> Option<Vec<&[u8]>> {
    let mut frames = Vec::new();
    let mut rest = buf;
    while !rest.is_empty() {
        let &[hi, lo] = rest.first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let block = rest.get(FRAME_HEADER..len)?;
        let &[_, bhi, blo] = block.first_chunk::<3>()?;
        if usize::from(u16::from_be_bytes([bhi, blo])) != block.len() {
            return None;
        }
        frames.push(block);
        rest = rest.get(len..)?;
    }
    (!frames.is_empty()).then_some(frames)
}

/// Splits a recording into payloads of data blocks.
///
/// A raw file is one payload. A pcap payload that is neither bare nor framed
/// blocks is still passed on whole, so the block decoder reports what is wrong
/// with it. An error of the capture itself ends the list with that error.
pub fn asterix_payloads(bytes: &[u8]) -> Vec<Result<Payload<'_>, PcapError>> {
    if detect(bytes) == RecordingKind::RawAsterix {
        return vec![Ok(Payload { index: 0, bytes })];
    }
    let reader = match PcapReader::new(bytes) {
        Ok(r) => r,
        Err(e) => return vec![Err(e)],
    };
    let mut out = Vec::new();
    for datagram in reader {
        let datagram = match datagram {
            Ok(d) => d,
            Err(e) => {
                out.push(Err(e));
                break;
            }
        };
        let framed = if tiles_as_blocks(datagram.payload) {
            None
        } else {
            oradis_frames(datagram.payload)
        };
        match framed {
            Some(frames) => {
                for block in frames {
                    out.push(Ok(Payload {
                        index: out.len(),
                        bytes: block,
                    }));
                }
            }
            None => out.push(Ok(Payload {
                index: out.len(),
                bytes: datagram.payload,
            })),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_blocks_are_recognised() {
        assert!(tiles_as_blocks(&[48, 0, 4, 0xaa, 34, 0, 3]));
        assert!(!tiles_as_blocks(&[48, 0, 9, 0xaa]));
        assert!(!tiles_as_blocks(&[]));
    }

    #[test]
    fn oradis_frames_are_split() {
        let buf = [
            0, 10, 1, 2, 3, 4, 48, 0, 4, 0xaa, 0, 9, 9, 9, 9, 9, 34, 0, 3,
        ];
        let frames = oradis_frames(&buf).unwrap();
        assert_eq!(frames, vec![&[48, 0, 4, 0xaa][..], &[34, 0, 3][..]]);
        assert!(oradis_frames(&buf[..12]).is_none());
        assert!(oradis_frames(&[0, 10, 1, 2, 3, 4, 48, 0, 5, 0xaa]).is_none());
    }

    #[test]
    fn raw_file_is_one_payload() {
        let raw = [48, 0, 3];
        assert_eq!(detect(&raw), RecordingKind::RawAsterix);
        assert_eq!(
            asterix_payloads(&raw),
            vec![Ok(Payload {
                index: 0,
                bytes: &raw[..]
            })]
        );
    }
}
