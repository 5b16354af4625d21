//! `prongsai org …`: create, list, export, import, add divisions.

use std::process::ExitCode;

use prongsai_domain::{OrgType, Slug};
use prongsai_store::audit::Actor;
use prongsai_store::orgs::{self, NewOrganization};
use prongsai_store::transfer;

use super::{Ctx, org_by_slug};
use crate::OrgCommand;
use crate::error::{CliError, Result};

pub async fn run(ctx: &Ctx, cmd: OrgCommand) -> Result<ExitCode> {
    match cmd {
        OrgCommand::ApiKey(crate::ApiKeyCommand::Create { slug, name }) => {
            return super::open311_keys::create(ctx, &slug, &name).await;
        }
        OrgCommand::Create {
            slug,
            name_th,
            name_en,
            org_type,
            province,
        } => {
            let slug = Slug::parse(slug.trim())?;
            let org_type: OrgType = org_type.trim().parse().map_err(|e: String| {
                CliError::usage(format!(
                    "{e}; use one of: {}",
                    OrgType::ALL
                        .iter()
                        .map(|t| t.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            let org = orgs::create(
                &mut tx,
                &keys.audit,
                &NewOrganization {
                    slug,
                    name_th,
                    name_en,
                    org_type,
                    province,
                },
                &Actor::cli(),
            )
            .await?;
            tx.commit()
                .await
                .map_err(prongsai_store::StoreError::from)?;
            println!(
                "created organization {} ({}), id {}",
                org.slug, org.name_th, org.id
            );
        }
        OrgCommand::List { json } => {
            let db = ctx.db().await?;
            let mut c = db
                .pool
                .acquire()
                .await
                .map_err(prongsai_store::StoreError::from)?;
            let all = orgs::list(&mut c, i64::MAX, 0).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&all)
                        .map_err(|e| CliError::usage(e.to_string()))?
                );
            } else if all.is_empty() {
                println!("no organizations yet (create one with `prongsai org create`)");
            } else {
                println!("{:<24} {:<26} {:<40} PROVINCE", "SLUG", "TYPE", "NAME");
                for o in all {
                    println!(
                        "{:<24} {:<26} {:<40} {}",
                        o.slug,
                        o.org_type.code(),
                        o.name_th,
                        o.province
                    );
                }
            }
        }
        OrgCommand::Export { slug } => {
            let db = ctx.db().await?;
            let blobs = ctx.blobs()?;
            let mut c = db
                .pool
                .acquire()
                .await
                .map_err(prongsai_store::StoreError::from)?;
            let org = org_by_slug(&mut c, &slug).await?;
            let text = transfer::export_org_string(&mut c, blobs, org.id).await?;
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        OrgCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let blobs = ctx.blobs()?;
            let bar = crate::progress::Bar::new();
            use prongsai_store::backup::Progress;
            bar.stage("import", 1);
            let org = transfer::import_org(&db, &keys.audit, blobs, &text, &Actor::cli()).await;
            bar.finish();
            let org = org?;
            println!(
                "imported organization {} ({}), id {}",
                org.slug, org.name_th, org.id
            );
        }
        OrgCommand::DivisionAdd {
            slug,
            code,
            name_th,
            name_en,
        } => {
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            let org = org_by_slug(&mut tx, &slug).await?;
            let d = orgs::create_division(
                &mut tx,
                &keys.audit,
                org.id,
                &code,
                &name_th,
                name_en.as_deref().unwrap_or(""),
                &Actor::cli(),
            )
            .await?;
            tx.commit()
                .await
                .map_err(prongsai_store::StoreError::from)?;
            println!("added division {} ({}) to {}", d.code, d.name_th, org.slug);
        }
    }
    Ok(ExitCode::SUCCESS)
}
