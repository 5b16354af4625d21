//! Prongsai's document outputs: PDF reports with correctly shaped Thai text and XLSX
//! spreadsheets in Thai, from one generic report model.
//!
//! - [`pdf`]: a small page-layout engine (A4 portrait/landscape, headings, wrapped Thai
//!   paragraphs, tables with repeated headers, footers, "หน้า n/N") that shapes text with
//!   rustybuzz and writes PDF with pdf-writer, embedding a subset of TLWG Laksaman.
//! - [`xlsx`]: a Thai report sheet writer on rust_xlsxwriter (TH Sarabun New formats,
//!   frozen header, `#,##0` baht, SUM totals with cached values).
//! - [`report`]: the model ([`ReportDoc`], [`ReportTable`], [`Column`]) that the
//!   reporting-round export fills, with [`to_pdf`] and [`to_xlsx`].
//! - [`rounds`]: a reporting round's report (summary by dimension, the Part 2 table
//!   with results) as that model; [`eplannacc`]: the e-PlanNACC export (CSV, XLSX).
//!
//! See `docs/documents.md`.

pub mod eplannacc;
pub mod font;
pub mod pdf;
pub mod report;
pub mod rounds;
pub(crate) mod text;
pub mod xlsx;

pub use report::{
    Cell, Column, ColumnKind, ReportDoc, ReportTable, Row, RowKind, csv_field, csv_text,
    format_number, to_pdf, to_thai_digits, to_xlsx,
};

/// Everything that can go wrong while making a document.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("font error: {0}")]
    Font(&'static str),
    #[error("font subsetting failed: {0}")]
    Subset(String),
    #[error("a document may use at most 65535 distinct glyphs per font")]
    TooManyGlyphs,
    #[error("table has {found} cells in a row but {expected} columns")]
    TableShape { expected: usize, found: usize },
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
