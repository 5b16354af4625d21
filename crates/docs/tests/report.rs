//! The report model rendered both ways, for a document shaped like the plan's Part 2
//! table: the totals must agree in the PDF text and in the XLSX (formula + cached value),
//! and a real spreadsheet reader (openpyxl) must read the Thai and the totals.

mod common;

use std::io::Read;
use std::process::Command;

use common::{TestResult, part2_doc, pdftotext, squash};

fn zip_entry(xlsx: &[u8], name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx))?;
    let mut file = archive.by_name(name)?;
    let mut s = String::new();
    file.read_to_string(&mut s)?;
    Ok(s)
}

#[test]
fn part2_totals_in_the_pdf() -> TestResult {
    let doc = part2_doc();
    let table = &doc.tables[0];
    let totals = table.total_values();
    assert_eq!(totals[3..8], [Some(310_000.0); 5]);
    let pdf = prongsai_docs::to_pdf(&doc)?;
    let text = squash(&pdftotext(&pdf, None)?);
    assert!(text.contains("รวมทั้งสิ้น"), "{text}");
    assert!(
        text.contains(&"310,000".repeat(5)),
        "grand totals missing: {text}"
    );
    // Dimension subtotals, in order: 120,000 / - / 90,000 / 100,000 per year.
    assert!(text.contains(&"120,000".repeat(5)));
    assert!(text.contains(&"90,000".repeat(5)));
    assert!(text.contains(&"100,000".repeat(5)));
    for s in [
        "โครงการ/กิจกรรม/มาตรการ",
        "ภารกิจตามมิติ",
        // The name wraps inside its narrow column at a word boundary, so pdftotext may
        // put the row's budget cells between its two lines.
        "2)โครงการโรงเรียน",
        "5)มาตรการNOGiftPolicy",
        "หน้า1/",
    ] {
        assert!(text.contains(s), "{s} missing from {text}");
    }
    let at = text.find("2)โครงการโรงเรียน").unwrap_or(0);
    assert!(
        text[at..].contains("คุณธรรม"),
        "the name's second line is missing"
    );
    Ok(())
}

#[test]
fn part2_xlsx_has_thai_strings_and_sum_formulas_with_values() -> TestResult {
    let xlsx = prongsai_docs::to_xlsx(&part2_doc())?;
    let strings = zip_entry(&xlsx, "xl/sharedStrings.xml")?;
    for s in [
        "มิติ",
        "โครงการ/กิจกรรม/มาตรการ",
        "2) โครงการโรงเรียนคุณธรรม",
        "รวมทั้งสิ้น",
        "เทศบาลเมืองฉะเชิงเทรา",
    ] {
        assert!(strings.contains(s), "{s} not in sharedStrings.xml");
    }
    let workbook = zip_entry(&xlsx, "xl/workbook.xml")?;
    assert!(
        workbook.contains("ส่วนที่ ๒ แผนปฏิบัติการ"),
        "Thai sheet name: {workbook}"
    );
    let styles = zip_entry(&xlsx, "xl/styles.xml")?;
    assert!(styles.contains("TH Sarabun New"));
    assert!(styles.contains("#,##0"));
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml")?;
    // Header on row 4 (title, subtitle, table title, blank... see to_xlsx): data starts
    // below it; the grand total sums only data rows, skipping the subtotal rows.
    assert!(sheet.contains("<f>SUM("), "no SUM formula: {sheet}");
    assert!(
        sheet.contains("<v>310000</v>"),
        "no cached grand total: {sheet}"
    );
    assert!(sheet.contains("<v>120000</v>"));
    assert!(sheet.contains("<pane "), "no frozen pane");
    Ok(())
}

#[test]
fn openpyxl_reads_thai_cells_and_totals() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("part2.xlsx");
    std::fs::write(&path, prongsai_docs::to_xlsx(&part2_doc())?)?;
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
ws = wb.worksheets[0]
print("SHEET", ws.title)
for row in ws.iter_rows():
    for c in row:
        if c.value is not None:
            print(c.coordinate, repr(c.value))
wbf = openpyxl.load_workbook(sys.argv[1])
wsf = wbf.worksheets[0]
for row in wsf.iter_rows():
    for c in row:
        if isinstance(c.value, str) and c.value.startswith("="):
            print("F", c.coordinate, c.value)
print("FREEZE", wsf.freeze_panes)
"#;
    let out = Command::new(clients_python())
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()?;
    let stdout = String::from_utf8(out.stdout)?;
    assert!(
        out.status.success(),
        "openpyxl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("SHEET ส่วนที่ ๒ แผนปฏิบัติการ"), "{stdout}");
    assert!(stdout.contains("'2) โครงการโรงเรียนคุณธรรม'"), "{stdout}");
    assert!(stdout.contains("'รวมทั้งสิ้น'"), "{stdout}");
    // The grand-total row: cached values 310000 in the five budget columns (D..H).
    let total_line = stdout
        .lines()
        .find(|l| l.ends_with("'รวมทั้งสิ้น'"))
        .ok_or("no total label")?;
    let row: String = total_line
        .split_whitespace()
        .next()
        .ok_or("no coordinate")?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    for col in ["D", "E", "F", "G", "H"] {
        assert!(
            stdout.contains(&format!("{col}{row} 310000")),
            "no cached 310000 at {col}{row}: {stdout}"
        );
        assert!(
            stdout.contains(&format!("F {col}{row} =SUM(")),
            "no SUM formula at {col}{row}: {stdout}"
        );
    }
    // Panes frozen under the header row.
    assert!(stdout.contains("FREEZE A"), "{stdout}");
    Ok(())
}

/// The Python of `tests/clients/.venv` (libcoveocds, ocdscardinal, ckanapi, openpyxl,
/// pillow), created or updated on first use by `tests/clients/setup.sh` (pip, from PyPI).
fn clients_python() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients");
    let out = std::process::Command::new("bash")
        .arg(dir.join("setup.sh"))
        .output()
        .expect("bash runs tests/clients/setup.sh");
    assert!(
        out.status.success(),
        "tests/clients/setup.sh failed (it needs python3 with venv and access to PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join(".venv/bin/python")
}
