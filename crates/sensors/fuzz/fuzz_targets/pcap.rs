#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = sensors::recording::asterix_payloads(data);
});
