//! A TAK protocol mesh datagram; a decoded event must encode and decode.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(e) = cot::proto::decode_mesh_event(data) {
        assert!(cot::proto::decode_mesh_event(&cot::proto::encode_event_mesh(&e)).is_ok());
    }
});
