//! One digit style per page. A Thai page shows every number in the digits its
//! organization chose (`organizations.thai_digits`: Thai ๑๒๓ or Arabic 123), whatever
//! the digits of the text it shows — the seed plan writes "ร้อยละ ๘๐", a typed amount
//! may be "12,500"; an English page always uses Arabic digits.
//!
//! Applied once, to the finished HTML: text between tags and the attributes a person
//! reads or hears (`title`, `placeholder`, `aria-label`, `alt`). Never inside `<script>`,
//! `<style>`, `<code>`, `<kbd>`, `<samp>`, `<textarea>`, or an element marked
//! `translate="no"` (codes and identifiers a person copies exactly); never in other
//! attributes (links, form values, ids).

use std::collections::HashSet;
use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::i18n::Lang;
use crate::middleware::lang;

/// Largest page rewritten (larger bodies pass through unchanged).
const MAX_PAGE: usize = 16 * 1024 * 1024;

/// First path segments that are not organizations (`/login`, `/national`, …).
fn reserved() -> &'static HashSet<&'static str> {
    static R: OnceLock<HashSet<&'static str>> = OnceLock::new();
    R.get_or_init(|| {
        crate::routes::registered()
            .into_iter()
            .filter_map(|(_, p)| p.trim_start_matches('/').split('/').next())
            .filter(|s| !s.starts_with('{'))
            .collect()
    })
}

pub async fn restyle(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = lang::from_headers(req.headers());
    let slug = req
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .filter(|s| !s.is_empty() && !reserved().contains(s))
        .map(str::to_string);
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let thai = match (lang, slug) {
        (Lang::Th, Some(slug)) => state
            .orgs
            .thai_digits(&state.db, &slug)
            .await
            .unwrap_or(false),
        _ => false,
    };
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let Ok(html) = std::str::from_utf8(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    // The common case, Arabic digits and none of Thai: nothing to rewrite.
    if !thai && !html.chars().any(|c| ('๐'..='๙').contains(&c)) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let out = restyle_digits(html, thai);
    let mut res = Response::from_parts(parts, Body::from(out));
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res
}

fn push_converted(out: &mut String, s: &str, thai: bool) {
    use prongsai_domain::thai::{normalize_digits, to_thai_digits};
    out.push_str(&if thai {
        to_thai_digits(s)
    } else {
        normalize_digits(s)
    });
}

/// Elements whose content is left exactly as written.
const VERBATIM: &[&str] = &["script", "style", "code", "kbd", "samp", "textarea", "pre"];
/// Attributes a person reads or hears.
const READ_ATTRS: &[&str] = &["title", "placeholder", "aria-label", "alt"];
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Rewrites the digits a person reads in `html` to Thai (`thai`) or Arabic digits.
pub fn restyle_digits(html: &str, thai: bool) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    // Names of the open elements inside a verbatim one (the verbatim one first).
    let mut verbatim: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if verbatim.is_empty() {
            push_converted(&mut out, text, thai);
        } else {
            out.push_str(text);
        }
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map(|e| e + 3).unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            out.push_str(rest);
            return out;
        };
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        let inner = &tag[1..tag.len() - 1];
        if let Some(close) = inner.strip_prefix('/') {
            let name = close.trim().to_ascii_lowercase();
            if let Some(pos) = verbatim.iter().rposition(|n| *n == name) {
                verbatim.truncate(pos);
            }
            out.push_str(tag);
            continue;
        }
        let name: String = inner
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
            .collect::<String>()
            .to_ascii_lowercase();
        let self_closing = inner.ends_with('/') || VOID.contains(&name.as_str());
        let keep = VERBATIM.contains(&name.as_str()) || has_attr_value(inner, "translate", "no");
        if verbatim.is_empty() && !keep {
            rewrite_attrs(&mut out, tag, thai);
        } else {
            out.push_str(tag);
        }
        if (name == "script" || name == "style") && !self_closing {
            // Raw text up to the closing tag, untouched.
            let close = format!("</{name}");
            let end = find_ci(rest, &close).unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        if !self_closing && (keep || !verbatim.is_empty()) {
            verbatim.push(name);
        }
    }
    if verbatim.is_empty() {
        push_converted(&mut out, rest, thai);
    } else {
        out.push_str(rest);
    }
    out
}

/// The index of the `>` that ends the tag starting at `s[0] == '<'`, skipping quoted
/// attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(&needle.to_ascii_lowercase())
}

fn has_attr_value(tag: &str, name: &str, value: &str) -> bool {
    let pat = format!("{name}=\"{value}\"");
    tag.split_whitespace()
        .any(|part| part.trim_end_matches('/') == pat)
}

/// Copies a start tag, converting digits inside the readable attributes' values.
fn rewrite_attrs(out: &mut String, tag: &str, thai: bool) {
    let mut rest = tag;
    loop {
        // Find the next `name="` whose name is readable.
        let next = READ_ATTRS
            .iter()
            .filter_map(|a| {
                let pat = format!(" {a}=\"");
                rest.find(&pat).map(|i| (i, pat.len()))
            })
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return;
        };
        let value_start = i + len;
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let end = rest.find('"').unwrap_or(rest.len());
        push_converted(out, &rest[..end], thai);
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_readable_attributes_change_links_and_values_do_not() {
        let page = r#"<p title="ข้อ 12">ร้อยละ ๘๐ ใน 2,500 บาท</p><a href="/a/12">ปี 2569</a><input name="n" value="123" placeholder="เช่น 100">"#;
        let thai = restyle_digits(page, true);
        assert_eq!(
            thai,
            r#"<p title="ข้อ ๑๒">ร้อยละ ๘๐ ใน ๒,๕๐๐ บาท</p><a href="/a/12">ปี ๒๕๖๙</a><input name="n" value="123" placeholder="เช่น ๑๐๐">"#
        );
        let arabic = restyle_digits(page, false);
        assert_eq!(
            arabic,
            r#"<p title="ข้อ 12">ร้อยละ 80 ใน 2,500 บาท</p><a href="/a/12">ปี 2569</a><input name="n" value="123" placeholder="เช่น 100">"#
        );
    }

    #[test]
    fn codes_scripts_and_marked_elements_are_verbatim() {
        let page = r#"<code>CP-2567-0001</code><span translate="no">A1 <b>22</b></span> 3<script>var x = "1 > 0";</script><style>p{width:1px}</style><textarea>5</textarea>๔"#;
        assert_eq!(
            restyle_digits(page, true),
            r#"<code>CP-2567-0001</code><span translate="no">A1 <b>22</b></span> ๓<script>var x = "1 > 0";</script><style>p{width:1px}</style><textarea>5</textarea>๔"#
        );
    }

    #[test]
    fn broken_markup_is_copied_not_lost() {
        for s in ["<p>1 <", "<a title=\"2", "1</x>2", "<!-- 3", ""] {
            let t = restyle_digits(s, true);
            assert_eq!(t.chars().count(), s.chars().count(), "{s:?} → {t:?}");
        }
    }
}
