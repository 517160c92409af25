//! `parse_event` on arbitrary bytes; a parsed event must write and re-read.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(e) = cot::parse_event(data) {
        assert!(cot::parse_event(&cot::to_xml(&e)).is_ok());
    }
});
