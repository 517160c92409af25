//! Classic libpcap capture files, read sans-IO from a byte slice: yields the UDP
//! payloads of IPv4 packets on Ethernet (link type 1) or raw IP (101) links.
//!
//! Both byte orders and both timestamp resolutions (microsecond magic
//! `a1b2c3d4`, nanosecond `a1b23c4d`) are accepted. Packets that are not
//! unfragmented IPv4/UDP are skipped and counted, not reported as errors.

/// Ethernet link type.
pub const LINKTYPE_ETHERNET: u32 = 1;
/// Raw IPv4/IPv6 link type.
pub const LINKTYPE_RAW: u32 = 101;

/// Largest packet record accepted, bytes; a bigger one means a corrupt file.
pub const MAX_RECORD_LEN: usize = 262_144;

/// Why a capture could not be read further. Every variant ends the capture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PcapError {
    /// The first four bytes are not a classic pcap magic number.
    #[error("not a classic pcap file")]
    BadMagic,
    /// The file ends inside a header or packet.
    #[error("truncated pcap {what}")]
    Truncated {
        /// The part cut short.
        what: &'static str,
    },
    /// A link type other than Ethernet (1) or raw IP (101).
    #[error("unsupported link type {0}")]
    UnsupportedLinkType(u32),
    /// A packet record claims more than [`MAX_RECORD_LEN`] bytes.
    #[error("packet record of {0} bytes is too large")]
    RecordTooLarge(usize),
}

/// One UDP datagram found in a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpDatagram<'a> {
    /// Capture time, seconds since the Unix epoch.
    pub ts_s: u32,
    /// Sub-second part of the capture time, nanoseconds.
    pub ts_ns: u32,
    /// Source IPv4 address and UDP port.
    pub src: ([u8; 4], u16),
    /// Destination IPv4 address and UDP port.
    pub dst: ([u8; 4], u16),
    /// The UDP payload.
    pub payload: &'a [u8],
}

/// A captured frame: seconds, nanoseconds and the link-layer bytes.
type Frame<'a> = (u32, u32, &'a [u8]);

/// Reader over the packets of a capture held in memory.
#[derive(Debug, Clone)]
pub struct PcapReader<'a> {
    rest: &'a [u8],
    big_endian: bool,
    nanos: bool,
    link_type: u32,
    skipped: usize,
    failed: bool,
}

/// True when `bytes` starts with a classic pcap magic number in either byte order.
pub fn is_pcap(bytes: &[u8]) -> bool {
    matches!(
        bytes.first_chunk::<4>(),
        Some(
            [0xa1, 0xb2, 0xc3, 0xd4]
                | [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x4d, 0x3c, 0xb2, 0xa1]
        )
    )
}

impl<'a> PcapReader<'a> {
    /// Parses the 24-byte global header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, PcapError> {
        let header = bytes.first_chunk::<24>().ok_or(PcapError::Truncated {
            what: "global header",
        })?;
        let (big_endian, nanos) = match header.first_chunk::<4>() {
            Some([0xa1, 0xb2, 0xc3, 0xd4]) => (true, false),
            Some([0xd4, 0xc3, 0xb2, 0xa1]) => (false, false),
            Some([0xa1, 0xb2, 0x3c, 0x4d]) => (true, true),
            Some([0x4d, 0x3c, 0xb2, 0xa1]) => (false, true),
            _ => return Err(PcapError::BadMagic),
        };
        let mut reader = Self {
            rest: bytes.get(24..).unwrap_or_default(),
            big_endian,
            nanos,
            link_type: 0,
            skipped: 0,
            failed: false,
        };
        reader.link_type = reader.u32_at(header, 20);
        if reader.link_type != LINKTYPE_ETHERNET && reader.link_type != LINKTYPE_RAW {
            return Err(PcapError::UnsupportedLinkType(reader.link_type));
        }
        Ok(reader)
    }

    /// The capture's link type.
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// Packets skipped so far because they were not unfragmented IPv4/UDP.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    fn u32_at(&self, bytes: &[u8], at: usize) -> u32 {
        let b = bytes
            .get(at..at + 4)
            .and_then(|s| s.first_chunk::<4>())
            .copied()
            .unwrap_or_default();
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    /// The next record as (seconds, nanoseconds, frame bytes).
    fn next_record(&mut self) -> Result<Option<Frame<'a>>, PcapError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let header = self.rest.first_chunk::<16>().ok_or(PcapError::Truncated {
            what: "record header",
        })?;
        let ts_s = self.u32_at(header, 0);
        let frac = self.u32_at(header, 4);
        let incl = self.u32_at(header, 8) as usize;
        if incl > MAX_RECORD_LEN {
            return Err(PcapError::RecordTooLarge(incl));
        }
        let data = self
            .rest
            .get(16..16 + incl)
            .ok_or(PcapError::Truncated { what: "packet" })?;
        self.rest = self.rest.get(16 + incl..).unwrap_or_default();
        let ts_ns = if self.nanos {
            frac
        } else {
            frac.saturating_mul(1000)
        };
        Ok(Some((ts_s, ts_ns, data)))
    }
}

impl<'a> Iterator for PcapReader<'a> {
    type Item = Result<UdpDatagram<'a>, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.failed {
            match self.next_record() {
                Ok(None) => return None,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
                Ok(Some((ts_s, ts_ns, frame))) => {
                    let ip = if self.link_type == LINKTYPE_ETHERNET {
                        ethernet_payload(frame)
                    } else {
                        Some(frame)
                    };
                    match ip.and_then(ipv4_udp) {
                        Some((src, dst, payload)) => {
                            return Some(Ok(UdpDatagram {
                                ts_s,
                                ts_ns,
                                src,
                                dst,
                                payload,
                            }))
                        }
                        None => self.skipped += 1,
                    }
                }
            }
        }
        None
    }
}

/// The IPv4 packet inside an Ethernet II frame, looking through 802.1Q tags.
fn ethernet_payload(frame: &[u8]) -> Option<&[u8]> {
    let mut at = 12;
    loop {
        let ethertype = u16::from_be_bytes(*frame.get(at..)?.first_chunk::<2>()?);
        match ethertype {
            0x8100 | 0x88a8 => at += 4,
            0x0800 => return frame.get(at + 2..),
            _ => return None,
        }
    }
}

type Udp<'a> = (([u8; 4], u16), ([u8; 4], u16), &'a [u8]);

/// Source, destination and payload of an unfragmented IPv4 UDP packet.
fn ipv4_udp(ip: &[u8]) -> Option<Udp<'_>> {
    let header: &[u8; 20] = ip.first_chunk()?;
    if header[0] >> 4 != 4 || header[9] != 17 {
        return None;
    }
    let ihl = usize::from(header[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let flags_frag = u16::from_be_bytes([header[6], header[7]]);
    // A fragment holds only part of a datagram; reassembly is out of scope.
    if flags_frag & 0x3fff != 0 || ihl < 20 || total < ihl {
        return None;
    }
    let src = [header[12], header[13], header[14], header[15]];
    let dst = [header[16], header[17], header[18], header[19]];
    let udp = ip.get(ihl..total.min(ip.len()))?;
    let u: &[u8; 8] = udp.first_chunk()?;
    let udp_len = usize::from(u16::from_be_bytes([u[4], u[5]]));
    let payload = udp.get(8..udp_len.max(8).min(udp.len()))?;
    Some((
        (src, u16::from_be_bytes([u[0], u[1]])),
        (dst, u16::from_be_bytes([u[2], u[3]])),
        payload,
    ))
}

#[cfg(test)]
mod tests;
