//! Write sample documents for a person to look at:
//! `cargo run -p prongsai-docs --example sample_report -- OUT_DIR`
//! writes `part2.pdf`, `part2.xlsx` (a report shaped like the plan's Part 2 table) and
//! `thai.pdf` (paragraphs with hard Thai stacking cases).

#[path = "../tests/common/mod.rs"]
mod common;

use prongsai_docs::pdf::{PageSetup, PdfDocument, TextStyle};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    let out = std::path::Path::new(&out);
    std::fs::create_dir_all(out)?;
    let doc = common::part2_doc();
    std::fs::write(out.join("part2.pdf"), prongsai_docs::to_pdf(&doc)?)?;
    std::fs::write(out.join("part2.xlsx"), prongsai_docs::to_xlsx(&doc)?)?;

    let mut pdf = PdfDocument::new(PageSetup {
        footer: Some("ตัวอย่างการจัดวางอักษรไทย".to_string()),
        ..PageSetup::default()
    })?;
    pdf.heading("ตัวอย่างสระและวรรณยุกต์", 1)?;
    let big = TextStyle::body(28.0);
    for s in [
        "ที่ ปั้น น้ำ ฤๅษี ญาติ ฐานะ กตัญญู ปู่ ป่ะ ฟ้า ฝั่ง",
        "ผู้ที่มีส่วนได้เสีย ร้อยละ ๘๐",
    ] {
        pdf.text(s, &big)?;
    }
    pdf.paragraph("โครงการส่งเสริมการปฏิบัติงานตามประมวลจริยธรรม ปี ๒๕๖๖ ร้อยละ ๘๐ เทศบาลเมืองฉะเชิงเทราได้ดำเนินการจัดทำแผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส (พ.ศ. ๒๕๖๖ – ๒๕๗๐) ประกอบด้วยโครงการ/กิจกรรม/มาตรการ รวมจำนวน ๓๖ โครงการ โดยมีเป้าหมายให้ผู้ที่มีส่วนได้เสียมีความพึงพอใจไม่น้อยกว่าร้อยละ ๘๐")?;
    std::fs::write(out.join("thai.pdf"), pdf.finish()?)?;
    Ok(())
}
