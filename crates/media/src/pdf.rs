//! PDF without document metadata, done by blanking in place.
//!
//! A PDF's cross-reference table records the byte offset of every object, so removing
//! bytes would break the file unless it is rewritten whole — which needs a full PDF
//! library. Instead this keeps the length of everything and overwrites:
//!
//! - every string in the document information dictionary (`/Info`: Author, Creator,
//!   Producer, Title, Subject, Keywords, CreationDate, ModDate and custom keys), in every
//!   revision: `(Somchai)` becomes `()` followed by spaces, which PDF reads as
//!   whitespace; strings the dictionary points to indirectly are blanked too;
//! - every XMP metadata stream (`/Type /Metadata`): its bytes become spaces, and its
//!   dictionary becomes `<</Type/Metadata/Subtype/XML/Length …>>` padded with spaces, so
//!   a compressed stream is not left with a filter that would fail on the blanks.
//!
//! What is refused ([`MediaError::PdfNotStrippable`]): encrypted PDFs (strings are
//! ciphertext), and PDFs whose information dictionary is inside a compressed object
//! stream (it cannot be reached without re-compressing). Those are kept as uploaded for
//! staff only and never published. The file identifier (`/ID`) is left: it is a hash,
//! not a name.

use crate::MediaError;

fn not_strippable(why: &'static str) -> MediaError {
    MediaError::PdfNotStrippable(why)
}

fn is_ws(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_ws(c) && !is_delim(c)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Skips whitespace and comments.
fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while let Some(&c) = b.get(pos) {
        if is_ws(c) {
            pos += 1;
        } else if c == b'%' {
            while b.get(pos).is_some_and(|&c| c != b'\n' && c != b'\r') {
                pos += 1;
            }
        } else {
            break;
        }
    }
    pos
}

/// The end (index after `)`) of a literal string starting at `pos` (at `(`).
fn literal_end(b: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = pos;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The end of a hex string starting at `pos` (at a single `<`).
fn hex_end(b: &[u8], pos: usize) -> Option<usize> {
    find(b, b">", pos).map(|i| i + 1)
}

/// One token of PDF syntax, enough to walk dictionaries.
#[derive(Debug, PartialEq)]
enum Tok {
    DictOpen,
    DictClose,
    /// A string, with its byte span including delimiters.
    Str(usize, usize),
    /// A name, number, keyword or bracket, as bytes.
    Word(usize, usize),
}

/// The next token at or after `pos`, and where it ends.
fn next_tok(b: &[u8], pos: usize) -> Option<(Tok, usize)> {
    let p = skip_ws(b, pos);
    let c = *b.get(p)?;
    match c {
        b'<' if b.get(p + 1) == Some(&b'<') => Some((Tok::DictOpen, p + 2)),
        b'>' if b.get(p + 1) == Some(&b'>') => Some((Tok::DictClose, p + 2)),
        b'<' => hex_end(b, p).map(|e| (Tok::Str(p, e), e)),
        b'(' => literal_end(b, p).map(|e| (Tok::Str(p, e), e)),
        b'[' | b']' | b'{' | b'}' => Some((Tok::Word(p, p + 1), p + 1)),
        b')' | b'>' => None,
        _ => {
            let mut e = p + 1;
            while b.get(e).is_some_and(|&c| is_regular(c)) {
                e += 1;
            }
            Some((Tok::Word(p, e), e))
        }
    }
}

/// Tokens of the dictionary that starts at `pos` (at `<<`), with their nesting depth
/// (1 = the dictionary's own entries), and the index after its `>>`.
fn dict_tokens(b: &[u8], pos: usize) -> Option<(Vec<(Tok, usize)>, usize)> {
    let (first, mut p) = next_tok(b, pos)?;
    if first != Tok::DictOpen {
        return None;
    }
    let mut depth = 1usize;
    let mut toks = Vec::new();
    loop {
        let (t, e) = next_tok(b, p)?;
        p = e;
        match t {
            Tok::DictOpen => depth += 1,
            Tok::DictClose => {
                depth -= 1;
                if depth == 0 {
                    return Some((toks, p));
                }
            }
            _ => {}
        }
        // Arrays count as nesting for "is this a top-level entry".
        let d = depth;
        toks.push((t, d));
    }
}

fn word<'a>(b: &'a [u8], t: &Tok) -> Option<&'a [u8]> {
    match t {
        Tok::Word(s, e) => b.get(*s..*e),
        _ => None,
    }
}

fn as_int(w: &[u8]) -> Option<u64> {
    if w.is_empty() || !w.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(w).ok()?.parse().ok()
}

/// Every `N G obj` header: (number, generation, index after `obj`).
fn object_headers(b: &[u8]) -> Vec<(u64, u64, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find(b, b"obj", from) {
        from = i + 3;
        if b.get(i + 3).is_some_and(|&c| is_regular(c)) {
            continue;
        }
        // Backwards: whitespace, generation digits, whitespace, number digits.
        let mut j = i;
        let ws_end = j;
        while j > 0 && is_ws(b[j - 1]) {
            j -= 1;
        }
        if j == ws_end {
            continue;
        }
        let gen_end = j;
        while j > 0 && b[j - 1].is_ascii_digit() {
            j -= 1;
        }
        let Some(generation) = as_int(&b[j..gen_end]) else {
            continue;
        };
        let ws2 = j;
        while j > 0 && is_ws(b[j - 1]) {
            j -= 1;
        }
        if j == ws2 {
            continue;
        }
        let num_end = j;
        while j > 0 && b[j - 1].is_ascii_digit() {
            j -= 1;
        }
        let Some(num) = as_int(&b[j..num_end]) else {
            continue;
        };
        if j > 0 && is_regular(b[j - 1]) {
            continue;
        }
        out.push((num, generation, i + 3));
    }
    out
}

/// Overwrites a string token with an empty string and spaces.
fn blank_string(buf: &mut [u8], s: usize, e: usize) {
    if e < s + 2 {
        return;
    }
    let (open, close) = if buf[s] == b'(' {
        (b'(', b')')
    } else {
        (b'<', b'>')
    };
    buf[s] = open;
    buf[s + 1] = close;
    for c in &mut buf[s + 2..e] {
        *c = b' ';
    }
}

/// References `N G R` among a token list.
fn references(b: &[u8], toks: &[(Tok, usize)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for w in toks.windows(3) {
        let words = (word(b, &w[0].0), word(b, &w[1].0), word(b, &w[2].0));
        if let (Some(n), Some(g), Some(b"R")) = words {
            out.extend(as_int(n).zip(as_int(g)));
        }
    }
    out
}

/// The objects the trailers name as document information: `/Info N G R`.
fn info_refs(b: &[u8]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find(b, b"/Info", from) {
        from = i + 5;
        if b.get(i + 5).is_some_and(|&c| is_regular(c)) {
            continue; // e.g. /InfoX
        }
        let mut toks = Vec::new();
        let mut p = i + 5;
        for _ in 0..3 {
            match next_tok(b, p) {
                Some((t, e)) => {
                    toks.push((t, 1));
                    p = e;
                }
                None => break,
            }
        }
        out.extend(references(b, &toks));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The PDF with its document information strings and XMP metadata blanked; same length.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, MediaError> {
    if !input.starts_with(b"%PDF-") {
        return Err(MediaError::malformed("PDF", "no %PDF header"));
    }
    if find(input, b"/Encrypt", 0).is_some() {
        return Err(not_strippable("the PDF is encrypted"));
    }
    let mut buf = input.to_vec();
    let headers = object_headers(input);
    let positions = |n: u64, g: u64| -> Vec<usize> {
        headers
            .iter()
            .filter(|h| h.0 == n && h.1 == g)
            .map(|h| h.2)
            .collect()
    };

    // Document information dictionaries, in every revision.
    for (n, g) in info_refs(input) {
        let found = positions(n, g);
        if found.is_empty() {
            return Err(not_strippable(
                "the document information is inside a compressed object stream",
            ));
        }
        for at in found {
            let (toks, _) = dict_tokens(input, at).ok_or(not_strippable(
                "the document information is not a dictionary",
            ))?;
            for (t, _) in &toks {
                if let Tok::Str(s, e) = t {
                    blank_string(&mut buf, *s, *e);
                }
            }
            // Values given by reference: blank the string objects they point to.
            for (rn, rg) in references(input, &toks) {
                for rat in positions(rn, rg) {
                    if let Some((Tok::Str(s, e), _)) = next_tok(input, rat) {
                        blank_string(&mut buf, s, e);
                    }
                }
            }
        }
    }

    // XMP metadata streams.
    for &(_, _, at) in &headers {
        let Some((toks, dict_end)) = dict_tokens(input, at) else {
            continue;
        };
        let top: Vec<&[u8]> = toks
            .iter()
            .filter(|(_, d)| *d == 1)
            .filter_map(|(t, _)| word(input, t))
            .collect();
        let is_metadata = top
            .windows(2)
            .any(|w| w[0] == b"/Type" && w[1] == b"/Metadata");
        if !is_metadata {
            continue;
        }
        let Some((Tok::Word(ks, ke), after_kw)) = next_tok(input, dict_end) else {
            continue;
        };
        if &input[ks..ke] != b"stream" {
            continue;
        }
        let data_start = match input.get(after_kw..after_kw + 2) {
            Some(b"\r\n") => after_kw + 2,
            _ if input
                .get(after_kw)
                .is_some_and(|&c| c == b'\n' || c == b'\r') =>
            {
                after_kw + 1
            }
            _ => return Err(not_strippable("metadata stream without end of line")),
        };
        let data_end = find(input, b"endstream", data_start)
            .ok_or(not_strippable("metadata stream without endstream"))?;
        // The /Length value, as written (a number or a reference).
        let len_pos = toks
            .iter()
            .position(|(t, d)| *d == 1 && word(input, t) == Some(b"/Length"))
            .ok_or(not_strippable("metadata stream without /Length"))?;
        let len_val: Vec<&[u8]> = toks[len_pos + 1..]
            .iter()
            .take(3)
            .filter_map(|(t, _)| word(input, t))
            .collect();
        let len_text: Vec<u8> = match len_val.as_slice() {
            [n, g, r, ..] if *r == b"R" && as_int(n).is_some() && as_int(g).is_some() => {
                [*n, b" ", *g, b" R"].concat()
            }
            [n, ..] if as_int(n).is_some() => n.to_vec(),
            _ => return Err(not_strippable("metadata stream with an unreadable /Length")),
        };
        let mut dict = b"<</Type/Metadata/Subtype/XML/Length ".to_vec();
        dict.extend_from_slice(&len_text);
        dict.extend_from_slice(b">>");
        let dict_start = skip_ws(input, at);
        let old_len = dict_end - dict_start;
        if dict.len() > old_len {
            return Err(not_strippable(
                "metadata stream dictionary too short to rewrite",
            ));
        }
        dict.resize(old_len, b' ');
        buf[dict_start..dict_end].copy_from_slice(&dict);
        for c in &mut buf[data_start..data_end] {
            *c = b' ';
        }
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn finds_object_headers_but_not_endobj() {
        let h = object_headers(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n12 3 obj (x) endobj 4 0 objx");
        assert_eq!(
            h.iter().map(|h| (h.0, h.1)).collect::<Vec<_>>(),
            vec![(1, 0), (12, 3)]
        );
    }

    #[test]
    fn literal_strings_nest_and_escape() {
        assert_eq!(literal_end(b"(a(b)c)d", 0), Some(7));
        assert_eq!(literal_end(b"(a\\)b)d", 0), Some(6));
        assert_eq!(literal_end(b"(open", 0), None);
    }
}
