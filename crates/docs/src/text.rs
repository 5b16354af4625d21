//! Where Thai (and other) text may be broken into lines.
//!
//! Thai writes no spaces between words, so line breaking cannot rely on spaces alone.
//! Word boundaries come from ICU4X's word segmenter (through `prongsai-search`, whose
//! compiled-in Thai model also cuts search terms); the rest are simple rules:
//!
//! 1. A *cluster* is a base character followed by every combining mark (Thai above/below
//!    vowels and tone marks, SARA AM, and generic combining diacritics) and by the
//!    following vowels ะ า ๅ (so ฤๅ and กา stay whole). A leading vowel
//!    (เ แ โ ใ ไ) is glued to the cluster that follows it. Text is never broken inside
//!    a cluster.
//! 2. *Good* break opportunities: after a run of spaces, after a slash (as in
//!    โครงการ/กิจกรรม/มาตรการ), MAI YAMOK (ๆ) or PAIYANNOI (ฯ), where Thai meets
//!    non-Thai text (digits, Latin), and between two Thai words where the segmenter
//!    puts a word boundary ("จำนวน|โครงการ", never "จำ|นวน"). Lines are filled greedily
//!    at good opportunities.
//! 3. *Weak* opportunities: word boundaries inside a compound the segmenter splits
//!    though a reader sees one word ([`KEEP_WHOLE`]: ดำเนิน|การ, งบ|ประมาณ, …) and
//!    right after the prefixes การ, ความ and ผู้. Used only when the text between two good
//!    opportunities is wider than a whole line.
//! 4. When even the text between two weak opportunities is wider than a whole line (one
//!    long word in a narrow column), it is broken between clusters (rule 1 still holds).

use prongsai_search::{Segmenter, word_boundaries};

/// Words ICU's Thai model cuts in two (in some sentences) that a line should keep
/// whole when it can: common words of plans and reports.
pub(crate) const KEEP_WHOLE: &[&str] = &[
    "ดำเนินการ",
    "งบประมาณ",
    "ร้อยละ",
    "ผลผลิต",
    "จัดซื้อ",
    "ปฏิบัติการ",
    "ตัวชี้วัด",
    "คุณธรรม",
    "โปร่งใส",
    "ผู้รับผิดชอบ",
    "ประพฤติมิชอบ",
    "ผลประโยชน์",
    "ส่วนได้เสีย",
    "พึงพอใจ",
    "ไตรมาส",
    "ท้องถิ่น",
    "ข้าราชการ",
    "เทศบาล",
    "ฉะเชิงเทรา",
];

/// Prefixes that make a noun of the word after them (การบริหาร, ความโปร่งใส,
/// ผู้บริหาร): a line should not end on them.
const PREFIXES: &[&str] = &["การ", "ความ", "ผู้"];

/// Thai combining marks (Mn) plus SARA AM, which is spacing but belongs to its consonant.
pub(crate) fn is_combining(c: char) -> bool {
    matches!(c,
        '\u{0E31}' | '\u{0E33}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{0300}'..='\u{036F}' | '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}')
}

/// Characters never separated from what precedes them: combining marks, and the
/// following vowels SARA A (ะ), SARA AA (า) and LAKKHANGYAO (ๅ, as in ฤๅ).
pub(crate) fn glues_to_previous(c: char) -> bool {
    is_combining(c) || matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E45}')
}

/// Thai leading (pre-posed) vowels: written before the consonant they follow in speech.
pub(crate) fn is_thai_leading_vowel(c: char) -> bool {
    matches!(c, '\u{0E40}'..='\u{0E44}')
}

pub(crate) fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{00A0}' || c == '\u{3000}'
}

/// Byte offsets where a cluster starts (always includes 0 for non-empty text, never
/// `text.len()`).
pub(crate) fn cluster_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let glued = match prev {
            None => false,
            Some(p) => glues_to_previous(c) || is_thai_leading_vowel(p),
        };
        if !glued {
            starts.push(i);
        }
        prev = Some(c);
    }
    starts
}

/// How good a place to break a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    Good,
    Weak,
}

/// Byte offsets (0 < offset < len), ascending, where a line may be broken (rules 2 and
/// 3), with how good each is. Each offset is also a cluster start.
pub(crate) fn break_opportunities(text: &str) -> Vec<(usize, Strength)> {
    let starts = cluster_starts(text);
    let words = if text.chars().any(is_thai) {
        word_boundaries(Segmenter::Model, text)
    } else {
        Vec::new()
    };
    // Boundaries strictly inside a word to keep whole are weak.
    let mut inside = Vec::new();
    for w in KEEP_WHOLE {
        for (i, _) in text.match_indices(w) {
            inside.push((i, i + w.len()));
        }
    }
    let mut breaks = Vec::new();
    for w in starts.windows(2) {
        let (prev_start, at) = (w[0], w[1]);
        let prev_cluster = &text[prev_start..at];
        let (Some(last), Some(next)) = (prev_cluster.chars().last(), text[at..].chars().next())
        else {
            continue;
        };
        let thai_letters = is_thai(last) && is_thai(next) && !is_thai_punct(last);
        let good = (is_space(last) && !is_space(next))
            || (last == '/' && !is_space(next) && next != '/')
            || matches!(last, '\u{0E46}' | '\u{0E2F}')
            || (is_thai(last) != is_thai(next)
                && !is_space(next)
                && !is_space(last)
                && !is_opening_punct(last)
                && !is_closing_punct(next));
        if good {
            breaks.push((at, Strength::Good));
        } else if let (true, Ok(i)) = (thai_letters, words.binary_search(&at)) {
            let word = &text[i.checked_sub(1).map_or(0, |j| words[j])..at];
            let weak = inside.iter().any(|&(s, e)| s < at && at < e) || PREFIXES.contains(&word);
            let strength = if weak { Strength::Weak } else { Strength::Good };
            breaks.push((at, strength));
        }
    }
    breaks
}

/// Byte offsets of the good opportunities only.
#[cfg(test)]
pub(crate) fn good_breaks(text: &str) -> Vec<usize> {
    break_opportunities(text)
        .into_iter()
        .filter(|b| b.1 == Strength::Good)
        .map(|b| b.0)
        .collect()
}

/// PAIYANNOI and MAI YAMOK: Thai, but punctuation-like.
fn is_thai_punct(c: char) -> bool {
    matches!(c, '\u{0E2F}' | '\u{0E46}')
}

fn is_opening_punct(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\u{201C}' | '\u{2018}')
}

fn is_closing_punct(c: char) -> bool {
    matches!(
        c,
        ')' | ']'
            | '}'
            | '"'
            | '\u{201D}'
            | '\u{2019}'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | '%'
            | '/'
            | '-'
    )
}

/// Break `text` into lines no wider than `max_width`, measuring with `width_of`
/// (the width of a byte range of `text`). Returns byte ranges; trailing spaces at a break
/// are dropped from the line. Explicit `\n` always breaks.
pub(crate) fn wrap(
    text: &str,
    max_width: f32,
    width_of: &mut dyn FnMut(usize, usize) -> f32,
) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut para_start = 0;
    for para in text.split('\n') {
        let base = para_start;
        para_start += para.len() + 1;
        wrap_paragraph(para, base, max_width, width_of, &mut lines);
    }
    lines
}

fn trim_end_spaces(text: &str, start: usize, end: usize) -> usize {
    let mut e = end;
    while e > start {
        let Some(c) = text[start..e].chars().last() else {
            break;
        };
        if is_space(c) {
            e -= c.len_utf8();
        } else {
            break;
        }
    }
    e
}

fn wrap_paragraph(
    para: &str,
    base: usize,
    max_width: f32,
    width_of: &mut dyn FnMut(usize, usize) -> f32,
    out: &mut Vec<(usize, usize)>,
) {
    if para.trim().is_empty() {
        out.push((base, base));
        return;
    }
    let all = break_opportunities(para);
    let mut opps: Vec<usize> = all
        .iter()
        .filter(|b| b.1 == Strength::Good)
        .map(|b| b.0)
        .collect();
    opps.push(para.len());
    let weak: Vec<usize> = all.iter().map(|b| b.0).collect();
    let clusters = cluster_starts(para);
    let mut line_start = 0;
    let mut last_fit: Option<usize> = None;
    let mut i = 0;
    while i < opps.len() {
        let candidate = opps[i];
        let end = trim_end_spaces(para, line_start, candidate);
        let w = width_of(base + line_start, base + end);
        if w <= max_width {
            last_fit = Some(candidate);
            i += 1;
            continue;
        }
        if let Some(fit) = last_fit {
            // Break at the last good opportunity that fitted; retry this one.
            let e = trim_end_spaces(para, line_start, fit);
            out.push((base + line_start, base + e));
            line_start = fit;
            last_fit = None;
            continue;
        }
        // Even the first piece is too wide: break it at the last weak opportunity
        // that fits (inside a compound), else between clusters.
        let mut longest_fit = |points: &[usize]| {
            let mut fit_end = None;
            for &c in points.iter().filter(|&&c| c > line_start && c < candidate) {
                let e = trim_end_spaces(para, line_start, c);
                if width_of(base + line_start, base + e) <= max_width {
                    fit_end = Some(c);
                } else {
                    break;
                }
            }
            fit_end
        };
        let fit_end = longest_fit(&weak).or_else(|| longest_fit(&clusters));
        let cut = match fit_end {
            Some(c) => c,
            // Not even one cluster fits: put one cluster on the line anyway.
            None => clusters
                .iter()
                .copied()
                .find(|&c| c > line_start)
                .unwrap_or(para.len()),
        };
        if cut >= candidate {
            let e = trim_end_spaces(para, line_start, candidate);
            out.push((base + line_start, base + e));
            line_start = candidate;
            i += 1;
        } else {
            out.push((base + line_start, base + cut));
            line_start = cut;
        }
    }
    if line_start < para.len() || out.is_empty() {
        let e = trim_end_spaces(para, line_start, para.len());
        if e > line_start {
            out.push((base + line_start, base + e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, at: &[usize]) -> Vec<String> {
        let mut v = Vec::new();
        let mut s = 0;
        for &b in at {
            v.push(text[s..b].to_string());
            s = b;
        }
        v.push(text[s..].to_string());
        v
    }

    #[test]
    fn clusters_keep_marks_with_their_consonant() {
        let t = "ที่ปั้นน้ำฤๅ";
        let s = cluster_starts(t);
        assert_eq!(pieces(t, &s[1..]), ["ที่", "ปั้", "น", "น้ำ", "ฤๅ"]);
        let t = "เป็นไป";
        let s = cluster_starts(t);
        assert_eq!(pieces(t, &s[1..]), ["เป็", "น", "ไป"]);
    }

    #[test]
    fn good_breaks_between_words_and_at_spaces() {
        let t = "โครงการส่งเสริม ปี 2566";
        let b = good_breaks(t);
        assert_eq!(pieces(t, &b), ["โครงการ", "ส่ง", "เสริม ", "ปี ", "2566"]);
    }

    #[test]
    fn no_break_inside_a_word() {
        // The old rules broke after SARA AM and before every leading vowel.
        let t = "จำนวนโครงการ";
        assert_eq!(pieces(t, &good_breaks(t)), ["จำนวน", "โครงการ"]);
        let t = "ยังไม่ดำเนินการ";
        assert_eq!(pieces(t, &good_breaks(t)), ["ยัง", "ไม่", "ดำเนินการ"]);
        let weak: Vec<usize> = break_opportunities(t)
            .into_iter()
            .filter(|b| b.1 == Strength::Weak)
            .map(|b| b.0)
            .collect();
        assert!(
            weak.iter().all(|&w| w > "ยังไม่".len()),
            "only inside ดำเนินการ: {weak:?}"
        );
    }

    fn lines_of(t: &str, max: usize) -> Vec<&str> {
        let mut w = |a: usize, b: usize| t[a..b].chars().count() as f32;
        wrap(t, max as f32, &mut w)
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect()
    }

    #[test]
    fn a_narrow_column_breaks_only_between_words() {
        // ดำเนินการ is 9 characters wide here: from 9 on it is never split.
        for max in 9..15 {
            let lines = lines_of("ยังไม่ดำเนินการ", max);
            assert!(lines.contains(&"ดำเนินการ"), "width {max}: {lines:?}");
        }
        // จำนวน 5, โครงการ 7, together 12.
        for max in 7..12 {
            assert_eq!(
                lines_of("จำนวนโครงการ", max),
                ["จำนวน", "โครงการ"],
                "width {max}"
            );
        }
        assert_eq!(lines_of("จำนวนโครงการ", 12), ["จำนวนโครงการ"]);
        // Narrower than a compound: broken inside it at its word boundary first …
        assert_eq!(lines_of("ยังไม่ดำเนินการ", 7), ["ยังไม่", "ดำเนิน", "การ"]);
        // … and between clusters only when a single word is wider than the line.
        let lines = lines_of("ยังไม่ดำเนินการ", 4);
        assert_eq!(lines.concat(), "ยังไม่ดำเนินการ");
        assert!(lines.iter().all(|l| l.chars().count() <= 4), "{lines:?}");
    }

    #[test]
    fn a_line_does_not_end_on_a_prefix_when_it_can_help_it() {
        let t = "ความโปร่งใสในการบริหารงบประมาณ";
        for max in 12..30 {
            for line in lines_of(t, max) {
                assert!(
                    !line.ends_with("การ") && !line.ends_with("ความ") && !line.ends_with("งบ"),
                    "width {max}: {line}"
                );
            }
        }
    }

    #[test]
    fn slashes_allow_a_break_after_them() {
        let t = "โครงการ/กิจกรรม/มาตรการ";
        assert_eq!(
            pieces(t, &good_breaks(t)),
            ["โครงการ/", "กิจกรรม/", "มาตรการ"]
        );
    }

    #[test]
    fn wrap_never_splits_a_cluster_and_respects_width() {
        // Width = number of chars; a tiny width forces cluster-level breaks.
        let t = "ผู้ที่มีส่วนได้เสียน้ำ";
        let mut w = |a: usize, b: usize| t[a..b].chars().count() as f32;
        let lines = wrap(t, 4.0, &mut w);
        let mut joined = String::new();
        for &(a, b) in &lines {
            let line = &t[a..b];
            joined.push_str(line);
            let first = line.chars().next().expect("non-empty line");
            assert!(!is_combining(first), "line starts with a mark: {line}");
            let last = line.chars().last().expect("non-empty line");
            assert!(
                !is_thai_leading_vowel(last),
                "line ends with a leading vowel: {line}"
            );
        }
        assert_eq!(joined, t);
    }

    #[test]
    fn wrap_prefers_spaces_and_drops_them() {
        let t = "aaa bbb ccc";
        let mut w = |a: usize, b: usize| (b - a) as f32;
        let lines: Vec<&str> = wrap(t, 7.0, &mut w)
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect();
        assert_eq!(lines, ["aaa bbb", "ccc"]);
    }

    #[test]
    fn explicit_newlines_break() {
        let t = "หนึ่ง\nสอง";
        let mut w = |a: usize, b: usize| (b - a) as f32;
        let lines: Vec<&str> = wrap(t, 1000.0, &mut w)
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect();
        assert_eq!(lines, ["หนึ่ง", "สอง"]);
    }
}
