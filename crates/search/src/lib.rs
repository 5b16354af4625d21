//! Search terms for Thai and English text, the same for what is indexed and what is
//! asked (ค้นหา search).
//!
//! Thai is written without spaces between words, so a search engine that splits on
//! spaces cannot find "จัดซื้อจัดจ้าง" inside "ประกาศผลการจัดซื้อจัดจ้างประจำเดือน". This
//! crate cuts text into words with ICU4X's word segmenter (its compiled-in Thai LSTM
//! model and Thai dictionary: no data files at run time), lowercases Latin letters and
//! turns Thai digits (๐–๙) into Arabic ones, so "๒๕๖๘" and "2568" are the same term.
//!
//! A segmenter cuts a compound differently in a short query than inside a sentence
//! ("จัดซื้อจัดจ้าง" alone is จัด|ซื้อ|จัดจ้าง, in a sentence จัดซื้อ|จัดจ้าง), and each of
//! ICU's two Thai segmenters makes its own mistakes. So:
//! - a document is indexed ([`index_terms`]) with the words of **both** segmenters and
//!   the joins of two and three neighbouring Thai words;
//! - a query ([`query_terms`]) is split where the person typed spaces; a Thai piece of
//!   at most three words is looked up whole (it matches a word or a join in the
//!   document, however either side was cut), a longer one word by word.
//!
//! Every query term must be found (AND).
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
            '๐'..='๙' => {
                char::from_u32(u32::from(c) - u32::from('๐') + u32::from('0')).unwrap_or(c)
            }
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

/// Which of ICU's word segmenters cuts Thai.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segmenter {
    /// The LSTM model: better on running text.
    Model,
    /// The dictionary: better on words it knows.
    Dictionary,
}

/// The words of a text in order, normalised, as the LSTM model cuts it: word-like
/// segments only (no spaces or punctuation).
pub fn words(text: &str) -> Vec<String> {
    words_with(Segmenter::Model, &normalize(text))
}

/// The words of an already normalised text, cut by one segmenter.
pub fn words_with(which: Segmenter, norm: &str) -> Vec<String> {
    let opts = WordBreakInvariantOptions::default();
    let seg = match which {
        Segmenter::Model => WordSegmenter::new_auto(opts),
        Segmenter::Dictionary => WordSegmenter::new_dictionary(opts),
    };
    let mut out = Vec::new();
    let mut last = 0usize;
    for (at, kind) in seg.segment_str(norm).iter_with_word_type() {
        if at == 0 {
            continue;
        }
        let piece = norm.get(last..at).unwrap_or_default().trim();
        last = at;
        // The dictionary segmenter marks Thai runs as word-like; also keep any segment
        // that holds a letter or digit, whatever type the rules gave it.
        if piece.is_empty() || !(kind.is_word_like() || piece.chars().any(char::is_alphanumeric)) {
            continue;
        }
        out.push(piece.to_string());
    }
    out
}

/// Byte offsets into `text` as given (not normalised), ascending, with
/// 0 < offset < `text.len()`, where ICU's word segmenter puts a boundary: between two
/// words, and around spaces and punctuation. In Thai, which writes no spaces between
/// words, these are the places a line may be broken without splitting a word (PDF
/// output wraps at them, `prongsai-docs`).
pub fn word_boundaries(which: Segmenter, text: &str) -> Vec<usize> {
    let opts = WordBreakInvariantOptions::default();
    let seg = match which {
        Segmenter::Model => WordSegmenter::new_auto(opts),
        Segmenter::Dictionary => WordSegmenter::new_dictionary(opts),
    };
    seg.segment_str(text)
        .filter(|&at| at > 0 && at < text.len())
        .collect()
}

/// Whether a word is worth a term of its own.
fn worth_a_term(w: &str) -> bool {
    let n = w.chars().count();
    n >= 2 || w.chars().all(|c| c.is_ascii_digit())
}

/// The longest text indexed, in bytes; the rest of a very long document is left out.
pub const MAX_INDEXED_BYTES: usize = 256 * 1024;

/// The terms of a document and how often each occurs: the words of both segmenters,
/// plus the joins of two and three neighbouring Thai words (so a compound is found
/// however a query cuts it).
pub fn index_terms(text: &str) -> BTreeMap<String, i64> {
    let mut end = text.len().min(MAX_INDEXED_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let norm = normalize(text.get(..end).unwrap_or_default());
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    let model = words_with(Segmenter::Model, &norm);
    add_terms(&model, &mut out);
    // The dictionary's cut adds the words the model missed (counted once: a hit is
    // counted by the model's words).
    let mut extra = BTreeMap::new();
    add_terms(&words_with(Segmenter::Dictionary, &norm), &mut extra);
    for t in extra.into_keys() {
        out.entry(t).or_insert(1);
    }
    out
}

fn add_terms(ws: &[String], out: &mut BTreeMap<String, i64>) {
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
}

/// The terms a query asks for, each once, in order; at most [`MAX_QUERY_TERMS`].
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |t: String, out: &mut Vec<String>| {
        if worth_a_term(&t) && !out.contains(&t) && out.len() < MAX_QUERY_TERMS {
            out.push(t);
        }
    };
    for chunk in normalize(query).split_whitespace() {
        let ws = words_with(Segmenter::Model, chunk);
        let whole: String = ws.concat();
        // A Thai piece of up to three words: looked up whole (see the module docs).
        if (2..=3).contains(&ws.len())
            && whole.chars().all(is_thai)
            && whole.chars().count() <= MAX_TERM_CHARS
        {
            push(whole, &mut out);
        } else {
            for w in ws {
                push(clip(&w), &mut out);
            }
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
        assert!(
            found(doc, "จัดซื้อจัดจ้าง"),
            "{:?} / {:?}",
            index_terms(doc),
            query_terms("จัดซื้อจัดจ้าง")
        );
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
        for word in ["คุณธรรม", "ความโปร่งใส", "โปร่งใส", "เพื่อ", "ยกระดับ"]
        {
            assert!(found(doc, word), "{word}");
        }
    }

    #[test]
    fn thai_digits_and_latin_case_are_normalised() {
        assert_eq!(normalize("ปี ๒๕๖๘ ITA"), "ปี 2568 ita");
        assert!(found("รายงานผล ITA ปีงบประมาณ ๒๕๖๘", "ita 2568"));
        assert!(found("Open Data Report", "report"));
    }

    fn cut(which: Segmenter, text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut last = 0;
        for at in word_boundaries(which, text).into_iter().chain([text.len()]) {
            out.push(&text[last..at]);
            last = at;
        }
        out
    }

    #[test]
    fn word_boundaries_are_offsets_into_the_text_as_given() {
        assert_eq!(cut(Segmenter::Model, "จำนวนโครงการ"), ["จำนวน", "โครงการ"]);
        // Thai digits and Latin capitals are not normalised away: offsets stay valid.
        assert_eq!(
            cut(Segmenter::Model, "ปี ๒๕๖๗ ITA"),
            ["ปี", " ", "๒๕๖๗", " ", "ITA"]
        );
        assert!(word_boundaries(Segmenter::Model, "").is_empty());
        assert!(word_boundaries(Segmenter::Model, "ประกาศ").is_empty());
    }

    #[test]
    fn spaces_and_punctuation_are_not_terms() {
        assert!(query_terms("  , . ! ").is_empty());
        assert!(query_terms("").is_empty());
        assert_eq!(query_terms("ทุจริต ทุจริต"), vec!["ทุจริต".to_string()]);
    }
}
