//! Property tests: arbitrary bytes never panic any decoder.

use proptest::prelude::*;

proptest! {
    #[test]
    fn asterix_json_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = sensors::json::decode_to_json_lines(&bytes);
    }

    #[test]
    fn asterix_blocks_with_valid_headers_never_panic(
        cat in prop::sample::select(vec![21u8, 34, 48]),
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut buf = vec![cat];
        buf.extend(((body.len() + 3) as u16).to_be_bytes());
        buf.extend(&body);
        for block in sensors::asterix::data_blocks(&buf) {
            let block = block.unwrap();
            for record in sensors::asterix::decode_block(block).flatten() {
                let _ = record.check();
            }
        }
    }

    #[test]
    fn pcap_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..400), be in any::<bool>()) {
        let mut buf = if be { vec![0xa1, 0xb2, 0xc3, 0xd4] } else { vec![0xd4, 0xc3, 0xb2, 0xa1] };
        buf.extend(&tail);
        let _ = sensors::json::decode_to_json_lines(&buf);
    }
}
