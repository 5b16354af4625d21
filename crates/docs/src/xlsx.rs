//! XLSX output in Thai, on rust_xlsxwriter.
//!
//! A report sheet has: title rows (merged across the table, bold), a header row (bold,
//! wrapped, bordered, shaded; panes frozen below it and repeated when printed), data
//! rows (`#,##0` for baht), subtotal rows and a totals row whose cells are real `SUM`
//! formulas **with** the computed value cached, so viewers that do not recalculate
//! (previewers, some web viewers, parsers) still show the right number. Every format
//! uses the font "TH Sarabun New" at 16 pt, the Thai government standard.

use std::collections::HashSet;

use rust_xlsxwriter::{
    ColNum, Color, Format, FormatAlign, FormatBorder, Formula, RowNum, Workbook, Worksheet,
};

use crate::DocsError;
use crate::report::{Cell, ColumnKind, ReportTable, RowKind};

/// Font name written in every cell format.
pub const THAI_FONT: &str = "TH Sarabun New";
/// Font size in points.
pub const THAI_FONT_SIZE: f64 = 16.0;

/// Column letters for a 0-based column index (0 → A, 26 → AA).
pub fn column_letter(mut col: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + (col % 26) as u8));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.iter().rev().collect()
}

/// A1-style reference, 0-based row and column.
pub fn cell_ref(row: u32, col: u16) -> String {
    format!("{}{}", column_letter(col), row + 1)
}

/// Make a valid, unique sheet name: at most 31 characters, no `[]:*?/\`, not empty.
pub fn sheet_name(wanted: &str, taken: &HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect::<String>()
        .trim()
        .trim_matches('\'')
        .to_string();
    let base: String = if clean.is_empty() {
        "รายงาน".to_string()
    } else {
        truncate_clusters(&clean, 31)
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let keep = 31 - suffix.chars().count();
        name = format!("{}{}", truncate_clusters(&base, keep), suffix);
        n += 1;
    }
    name
}

/// At most `max` characters of `s`, never cutting a Thai vowel or tone mark off its
/// consonant.
fn truncate_clusters(s: &str, max: usize) -> String {
    let mut end = 0;
    for start in crate::text::cluster_starts(s).into_iter().chain([s.len()]) {
        if s[..start].chars().count() > max {
            break;
        }
        end = start;
    }
    s[..end].to_string()
}

fn base_format() -> Format {
    Format::new()
        .set_font_name(THAI_FONT)
        .set_font_size(THAI_FONT_SIZE)
}

/// The cell formats of a report sheet.
pub struct Formats {
    pub title: Format,
    pub header: Format,
    pub text: Format,
    pub text_bold: Format,
    pub section: Format,
}

impl Formats {
    pub fn new() -> Self {
        let bordered = base_format()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        Self {
            title: base_format()
                .set_bold()
                .set_font_size(THAI_FONT_SIZE + 2.0)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: bordered
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xE0E0E0)),
            text: bordered.clone(),
            text_bold: bordered
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            section: bordered
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
        }
    }

    /// Format for a number in a column of `kind`; `fractions` adds two decimals.
    pub fn number(kind: ColumnKind, fractions: bool, bold: bool) -> Format {
        let num = match (kind, fractions) {
            (ColumnKind::Percent, false) => "0%",
            (ColumnKind::Percent, true) => "0.00%",
            (_, false) => "#,##0",
            (_, true) => "#,##0.00",
        };
        let mut f = base_format()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Right)
            .set_align(FormatAlign::Top)
            .set_num_format(num);
        if bold {
            f = f.set_bold().set_background_color(Color::RGB(0xF2F2F2));
        }
        f
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// A workbook of Thai report sheets.
pub struct XlsxBook {
    workbook: Workbook,
    names: HashSet<String>,
}

impl Default for XlsxBook {
    fn default() -> Self {
        Self::new()
    }
}

/// Number as written in a formula's cached result.
fn result_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `SUM(D5:D7,D9:D12)` over the given rows (0-based sheet rows) of a column, merging
/// consecutive rows into ranges.
pub fn sum_formula(col: u16, rows: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let start = rows[i];
        let mut end = start;
        while i + 1 < rows.len() && rows[i + 1] == end + 1 {
            i += 1;
            end = rows[i];
        }
        parts.push(format!("{}:{}", cell_ref(start, col), cell_ref(end, col)));
        i += 1;
    }
    if parts.is_empty() {
        "=0".to_string()
    } else {
        format!("=SUM({})", parts.join(","))
    }
}

impl XlsxBook {
    pub fn new() -> Self {
        Self {
            workbook: Workbook::new(),
            names: HashSet::new(),
        }
    }

    /// Add a sheet named after the table (its `sheet_name`, else its title) holding
    /// `title_rows` then the table.
    pub fn add_table_sheet(
        &mut self,
        title_rows: &[String],
        table: &ReportTable,
    ) -> Result<(), DocsError> {
        let wanted = if table.sheet_name.is_empty() {
            &table.title
        } else {
            &table.sheet_name
        };
        let name = sheet_name(wanted, &self.names);
        self.names.insert(name.to_lowercase());
        let ws = self.workbook.add_worksheet();
        ws.set_name(&name)?;
        write_report_sheet(ws, title_rows, table)
    }

    /// The workbook as XLSX bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, DocsError> {
        Ok(self.workbook.save_to_buffer()?)
    }
}

fn col_num(c: usize) -> ColNum {
    ColNum::try_from(c).unwrap_or(ColNum::MAX)
}

/// Write a Thai report sheet into `ws`: titles, header, rows, subtotals, totals.
pub fn write_report_sheet(
    ws: &mut Worksheet,
    title_rows: &[String],
    table: &ReportTable,
) -> Result<(), DocsError> {
    let f = Formats::new();
    let ncols = table.columns.len().max(1);
    let last_col = col_num(ncols - 1);
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    let mut row: RowNum = 0;
    for t in title_rows {
        if last_col > 0 {
            ws.merge_range(row, 0, row, last_col, t, &f.title)?;
        } else {
            ws.write_string_with_format(row, 0, t, &f.title)?;
        }
        row += 1;
    }
    if !title_rows.is_empty() {
        row += 1;
    }
    for (c, col) in table.columns.iter().enumerate() {
        ws.set_column_width(col_num(c), f64::from(col.width.max(4.0)))?;
        ws.write_string_with_format(row, col_num(c), &col.header, &f.header)?;
    }
    let header_row = row;
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_repeat_rows(header_row, header_row)?;
    row += 1;

    let fractions: Vec<bool> = (0..table.columns.len())
        .map(|c| table.has_fractions(c))
        .collect();
    let kinds: Vec<ColumnKind> = table.columns.iter().map(|c| c.kind).collect();
    // Sheet row of each table row, for formulas.
    let mut sheet_rows: Vec<RowNum> = Vec::with_capacity(table.rows.len());
    for (r, trow) in table.rows.iter().enumerate() {
        sheet_rows.push(row);
        match trow.kind {
            RowKind::Section => {
                let text = match trow.cells.first() {
                    Some(Cell::Text(t)) => t.as_str(),
                    _ => "",
                };
                if last_col > 0 {
                    ws.merge_range(row, 0, row, last_col, text, &f.section)?;
                } else {
                    ws.write_string_with_format(row, 0, text, &f.section)?;
                }
            }
            RowKind::Data => {
                for (c, kind) in kinds.iter().enumerate() {
                    write_cell(
                        ws,
                        row,
                        col_num(c),
                        table.cell(r, c),
                        *kind,
                        fractions[c],
                        &f,
                        false,
                    )?;
                }
            }
            RowKind::Subtotal => {
                let values = table.subtotal_values(r);
                let data_rows: Vec<RowNum> = table
                    .subtotal_range(r)
                    .filter(|&i| table.rows[i].kind == RowKind::Data)
                    .map(|i| sheet_rows[i])
                    .collect();
                for (c, kind) in kinds.iter().enumerate() {
                    match values.get(c).copied().flatten() {
                        Some(v) => {
                            let formula = Formula::new(sum_formula(col_num(c), &data_rows))
                                .set_result(result_text(v));
                            ws.write_formula_with_format(
                                row,
                                col_num(c),
                                formula,
                                &Formats::number(*kind, fractions[c], true),
                            )?;
                        }
                        None => {
                            write_cell(
                                ws,
                                row,
                                col_num(c),
                                table.cell(r, c),
                                *kind,
                                fractions[c],
                                &f,
                                true,
                            )?;
                        }
                    }
                }
            }
        }
        row += 1;
    }
    if let Some(t) = &table.totals {
        let values = table.total_values();
        let data_rows: Vec<RowNum> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RowKind::Data)
            .map(|(i, _)| sheet_rows[i])
            .collect();
        for (c, kind) in kinds.iter().enumerate() {
            match values.get(c).copied().flatten() {
                Some(v) => {
                    let formula = Formula::new(sum_formula(col_num(c), &data_rows))
                        .set_result(result_text(v));
                    ws.write_formula_with_format(
                        row,
                        col_num(c),
                        formula,
                        &Formats::number(*kind, fractions[c], true),
                    )?;
                }
                None if c == t.label_column => {
                    ws.write_string_with_format(row, col_num(c), &t.label, &f.text_bold)?;
                }
                None => {
                    ws.write_blank(row, col_num(c), &f.text_bold)?;
                }
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_cell(
    ws: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    cell: &Cell,
    kind: ColumnKind,
    fractions: bool,
    f: &Formats,
    bold: bool,
) -> Result<(), DocsError> {
    let text_format = if bold { &f.text_bold } else { &f.text };
    match cell {
        Cell::Text(t) => {
            if kind.is_numeric() {
                let fmt = Formats::number(kind, fractions, bold);
                ws.write_string_with_format(row, col, t, &fmt)?;
            } else {
                ws.write_string_with_format(row, col, t, text_format)?;
            }
        }
        Cell::Number(v) => {
            let v = if kind == ColumnKind::Percent {
                v / 100.0
            } else {
                *v
            };
            ws.write_number_with_format(row, col, v, &Formats::number(kind, fractions, bold))?;
        }
        Cell::Empty if kind.is_numeric() => {
            let fmt = Formats::number(kind, fractions, bold);
            ws.write_string_with_format(row, col, "-", &fmt)?;
        }
        Cell::Empty => {
            ws.write_blank(row, col, text_format)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_formulas() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(cell_ref(4, 3), "D5");
        assert_eq!(
            sum_formula(3, &[4, 5, 6, 8, 10, 11]),
            "=SUM(D5:D7,D9:D9,D11:D12)"
        );
        assert_eq!(sum_formula(3, &[]), "=0");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::new();
        let a = sheet_name("ส่วนที่ 2: แผน/โครงการ [2566]", &taken);
        assert_eq!(a, "ส่วนที่ 2- แผน-โครงการ -2566-");
        taken.insert(a.to_lowercase());
        let b = sheet_name("ส่วนที่ 2: แผน/โครงการ [2566]", &taken);
        assert_eq!(b, "ส่วนที่ 2- แผน-โครงการ -256 (2)");
        // Never cut between a consonant and its marks: "ที่" is 3 characters.
        assert_eq!(truncate_clusters("ที่ที่", 4), "ที่");
        let long = sheet_name(&"ก".repeat(40), &HashSet::new());
        assert_eq!(long.chars().count(), 31);
    }
}
