//! Where Thai (and other) text may be broken into lines, without a dictionary.
//!
//! Thai writes no spaces between words, so line breaking cannot rely on spaces alone.
//! The rules here are deliberately simple and never wrong in the way that matters for
//! reading (a break between a consonant and its vowel or tone marks):
//!
//! 1. A *cluster* is a base character followed by every combining mark (Thai above/below
//!    vowels and tone marks, SARA AM, and generic combining diacritics) and by the
//!    following vowels ะ า ๅ (so ฤๅ and กา stay whole). A leading vowel
//!    (เ แ โ ใ ไ) is glued to the cluster that follows it. Text is never broken inside
//!    a cluster.
//! 2. *Good* break opportunities: after a run of spaces, before a Thai leading vowel,
//!    after SARA A (ะ), SARA AM (ำ), MAI YAMOK (ๆ), PAIYANNOI (ฯ) or a slash (as in
//!    โครงการ/กิจกรรม/มาตรการ), and where Thai meets
//!    non-Thai text (digits, Latin). Lines are filled greedily at good opportunities.
//! 3. When a piece between two good opportunities is wider than a whole line, it is
//!    broken between clusters (rule 1 still holds).

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

/// Byte offsets (0 < offset < len) where a line may be broken at a good opportunity
/// (rule 2). Each offset is also a cluster start.
pub(crate) fn good_breaks(text: &str) -> Vec<usize> {
    let starts = cluster_starts(text);
    let mut breaks = Vec::new();
    for w in starts.windows(2) {
        let (prev_start, at) = (w[0], w[1]);
        let prev_cluster = &text[prev_start..at];
        let (Some(last), Some(next)) = (prev_cluster.chars().last(), text[at..].chars().next())
        else {
            continue;
        };
        let ok = (is_space(last) && !is_space(next))
            || (last == '/' && !is_space(next) && next != '/')
            || (is_thai_leading_vowel(next) && !is_space(last))
            || matches!(last, '\u{0E30}' | '\u{0E33}' | '\u{0E46}' | '\u{0E2F}')
            || (is_thai(last) != is_thai(next)
                && !is_space(next)
                && !is_space(last)
                && !is_opening_punct(last)
                && !is_closing_punct(next));
        if ok {
            breaks.push(at);
        }
    }
    breaks
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
    let mut opps = good_breaks(para);
    opps.push(para.len());
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
        // Even the first piece is too wide: break it between clusters.
        let mut fit_end = None;
        for &c in clusters
            .iter()
            .filter(|&&c| c > line_start && c < candidate)
        {
            if width_of(base + line_start, base + c) <= max_width {
                fit_end = Some(c);
            } else {
                break;
            }
        }
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
    fn good_breaks_before_leading_vowels_and_at_spaces() {
        let t = "โครงการส่งเสริม ปี 2566";
        let b = good_breaks(t);
        assert_eq!(pieces(t, &b), ["โครงการส่ง", "เสริม ", "ปี ", "2566"]);
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
