use super::*;

/// Builds a capture with one record per frame.
fn capture(big_endian: bool, nanos: bool, link: u32, frames: &[&[u8]]) -> Vec<u8> {
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    let mut out = Vec::new();
    out.extend(w32(magic));
    out.extend(w16(2));
    out.extend(w16(4));
    out.extend(w32(0));
    out.extend(w32(0));
    out.extend(w32(65535));
    out.extend(w32(link));
    for (i, frame) in frames.iter().enumerate() {
        out.extend(w32(1_700_000_000 + i as u32));
        out.extend(w32(250));
        out.extend(w32(frame.len() as u32));
        out.extend(w32(frame.len() as u32));
        out.extend_from_slice(frame);
    }
    out
}

fn ipv4_udp_packet(payload: &[u8], frag: u16) -> Vec<u8> {
    let total = (20 + 8 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend(total.to_be_bytes());
    p.extend([0, 1]);
    p.extend(frag.to_be_bytes());
    p.extend([64, 17, 0, 0, 10, 0, 0, 1, 239, 1, 1, 1]);
    p.extend(8600u16.to_be_bytes());
    p.extend(8601u16.to_be_bytes());
    p.extend((8 + payload.len() as u16).to_be_bytes());
    p.extend([0, 0]);
    p.extend_from_slice(payload);
    p
}

fn ethernet(ip: &[u8]) -> Vec<u8> {
    let mut f = vec![0xff; 12];
    f.extend([0x08, 0x00]);
    f.extend_from_slice(ip);
    f
}

#[test]
fn both_byte_orders_and_resolutions_yield_udp_payloads() {
    for (be, nanos) in [(true, false), (false, false), (true, true), (false, true)] {
        let frame = ethernet(&ipv4_udp_packet(b"hello", 0));
        let pcap = capture(be, nanos, LINKTYPE_ETHERNET, &[&frame, &frame]);
        assert!(is_pcap(&pcap));
        let got: Vec<_> = PcapReader::new(&pcap).unwrap().collect();
        assert_eq!(got.len(), 2);
        let d = got[0].as_ref().unwrap();
        assert_eq!(d.payload, b"hello");
        assert_eq!(d.src, ([10, 0, 0, 1], 8600));
        assert_eq!(d.dst, ([239, 1, 1, 1], 8601));
        assert_eq!(d.ts_s, 1_700_000_000);
        assert_eq!(d.ts_ns, if nanos { 250 } else { 250_000 });
    }
}

#[test]
fn raw_ip_link_and_vlan_tags() {
    let ip = ipv4_udp_packet(b"raw", 0);
    let pcap = capture(false, false, LINKTYPE_RAW, &[&ip]);
    let got: Vec<_> = PcapReader::new(&pcap).unwrap().collect();
    assert_eq!(got[0].as_ref().unwrap().payload, b"raw");

    let mut tagged = vec![0xff; 12];
    tagged.extend([0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
    tagged.extend(ipv4_udp_packet(b"vlan", 0));
    let pcap = capture(false, false, LINKTYPE_ETHERNET, &[&tagged]);
    let got: Vec<_> = PcapReader::new(&pcap).unwrap().collect();
    assert_eq!(got[0].as_ref().unwrap().payload, b"vlan");
}

#[test]
fn fragments_and_non_udp_are_skipped_and_counted() {
    let frag = ethernet(&ipv4_udp_packet(b"x", 0x2000));
    let mut arp = vec![0xff; 12];
    arp.extend([0x08, 0x06, 1, 2, 3]);
    let good = ethernet(&ipv4_udp_packet(b"ok", 0));
    let pcap = capture(true, false, LINKTYPE_ETHERNET, &[&frag, &arp, &good]);
    let mut reader = PcapReader::new(&pcap).unwrap();
    assert_eq!(reader.next().unwrap().unwrap().payload, b"ok");
    assert!(reader.next().is_none());
    assert_eq!(reader.skipped(), 2);
}

#[test]
fn bad_headers_are_typed_errors() {
    assert_eq!(
        PcapReader::new(&[0; 10]).err(),
        Some(PcapError::Truncated {
            what: "global header"
        })
    );
    assert_eq!(PcapReader::new(&[0; 24]).err(), Some(PcapError::BadMagic));
    let pcap = capture(true, false, 113, &[]);
    assert_eq!(
        PcapReader::new(&pcap).err(),
        Some(PcapError::UnsupportedLinkType(113))
    );
    let frame = ethernet(&ipv4_udp_packet(b"hello", 0));
    let pcap = capture(true, false, 1, &[&frame]);
    let cut = &pcap[..pcap.len() - 3];
    let got: Vec<_> = PcapReader::new(cut).unwrap().collect();
    assert_eq!(got, vec![Err(PcapError::Truncated { what: "packet" })]);
}
