//! The XML deframer on arbitrary bytes cut into reads of a size taken from
//! the first byte; every frame is parsed. Same frames as one single read.
#![no_main]

fn run(data: &[u8], chunk: usize) -> Vec<Result<cot::Frame, cot::DeframeError>> {
    let mut d = cot::XmlDeframer::new(4096);
    let mut out = Vec::new();
    for c in data.chunks(chunk) {
        d.push(c);
        while let Some(f) = d.next_frame() {
            if let Ok(cot::Frame::Event(b)) = &f {
                let _ = cot::parse_event(b);
            }
            out.push(f);
        }
    }
    out
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    assert_eq!(run(rest, usize::from(first).max(1)), run(rest, rest.len().max(1)));
});
