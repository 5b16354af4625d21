//! Helpers shared by the integration tests: a report shaped like the plan's Part 2
//! table, and the poppler tools (pdftotext, pdftoppm) as oracles.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use prongsai_docs::pdf::Orientation;
use prongsai_docs::report::Totals;
use prongsai_docs::{Cell, Column, ColumnKind, ReportDoc, ReportTable, Row};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Budgets per fiscal year 2566–2570 for one row: `None` is the plan's "-".
fn budgets(v: Option<i64>) -> Vec<Cell> {
    (0..5).map(|_| Cell::from(v)).collect()
}

fn row(dimension: &str, mission: &str, project: &str, budget: Option<i64>) -> Row {
    let mut cells = vec![
        Cell::from(dimension),
        Cell::from(mission),
        Cell::from(project),
    ];
    cells.extend(budgets(budget));
    cells.push(Cell::Empty);
    Row::data(cells)
}

/// The plan's Part 2 table (Chachoengsao 2566–2570, abridged): dimension / mission /
/// project rows, budgets per year, a subtotal per dimension and a grand total of
/// 310,000 baht a year.
pub fn part2_doc() -> ReportDoc {
    let mut columns = vec![
        Column::new("มิติ", ColumnKind::Text, 22.0),
        Column::new("ภารกิจตามมิติ", ColumnKind::Text, 28.0),
        Column::new("โครงการ/กิจกรรม/มาตรการ", ColumnKind::Text, 40.0),
    ];
    for y in 2566..=2570 {
        columns.push(Column::new(
            format!("ปี {y}\nงบประมาณ (บาท)"),
            ColumnKind::Baht,
            14.0,
        ));
    }
    columns.push(Column::new("หมายเหตุ", ColumnKind::Text, 10.0));
    let mut t = ReportTable::new("ส่วนที่ ๒ แผนปฏิบัติการป้องกันการทุจริต", columns);
    t.sheet_name = "ส่วนที่ ๒ แผนปฏิบัติการ".to_string();
    let sub = |n: usize| {
        Row::subtotal([
            Cell::Empty,
            Cell::from("รวม"),
            Cell::from(format!("จำนวน {n} โครงการ")),
        ])
    };
    t.rows.push(row(
        "1. การสร้างวัฒนธรรมสุจริต",
        "1.1 การเสริมสร้างจิตสำนึกและความตระหนักแก่บุคลากรทั้งข้าราชการการเมืองฝ่ายบริหาร ข้าราชการการเมืองฝ่ายสภาท้องถิ่น และฝ่ายประจำขององค์กรปกครองส่วนท้องถิ่น",
        "1) โครงการเผยแพร่ประชาสัมพันธ์ความรู้ด้านกฎหมายและระเบียบที่เกี่ยวข้องกับการปฏิบัติงานให้แก่บุคลากรองค์กรปกครองส่วนท้องถิ่น ผู้บริหารและสมาชิกสภาท้องถิ่น",
        None,
    ));
    t.rows.push(row(
        "",
        "1.2 การสร้างจิตสำนึกและความตระหนักแก่เด็กและเยาวชน",
        "2) โครงการโรงเรียนคุณธรรม",
        Some(120_000),
    ));
    t.rows.push(sub(2));
    t.rows.push(row(
        "2. การบริหารราชการด้วยความโปร่งใส",
        "2.1 การเปิดเผยข้อมูลสาธารณะขององค์กรปกครองส่วนท้องถิ่น",
        "1) มาตรการปรับปรุงและพัฒนาศูนย์ข้อมูลข่าวสารเพื่อเผยแพร่ข้อมูลข่าวสารแก่ประชาชน",
        None,
    ));
    t.rows.push(row(
        "",
        "2.2 มาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "5) มาตรการ NO Gift Policy",
        None,
    ));
    t.rows.push(sub(23));
    t.rows.push(row(
        "3. การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน",
        "3.1 การส่งเสริมให้ประชาชนมีส่วนร่วมบริหารกิจการขององค์กรปกครองส่วนท้องถิ่น",
        "1) โครงการจัดเวทีประชาคม",
        Some(90_000),
    ));
    t.rows.push(row(
        "",
        "3.2 การรับฟังความคิดเห็น การรับ และตอบสนองเรื่องร้องเรียน/ร้องทุกข์ของประชาชน",
        "4) มาตรการจัดการเรื่องร้องทุกข์/ร้องเรียนของเทศบาลเมืองฉะเชิงเทรา",
        None,
    ));
    t.rows.push(sub(4));
    t.rows.push(row(
        "4. การยกระดับกลไกการตรวจสอบการดำเนินงานขององค์กรปกครองส่วนท้องถิ่น",
        "4.2 การส่งเสริมบทบาทการตรวจสอบของสภาท้องถิ่น",
        "4) โครงการส่งเสริมความรู้ด้านกฎ ระเบียบ และกฎหมายที่เกี่ยวข้อง สำหรับผู้บริหารและสมาชิกสภาท้องถิ่น",
        Some(100_000),
    ));
    t.rows.push(sub(7));
    t.totals = Some(Totals {
        label: "รวมทั้งสิ้น".to_string(),
        label_column: 1,
    });
    let mut doc =
        ReportDoc::new("แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส (พ.ศ. ๒๕๖๖ – ๒๕๗๐)");
    doc.subtitle = vec!["เทศบาลเมืองฉะเชิงเทรา".to_string()];
    doc.orientation = Orientation::Landscape;
    doc.footer = Some("เทศบาลเมืองฉะเชิงเทรา · รายงานผลรอบ ๖ เดือน ปีงบประมาณ ๒๕๖๖".to_string());
    doc.tables.push(t);
    doc
}

/// Text that pdftotext extracts from `pdf` (one page, or all).
pub fn pdftotext(pdf: &[u8], page: Option<u32>) -> Result<String, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf)?;
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-enc").arg("UTF-8");
    if let Some(p) = page {
        cmd.arg("-f")
            .arg(p.to_string())
            .arg("-l")
            .arg(p.to_string());
    }
    let out = cmd.arg(&path).arg("-").output()?;
    if !out.status.success() {
        return Err(format!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    if !out.stderr.is_empty() {
        return Err(format!(
            "pdftotext complained: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Number of pages according to pdfinfo.
pub fn page_count(pdf: &[u8]) -> Result<u32, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf)?;
    let out = Command::new("pdfinfo").arg(&path).output()?;
    let text = String::from_utf8(out.stdout)?;
    let line = text
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .ok_or("no Pages: line")?;
    Ok(line.trim_start_matches("Pages:").trim().parse()?)
}

/// Remove all whitespace, so phrases broken across lines still match.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A greyscale raster of one page.
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Gray {
    /// Pixels darker than mid-grey inside a rectangle.
    pub fn dark_in(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
        let mut n = 0;
        for y in y0..y1.min(self.height) {
            for x in x0..x1.min(self.width) {
                if self.pixels[y * self.width + x] < 128 {
                    n += 1;
                }
            }
        }
        n
    }
}

/// Render one page with pdftoppm as PGM (binary P5) at `dpi` and parse it.
pub fn render_page(pdf: &[u8], page: u32, dpi: u32) -> Result<Gray, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf)?;
    let prefix = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(&path)
        .arg(&prefix)
        .status()?;
    if !status.success() {
        return Err("pdftoppm failed".into());
    }
    parse_pgm(&std::fs::read(dir.path().join("page.pgm"))?)
}

/// Render page 1 as PNG to `out` (for a person to look at).
pub fn render_png(
    pdf: &[u8],
    page: u32,
    dpi: u32,
    out: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf)?;
    let prefix = out.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(&path)
        .arg(&prefix)
        .status()?;
    if !status.success() {
        return Err("pdftoppm failed".into());
    }
    Ok(())
}

fn parse_pgm(data: &[u8]) -> Result<Gray, Box<dyn std::error::Error>> {
    // Header: "P5" whitespace width whitespace height whitespace maxval single-whitespace.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while i < data.len() && data[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < data.len() && data[i] == b'#' {
            while i < data.len() && data[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < data.len() && !data[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            return Err("truncated PGM header".into());
        }
        fields.push(std::str::from_utf8(&data[start..i])?.to_string());
    }
    if fields[0] != "P5" || fields[3] != "255" {
        return Err(format!("unexpected PGM header {fields:?}").into());
    }
    let width: usize = fields[1].parse()?;
    let height: usize = fields[2].parse()?;
    let pixels = data
        .get(i + 1..i + 1 + width * height)
        .ok_or("truncated PGM data")?
        .to_vec();
    Ok(Gray {
        width,
        height,
        pixels,
    })
}
