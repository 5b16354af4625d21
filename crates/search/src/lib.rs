//! Search terms for Thai and English text, the same for what is indexed and what is
//! asked (ค้นหา search).
//!
//! Thai is written without spaces between words, so a search engine that splits on
//! spaces cannot find "จัดซื้อจัดจ้าง" inside "ประกาศผลการจัดซื้อจัดจ้างประจำเดือน". This
//! crate cuts text into words with ICU4X's word segmenter and its compiled-in Thai
//! dictionary (no LSTM model, no data files at run time), lowercases Latin letters and
//! turns Thai digits (๐–๙) into Arabic ones, so "๒๕๖๘" and "2568" are the same term.
//!
//! Dictionary segmentation can cut a compound differently in a short query than in a
//! long sentence ("จัดซื้อจัดจ้าง" as one word or as "จัดซื้อ" + "จัดจ้าง"). So a document
//! is indexed with its words **and** the joins of two and three neighbouring Thai words
//! ([`index_terms`]); a query uses only its words ([`query_terms`]), all of which must
//! be found. Whichever way the segmenter cut the compound in the query, the document
//! holds that term.
//!
//! Kept in its own crate so that ICU's data is compiled only where search is used.

use std::collections::BTreeMap;

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;

/// Terms longer than this (in characters) are cut: no one searches for them, and the
/// index stays small.
pub const MAX_TERM_CHARS: usize = 48;
/// At most this many terms are taken from a query.
pub const MAX_QUERY_TERMS: usize = 8;

/// Thai digits become Arabic digits; Latin letters are lowercased; everything else is
/// kept.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '๐'..='๙' => char::from_u32(u32::from(c) - u32::from('๐') + u32::from('0')).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

fn clip(term: &str) -> String {
    term.chars().take(MAX_TERM_CHARS).collect()
}

/// The words of a text in order, normalised: word-like segments only (no spaces or
/// punctuation). Single Latin letters are dropped; single Thai characters are kept only
/// as part of a join (see [`index_terms`]).
pub fn words(text: &str) -> Vec<String> {
    let norm = normalize(text);
    let seg = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut out = Vec::new();
    let mut last = 0usize;
    for (at, kind) in seg.segment_str(&norm).iter_with_word_type() {
        if at == 0 {
            continue;
        }
        let piece = norm.get(last..at).unwrap_or_default().trim();
        last = at;
        // The dictionary segmenter marks Thai runs as word-like; also keep any segment
        // that holds a letter or digit, whatever type the rules gave it.
        if piece.is_empty()
            || !(kind.is_word_like() || piece.chars().any(char::is_alphanumeric))
        {
            continue;
        }
        out.push(piece.to_string());
    }
    out
}

/// Whether a word is worth a term of its own.
fn worth_a_term(w: &str) -> bool {
    let n = w.chars().count();
    n >= 2 || w.chars().all(|c| c.is_ascii_digit())
}

/// The terms of a document and how often each occurs: its words, plus the joins of two
/// and three neighbouring Thai words (so a compound is found however a query cuts it).
pub fn index_terms(text: &str) -> BTreeMap<String, i64> {
    let ws = words(text);
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for (i, w) in ws.iter().enumerate() {
        if worth_a_term(w) {
            *out.entry(clip(w)).or_default() += 1;
        }
        if !w.chars().all(is_thai) {
            continue;
        }
        let mut joined = w.clone();
        for next in ws.iter().skip(i + 1).take(2) {
            if !next.chars().all(is_thai) {
                break;
            }
            joined.push_str(next);
            if joined.chars().count() > MAX_TERM_CHARS {
                break;
            }
            *out.entry(joined.clone()).or_default() += 1;
        }
    }
    out
}

/// The terms a query asks for, each once, in order; at most [`MAX_QUERY_TERMS`].
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(query) {
        let t = clip(&w);
        if worth_a_term(&t) && !out.contains(&t) {
            out.push(t);
        }
        if out.len() == MAX_QUERY_TERMS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(doc: &str, query: &str) -> bool {
        let terms = index_terms(doc);
        let q = query_terms(query);
        !q.is_empty() && q.iter().all(|t| terms.contains_key(t))
    }

    #[test]
    fn a_thai_word_is_found_inside_a_sentence_without_spaces() {
        let doc = "ประกาศผลการจัดซื้อจัดจ้างประจำเดือน";
        assert!(found(doc, "จัดซื้อจัดจ้าง"), "{:?} / {:?}", index_terms(doc), query_terms("จัดซื้อจัดจ้าง"));
        assert!(found(doc, "จัดซื้อ"));
        assert!(found(doc, "ประกาศ"));
        assert!(!found(doc, "งบประมาณ"));
    }

    #[test]
    fn several_words_must_all_be_there() {
        let doc = "แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส";
        assert!(found(doc, "ป้องกันการทุจริต"));
        assert!(found(doc, "ทุจริต ความโปร่งใส"));
        assert!(!found(doc, "ทุจริต ร้องเรียน"));
    }

    #[test]
    fn thai_digits_and_latin_case_are_normalised() {
        assert_eq!(normalize("ปี ๒๕๖๘ ITA"), "ปี 2568 ita");
        assert!(found("รายงานผล ITA ปีงบประมาณ ๒๕๖๘", "ita 2568"));
        assert!(found("Open Data Report", "report"));
    }

    #[test]
    fn spaces_and_punctuation_are_not_terms() {
        assert!(query_terms("  , . ! ").is_empty());
        assert!(query_terms("").is_empty());
        assert_eq!(query_terms("ทุจริต ทุจริต"), vec!["ทุจริต".to_string()]);
    }
}
#[cfg(test)]
mod dbg {
    #[test]
    fn show() {
        use icu_segmenter::WordSegmenter;
        use icu_segmenter::options::WordBreakInvariantOptions;
        for s in ["ทุกสองสัปดาห์", "ประกาศผลการจัดซื้อจัดจ้างประจำเดือน", "จัดซื้อจัดจ้าง"] {
            let seg = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
            let v: Vec<(usize, _)> = seg.segment_str(s).iter_with_word_type().collect();
            eprintln!("{s}: {v:?}");
        }
    }
}
