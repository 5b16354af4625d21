//! The PDF output, checked with poppler: the Thai text comes back out (ToUnicode and
//! glyph mapping are right), pages are not blank, headers repeat, pages are numbered.

mod common;

use common::{TestResult, page_count, pdftotext, render_page, squash};
use prongsai_docs::font::{Weight, glyph_ids};
use prongsai_docs::pdf::{
    Align, Orientation, PageSetup, PdfDocument, PdfTable, TableCell, TableColumn,
};

const SAMPLES: &[&str] = &[
    "โครงการส่งเสริมการปฏิบัติงานตามประมวลจริยธรรม",
    "ผู้ที่มีส่วนได้เสีย",
    "น้ำ",
    "ปี ๒๕๖๖ ร้อยละ ๘๐",
    "ปั้น",
    "ฤๅษี",
    "ญาติ ฐานะ กตัญญู",
    "ไม่น้อยกว่าปีละ ๔ ครั้ง",
];

fn thai_doc() -> Result<Vec<u8>, prongsai_docs::DocsError> {
    let mut doc = PdfDocument::new(PageSetup {
        footer: Some("เทศบาลเมืองฉะเชิงเทรา".to_string()),
        title: Some("ทดสอบ".to_string()),
        ..PageSetup::default()
    })?;
    doc.heading("รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต", 1)?;
    for s in SAMPLES {
        doc.paragraph(s)?;
    }
    doc.paragraph(
        "เทศบาลเมืองฉะเชิงเทราได้ดำเนินการจัดทำแผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส (พ.ศ. ๒๕๖๖ – ๒๕๗๐) ประกอบด้วยโครงการ/กิจกรรม/มาตรการ รวมจำนวน ๓๖ โครงการ โดยมีเป้าหมายให้ผู้ที่มีส่วนได้เสียมีความพึงพอใจไม่น้อยกว่าร้อยละ ๘๐",
    )?;
    let table = PdfTable {
        columns: vec![
            TableColumn {
                width: 3.0,
                align: Align::Left,
            },
            TableColumn {
                width: 1.0,
                align: Align::Right,
            },
        ],
        header_rows: vec![vec![
            TableCell::new("โครงการ").bold().fill(0.9),
            TableCell::new("งบประมาณ (บาท)").bold().fill(0.9),
        ]],
        rows: vec![
            vec![
                TableCell::new("โครงการโรงเรียนคุณธรรม"),
                TableCell::new("120,000"),
            ],
            vec![
                TableCell::new("โครงการจัดเวทีประชาคม"),
                TableCell::new("90,000"),
            ],
            vec![
                TableCell::new("รวม").bold(),
                TableCell::new("210,000").bold(),
            ],
        ],
        font_size: 14.0,
    };
    doc.table(&table)?;
    doc.finish()
}

#[test]
fn thai_text_comes_back_out_of_the_pdf() -> TestResult {
    let pdf = thai_doc()?;
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdftotext(&pdf, None)?;
    let flat = squash(&text);
    for s in SAMPLES {
        assert!(
            flat.contains(&squash(s)),
            "{s:?} not in extracted text:\n{text}"
        );
    }
    for s in [
        "ผู้ที่มีส่วนได้เสียมีความพึงพอใจไม่น้อยกว่าร้อยละ๘๐",
        "โครงการโรงเรียนคุณธรรม",
        "120,000",
        "210,000",
        "หน้า1/1",
        "เทศบาลเมืองฉะเชิงเทรา",
    ] {
        assert!(flat.contains(s), "{s:?} not in extracted text:\n{text}");
    }
    Ok(())
}

#[test]
fn page_is_not_blank() -> TestResult {
    let pdf = thai_doc()?;
    let page = render_page(&pdf, 1, 72)?;
    // A4 portrait at 72 dpi.
    assert!(
        (595..=596).contains(&page.width) && page.height == 842,
        "{}x{}",
        page.width,
        page.height
    );
    // The text area (inside the margins) holds a lot of ink; the margins almost none.
    let ink = page.dark_in(85, 70, 540, 780);
    assert!(ink > 3000, "only {ink} dark pixels in the text area");
    let left_margin = page.dark_in(0, 0, 80, 780);
    assert!(
        left_margin < 50,
        "{left_margin} dark pixels in the left margin"
    );
    Ok(())
}

#[test]
fn shaping_finds_a_glyph_for_every_character() -> TestResult {
    for w in [Weight::Regular, Weight::Bold] {
        for s in SAMPLES {
            let ids = glyph_ids(s, w)?;
            assert!(!ids.is_empty());
            assert!(ids.iter().all(|&g| g != 0), "tofu in {s:?}: {ids:?}");
        }
    }
    Ok(())
}

#[test]
fn long_tables_repeat_their_header_and_number_pages() -> TestResult {
    let mut doc = PdfDocument::new(PageSetup {
        orientation: Orientation::Landscape,
        ..PageSetup::default()
    })?;
    doc.heading("ตารางยาว", 1)?;
    let rows = (1..=60)
        .map(|i| {
            vec![
                TableCell::new(format!(
                    "{i}) โครงการเสริมสร้างความโปร่งใสในการบริหารงบประมาณ ลำดับที่ {i}"
                )),
                TableCell::new(format!("{},000", i * 10)),
            ]
        })
        .collect();
    let table = PdfTable {
        columns: vec![
            TableColumn {
                width: 4.0,
                align: Align::Left,
            },
            TableColumn {
                width: 1.0,
                align: Align::Right,
            },
        ],
        header_rows: vec![vec![
            TableCell::new("หัวตารางโครงการ").bold(),
            TableCell::new("หัวตารางงบประมาณ").bold(),
        ]],
        rows,
        font_size: 14.0,
    };
    doc.table(&table)?;
    let pdf = doc.finish()?;
    let pages = page_count(&pdf)?;
    assert!(pages >= 3, "expected several pages, got {pages}");
    for p in 1..=pages {
        let text = squash(&pdftotext(&pdf, Some(p))?);
        assert!(text.contains("หัวตารางโครงการ"), "no header on page {p}");
        assert!(
            text.contains(&format!("หน้า{p}/{pages}")),
            "no page number on page {p}: {text}"
        );
    }
    let all = squash(&pdftotext(&pdf, None)?);
    for i in [1, 30, 60] {
        assert!(
            all.contains(&format!("{i})โครงการเสริมสร้างความโปร่งใส")),
            "row {i} missing"
        );
    }
    Ok(())
}

#[test]
fn mismatched_rows_are_an_error() -> TestResult {
    let mut doc = PdfDocument::new(PageSetup::default())?;
    let table = PdfTable {
        columns: vec![
            TableColumn {
                width: 1.0,
                align: Align::Left
            };
            2
        ],
        header_rows: vec![],
        rows: vec![vec![TableCell::new("ก")]],
        font_size: 0.0,
    };
    assert!(doc.table(&table).is_err());
    Ok(())
}
