//! `prongsai audit verify`: checks every hash chain of the audit trail.

use std::process::ExitCode;

use prongsai_store::{StoreError, audit, orgs};

use super::Ctx;
use crate::AuditCommand;
use crate::error::Result;

pub async fn run(ctx: &Ctx, cmd: AuditCommand) -> Result<ExitCode> {
    match cmd {
        AuditCommand::Verify => {
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut c = db.pool.acquire().await.map_err(StoreError::from)?;
            let report = audit::verify_all(&mut c, &keys.audit).await?;
            match report.first_break {
                None => {
                    println!(
                        "audit trail intact: {} chains, {} entries verified",
                        report.chains, report.entries
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    let who = if b.org_id == 0 {
                        "the installation (org 0)".to_string()
                    } else {
                        match orgs::by_id(&mut c, b.org_id).await? {
                            Some(o) => format!("organization {} (org {})", o.slug, b.org_id),
                            None => format!("org {}", b.org_id),
                        }
                    };
                    println!(
                        "audit trail BROKEN: {who}, seq {}: {} ({})",
                        b.seq,
                        b.kind.message_en(),
                        serde_json::to_value(b.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    );
                    println!("บันทึกการตรวจสอบถูกแก้ไข: ลำดับที่ {}", b.seq);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
