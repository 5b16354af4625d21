#![no_main]
//! `cargo fuzz run parse_text` (nightly + cargo-fuzz). Seed corpus: fixtures/plans/.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(o) = prongsai_plan::parse_text(text) {
            let _ = prongsai_plan::lint(&o);
        }
    }
});
