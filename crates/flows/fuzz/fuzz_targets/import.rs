//! `official::import` on arbitrary text (bytes read as lossy UTF-8) must
//! return, never panic; what it accepts must merge with itself.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(import) = flows::official::import(&text) {
        let twice = [import.clone(), import];
        assert!(flows::official::merge(&twice).is_ok());
    }
    let _ = flows::official::import_reader(data, 1 << 16);
});
