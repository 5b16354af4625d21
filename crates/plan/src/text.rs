//! Text helpers: character normalisation, space-tolerant matching, numbers and
//! fuzzy similarity. Every function here is total: no panics on any input.

/// Normalise one character. `None` drops it.
fn norm_char(c: char) -> Option<char> {
    match c {
        '๐'..='๙' => char::from_u32(c as u32 - '๐' as u32 + '0' as u32),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(' '),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\r' => None,
        '\t' => Some('\t'),
        c if c.is_control() => Some(' '),
        // Fullwidth digits.
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        c => Some(c),
    }
}

/// Normalise one input line: Thai digits to ASCII, odd spaces to plain spaces,
/// zero-width characters dropped, "ํา" (split sara am from PDFs) joined,
/// runs of spaces collapsed, each tab-separated cell trimmed.
pub fn normalize_line(line: &str) -> String {
    let mut mapped = String::with_capacity(line.len());
    let mut prev: Option<char> = None;
    for c in line.chars() {
        let Some(c) = norm_char(c) else { continue };
        // U+0E4D NIKHAHIT + U+0E32 SARA AA -> U+0E33 SARA AM
        if c == '\u{0E32}' && prev == Some('\u{0E4D}') {
            mapped.pop();
            mapped.push('\u{0E33}');
            prev = Some('\u{0E33}');
            continue;
        }
        mapped.push(c);
        prev = Some(c);
    }
    if mapped.contains('\t') {
        let cells: Vec<String> = mapped.split('\t').map(collapse_spaces).collect();
        if cells.iter().all(|c| c.is_empty()) {
            return String::new();
        }
        cells.join("\t")
    } else {
        collapse_spaces(&mapped)
    }
}

/// Collapse whitespace runs to one space and trim.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Remove every whitespace character.
pub fn strip_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// Join two pieces of one broken paragraph: no space between two Thai
/// characters (Thai writes words without spaces), one space otherwise.
pub fn join_broken(prev: &mut String, next: &str) {
    let a = prev.chars().last();
    let b = next.chars().next();
    match (a, b) {
        (Some(a), Some(b)) if is_thai(a) && is_thai(b) => {}
        (Some(_), Some(_)) => prev.push(' '),
        _ => {}
    }
    prev.push_str(next);
}

/// If `s` starts with `kw` (ignoring whitespace anywhere in `s`), return the
/// rest of `s` after the keyword (leading spaces trimmed).
pub fn strip_prefix_spaced<'a>(s: &'a str, kw: &str) -> Option<&'a str> {
    let mut it = s.char_indices().peekable();
    for k in kw.chars() {
        if k.is_whitespace() {
            continue;
        }
        loop {
            match it.peek() {
                Some((_, c)) if c.is_whitespace() => {
                    it.next();
                }
                _ => break,
            }
        }
        match it.next() {
            Some((_, c)) if c == k => {}
            _ => return None,
        }
    }
    match it.peek() {
        Some((i, _)) => s.get(*i..).map(str::trim_start),
        None => Some(""),
    }
}

/// Does `s` start with `kw`, ignoring whitespace?
pub fn starts_spaced(s: &str, kw: &str) -> bool {
    strip_prefix_spaced(s, kw).is_some()
}

/// Leading unsigned integer (ASCII digits, after normalisation) and the rest.
pub fn leading_number(s: &str) -> Option<(u64, &str)> {
    let end = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    if end == 0 || end > 9 {
        return None;
    }
    let n = s.get(..end)?.parse().ok()?;
    Some((n, s.get(end..)?))
}

/// Parse a number written with optional thousands separators and decimals,
/// starting at the beginning of `s`. Returns the value and the rest.
pub fn leading_amount(s: &str) -> Option<(f64, &str)> {
    let mut digits = String::new();
    let mut end = 0;
    let mut seen_dot = false;
    let bytes: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (pos, c) = bytes[i];
        if c.is_ascii_digit() {
            digits.push(c);
            end = pos + 1;
        } else if c == ',' && !digits.is_empty() && !seen_dot {
            // a thousands separator must be followed by a digit
            match bytes.get(i + 1) {
                Some((_, d)) if d.is_ascii_digit() => {}
                _ => break,
            }
        } else if c == '.' && !digits.is_empty() && !seen_dot {
            match bytes.get(i + 1) {
                Some((_, d)) if d.is_ascii_digit() => {
                    seen_dot = true;
                    digits.push('.');
                }
                _ => break,
            }
        } else {
            break;
        }
        i += 1;
        if digits.len() > 18 {
            return None;
        }
    }
    if digits.is_empty() {
        return None;
    }
    let v: f64 = digits.parse().ok()?;
    Some((v, s.get(end..).unwrap_or("")))
}

/// Character bigrams of a string (whitespace removed), sorted.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut v: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    v.sort_unstable();
    v
}

/// Dice coefficient over character bigrams: 1.0 for equal strings (ignoring
/// whitespace), near 0 for unrelated ones.
pub fn similarity(a: &str, b: &str) -> f64 {
    let x = bigrams(a);
    let y = bigrams(b);
    if x.is_empty() && y.is_empty() {
        return if strip_spaces(a) == strip_spaces(b) {
            1.0
        } else {
            0.0
        };
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    (2 * common) as f64 / (x.len() + y.len()) as f64
}

/// Shorten a quote for a message, on a character boundary.
pub fn quote(s: &str, max_chars: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}

/// Split an inline numbered list such as "1. aaa 2. bbb" or "1) aaa 2) bbb".
/// A marker counts only at the start or after whitespace, and the number must
/// be followed by `closer` and then not by a digit. Text before the first
/// marker becomes an unnumbered item.
pub fn split_numbered(text: &str, closer: char) -> Vec<(Option<u32>, String)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut marks: Vec<(usize, usize, u32)> = Vec::new(); // (start, content_start, number)
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let at_boundary = i == 0
            || chars
                .get(i.wrapping_sub(1))
                .is_some_and(|(_, p)| p.is_whitespace());
        if c.is_ascii_digit() && at_boundary {
            let mut j = i;
            while j < chars.len() && chars[j].1.is_ascii_digit() && j - i < 4 {
                j += 1;
            }
            let ok_len = j - i <= 3;
            if ok_len
                && chars.get(j).is_some_and(|(_, d)| *d == closer)
                && !chars.get(j + 1).is_some_and(|(_, d)| d.is_ascii_digit())
            {
                let num: u32 = text
                    .get(pos..chars[j].0)
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0);
                let content = chars.get(j + 1).map(|(p, _)| *p).unwrap_or(text.len());
                marks.push((pos, content, num));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    let mut out = Vec::new();
    let first = marks.first().map(|m| m.0).unwrap_or(text.len());
    let head = collapse_spaces(text.get(..first).unwrap_or(""));
    if !head.is_empty() {
        out.push((None, head));
    }
    for (k, m) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map(|n| n.0).unwrap_or(text.len());
        let body = collapse_spaces(text.get(m.1..end).unwrap_or(""));
        out.push((Some(m.2), body));
    }
    out
}

/// Strip a leading list marker ("- ", "1) ", "(1) ", "1. ", "- 1) ", "•").
/// Returns the kind of marker found and the remaining text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    None,
    Bullet,
    Numbered(u32),
    SubNumbered,
}

pub fn strip_marker(s: &str) -> (Marker, &str) {
    let mut rest = s.trim_start();
    let mut bullet = false;
    for b in [
        '-', '•', '●', '▪', '*', '–', '○', '◦', '\u{F0D8}', '\u{F0B7}', '\u{F0A7}',
    ] {
        if let Some(r) = rest.strip_prefix(b) {
            rest = r.trim_start();
            bullet = true;
            break;
        }
    }
    // (N)
    if let Some((n, r2)) = rest.strip_prefix('(').and_then(leading_number)
        && let Some(r3) = r2.strip_prefix(')')
    {
        return (Marker::Numbered(n as u32), r3.trim_start());
    }
    if let Some((n, r)) = leading_number(rest) {
        if let Some(r2) = r.strip_prefix(')') {
            return (Marker::Numbered(n as u32), r2.trim_start());
        }
        if let Some(r2) = r.strip_prefix('.') {
            if r2.starts_with(|c: char| c.is_ascii_digit()) {
                // N.N) or N.N text: a sub-item; keep it whole
                return (Marker::SubNumbered, rest);
            }
            return (Marker::Numbered(n as u32), r2.trim_start());
        }
    }
    if bullet {
        (Marker::Bullet, rest)
    } else {
        (Marker::None, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_spaces() {
        assert_eq!(normalize_line("  ลำดับที่ ๑๒  "), "ลำดับที่ 12");
        assert_eq!(normalize_line("a\u{00A0}\u{200B}b"), "a b");
        assert_eq!(normalize_line("\t\t\t-\t"), "\t\t\t-\t");
        assert_eq!(normalize_line(" \t \t"), "");
        assert_eq!(normalize_line("ทํางาน"), "ทำงาน");
    }

    #[test]
    fn spaced_prefix() {
        assert_eq!(
            strip_prefix_spaced("ชื่อ โครงการ : ก", "ชื่อโครงการ"),
            Some(": ก")
        );
        assert_eq!(strip_prefix_spaced("ชื่อ", "ชื่อโครงการ"), None);
    }

    #[test]
    fn numbered_split() {
        let v = split_numbered("1) ก (E-Service) 2) ข 15)ค", ')');
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], (Some(1), "ก (E-Service)".to_string()));
        let v = split_numbered("1) ก 2) ข 15) ค", ')');
        assert_eq!(v.len(), 3);
        assert_eq!(v[2], (Some(15), "ค".to_string()));
    }

    #[test]
    fn sim() {
        assert!(similarity("กองคลัง", "กอง คลัง") > 0.99);
        assert!(similarity("กองคลัง", "สำนักปลัด") < 0.3);
    }
}
