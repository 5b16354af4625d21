//! The generic report model: a document with titles, paragraphs and tables, that the
//! reporting-round export fills and that [`to_pdf`] and [`to_xlsx`] turn into files.
//! No database here: callers map their data onto rows.

use crate::DocsError;
use crate::pdf::{Align, Orientation, PageSetup, PdfDocument, PdfTable, TableCell, TableColumn};

/// What a column holds; decides alignment, number format and whether it is totalled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text, left-aligned, not totalled.
    Text,
    /// Thai baht, `#,##0` (or `#,##0.00` if any amount has satang), totalled.
    Baht,
    /// A count or other number, `#,##0`, totalled.
    Number,
    /// A percentage given in percent points (80.0 means 80 %), not totalled.
    Percent,
}

impl ColumnKind {
    /// Whether totals and subtotals add this column up.
    pub fn is_summed(self) -> bool {
        matches!(self, ColumnKind::Baht | ColumnKind::Number)
    }
    /// Whether the column holds numbers.
    pub fn is_numeric(self) -> bool {
        !matches!(self, ColumnKind::Text)
    }
}

/// One column of a [`ReportTable`].
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Header text; `\n` starts a new line (e.g. "ปี 2566\nงบประมาณ (บาท)").
    pub header: String,
    pub kind: ColumnKind,
    /// Width in spreadsheet character units (about one Latin digit); the PDF shares the
    /// page width between columns in proportion to these.
    pub width: f32,
}

impl Column {
    pub fn new(header: impl Into<String>, kind: ColumnKind, width: f32) -> Self {
        Self {
            header: header.into(),
            kind,
            width,
        }
    }
}

/// One cell value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Cell {
    /// Nothing; shown as "-" in a numeric column (the plan's "no budget").
    #[default]
    Empty,
    Text(String),
    Number(f64),
}

/// One CSV field: quoted when it holds a comma, quote, or line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV document: UTF-8 with a byte-order mark (so spreadsheet programs read Thai),
/// each field through [`csv_field`], CRLF line ends.
pub fn csv_text<R, F>(rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = F>,
    F: AsRef<str>,
{
    let mut out = String::from("\u{FEFF}");
    for row in rows {
        let line: Vec<String> = row.into_iter().map(|f| csv_field(f.as_ref())).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// An amount in satang as a number of baht; no amount is an empty cell.
pub fn satang_cell(satang: Option<i64>) -> Cell {
    satang.map_or(Cell::Empty, |s| Cell::Number(s as f64 / 100.0))
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Number(v as f64)
    }
}
impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Cell::Empty, Cell::from)
    }
}

/// What a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Ordinary data; counted in subtotals and totals.
    Data,
    /// A group heading: the first cell's text spans the whole row, bold.
    Section,
    /// Sums of the summed columns over the data rows since the previous subtotal (or
    /// the start); its own numeric cells are ignored and computed. Bold.
    Subtotal,
}

/// One table row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn data(cells: impl IntoIterator<Item = Cell>) -> Self {
        Self {
            kind: RowKind::Data,
            cells: cells.into_iter().collect(),
        }
    }
    pub fn section(text: impl Into<String>) -> Self {
        Self {
            kind: RowKind::Section,
            cells: vec![Cell::Text(text.into())],
        }
    }
    /// A subtotal row; `cells` carry its labels (numbers are computed).
    pub fn subtotal(cells: impl IntoIterator<Item = Cell>) -> Self {
        Self {
            kind: RowKind::Subtotal,
            cells: cells.into_iter().collect(),
        }
    }
}

/// The grand-total row at the end of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub label: String,
    /// Column holding the label (usually the first text column).
    pub label_column: usize,
}

/// A table: one section of the PDF, one sheet of the XLSX.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportTable {
    pub title: String,
    /// Sheet name in the XLSX (Thai is fine; cut to 31 characters, `[]:*?/\` replaced).
    /// Empty means: from the title.
    pub sheet_name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub totals: Option<Totals>,
}

impl ReportTable {
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Self {
        Self {
            title: title.into(),
            sheet_name: String::new(),
            columns,
            rows: Vec::new(),
            totals: None,
        }
    }

    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        const EMPTY: &Cell = &Cell::Empty;
        self.rows
            .get(row)
            .and_then(|r| r.cells.get(col))
            .unwrap_or(EMPTY)
    }

    /// Index range of data rows that subtotal row `row` adds up.
    pub fn subtotal_range(&self, row: usize) -> std::ops::Range<usize> {
        let start = self.rows[..row.min(self.rows.len())]
            .iter()
            .rposition(|r| r.kind == RowKind::Subtotal)
            .map_or(0, |i| i + 1);
        start..row
    }

    fn sum_rows(&self, rows: impl Iterator<Item = usize> + Clone) -> Vec<Option<f64>> {
        self.columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                if !col.kind.is_summed() {
                    return None;
                }
                // Add in satang so that sums of baht amounts are exact.
                let satang: i64 = rows
                    .clone()
                    .filter(|&r| self.rows[r].kind == RowKind::Data)
                    .filter_map(|r| match self.cell(r, c) {
                        Cell::Number(v) => Some((v * 100.0).round() as i64),
                        _ => None,
                    })
                    .sum();
                Some(satang as f64 / 100.0)
            })
            .collect()
    }

    /// Computed values of subtotal row `row`, per column (None for unsummed columns).
    pub fn subtotal_values(&self, row: usize) -> Vec<Option<f64>> {
        self.sum_rows(self.subtotal_range(row))
    }

    /// Grand totals over all data rows, per column (None for unsummed columns).
    pub fn total_values(&self) -> Vec<Option<f64>> {
        self.sum_rows(0..self.rows.len())
    }

    /// Whether any value in column `col` (or its totals) has a fractional part.
    pub fn has_fractions(&self, col: usize) -> bool {
        self.rows
            .iter()
            .enumerate()
            .any(|(r, _)| matches!(self.cell(r, col), Cell::Number(v) if (v.fract()).abs() > 1e-9))
    }
}

/// A whole report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportDoc {
    /// Main title (first line of the PDF, first row of every sheet).
    pub title: String,
    /// Lines under the title (organization, round, period).
    pub subtitle: Vec<String>,
    /// Paragraphs before the tables (PDF only).
    pub paragraphs: Vec<String>,
    pub tables: Vec<ReportTable>,
    /// PDF page orientation; wide tables such as the plan's Part 2 want landscape.
    pub orientation: Orientation,
    /// Footer line on every PDF page (e.g. organization and date printed).
    pub footer: Option<String>,
    /// Write numbers in the PDF with Thai digits (๐–๙), as the plan document does.
    pub thai_digits: bool,
}

impl ReportDoc {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            subtitle: Vec::new(),
            paragraphs: Vec::new(),
            tables: Vec::new(),
            orientation: Orientation::Landscape,
            footer: None,
            thai_digits: false,
        }
    }
}

/// Replace Arabic digits by Thai digits.
pub use prongsai_domain::thai::to_thai_digits;

/// Format a number the way the column kind shows it: thousands separators, two
/// decimals only when `fractions`, a trailing % for percentages.
pub fn format_number(value: f64, kind: ColumnKind, fractions: bool) -> String {
    let decimals = if fractions { 2 } else { 0 };
    let s = format!("{:.*}", decimals, value.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let grouped = prongsai_domain::thai::group_digits(int);
    let neg = value < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if kind == ColumnKind::Percent {
        out.push('%');
    }
    out
}

fn display(
    doc: &ReportDoc,
    table: &ReportTable,
    col: usize,
    value: &Cell,
    computed: Option<f64>,
) -> String {
    let kind = table.columns.get(col).map_or(ColumnKind::Text, |c| c.kind);
    let s = match (computed, value) {
        (Some(v), _) => format_number(v, kind, table.has_fractions(col)),
        (None, Cell::Number(v)) => format_number(*v, kind, table.has_fractions(col)),
        (None, Cell::Text(t)) => return t.clone(),
        (None, Cell::Empty) if kind.is_numeric() => "-".to_string(),
        (None, Cell::Empty) => String::new(),
    };
    if doc.thai_digits {
        to_thai_digits(&s)
    } else {
        s
    }
}

fn is_number(table: &ReportTable, col: usize, value: &Cell, computed: Option<f64>) -> bool {
    computed.is_some()
        || (table.columns.get(col).is_some_and(|c| c.kind.is_numeric())
            && !matches!(value, Cell::Text(_)))
}

fn pdf_table(doc: &ReportDoc, table: &ReportTable) -> PdfTable {
    let columns = table
        .columns
        .iter()
        .map(|c| TableColumn {
            width: c.width,
            align: if c.kind.is_numeric() {
                Align::Right
            } else {
                Align::Left
            },
        })
        .collect::<Vec<_>>();
    let header = table
        .columns
        .iter()
        .map(|c| {
            TableCell::new(c.header.clone())
                .bold()
                .align(Align::Center)
                .fill(0.88)
        })
        .collect();
    let ncols = table.columns.len();
    let mut rows = Vec::with_capacity(table.rows.len() + 1);
    for (r, row) in table.rows.iter().enumerate() {
        match row.kind {
            RowKind::Section => {
                let text = match row.cells.first() {
                    Some(Cell::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                rows.push(vec![TableCell::new(text).bold().span(ncols).fill(0.95)]);
            }
            RowKind::Data | RowKind::Subtotal => {
                let sub = (row.kind == RowKind::Subtotal).then(|| table.subtotal_values(r));
                let cells = (0..ncols)
                    .map(|c| {
                        let computed = sub.as_ref().and_then(|s| s.get(c).copied().flatten());
                        let mut cell =
                            TableCell::new(display(doc, table, c, table.cell(r, c), computed));
                        if is_number(table, c, table.cell(r, c), computed) {
                            cell = cell.nowrap();
                        }
                        if sub.is_some() {
                            cell = cell.bold().fill(0.95);
                        }
                        cell
                    })
                    .collect();
                rows.push(cells);
            }
        }
    }
    if let Some(t) = &table.totals {
        let totals = table.total_values();
        let cells = (0..ncols)
            .map(|c| {
                let text = if c == t.label_column {
                    t.label.clone()
                } else {
                    match totals.get(c).copied().flatten() {
                        Some(v) => display(doc, table, c, &Cell::Empty, Some(v)),
                        None => String::new(),
                    }
                };
                let cell = TableCell::new(text).bold().fill(0.88);
                if c == t.label_column {
                    cell
                } else {
                    cell.nowrap()
                }
            })
            .collect();
        rows.push(cells);
    }
    PdfTable {
        columns,
        header_rows: vec![header],
        rows,
        font_size: 0.0,
    }
}

/// Render the report as a PDF.
pub fn to_pdf(doc: &ReportDoc) -> Result<Vec<u8>, DocsError> {
    let setup = PageSetup {
        orientation: doc.orientation,
        footer: doc.footer.clone(),
        title: Some(doc.title.clone()),
        ..PageSetup::default()
    };
    let mut pdf = PdfDocument::new(setup)?;
    pdf.heading(&doc.title, 1)?;
    for line in &doc.subtitle {
        let style = crate::pdf::TextStyle {
            align: Align::Center,
            space_after: 0.0,
            ..crate::pdf::TextStyle::body(pdf.setup().font_size)
        };
        pdf.text(line, &style)?;
    }
    pdf.space(pdf.setup().font_size * 0.5);
    for p in &doc.paragraphs {
        let style = crate::pdf::TextStyle {
            first_line_indent: 12.5 * crate::pdf::MM,
            ..crate::pdf::TextStyle::body(pdf.setup().font_size)
        };
        pdf.text(p, &style)?;
    }
    for table in &doc.tables {
        if !table.title.is_empty() {
            pdf.heading(&table.title, 2)?;
        }
        pdf.table(&pdf_table(doc, table))?;
    }
    pdf.finish()
}

/// Render the report as an XLSX workbook: one sheet per table.
pub fn to_xlsx(doc: &ReportDoc) -> Result<Vec<u8>, DocsError> {
    let mut book = crate::xlsx::XlsxBook::new();
    let mut titles = vec![doc.title.clone()];
    titles.extend(doc.subtitle.iter().cloned());
    for table in &doc.tables {
        let mut rows = titles.clone();
        if !table.title.is_empty() && table.title != doc.title {
            rows.push(table.title.clone());
        }
        book.add_table_sheet(&rows, table)?;
    }
    if doc.tables.is_empty() {
        book.add_table_sheet(&titles, &ReportTable::new("", Vec::new()))?;
    }
    book.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_like_the_plan() {
        assert_eq!(format_number(120000.0, ColumnKind::Baht, false), "120,000");
        assert_eq!(
            format_number(1234567.5, ColumnKind::Baht, true),
            "1,234,567.50"
        );
        assert_eq!(format_number(-1000.0, ColumnKind::Number, false), "-1,000");
        assert_eq!(format_number(80.0, ColumnKind::Percent, false), "80%");
        assert_eq!(format_number(0.0, ColumnKind::Baht, false), "0");
        assert_eq!(to_thai_digits("ปี 2566 ร้อยละ 80"), "ปี ๒๕๖๖ ร้อยละ ๘๐");
    }

    #[test]
    fn subtotals_sum_data_rows_since_the_previous_subtotal() {
        let mut t = ReportTable::new(
            "t",
            vec![
                Column::new("a", ColumnKind::Text, 10.0),
                Column::new("b", ColumnKind::Baht, 10.0),
            ],
        );
        t.rows.push(Row::section("กลุ่ม 1"));
        t.rows
            .push(Row::data([Cell::from("x"), Cell::from(100_i64)]));
        t.rows.push(Row::data([Cell::from("y"), Cell::from(0.5)]));
        t.rows.push(Row::subtotal([Cell::from("รวม")]));
        t.rows.push(Row::data([Cell::from("z"), Cell::Empty]));
        t.rows
            .push(Row::data([Cell::from("w"), Cell::from(20_i64)]));
        t.rows.push(Row::subtotal([Cell::from("รวม")]));
        assert_eq!(t.subtotal_values(3), vec![None, Some(100.5)]);
        assert_eq!(t.subtotal_values(6), vec![None, Some(20.0)]);
        assert_eq!(t.total_values(), vec![None, Some(120.5)]);
        assert!(t.has_fractions(1));
    }
}
