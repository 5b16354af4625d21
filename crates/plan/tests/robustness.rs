//! parse_text / parse_docx / lint never panic, whatever the input.
#![allow(clippy::unwrap_used)]

mod common;
use prongsai_plan::{lint, parse_bytes, parse_docx, parse_text};
use proptest::prelude::*;

fn run(text: &str) {
    if let Ok(o) = parse_text(text) {
        let _ = lint(&o);
        let _ = serde_json::to_string(&o.plan).unwrap();
    }
}

/// Characters that matter to the parser, so random text hits its branches.
fn plan_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('\n'),
        Just('\t'),
        Just(' '),
        Just('.'),
        Just(')'),
        Just('('),
        Just('-'),
        Just(':'),
        Just(','),
        prop::char::range('0', '9'),
        prop::char::range('๐', '๙'),
        prop::char::range('\u{0E01}', '\u{0E4F}'),
        any::<char>(),
    ]
}

const WORDS: &[&str] = &[
    "มิติที่ 1 ",
    "มติที่ 2 ",
    "ลำดับที่ 3",
    "1. ชื่อโครงการ : ",
    "7. งบประมาณ",
    "8. ผู้รับผิดชอบ",
    "9. ผลผลิต/ผลลัพธ์",
    "ผลผลิต",
    "ผลลัพธ์",
    "มิติ\tภารกิจตามมิติ\tโครงการ/กิจกรรม/มาตรการ\tปี 2566\tปี 2567",
    "\tรวม\tจำนวน 2 โครงการ\t1,000\t",
    "1.1 ",
    "2.3.1 ",
    "1) ",
    "ร้อยละ",
    "ไม่น้อยกว่า",
    "ลดลง",
    "(พ.ศ. 2566 - 2570)",
    "ความเสี่ยง\tมาตรการ",
    "เทศบาล",
];

fn plan_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::collection::vec(plan_char(), 0..20).prop_map(|v| v.into_iter().collect::<String>()),
            2 => prop::sample::select(WORDS).prop_map(str::to_string),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in plan_text()) {
        run(&s);
    }

    #[test]
    fn random_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_bytes(&b);
        let mut z = b"PK\x03\x04".to_vec();
        z.extend_from_slice(&b);
        let _ = parse_docx(&z);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn truncated_seed_never_panics(cut in 0usize..370_000) {
        let seed = common::seed_b();
        let cut = (0..=cut.min(seed.len())).rev().find(|i| seed.is_char_boundary(*i)).unwrap_or(0);
        run(&seed[..cut]);
    }

    #[test]
    fn mutated_seed_never_panics(
        ops in prop::collection::vec((0usize..2700, 0usize..2700, 0u8..5, plan_text()), 1..12)
    ) {
        let seed = common::seed_b();
        let mut lines: Vec<String> = seed.lines().map(str::to_string).collect();
        for (a, b, op, junk) in ops {
            if lines.is_empty() { break; }
            let n = lines.len();
            let (a, b) = (a % n, b % n);
            match op {
                0 => { let (lo, hi) = (a.min(b), a.max(b).min(lo_plus(a.min(b), 50))); lines.drain(lo..hi); }
                1 => lines.swap(a, b),
                2 => { let l = lines[a].clone(); lines.insert(b, l); }
                3 => lines[a] = junk,
                _ => { let l = &mut lines[a]; let k = (b % (l.len() + 1)..=l.len()).find(|i| l.is_char_boundary(*i)).unwrap_or(l.len()); l.insert_str(k, &junk); }
            }
        }
        run(&lines.join("\n"));
    }
}

fn lo_plus(lo: usize, k: usize) -> usize {
    lo + k
}
