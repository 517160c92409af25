//! The TAK protocol stream deframer and event conversion on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut d = cot::proto::ProtoDeframer::new(1 << 16);
    d.push(data);
    while let Some(frame) = d.next_frame() {
        if let Ok(msg) = frame {
            let _ = cot::proto::proto_to_event(&msg);
        }
    }
});
