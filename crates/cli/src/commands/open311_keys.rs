//! `prongsai org api-key create SLUG NAME`: an API key for a machine client of one
//! organization (Open311 `POST requests`, chat bots). The key is printed once; only its
//! hash is kept.

use std::process::ExitCode;

use prongsai_store::audit::Actor;
use prongsai_store::{open311_keys, orgs};

use super::Ctx;
use crate::error::{CliError, Result};

pub async fn create(ctx: &Ctx, slug: &str, name: &str) -> Result<ExitCode> {
    let keys = ctx.keys()?;
    let db = ctx.db().await?;
    let mut tx = db.begin().await?;
    let org = orgs::by_slug(&mut tx, slug.trim()).await?.ok_or_else(|| {
        CliError::usage(format!(
            "no organization {slug:?} (see `prongsai org list`)"
        ))
    })?;
    let key = open311_keys::create(&mut tx, &keys.audit, org.id, name, &Actor::cli()).await?;
    tx.commit()
        .await
        .map_err(prongsai_store::StoreError::from)?;
    eprintln!(
        "API key {name:?} for {} — shown once, keep it safe:",
        org.slug
    );
    println!("{key}");
    Ok(ExitCode::SUCCESS)
}
