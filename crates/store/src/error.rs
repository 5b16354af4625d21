//! The storage layer's error type: one per boundary, with a message a person can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0} not found")]
    NotFound(String),
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("file storage error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Unsupported(String),
}

impl StoreError {
    /// The same message in Thai, for the people who will read it.
    pub fn message_th(&self) -> String {
        match self {
            StoreError::Db(e) => format!("ฐานข้อมูลขัดข้อง: {e}"),
            StoreError::NotFound(what) => format!("ไม่พบ{what}"),
            StoreError::Conflict(what) => format!("มีอยู่แล้ว: {what}"),
            StoreError::Invalid(what) => format!("ข้อมูลไม่ถูกต้อง: {what}"),
            StoreError::Io(e) => format!("ระบบจัดเก็บไฟล์ขัดข้อง: {e}"),
            StoreError::Unsupported(what) => format!("ไม่รองรับ: {what}"),
        }
    }

    /// Whether the database refused a write because a unique key already exists.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(d)) => d.is_unique_violation(),
            StoreError::Conflict(_) => true,
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
