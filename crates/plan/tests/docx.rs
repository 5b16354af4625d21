//! .docx reading: a document built from the seed's text B must give the same
//! plan; hostile zips must be refused with the right error.
#![allow(clippy::unwrap_used)]

mod common;
use std::io::{Cursor, Write};

use prongsai_plan::{PlanError, parse_bytes, parse_docx, parse_file, parse_text};
use zip::write::SimpleFileOptions;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn para(s: &str) -> String {
    if s.is_empty() {
        "<w:p/>".into()
    } else {
        format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(s)
        )
    }
}

/// Paragraphs for plain lines, real w:tbl tables for tab-separated lines.
fn document_xml(text: &str) -> String {
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.contains('\t') {
            if !in_table {
                body += "<w:tbl><w:tblPr/>";
                in_table = true;
            }
            body += "<w:tr>";
            for cell in line.split('\t') {
                body += &format!("<w:tc><w:tcPr/>{}</w:tc>", para(cell));
            }
            body += "</w:tr>";
        } else {
            if in_table {
                body += "</w:tbl>";
                in_table = false;
            }
            body += &para(line);
        }
    }
    if in_table {
        body += "</w:tbl>";
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    )
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opt = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opt).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

fn docx_of(text: &str) -> Vec<u8> {
    let doc = document_xml(text);
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ])
}

#[test]
fn docx_of_seed_b_gives_the_same_plan_as_its_text() {
    let text = common::seed_b();
    let bytes = docx_of(&text);
    let from_docx = parse_docx(&bytes).unwrap();
    let from_text = parse_text(&text).unwrap();
    assert_eq!(from_docx.plan, from_text.plan);
    assert_eq!(from_docx.plan.projects.len(), 36);
    // line numbers agree too, so findings point to the same places
    assert_eq!(
        prongsai_plan::lint(&from_docx),
        prongsai_plan::lint(&from_text)
    );
    // parse_bytes picks the reader by content
    assert_eq!(parse_bytes(&bytes).unwrap().plan, from_text.plan);
}

#[test]
fn parse_file_reads_docx_and_text() {
    let dir = std::env::temp_dir().join(format!("prongsai-plan-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = common::Synth::default().text();
    let t = dir.join("plan.txt");
    std::fs::write(&t, &text).unwrap();
    let d = dir.join("plan.docx");
    std::fs::write(&d, docx_of(&text)).unwrap();
    let a = parse_file(&t).unwrap();
    let b = parse_file(&d).unwrap();
    assert_eq!(a.plan, b.plan);
    let missing = parse_file(&dir.join("nope.txt")).unwrap_err();
    assert!(matches!(missing, PlanError::Io { .. }));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn zip_bomb_is_refused() {
    // 20 MB of one byte compresses about 1000:1
    let big = vec![b'a'; 20 * 1024 * 1024];
    let bytes = zip_of(&[("word/document.xml", &big)]);
    assert!(bytes.len() < 1024 * 1024);
    let e = parse_docx(&bytes).unwrap_err();
    assert!(matches!(e, PlanError::DocxZipBomb { .. }), "{e}");
    assert!(e.message_th().contains("zip bomb"));
}

#[test]
fn oversized_entry_is_refused() {
    // varied enough not to trip the ratio guard first
    let mut big = Vec::with_capacity(51 * 1024 * 1024);
    let mut x: u32 = 1;
    while big.len() < 51 * 1024 * 1024 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        big.push(b'a' + (x % 4) as u8);
    }
    let bytes = zip_of(&[
        ("word/media/big.bin", &big),
        ("word/document.xml", b"<w:document/>"),
    ]);
    let e = parse_docx(&bytes).unwrap_err();
    assert!(
        matches!(
            e,
            PlanError::DocxEntryTooLarge { .. } | PlanError::TooLarge { .. }
        ),
        "{e}"
    );
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..2001).map(|i| format!("x/{i}.xml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let e = parse_docx(&zip_of(&entries)).unwrap_err();
    assert!(
        matches!(
            e,
            PlanError::DocxTooManyEntries {
                count: 2001,
                limit: 2000
            }
        ),
        "{e}"
    );
}

#[test]
fn garbage_and_non_plans() {
    let e = parse_docx(b"PK\x03\x04 this is not really a zip").unwrap_err();
    assert!(matches!(e, PlanError::DocxInvalid(_)), "{e}");
    let e = parse_bytes(&[0xff, 0xfe, 0x00, 0xd8, 0x00]).unwrap_err();
    assert!(matches!(e, PlanError::NotTextOrDocx), "{e}");
    let e = parse_bytes(&[0x80, 0x81, 0x82]).unwrap_err();
    assert!(matches!(e, PlanError::NotTextOrDocx), "{e}");
    assert!(!e.message_th().is_empty());
    let e = parse_docx(&zip_of(&[("hello.txt", b"hi")])).unwrap_err();
    assert!(matches!(e, PlanError::DocxInvalid(_)), "{e}");
    assert!(e.to_string().contains("word/document.xml"));
    let e = parse_docx(&zip_of(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p>",
    )]))
    .unwrap_err();
    assert!(
        matches!(e, PlanError::NotAPlan | PlanError::DocxInvalid(_)),
        "{e}"
    );
    let e = parse_text("hello\nworld").unwrap_err();
    assert!(matches!(e, PlanError::NotAPlan));
    assert!(e.message_th().contains("ส่วนที่ ๒"));
}

#[test]
fn too_large_input_is_refused() {
    let big = "ก".repeat(7 * 1024 * 1024); // 21 MB of UTF-8
    let e = parse_text(&big).unwrap_err();
    assert!(matches!(e, PlanError::TooLarge { .. }));
    assert!(e.message_th().contains("20 MB"));
    let e = parse_bytes(big.as_bytes()).unwrap_err();
    assert!(matches!(e, PlanError::TooLarge { .. }));
}
