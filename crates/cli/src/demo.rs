//! `serve --demo`: a demonstration municipality — Chachoengsao Town Municipality, whose
//! 2566–2570 anti-corruption plan is Prongsai's seed document — with its divisions as
//! the plan names them and one account per staff role, printed to the console.

use std::path::{Path, PathBuf};

use prongsai_domain::{OrgType, Role, Slug};
use prongsai_store::audit::Actor;
use prongsai_store::orgs::{self, NewOrganization};
use prongsai_store::{Db, Keys, StoreError, users};
use tracing::{info, warn};

use crate::error::Result;

/// The seed plan, embedded so that a fresh checkout needs nothing else.
pub const SEED_PLAN: &str = include_str!("../../../fixtures/plans/chachoengsao-2566-2570-b.txt");

pub const SLUG: &str = "chachoengsao";

/// The units the seed plan names as responsible for its projects (section 8 of each
/// project sheet), with short codes.
pub const DIVISIONS: &[(&str, &str, &str)] = &[
    ("office", "สำนักปลัดเทศบาล", "Office of the Municipal Clerk"),
    ("finance", "กองคลัง", "Finance Division"),
    (
        "strategy",
        "กองยุทธศาสตร์และงบประมาณ",
        "Strategy and Budget Division",
    ),
    ("personnel", "กองการเจ้าหน้าที่", "Personnel Division"),
    (
        "health",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "Public Health and Environment Division",
    ),
    ("education", "กองการศึกษา", "Education Division"),
    ("welfare", "กองสวัสดิการสังคม", "Social Welfare Division"),
    ("audit", "หน่วยงานตรวจสอบภายใน", "Internal Audit Unit"),
];

/// One account per staff role: (username, role, division code).
pub const ACCOUNTS: &[(&str, Role, Option<&str>)] = &[
    ("clerk", Role::Clerk, None),
    ("officer", Role::Officer, Some("finance")),
    ("head", Role::DivisionHead, Some("finance")),
    ("executive", Role::Executive, None),
    ("auditor", Role::InternalAuditor, Some("audit")),
    ("integrity", Role::IntegrityOfficer, Some("office")),
    ("council", Role::CouncilMember, None),
    ("admin", Role::Admin, None),
];

/// A new, empty temporary data directory for a throw-away demonstration.
pub fn fresh_data_dir() -> Result<PathBuf> {
    let name = format!("prongsai-demo-{}", crate::commands::random_suffix());
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Creates the demonstration organization and accounts (or refreshes their passwords)
/// and prints how to sign in.
pub async fn set_up(
    db: &Db,
    keys: &Keys,
    data_dir: &Path,
    base_url: &str,
    _behind_tls: bool,
) -> Result<()> {
    let actor = Actor::cli();
    let mut tx = db.begin().await?;
    let org = match orgs::by_slug(&mut tx, SLUG).await? {
        Some(o) => o,
        None => {
            orgs::create(
                &mut tx,
                &keys.audit,
                &NewOrganization {
                    slug: Slug::parse(SLUG)?,
                    name_th: "เทศบาลเมืองฉะเชิงเทรา".into(),
                    name_en: "Chachoengsao Town Municipality".into(),
                    org_type: OrgType::TownMunicipality,
                    province: "ฉะเชิงเทรา".into(),
                },
                &actor,
            )
            .await?
        }
    };
    for (code, th, en) in DIVISIONS {
        if orgs::division_by_code(&mut tx, org.id, code)
            .await?
            .is_none()
        {
            orgs::create_division(&mut tx, &keys.audit, org.id, code, th, en, &actor).await?;
        }
    }
    let fixed = std::env::var("PRONGSAI_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    let mut table = Vec::new();
    for (username, role, division) in ACCOUNTS {
        let password = fixed
            .clone()
            .unwrap_or_else(crate::commands::generate_password);
        let user = match users::by_username(&mut tx, username).await? {
            Some(u) => {
                users::set_password(&mut tx, &keys.audit, 0, u.id, &password, &actor).await?;
                u
            }
            None => {
                let name = format!("{} (บัญชีทดลอง)", role.label_th());
                users::create(
                    &mut tx,
                    &keys.audit,
                    org.id,
                    username,
                    &name,
                    "",
                    &password,
                    &actor,
                )
                .await?
            }
        };
        let div = match division {
            Some(code) => orgs::division_by_code(&mut tx, org.id, code)
                .await?
                .map(|d| d.id),
            None => None,
        };
        users::set_role(&mut tx, &keys.audit, org.id, user.id, *role, div, &actor).await?;
        table.push((username.to_string(), password, *role));
    }
    tx.commit().await.map_err(StoreError::from)?;

    if let Some((outcome, findings)) = parse_seed_plan(data_dir)
        && let Err(e) = import_seed_plan(db, keys, org.id, &outcome, &findings).await
    {
        warn!("the seed plan was read but not stored: {e}");
    }
    // Sample progress for 2567 (crate::demo_progress).
    if let Err(e) = crate::demo_progress::seed(db, keys, org.id).await {
        warn!("demo progress not stored: {e}");
    }
    // Published information, executives and ITA results (crate::demo_info).
    if let Err(e) = crate::demo_info::seed(db, keys, org.id, org.slug.as_str()).await {
        warn!("demo information not stored: {e}");
    }
    // Procurement data with a planted conflict of interest (prongsai_store::procurement_demo).
    match db.pool.acquire().await {
        Ok(mut conn) => {
            if let Err(e) = prongsai_store::procurement_demo::seed(
                &mut conn,
                &keys.audit,
                &keys.reports,
                org.id,
            )
            .await
            {
                warn!("demo procurement data not stored: {e}");
            }
        }
        Err(e) => warn!("demo procurement data not stored: {e}"),
    }

    println!();
    println!("Prongsai demo: {} ({})", org.name_th, org.name_en);
    println!("data directory: {}", data_dir.display());
    println!();
    println!("{:<40} {:<12} {:<20} ROLE", "URL", "USERNAME", "PASSWORD");
    for (u, p, r) in table {
        println!(
            "{:<40} {:<12} {:<20} {} ({})",
            format!("{base_url}/login"),
            u,
            p,
            r.code(),
            r.label_th()
        );
    }
    println!("public site: {base_url}/{SLUG}");
    println!();
    Ok(())
}

/// Reads the embedded seed plan with the plan reader and reports what it found.
fn parse_seed_plan(
    data_dir: &Path,
) -> Option<(prongsai_plan::ParseOutcome, Vec<prongsai_plan::Finding>)> {
    let path = data_dir.join("seed-plan-chachoengsao-2566-2570.txt");
    if let Err(e) = std::fs::write(&path, SEED_PLAN) {
        warn!("cannot write the seed plan to {}: {e}", path.display());
        return None;
    }
    match prongsai_plan::parse_file(&path) {
        Ok(outcome) => {
            let findings = prongsai_plan::lint(&outcome);
            info!(
                notes = outcome.notes.len(),
                findings = findings.len(),
                "read the seed plan"
            );
            Some((outcome, findings))
        }
        Err(e) => {
            warn!("the seed plan does not read: {e}");
            None
        }
    }
}

/// Stores the seed plan as the demo organization's plan, unless it already has one
/// (a demo restarted on the same data directory keeps its plan and its history).
pub async fn import_seed_plan(
    db: &Db,
    keys: &Keys,
    org_id: i64,
    outcome: &prongsai_plan::ParseOutcome,
    findings: &[prongsai_plan::Finding],
) -> Result<()> {
    let mut tx = db.begin().await?;
    if prongsai_store::plans::current(&mut tx, org_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let (version, _) = prongsai_store::plans::import(
        &mut tx,
        &keys.audit,
        org_id,
        "chachoengsao-2566-2570-b.txt",
        &prongsai_store::files::sha256_hex(SEED_PLAN.as_bytes()),
        outcome,
        findings,
        &Actor::cli(),
    )
    .await?;
    // The plan's Part 1 risks seed the risk register.
    prongsai_store::risk::seed_from_plan(&mut tx, &keys.audit, org_id, &Actor::cli()).await?;
    tx.commit().await.map_err(StoreError::from)?;
    println!(
        "seed plan stored as version {} ({} lint findings)",
        version.version,
        findings.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_are_the_units_the_plan_names() {
        for (code, th, _) in DIVISIONS {
            assert!(SEED_PLAN.contains(th), "{th} is not in the plan");
            assert!(orgs::valid_division_code(code));
        }
    }

    #[test]
    fn one_account_per_staff_role() {
        for r in Role::ALL.iter().filter(|r| r.is_staff()) {
            assert!(
                ACCOUNTS.iter().any(|(_, role, _)| role == r),
                "{r:?} has no demo account"
            );
        }
    }
}
