//! A small PDF document builder for reports, with correctly shaped Thai text.
//!
//! Layout happens as content is added (so the builder knows where every page breaks);
//! footers with "หน้า n/N" are added in [`PdfDocument::finish`], when N is known.
//!
//! Text: every line is shaped with rustybuzz (the font's GSUB/GPOS, so Thai vowels and
//! tone marks are substituted and positioned), and written as glyph ids through a
//! Type0/CIDFontType2 font with Identity-H encoding, a `/W` widths array, a
//! `CIDToGIDMap` into the subsetted font program, and a ToUnicode CMap so the text can
//! be copied and searched.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::DocsError;
use crate::font::{DocFont, FontFace, Measure, PlacedGlyph, Weight};
use crate::text::wrap;

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
const A4_SHORT: f32 = 595.276;
const A4_LONG: f32 = 841.89;

/// Page orientation (always A4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Orientation {
    #[default]
    Portrait,
    Landscape,
}

impl Orientation {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => (A4_SHORT, A4_LONG),
            Orientation::Landscape => (A4_LONG, A4_SHORT),
        }
    }
}

/// Horizontal alignment of text in a line or table cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Page margins in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Default for Margins {
    /// The Thai official-letter layout: 2.5 cm top, 3 cm left, 2 cm right and bottom.
    fn default() -> Self {
        Self {
            top: 25.0 * MM,
            right: 20.0 * MM,
            bottom: 20.0 * MM,
            left: 30.0 * MM,
        }
    }
}

/// Page setup for a whole document.
#[derive(Clone, Debug, PartialEq)]
pub struct PageSetup {
    pub orientation: Orientation,
    pub margins: Margins,
    /// Body text size in points (Thai government documents: 16 pt Sarabun).
    pub font_size: f32,
    /// Text at the left of the footer line on every page.
    pub footer: Option<String>,
    /// Print "หน้า n/N" at the right of the footer.
    pub page_numbers: bool,
    /// Document title for the PDF metadata.
    pub title: Option<String>,
}

impl Default for PageSetup {
    fn default() -> Self {
        Self {
            orientation: Orientation::Portrait,
            margins: Margins::default(),
            font_size: 16.0,
            footer: None,
            page_numbers: true,
            title: None,
        }
    }
}

/// How a block of text looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    pub size: f32,
    pub bold: bool,
    pub align: Align,
    /// Extra indent of the first line in points (Thai paragraphs often indent it).
    pub first_line_indent: f32,
    /// Space after the block in points.
    pub space_after: f32,
}

impl TextStyle {
    /// Plain body text at `size`.
    pub fn body(size: f32) -> Self {
        Self {
            size,
            bold: false,
            align: Align::Left,
            first_line_indent: 0.0,
            space_after: size * 0.3,
        }
    }
}

/// One column of a [`PdfTable`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TableColumn {
    /// Relative width: columns share the text width in proportion to these.
    pub width: f32,
    pub align: Align,
}

/// One table cell.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TableCell {
    pub text: String,
    pub bold: bool,
    /// Overrides the column's alignment.
    pub align: Option<Align>,
    /// Number of columns this cell covers (0 and 1 both mean one).
    pub colspan: usize,
    /// Background grey level (0 = black, 1 = white).
    pub fill: Option<f32>,
    /// Keep on one line (numbers): never wrap; if too wide, the text is set smaller.
    pub nowrap: bool,
}

impl TableCell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = Some(align);
        self
    }
    pub fn span(mut self, columns: usize) -> Self {
        self.colspan = columns;
        self
    }
    pub fn fill(mut self, grey: f32) -> Self {
        self.fill = Some(grey);
        self
    }
    pub fn nowrap(mut self) -> Self {
        self.nowrap = true;
        self
    }
    fn span_or_one(&self) -> usize {
        self.colspan.max(1)
    }
}

/// A table: header rows are repeated at the top of every page the table runs onto.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PdfTable {
    pub columns: Vec<TableColumn>,
    pub header_rows: Vec<Vec<TableCell>>,
    pub rows: Vec<Vec<TableCell>>,
    /// Text size in points; 0 means the document's body size minus 2.
    pub font_size: f32,
}

// ---------------------------------------------------------------------------------
// Laid-out pages

#[derive(Clone, Debug)]
enum Op {
    Text {
        weight: Weight,
        size: f32,
        /// Baseline start, in PDF coordinates (origin bottom-left).
        x: f32,
        y: f32,
        glyphs: Vec<PlacedGlyph>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    Stroke {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
}

struct Page {
    orientation: Orientation,
    ops: Vec<Op>,
}

/// Line height as a multiple of the font size. Laksaman (like TH Sarabun) draws small
/// letters on a tall body: stacked marks need about 0.95 em above the baseline and 0.35
/// em below.
const LINE_FACTOR: f32 = 1.3;
/// Baseline distance from the top of a line, as a multiple of the size.
const BASELINE_FACTOR: f32 = 0.95;

/// A PDF under construction.
pub struct PdfDocument {
    setup: PageSetup,
    fonts: [DocFont; 2],
    pages: Vec<Page>,
    /// Distance from the top of the current page to the next free line, in points.
    cursor: f32,
}

fn font_index(w: Weight) -> usize {
    match w {
        Weight::Regular => 0,
        Weight::Bold => 1,
    }
}

impl PdfDocument {
    /// Start a document with one empty page.
    pub fn new(setup: PageSetup) -> Result<Self, DocsError> {
        let fonts = [
            DocFont::new(FontFace::load(Weight::Regular)?),
            DocFont::new(FontFace::load(Weight::Bold)?),
        ];
        let orientation = setup.orientation;
        let mut doc = Self {
            cursor: setup.margins.top,
            setup,
            fonts,
            pages: Vec::new(),
        };
        doc.pages.push(Page {
            orientation,
            ops: Vec::new(),
        });
        Ok(doc)
    }

    /// The page setup in force.
    pub fn setup(&self) -> &PageSetup {
        &self.setup
    }

    /// Number of pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page_size(&self) -> (f32, f32) {
        self.pages
            .last()
            .map_or(self.setup.orientation, |p| p.orientation)
            .size()
    }

    /// Width available for text between the margins of the current page.
    pub fn text_width(&self) -> f32 {
        let (w, _) = self.page_size();
        w - self.setup.margins.left - self.setup.margins.right
    }

    fn bottom_limit(&self) -> f32 {
        let (_, h) = self.page_size();
        h - self.setup.margins.bottom
    }

    fn remaining(&self) -> f32 {
        self.bottom_limit() - self.cursor
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Page {
                orientation: self.setup.orientation,
                ops: Vec::new(),
            });
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    /// Start a new page in the document's orientation.
    pub fn new_page(&mut self) {
        let o = self.setup.orientation;
        self.new_page_with(o);
    }

    /// Start a new page in the given orientation (following pages keep it).
    pub fn new_page_with(&mut self, orientation: Orientation) {
        self.setup.orientation = orientation;
        self.pages.push(Page {
            orientation,
            ops: Vec::new(),
        });
        self.cursor = self.setup.margins.top;
    }

    /// If the current page is still empty, switch its orientation; otherwise start a new
    /// page in that orientation.
    pub fn ensure_orientation(&mut self, orientation: Orientation) {
        let empty = self.pages.last().is_none_or(|p| p.ops.is_empty());
        if empty {
            self.setup.orientation = orientation;
            if let Some(p) = self.pages.last_mut() {
                p.orientation = orientation;
            }
            self.cursor = self.setup.margins.top;
        } else if self.pages.last().map(|p| p.orientation) != Some(orientation) {
            self.new_page_with(orientation);
        }
    }

    /// Vertical space in points (ignored at the top of a page).
    pub fn space(&mut self, points: f32) {
        if self.cursor > self.setup.margins.top + 0.01 {
            self.cursor = (self.cursor + points).min(self.bottom_limit());
        }
    }

    /// A heading: bold; level 1 is centred and larger. Kept with at least two following
    /// lines of body text.
    pub fn heading(&mut self, text: &str, level: u8) -> Result<(), DocsError> {
        let base = self.setup.font_size;
        let (size, align) = match level {
            0 | 1 => (base + 4.0, Align::Center),
            2 => (base + 2.0, Align::Left),
            _ => (base, Align::Left),
        };
        let style = TextStyle {
            size,
            bold: true,
            align,
            first_line_indent: 0.0,
            space_after: base * 0.4,
        };
        let keep = 2.0 * base * LINE_FACTOR;
        self.text_block(text, &style, keep)
    }

    /// A body paragraph in the document's text size.
    pub fn paragraph(&mut self, text: &str) -> Result<(), DocsError> {
        let style = TextStyle::body(self.setup.font_size);
        self.text_block(text, &style, 0.0)
    }

    /// A block of text in the given style.
    pub fn text(&mut self, text: &str, style: &TextStyle) -> Result<(), DocsError> {
        self.text_block(text, style, 0.0)
    }

    fn wrap_lines(
        &self,
        text: &str,
        weight: Weight,
        size: f32,
        width: f32,
        first_indent: f32,
    ) -> Vec<String> {
        let face = &self.fonts[font_index(weight)].face;
        let measure = Measure::new(face, text, size);
        // The first line is narrower by the indent: measure it as if it were wider.
        let mut first = true;
        let mut width_of = |a: usize, b: usize| {
            let w = measure.width(a, b);
            if a == 0 && first_indent > 0.0 {
                first = false;
                w + first_indent
            } else {
                w
            }
        };
        let lines = wrap(text, width, &mut width_of);
        lines
            .into_iter()
            .map(|(a, b)| text.get(a..b).unwrap_or("").to_string())
            .collect()
    }

    fn text_block(&mut self, text: &str, style: &TextStyle, keep: f32) -> Result<(), DocsError> {
        let weight = if style.bold {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let width = self.text_width();
        let lines = self.wrap_lines(text, weight, style.size, width, style.first_line_indent);
        let line_h = style.size * LINE_FACTOR;
        if self.remaining() < line_h + keep {
            self.new_page();
        }
        for (i, line) in lines.iter().enumerate() {
            if self.remaining() < line_h {
                self.new_page();
            }
            let indent = if i == 0 { style.first_line_indent } else { 0.0 };
            let left = self.setup.margins.left + indent;
            let baseline_top = self.cursor + style.size * BASELINE_FACTOR;
            self.draw_text(
                line,
                weight,
                style.size,
                left,
                width - indent,
                style.align,
                baseline_top,
            )?;
            self.cursor += line_h;
        }
        self.space(style.space_after);
        Ok(())
    }

    /// Shape and place one line. `top_baseline` is measured from the top of the page.
    #[allow(clippy::too_many_arguments)]
    fn draw_text(
        &mut self,
        line: &str,
        weight: Weight,
        size: f32,
        left: f32,
        width: f32,
        align: Align,
        top_baseline: f32,
    ) -> Result<(), DocsError> {
        if line.is_empty() {
            return Ok(());
        }
        let (_, page_h) = self.page_size();
        let (glyphs, advance) = self.fonts[font_index(weight)].place(line, size)?;
        let x = match align {
            Align::Left => left,
            Align::Center => left + (width - advance) / 2.0,
            Align::Right => left + width - advance,
        };
        self.ops().push(Op::Text {
            weight,
            size,
            x,
            y: page_h - top_baseline,
            glyphs,
        });
        Ok(())
    }

    /// Add a table. Rows that do not fit on the page move to the next page, under a
    /// repeated copy of the header rows; a row taller than a whole page is split between
    /// lines.
    pub fn table(&mut self, table: &PdfTable) -> Result<(), DocsError> {
        let ncols = table.columns.len();
        for row in table.header_rows.iter().chain(&table.rows) {
            let found: usize = row.iter().map(TableCell::span_or_one).sum();
            if found != ncols {
                return Err(DocsError::TableShape {
                    expected: ncols,
                    found,
                });
            }
        }
        let size = if table.font_size > 0.0 {
            table.font_size
        } else {
            self.setup.font_size - 2.0
        };
        let headers: Vec<LaidRow> = table
            .header_rows
            .iter()
            .map(|r| self.lay_row(table, r, size))
            .collect();
        let header_h: f32 = headers.iter().map(|r| r.height).sum();
        let line_h = size * LINE_FACTOR;

        let mut need_header = true;
        for row in &table.rows {
            let laid = self.lay_row(table, row, size);
            // Start a new page if not even the header plus one line of this row fits.
            let min_needed =
                laid.height.min(laid.pad * 2.0 + line_h) + if need_header { header_h } else { 0.0 };
            if self.remaining() < min_needed {
                self.new_page();
                need_header = true;
            }
            if need_header {
                for h in &headers {
                    self.draw_row(h, 0, h.max_lines(), size)?;
                }
                need_header = false;
            }
            if laid.height <= self.remaining() {
                self.draw_row(&laid, 0, laid.max_lines(), size)?;
                continue;
            }
            // Too tall for what is left: split between lines.
            let mut from = 0;
            let total = laid.max_lines();
            while from < total {
                let fit = ((self.remaining() - laid.pad * 2.0) / line_h).floor();
                let fit = if fit < 1.0 { 0 } else { fit as usize };
                if fit == 0 {
                    self.new_page();
                    for h in &headers {
                        self.draw_row(h, 0, h.max_lines(), size)?;
                    }
                    continue;
                }
                let to = (from + fit).min(total);
                self.draw_row(&laid, from, to, size)?;
                from = to;
                if from < total {
                    self.new_page();
                    for h in &headers {
                        self.draw_row(h, 0, h.max_lines(), size)?;
                    }
                }
            }
        }
        self.space(self.setup.font_size * 0.5);
        Ok(())
    }

    fn lay_row(&self, table: &PdfTable, row: &[TableCell], size: f32) -> LaidRow {
        let total_weight: f32 = table.columns.iter().map(|c| c.width.max(0.0)).sum();
        let text_w = self.text_width();
        let col_w: Vec<f32> = table
            .columns
            .iter()
            .map(|c| {
                if total_weight > 0.0 {
                    c.width.max(0.0) / total_weight * text_w
                } else {
                    text_w / table.columns.len().max(1) as f32
                }
            })
            .collect();
        let pad = (size * 0.25).max(2.0);
        let mut col = 0;
        let mut cells = Vec::with_capacity(row.len());
        for cell in row {
            let span = cell.span_or_one();
            let x = self.setup.margins.left + col_w[..col].iter().sum::<f32>();
            let w: f32 = col_w[col..(col + span).min(col_w.len())].iter().sum();
            let align = cell
                .align
                .or_else(|| table.columns.get(col).map(|c| c.align))
                .unwrap_or_default();
            let weight = if cell.bold {
                Weight::Bold
            } else {
                Weight::Regular
            };
            let avail = (w - 2.0 * pad).max(1.0);
            let (lines, cell_size) = if cell.nowrap {
                let face = &self.fonts[font_index(weight)].face;
                let natural = Measure::new(face, &cell.text, size).width(0, cell.text.len());
                let fitted = if natural > avail {
                    (size * avail / natural).max(size * 0.5)
                } else {
                    size
                };
                (vec![cell.text.clone()], fitted)
            } else {
                (self.wrap_lines(&cell.text, weight, size, avail, 0.0), size)
            };
            cells.push(LaidCell {
                x,
                w,
                lines,
                weight,
                size: cell_size,
                align,
                fill: cell.fill,
            });
            col += span;
        }
        let max_lines = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        LaidRow {
            height: max_lines as f32 * size * LINE_FACTOR + 2.0 * pad,
            pad,
            cells,
        }
    }

    /// Draw lines `from..to` of a laid-out row at the cursor, with borders.
    fn draw_row(
        &mut self,
        row: &LaidRow,
        from: usize,
        to: usize,
        size: f32,
    ) -> Result<(), DocsError> {
        let (_, page_h) = self.page_size();
        let line_h = size * LINE_FACTOR;
        let h = (to - from).max(1) as f32 * line_h + 2.0 * row.pad;
        let top = self.cursor;
        for cell in &row.cells {
            if let Some(grey) = cell.fill {
                self.ops().push(Op::Fill {
                    x: cell.x,
                    y: page_h - top - h,
                    w: cell.w,
                    h,
                    grey,
                });
            }
        }
        for cell in &row.cells {
            for (i, line) in cell.lines.iter().enumerate().take(to).skip(from) {
                let baseline = top + row.pad + (i - from) as f32 * line_h + size * BASELINE_FACTOR;
                self.draw_text(
                    line,
                    cell.weight,
                    cell.size,
                    cell.x + row.pad,
                    cell.w - 2.0 * row.pad,
                    cell.align,
                    baseline,
                )?;
            }
            self.ops().push(Op::Stroke {
                x: cell.x,
                y: page_h - top - h,
                w: cell.w,
                h,
                width: 0.5,
            });
        }
        self.cursor += h;
        Ok(())
    }

    /// Lay out footers and write the PDF.
    pub fn finish(mut self) -> Result<Vec<u8>, DocsError> {
        self.add_footers()?;
        write_pdf(&self)
    }

    fn add_footers(&mut self) -> Result<(), DocsError> {
        let n = self.pages.len();
        let footer = self.setup.footer.clone();
        if footer.is_none() && !self.setup.page_numbers {
            return Ok(());
        }
        let size = (self.setup.font_size - 2.0).max(8.0);
        let m = self.setup.margins;
        for i in 0..n {
            let (w, _) = self.pages[i].orientation.size();
            let line_y = m.bottom - 4.0;
            let baseline = line_y - size * BASELINE_FACTOR - 1.0;
            let mut ops = Vec::new();
            ops.push(Op::Line {
                x1: m.left,
                y1: line_y,
                x2: w - m.right,
                y2: line_y,
                width: 0.5,
            });
            let text_w = w - m.left - m.right;
            let mut right_w = 0.0;
            if self.setup.page_numbers {
                let label = format!("หน้า {}/{}", i + 1, n);
                let (glyphs, adv) = self.fonts[0].place(&label, size)?;
                right_w = adv + size;
                ops.push(Op::Text {
                    weight: Weight::Regular,
                    size,
                    x: w - m.right - adv,
                    y: baseline,
                    glyphs,
                });
            }
            if let Some(f) = &footer {
                // One line only: cut at the last cluster that fits.
                let lines = self.wrap_lines(f, Weight::Regular, size, text_w - right_w, 0.0);
                if let Some(first) = lines.first() {
                    let (glyphs, _) = self.fonts[0].place(first, size)?;
                    ops.push(Op::Text {
                        weight: Weight::Regular,
                        size,
                        x: m.left,
                        y: baseline,
                        glyphs,
                    });
                }
            }
            self.pages[i].ops.extend(ops);
        }
        Ok(())
    }
}

struct LaidCell {
    x: f32,
    w: f32,
    lines: Vec<String>,
    weight: Weight,
    /// Text size (smaller than the table's for a shrunk `nowrap` cell).
    size: f32,
    align: Align,
    fill: Option<f32>,
}

struct LaidRow {
    height: f32,
    pad: f32,
    cells: Vec<LaidCell>,
}

impl LaidRow {
    fn max_lines(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1)
    }
}

// ---------------------------------------------------------------------------------
// Writing

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

struct RefAlloc(i32);

impl RefAlloc {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// Six capital letters naming a subset, derived from the glyphs in it (PDF 9.6.4).
fn subset_tag(font: &DocFont) -> String {
    let mut h = DefaultHasher::new();
    for e in &font.entries {
        e.gid.hash(&mut h);
    }
    let mut v = Hasher::finish(&h);
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (v % 26) as u8);
            v /= 26;
            c
        })
        .collect()
}

fn write_pdf(doc: &PdfDocument) -> Result<Vec<u8>, DocsError> {
    let mut alloc = RefAlloc(0);
    let catalog_id = alloc.next();
    let tree_id = alloc.next();
    let info_id = alloc.next();
    let mut pdf = Pdf::new();

    // Fonts.
    let font_names = [Name(b"F0"), Name(b"F1")];
    let mut font_refs: [Option<Ref>; 2] = [None, None];
    for (i, font) in doc.fonts.iter().enumerate() {
        if !font.is_used() {
            continue;
        }
        let type0 = alloc.next();
        let cid_ref = alloc.next();
        let descriptor = alloc.next();
        let file_ref = alloc.next();
        let tounicode = alloc.next();
        let cid_map_ref = alloc.next();
        font_refs[i] = Some(type0);

        let face = &font.face;
        let base_name = format!("{}+{}", subset_tag(font), face.postscript_name);
        let base = Name(base_name.as_bytes());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let (program, cid_to_gid) = font.subset()?;

        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(tounicode);

        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system_info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_stream(cid_map_ref);
        let widths: Vec<f32> = (0..font.entries.len())
            .map(|c| font.cid_width(u16::try_from(c).unwrap_or(0)))
            .collect();
        cid.widths().consecutive(0, widths);
        cid.finish();

        let to_pdf = |v: f32| v * 1000.0 / face.units_per_em;
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                to_pdf(face.bbox[0]),
                to_pdf(face.bbox[1]),
                to_pdf(face.bbox[2]),
                to_pdf(face.bbox[3]),
            ))
            .italic_angle(0.0)
            .ascent(to_pdf(face.ascender))
            .descent(to_pdf(face.descender))
            .cap_height(to_pdf(face.cap_height))
            .stem_v(if i == 1 { 120.0 } else { 80.0 })
            .font_file2(file_ref);

        let compressed = deflate(&program);
        pdf.stream(file_ref, &compressed)
            .filter(Filter::FlateDecode)
            .pair(
                Name(b"Length1"),
                i32::try_from(program.len()).unwrap_or(i32::MAX),
            );

        let mut map = Vec::with_capacity(cid_to_gid.len() * 2);
        for g in &cid_to_gid {
            map.extend_from_slice(&g.to_be_bytes());
        }
        let map = deflate(&map);
        pdf.stream(cid_map_ref, &map).filter(Filter::FlateDecode);

        let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
        for (c, e) in font.entries.iter().enumerate().skip(1) {
            if e.text.is_empty() {
                continue;
            }
            cmap.pair_with_multiple(u16::try_from(c).unwrap_or(0), e.text.chars());
        }
        let cmap = deflate(&cmap.finish());
        pdf.cmap(tounicode, &cmap).filter(Filter::FlateDecode);
    }

    // Pages.
    let mut page_ids = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        let page_id = alloc.next();
        let content_id = alloc.next();
        page_ids.push(page_id);
        let content = page_content(doc, page, &font_names);
        let content = deflate(&content);
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);
        let (w, h) = page.orientation.size();
        let mut p = pdf.page(page_id);
        p.parent(tree_id)
            .media_box(Rect::new(0.0, 0.0, w, h))
            .contents(content_id);
        let mut res = p.resources();
        let mut fonts = res.fonts();
        for (i, r) in font_refs.iter().enumerate() {
            if let Some(r) = r {
                fonts.pair(font_names[i], *r);
            }
        }
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree_id).kids(page_ids).count(count);
    {
        let mut cat = pdf.catalog(catalog_id);
        cat.pages(tree_id);
        cat.lang(TextStr("th"));
    }
    let mut info = pdf.document_info(info_id);
    if let Some(t) = &doc.setup.title {
        info.title(TextStr(t));
    }
    info.producer(TextStr("Prongsai"));
    info.finish();
    Ok(pdf.finish())
}

fn page_content(doc: &PdfDocument, page: &Page, names: &[Name; 2]) -> Vec<u8> {
    let mut c = Content::new();
    for op in &page.ops {
        match op {
            Op::Fill { x, y, w, h, grey } => {
                c.save_state();
                c.set_fill_gray(*grey);
                c.rect(*x, *y, *w, *h);
                c.fill_nonzero();
                c.restore_state();
            }
            Op::Stroke { x, y, w, h, width } => {
                c.set_line_width(*width);
                c.set_stroke_gray(0.0);
                c.rect(*x, *y, *w, *h);
                c.stroke();
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                c.set_line_width(*width);
                c.set_stroke_gray(0.0);
                c.move_to(*x1, *y1);
                c.line_to(*x2, *y2);
                c.stroke();
            }
            Op::Text {
                weight,
                size,
                x,
                y,
                glyphs,
            } => {
                let i = font_index(*weight);
                write_glyphs(&mut c, &doc.fonts[i], names[i], *size, *x, *y, glyphs);
            }
        }
    }
    c.finish().to_vec()
}

/// Write one shaped run. Glyphs are shown with `TJ`; wherever the shaped position
/// differs from where the PDF viewer's pen would be (after the previous glyph's `/W`
/// width), a TJ adjustment moves it; vertical offsets (stacked Thai marks when the
/// font uses GPOS offsets) use the text rise `Ts`.
fn write_glyphs(
    c: &mut Content,
    font: &DocFont,
    name: Name,
    size: f32,
    x: f32,
    y: f32,
    glyphs: &[PlacedGlyph],
) {
    c.begin_text();
    c.set_fill_gray(0.0);
    c.set_font(name, size);
    c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
    let mut pen = 0.0f32;
    let mut rise = 0.0f32;
    let mut i = 0;
    while i < glyphs.len() {
        let this_rise = glyphs[i].y;
        if (this_rise - rise).abs() > 0.001 {
            c.set_rise(this_rise);
            rise = this_rise;
        }
        let mut tj = c.show_positioned();
        let mut items = tj.items();
        let mut pending: Vec<u8> = Vec::new();
        while i < glyphs.len() && (glyphs[i].y - rise).abs() <= 0.001 {
            let g = glyphs[i];
            let delta = g.x - pen;
            if delta.abs() > 0.001 {
                if !pending.is_empty() {
                    items.show(Str(&pending));
                    pending.clear();
                }
                items.adjust(-delta * 1000.0 / size);
            }
            pending.extend_from_slice(&g.cid.to_be_bytes());
            pen = g.x + font.cid_width(g.cid) * size / 1000.0;
            i += 1;
        }
        if !pending.is_empty() {
            items.show(Str(&pending));
        }
    }
    if rise.abs() > 0.001 {
        c.set_rise(0.0);
    }
    c.end_text();
}
