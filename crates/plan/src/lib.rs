//! Reads NACC-template anti-corruption action plans (text and .docx) into
//! structured data ([`Plan`]), and lints them ([`lint`]).
//!
//! ```no_run
//! let outcome = prongsai_plan::parse_file(std::path::Path::new("plan.docx"))?;
//! for f in prongsai_plan::lint(&outcome) {
//!     println!("{:?} line {:?}: {}", f.severity, f.line, f.message_en);
//! }
//! # Ok::<(), prongsai_plan::PlanError>(())
//! ```

pub mod diff;
mod docx;
mod error;
pub mod evidence;
mod kpi;
mod lint;
mod model;
mod parse;
mod text;

use std::path::Path;

pub use error::{MAX_INPUT_BYTES, PlanError};
pub use evidence::Evidence;
pub use model::*;

/// The result of reading a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOutcome {
    pub plan: Plan,
    /// Things a person should know about the reading itself, e.g. "the file
    /// holds the same plan twice; the second copy was ignored".
    pub notes: Vec<String>,
    /// The input's lines as read (for .docx: the text derived from it), so
    /// that findings can quote them; `source_lines[n - 1]` is line `n`.
    pub source_lines: Vec<String>,
    /// Where things were found, for [`lint`].
    pub evidence: Evidence,
}

/// Parse a plan from UTF-8 text.
pub fn parse_text(text: &str) -> Result<ParseOutcome, PlanError> {
    parse::parse_text_impl(text)
}

/// Parse a plan from the bytes of a .docx file.
pub fn parse_docx(bytes: &[u8]) -> Result<ParseOutcome, PlanError> {
    let text = docx::docx_to_text(bytes)?;
    parse_text(&text)
}

/// Parse a plan from bytes, choosing the reader by content: zip magic →
/// .docx; valid UTF-8 (or UTF-16 with a byte-order mark) → text; else an error.
pub fn parse_bytes(bytes: &[u8]) -> Result<ParseOutcome, PlanError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PlanError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return parse_docx(bytes);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return parse_text(s);
    }
    if let Some(s) = decode_utf16(bytes) {
        return parse_text(&s);
    }
    Err(PlanError::NotTextOrDocx)
}

/// Parse a plan from a file; see [`parse_bytes`]. Files over 20 MB are refused
/// before they are read.
pub fn parse_file(path: &Path) -> Result<ParseOutcome, PlanError> {
    let io = |source| PlanError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(PlanError::TooLarge {
            size: meta.len(),
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    parse_bytes(&bytes)
}

fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (le, body) = if let Some(b) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (true, b)
    } else if let Some(b) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (false, b)
    } else {
        return None;
    };
    if body.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|c| match c {
            [a, b] if le => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        })
        .collect();
    String::from_utf16(&units).ok()
}

/// Check a parsed plan for inconsistencies; see `docs/plan-format.md` for the codes.
pub fn lint(outcome: &ParseOutcome) -> Vec<Finding> {
    lint::lint_impl(outcome)
}
