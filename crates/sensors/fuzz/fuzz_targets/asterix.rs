#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = sensors::decode_to_json_lines(data);
});
