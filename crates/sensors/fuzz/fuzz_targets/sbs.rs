#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut d = sensors::sbs::SbsDeframer::new(512);
    d.push(data);
    d.push(b"\n");
    while d.next_message().is_some() {}
});
