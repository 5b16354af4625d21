//! Errors a person can act on, in English (Display) and Thai (`message_th`).

use std::path::PathBuf;

/// Largest input accepted (text or .docx file): 20 MB.
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the file is too large ({size} bytes); the limit is {limit} bytes (20 MB). Split the file or remove images and appendices"
    )]
    TooLarge { size: u64, limit: u64 },

    #[error("could not read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "the file is neither UTF-8 text nor a .docx document; save the plan as .docx or as UTF-8 plain text"
    )]
    NotTextOrDocx,

    #[error(
        "this does not look like an action plan: no Part 2 plan table (a table with columns มิติ / ภารกิจตามมิติ / โครงการ/กิจกรรม/มาตรการ and yearly budgets) was found"
    )]
    NotAPlan,

    #[error("the .docx file is damaged or not a Word document: {0}")]
    DocxInvalid(String),

    #[error(
        "the .docx file was refused: it has {count} zip entries, more than the {limit} allowed"
    )]
    DocxTooManyEntries { count: usize, limit: usize },

    #[error("the .docx file was refused: entry {name} unpacks to more than {limit} bytes")]
    DocxEntryTooLarge { name: String, limit: u64 },

    #[error(
        "the .docx file was refused: its entries would unpack to more than {limit} bytes in total"
    )]
    DocxTotalTooLarge { limit: u64 },

    #[error(
        "the .docx file was refused as a possible zip bomb: entry {name} is compressed {ratio}:1"
    )]
    DocxZipBomb { name: String, ratio: u64 },
}

impl PlanError {
    /// The same message in Thai, for people using the system in Thai.
    pub fn message_th(&self) -> String {
        match self {
            PlanError::TooLarge { size, limit } => format!(
                "ไฟล์มีขนาดใหญ่เกินไป ({size} ไบต์) ระบบรับได้ไม่เกิน {limit} ไบต์ (20 MB) กรุณาแยกไฟล์ หรือลบรูปภาพและภาคผนวกออก"
            ),
            PlanError::Io { path, source } => {
                format!("ไม่สามารถอ่านไฟล์ {} ได้: {source}", path.display())
            }
            PlanError::NotTextOrDocx => "ไฟล์นี้ไม่ใช่ข้อความ UTF-8 และไม่ใช่เอกสาร .docx กรุณาบันทึกแผนเป็นไฟล์ .docx หรือไฟล์ข้อความ UTF-8".to_string(),
            PlanError::NotAPlan => "ไฟล์นี้ไม่ใช่แผนปฏิบัติการป้องกันการทุจริต: ไม่พบตารางแผนในส่วนที่ ๒ (ตารางที่มีคอลัมน์ มิติ / ภารกิจตามมิติ / โครงการ/กิจกรรม/มาตรการ และงบประมาณรายปี)".to_string(),
            PlanError::DocxInvalid(why) => {
                format!("ไฟล์ .docx เสียหายหรือไม่ใช่เอกสาร Word: {why}")
            }
            PlanError::DocxTooManyEntries { count, limit } => format!(
                "ปฏิเสธไฟล์ .docx: มีรายการในไฟล์ zip {count} รายการ เกินกว่าที่อนุญาต {limit} รายการ"
            ),
            PlanError::DocxEntryTooLarge { name, limit } => format!(
                "ปฏิเสธไฟล์ .docx: รายการ {name} เมื่อขยายแล้วมีขนาดเกิน {limit} ไบต์"
            ),
            PlanError::DocxTotalTooLarge { limit } => format!(
                "ปฏิเสธไฟล์ .docx: เมื่อขยายทุกรายการแล้วมีขนาดรวมเกิน {limit} ไบต์"
            ),
            PlanError::DocxZipBomb { name, ratio } => format!(
                "ปฏิเสธไฟล์ .docx เพราะอาจเป็น zip bomb: รายการ {name} ถูกบีบอัดในอัตรา {ratio}:1"
            ),
        }
    }
}
