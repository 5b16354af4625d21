#![no_main]
//! `cargo fuzz run parse_docx` (nightly + cargo-fuzz).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(o) = prongsai_plan::parse_docx(data) {
        let _ = prongsai_plan::lint(&o);
    }
    let _ = prongsai_plan::parse_bytes(data);
});
