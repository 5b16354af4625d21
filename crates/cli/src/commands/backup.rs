//! `prongsai backup` and `prongsai restore`.

use std::path::Path;
use std::process::ExitCode;

use prongsai_store::backup;

use super::Ctx;
use crate::error::{CliError, Result};

pub async fn backup(ctx: &Ctx, out: &Path) -> Result<ExitCode> {
    if out.exists() {
        return Err(CliError::usage(format!(
            "{} already exists; choose a new file name",
            out.display()
        )));
    }
    let db = ctx.db().await?;
    let blobs = ctx.blobs()?;
    let bar = crate::progress::Bar::new();
    let m = backup::backup(&db, blobs.as_ref(), out, &bar).await?;
    let rows: u64 = m.tables.iter().map(|t| t.rows).sum();
    println!(
        "backup written to {}: {} tables, {rows} rows, {} files (schema version {})",
        out.display(),
        m.tables.len(),
        m.files,
        m.schema_version
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(ctx: &Ctx, file: &Path) -> Result<ExitCode> {
    if !file.is_file() {
        return Err(CliError::usage(format!(
            "no backup file at {}",
            file.display()
        )));
    }
    let db = ctx.db().await?;
    let blobs = ctx.blobs()?;
    let bar = crate::progress::Bar::new();
    let m = backup::restore(&db, blobs, file, &bar).await?;
    let rows: u64 = m.tables.iter().map(|t| t.rows).sum();
    println!(
        "restored {} ({} backup from {}): {rows} rows, {} files",
        file.display(),
        m.backend,
        prongsai_domain::thai::format_datetime_th(prongsai_store::from_ms(m.created_at)),
        m.files
    );
    Ok(ExitCode::SUCCESS)
}
