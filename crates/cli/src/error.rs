//! One error type for the command line, printed in English and (where the error knows
//! it) in Thai, with a non-zero exit code.

use std::process::ExitCode;

use prongsai_domain::org::SlugError;
use prongsai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Slug(#[from] SlugError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    pub fn usage(msg: impl Into<String>) -> CliError {
        CliError::Usage(msg.into())
    }

    fn message_th(&self) -> Option<String> {
        match self {
            CliError::Store(e) => Some(e.message_th()),
            CliError::Slug(e) => Some(e.message_th()),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for CliError {
    fn from(e: sqlx::Error) -> Self {
        CliError::Store(StoreError::Db(e))
    }
}

/// Prints an error and gives the exit code for it.
pub fn report(e: &CliError) -> ExitCode {
    eprintln!("error: {e}");
    if let Some(th) = e.message_th() {
        eprintln!("ข้อผิดพลาด: {th}");
    }
    ExitCode::FAILURE
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;
