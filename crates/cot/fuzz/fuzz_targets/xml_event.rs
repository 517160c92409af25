//! `parse_event` on arbitrary bytes; a parsed event must write and re-read.
//! Scrubbing is idempotent, and a scrubbed event writes clean XML.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(e) = cot::parse_event(data) {
        assert!(cot::parse_event(&cot::to_xml(&e)).is_ok());
    }
    let clean = cot::xml::scrub_document(data);
    if let Some(c) = &clean {
        assert!(cot::xml::scrub_document(c).is_none());
    }
    if let Ok(mut e) = cot::parse_event(clean.as_deref().unwrap_or(data)) {
        cot::xml::scrub_event(&mut e);
        assert!(cot::xml::scrub_document(&cot::to_xml(&e)).is_none());
    }
});
