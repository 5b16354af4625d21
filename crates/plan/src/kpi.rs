//! Reading measurable targets out of Thai KPI sentences.
//!
//! "ไม่น้อยกว่าร้อยละ 80" → >= 80 percent; "อย่างน้อย 5 ช่องทาง" → >= 5 channels;
//! "ไม่น้อยกว่าปีละ 4 ครั้ง" → >= 4 times_per_year; "จำนวน 1 ฉบับ" → = 1 documents;
//! "ลดลง" → decrease (no value). One sentence may give several targets.

use crate::model::{KpiTarget, Op};
use crate::text::{leading_amount, strip_spaces};

/// Unit words (spaces removed) and their English names, longest first where
/// one is a prefix of another.
const UNITS: &[(&str, &str)] = &[
    ("ช่องทาง", "channels"),
    ("ครั้ง", "times"),
    ("ฉบับ", "documents"),
    ("เล่ม", "documents"),
    ("คน", "persons"),
    ("ราย", "persons"),
    ("โครงการ", "projects"),
    ("กิจกรรม", "activities"),
    ("มาตรการ", "measures"),
    ("เรื่อง", "items"),
    ("รายการ", "items"),
    ("ชุด", "sets"),
    ("ภารกิจ", "services"),
    ("แห่ง", "places"),
    ("หลักสูตร", "courses"),
    ("คะแนน", "points"),
    ("วันทำการ", "working_days"),
    ("วัน", "days"),
    ("เดือน", "months"),
    ("ชั่วโมง", "hours"),
    ("ระบบ", "systems"),
    ("ประเภท", "types"),
    ("ด้าน", "areas"),
    ("ชุมชน", "communities"),
    ("หน่วยงาน", "units"),
    ("บาท", "baht"),
    ("%", "percent"),
];

/// Comparison words before a number, checked in order (so "ไม่น้อยกว่า" wins
/// over its suffix "น้อยกว่า").
const COMPARATORS: &[(&str, Op)] = &[
    ("ไม่น้อยกว่า", Op::Ge),
    ("ไม่ต่ำกว่า", Op::Ge),
    ("อย่างน้อย", Op::Ge),
    ("ขั้นต่ำ", Op::Ge),
    ("ไม่เกินกว่า", Op::Le),
    ("ไม่เกิน", Op::Le),
    ("ไม่มากกว่า", Op::Le),
    ("ภายใน", Op::Le),
    ("มากกว่า", Op::Ge),
    ("น้อยกว่า", Op::Le),
    ("ต่ำกว่า", Op::Le),
    ("ลดลงไม่น้อยกว่า", Op::Decrease),
    ("ลดลง", Op::Decrease),
    ("เพิ่มขึ้น", Op::Increase),
];

/// Strip any of `suffixes` from the end of `s` once; returns whether one was stripped.
fn strip_suffix_any(s: &mut String, suffixes: &[&str]) -> bool {
    for suf in suffixes {
        if s.ends_with(suf) {
            let new_len = s.len() - suf.len();
            s.truncate(new_len);
            return true;
        }
    }
    false
}

/// All targets in a KPI text.
pub fn extract_targets(text: &str) -> Vec<KpiTarget> {
    let mut out: Vec<KpiTarget> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let prev_digit = i > 0
            && chars
                .get(i - 1)
                .is_some_and(|(_, p)| p.is_ascii_digit() || *p == ',' || *p == '.');
        if !c.is_ascii_digit() || prev_digit {
            i += 1;
            continue;
        }
        let rest = text.get(pos..).unwrap_or("");
        let Some((value, after)) = leading_amount(rest) else {
            i += 1;
            continue;
        };
        let consumed = rest.len() - after.len();
        // advance past the number
        while i < chars.len() && chars[i].0 < pos + consumed {
            i += 1;
        }
        let before = text.get(..pos).unwrap_or("");
        if let Some(t) = classify(before, value, after)
            && !out.contains(&t)
        {
            out.push(t);
        }
    }
    let squashed = strip_spaces(text);
    // Zero complaints: "ไม่มีเรื่องร้องเรียน…"
    if squashed.contains("ไม่มีเรื่องร้องเรียน") || squashed.contains("ไม่มีข้อร้องเรียน")
    {
        let t = KpiTarget {
            op: Op::Eq,
            value: Some(0.0),
            unit: Some("complaints".into()),
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    // Direction without a number.
    for (word, op) in [
        ("ลดลง", Op::Decrease),
        ("เพิ่มขึ้น", Op::Increase),
        ("มากขึ้น", Op::Increase),
    ] {
        if squashed.contains(word) && !out.iter().any(|t| t.op == op) {
            out.push(KpiTarget {
                op,
                value: None,
                unit: None,
            });
        }
    }
    out
}

/// Is there a "ร้อยละ" (percent) with no number after it?
pub fn has_dangling_percent(text: &str) -> bool {
    let mut rest = text;
    while let Some(p) = rest.find("ร้อยละ") {
        let after = rest.get(p + "ร้อยละ".len()..).unwrap_or("");
        let t = after.trim_start();
        if !t.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        rest = after;
    }
    false
}

fn classify(before: &str, value: f64, after: &str) -> Option<KpiTarget> {
    // Context before the number, spaces removed, last ~40 chars.
    let pre_full = strip_spaces(before);
    let pre_chars: Vec<char> = pre_full.chars().collect();
    let start = pre_chars.len().saturating_sub(40);
    let mut pre: String = pre_chars.get(start..).unwrap_or(&[]).iter().collect();
    // Years, laws and dates are not targets.
    if pre.ends_with("พ.ศ.")
        || pre.ends_with("มาตรา")
        || pre.ends_with("ฉบับที่")
        || pre.ends_with("ข้อ")
    {
        return None;
    }
    if (2400.0..=2700.0).contains(&value) && value.fract() == 0.0 {
        return None;
    }
    let post: String = strip_spaces(after.get(..after.len().min(120)).unwrap_or(after));
    // Don't let `post` end inside a char: `get` above returns None for a non-boundary,
    // in which case we used the whole string; fine.
    let mut percent = false;
    if post.starts_with('%') {
        percent = true;
    }
    strip_suffix_any(&mut pre, &["จำนวน"]);
    if strip_suffix_any(&mut pre, &["ร้อยละ"]) {
        percent = true;
    }
    strip_suffix_any(&mut pre, &["จำนวน", "เป็น", "ได้"]);
    let mut per_year = strip_suffix_any(&mut pre, &["ปีละ"]);
    strip_suffix_any(&mut pre, &["จำนวน"]);
    let mut op = COMPARATORS
        .iter()
        .find(|(w, _)| pre.ends_with(w))
        .map(|(_, op)| *op);
    // "ลดลงไม่น้อยกว่าร้อยละ 10": a decrease of at least 10 %.
    if op == Some(Op::Ge) && pre.ends_with("ลดลงไม่น้อยกว่า") {
        op = Some(Op::Decrease);
    }
    let mut unit: Option<&str> = if percent { Some("percent") } else { None };
    let mut post_rest: &str = &post;
    if unit.is_none() || post.starts_with('%') {
        for (w, u) in UNITS {
            if let Some(r) = post.strip_prefix(w) {
                unit = Some(u);
                post_rest = r;
                break;
            }
        }
    }
    if unit == Some("percent") {
        post_rest = post_rest.strip_prefix('%').unwrap_or(post_rest);
    }
    if post_rest.starts_with("ต่อปี")
        || post_rest.starts_with("/ปี")
        || post_rest.starts_with("ต่อปีงบประมาณ")
    {
        per_year = true;
    }
    if post_rest.starts_with("ขึ้นไป") {
        op = Some(Op::Ge);
    } else if post_rest.starts_with("ลงมา") {
        op = Some(Op::Le);
    }
    if unit == Some("times") && per_year {
        unit = Some("times_per_year");
    }
    if unit.is_none() && op.is_none() {
        return None;
    }
    // A bare comparison with no unit after "ภายใน" is usually a date: skip.
    if unit.is_none() && op == Some(Op::Le) {
        return None;
    }
    Some(KpiTarget {
        op: op.unwrap_or(Op::Eq),
        value: Some(value),
        unit: unit.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Op, Option<f64>, Option<String>) {
        let t = extract_targets(text);
        assert_eq!(t.len(), 1, "{text}: {t:?}");
        (t[0].op, t[0].value, t[0].unit.clone())
    }

    #[test]
    fn examples_from_the_template() {
        assert_eq!(
            one("พึงพอใจ ไม่น้อยกว่าร้อยละ 80 (สำรวจ)"),
            (Op::Ge, Some(80.0), Some("percent".into()))
        );
        assert_eq!(
            one("อย่างน้อย 5 ช่องทาง"),
            (Op::Ge, Some(5.0), Some("channels".into()))
        );
        assert_eq!(
            one("ไม่น้อยกว่าปีละ 4 ครั้ง"),
            (Op::Ge, Some(4.0), Some("times_per_year".into()))
        );
        assert_eq!(
            one("มีประกาศ จำนวน 1 ฉบับ"),
            (Op::Eq, Some(1.0), Some("documents".into()))
        );
        assert_eq!(one("ข้อร้องเรียน ลดลง"), (Op::Decrease, None, None));
        assert_eq!(
            one("ได้รับการอบรม ร้อยละ 100"),
            (Op::Eq, Some(100.0), Some("percent".into()))
        );
        assert_eq!(
            one("ไม่ต่ำกว่า ร้อยละ 80"),
            (Op::Ge, Some(80.0), Some("percent".into()))
        );
        assert_eq!(
            one("ลดลงร้อยละ 5"),
            (Op::Decrease, Some(5.0), Some("percent".into()))
        );
        assert_eq!(
            one("(85 คะแนนขึ้นไป)"),
            (Op::Ge, Some(85.0), Some("points".into()))
        );
        assert_eq!(
            one("อย่างน้อย 1 ครั้งต่อปี"),
            (Op::Ge, Some(1.0), Some("times_per_year".into()))
        );
        assert_eq!(
            one("ไม่มีเรื่องร้องเรียนเรื่องสินบน"),
            (Op::Eq, Some(0.0), Some("complaints".into()))
        );
    }

    #[test]
    fn several_targets_in_one_sentence() {
        let t = extract_targets("อย่างน้อย 5 ช่องทาง และไม่น้อยกว่าปีละ 4 ครั้ง (รายไตรมาส)");
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].unit.as_deref(), Some("times_per_year"));
    }

    #[test]
    fn years_are_not_targets() {
        assert!(extract_targets("แผนของเทศบาล พ.ศ. 2566 - 2570").is_empty());
        assert!(extract_targets("ตาม พ.ร.บ. มาตรา 65").is_empty());
        assert!(has_dangling_percent("ลดลงร้อยละ"));
        assert!(!has_dangling_percent("ลดลงร้อยละ 5"));
    }
}
