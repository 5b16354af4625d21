//! `prongsai integrity purge [--org SLUG]`: deletes for good every corruption report
//! past its organization's retention period (rows, messages, evidence files, sealed
//! data). The server does the same every hour; this is for running it now or from
//! cron. Recorded in each organization's audit trail as a count.

use std::process::ExitCode;

use prongsai_store::audit::Actor;
use prongsai_store::corruption_reports;

use super::{Ctx, org_by_slug};
use crate::IntegrityCommand;
use crate::error::Result;

pub async fn run(ctx: &Ctx, cmd: IntegrityCommand) -> Result<ExitCode> {
    match cmd {
        IntegrityCommand::Purge { org } => {
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let blobs = ctx.blobs()?;
            let org_id = match org {
                Some(slug) => {
                    let mut c = db
                        .pool
                        .acquire()
                        .await
                        .map_err(prongsai_store::StoreError::from)?;
                    Some(org_by_slug(&mut c, &slug).await?.id)
                }
                None => None,
            };
            let n = corruption_reports::purge_expired(
                &db,
                &keys.audit,
                blobs.as_ref(),
                org_id,
                time::OffsetDateTime::now_utc(),
                &Actor::cli(),
            )
            .await?;
            println!("deleted {n} expired corruption report(s)");
            println!("ลบเรื่องแจ้งเบาะแสที่พ้นระยะเวลาเก็บรักษาแล้ว {n} เรื่อง");
            Ok(ExitCode::SUCCESS)
        }
    }
}
