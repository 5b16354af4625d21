//! JSON written the way CPython's `json.dumps` / `simplejson.dumps` write it with default
//! arguments, which is how CKAN's API writes every response: `", "` between items,
//! `": "` after keys, and `ensure_ascii` (every non-ASCII character as a lowercase `\uXXXX`
//! escape, astral characters as surrogate pairs).

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, Serializer};
use std::io::{self, Write};

struct PyFormatter;

impl Formatter for PyFormatter {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for c in fragment.chars() {
            if c == '\u{7f}' {
                w.write_all(b"\\u007f")?;
            } else if c.is_ascii() {
                let mut buf = [0u8; 1];
                w.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            } else {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
            }
        }
        Ok(())
    }
    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        esc: CharEscape,
    ) -> io::Result<()> {
        let s: &[u8] = match esc {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"\\/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(b) => return write!(w, "\\u{b:04x}"),
        };
        w.write_all(s)
    }
}

/// Serializes `value` exactly as Python's `json.dumps(value)` would (given the same key
/// order). Struct fields keep their declaration order.
#[must_use]
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, PyFormatter);
    if value.serialize(&mut ser).is_err() {
        // Only non-string map keys or failing custom impls can fail; none exist here.
        return "null".to_owned();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_python_dumps() {
        // python3 -c 'import json; print(json.dumps({"a": [1, 2.5, None, True], "t": "ก😀\n\"/"}))'
        let v = json!({"a": [1, 2.5, null, true], "t": "ก😀\n\"/"});
        assert_eq!(
            to_python_json(&v),
            r#"{"a": [1, 2.5, null, true], "t": "\u0e01\ud83d\ude00\n\"/"}"#
        );
        assert_eq!(to_python_json(&json!({})), "{}");
        assert_eq!(to_python_json(&json!([])), "[]");
        assert_eq!(to_python_json(&json!(450000.0)), "450000.0");
    }
}
