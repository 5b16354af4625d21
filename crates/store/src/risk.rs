//! The corruption risk register (ทะเบียนความเสี่ยงการทุจริต, plan Part 1 and project 32):
//! risk events per work process with likelihood × impact, the level from the
//! organization's matrix, the risk issues, control measures linked to plan projects (by
//! `project_key`, so links survive plan revisions), an owner division and a review date.
//!
//! The register is seeded from the current plan's Part 1 table ([`seed_from_plan`]):
//! the plan gives a level word per risk, mapped to a default cell
//! ([`RiskLevel::default_scores`]), and each control measure is linked to the project
//! whose name it gives (tolerant matching, [`prongsai_domain::risk::match_control`]).
//! Yearly reviews update the scores and keep the assessment as a history row.
//! Every change is audited in the same transaction.

use std::collections::BTreeMap;

use prongsai_domain::risk::{self, RiskLevel, RiskMatrix, Score};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change, snapshot};
use crate::error::{Result, StoreError};
use crate::{orgs, plans};

/// A control measure of a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub seq: i64,
    pub text: String,
    /// The plan project that carries it out (stable key), if any.
    pub project_key: Option<i64>,
    /// That project's number and name in the current plan (for display).
    pub project_no: Option<i64>,
    pub project_name: Option<String>,
}

/// A risk event in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub id: i64,
    pub org_id: i64,
    pub no: i64,
    /// The work process (ขั้นตอนการดำเนินงาน).
    pub process: String,
    /// The risk issues (ประเด็นความเสี่ยง).
    pub issues: Vec<String>,
    pub likelihood: i64,
    pub impact: i64,
    pub level: RiskLevel,
    pub owner_division_id: Option<i64>,
    /// ISO date of the next review, empty when not set.
    pub review_date: String,
    pub source_plan_id: Option<i64>,
    pub source_seq: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub controls: Vec<Control>,
}

/// What staff enter for a risk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskInput {
    pub process: String,
    pub issues: Vec<String>,
    pub likelihood: i64,
    pub impact: i64,
    pub owner_division_id: Option<i64>,
    pub review_date: String,
    /// Control measures with the project key each is linked to.
    pub controls: Vec<(String, Option<i64>)>,
}

/// A yearly review kept as history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: i64,
    pub risk_id: i64,
    pub fiscal_year: i64,
    pub likelihood: i64,
    pub impact: i64,
    pub level: RiskLevel,
    pub note: String,
    pub reviewed_by: String,
    pub reviewed_at: i64,
}

/// What seeding did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeedOutcome {
    /// Risks added to the register.
    pub created: usize,
    /// Plan risks already in the register (same process), left as they are.
    pub skipped: usize,
    /// Control measures linked to a project, and those no project carries out.
    pub linked: usize,
    pub unlinked: usize,
}

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

fn scores(likelihood: i64, impact: i64) -> Result<(Score, Score)> {
    match (Score::new(likelihood), Score::new(impact)) {
        (Some(l), Some(i)) => Ok((l, i)),
        _ => Err(bad("likelihood and impact must each be 1–5")),
    }
}

/// A review date: empty, or a real YYYY-MM-DD date.
fn check_date(s: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map_err(|_| bad(format!("review date {s:?} is not a date (YYYY-MM-DD)")))?;
    Ok(s.to_string())
}

// ---- the matrix ---------------------------------------------------------------------------

/// The organization's risk matrix (the default when it has not set one).
pub async fn matrix(conn: &mut AnyConnection, org_id: i64) -> Result<RiskMatrix> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT medium_from, high_from, very_high_from FROM risk_matrices WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some((m, h, v)) => RiskMatrix::new(m, h, v).map_err(bad),
        None => Ok(RiskMatrix::default()),
    }
}

/// Sets the organization's matrix and recomputes every risk's level, audited.
pub async fn set_matrix(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    m: RiskMatrix,
    actor: &Actor,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    sqlx::query(
        "INSERT INTO risk_matrices (org_id, medium_from, high_from, very_high_from, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET medium_from = excluded.medium_from, \
         high_from = excluded.high_from, very_high_from = excluded.very_high_from, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(i64::from(m.medium_from))
    .bind(i64::from(m.high_from))
    .bind(i64::from(m.very_high_from))
    .bind(crate::now_ms())
    .execute(&mut *tx)
    .await?;
    let before = matrix(&mut tx, org_id).await?;
    let cells: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT id, likelihood, impact FROM risks WHERE org_id = $1")
            .bind(org_id)
            .fetch_all(&mut *tx)
            .await?;
    for (id, l, i) in cells {
        let (l, i) = scores(l, i)?;
        sqlx::query("UPDATE risks SET level = $1 WHERE org_id = $2 AND id = $3")
            .bind(m.level(l, i).code())
            .bind(org_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "risk.matrix",
            entity: "risk_matrix",
            entity_id: org_id.to_string(),
        },
        snapshot(Some(&before)),
        snapshot(Some(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- reading --------------------------------------------------------------------------------

const RISK_COLS: &str = "id, org_id, no, process, issues_json, likelihood, impact, level, owner_division_id, \
     review_date, source_plan_id, source_seq, created_at, updated_at";

fn risk_from_row(r: &AnyRow) -> Result<Risk> {
    let issues: String = r.try_get("issues_json")?;
    let level: String = r.try_get("level")?;
    Ok(Risk {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        no: r.try_get("no")?,
        process: r.try_get("process")?,
        issues: serde_json::from_str(&issues)
            .map_err(|e| bad(format!("stored risk issues are not readable: {e}")))?,
        likelihood: r.try_get("likelihood")?,
        impact: r.try_get("impact")?,
        level: RiskLevel::from_code(&level)
            .ok_or_else(|| bad(format!("stored risk level {level:?}")))?,
        owner_division_id: r.try_get("owner_division_id")?,
        review_date: r.try_get("review_date")?,
        source_plan_id: r.try_get("source_plan_id")?,
        source_seq: r.try_get("source_seq")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        controls: Vec::new(),
    })
}

/// Control measures of the organization's risks (of one risk when `risk_id` is given),
/// with the linked project's number and name in the current plan.
async fn controls(
    conn: &mut AnyConnection,
    org_id: i64,
    risk_id: Option<i64>,
) -> Result<BTreeMap<i64, Vec<Control>>> {
    let rows = sqlx::query(
        "SELECT c.risk_id, c.seq, c.text, c.project_key, pp.no AS project_no, pp.name AS project_name \
         FROM risk_controls c \
         LEFT JOIN plans p ON p.org_id = c.org_id AND p.is_current = 1 \
         LEFT JOIN plan_projects pp ON pp.org_id = c.org_id AND pp.plan_id = p.id AND pp.project_key = c.project_key \
         WHERE c.org_id = $1 AND ($2 = 0 OR c.risk_id = $2) ORDER BY c.risk_id, c.seq",
    )
    .bind(org_id)
    .bind(risk_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: BTreeMap<i64, Vec<Control>> = BTreeMap::new();
    for r in rows {
        let key: Option<i64> = r.try_get("project_key")?;
        let no: Option<i64> = r.try_get("project_no")?;
        out.entry(r.try_get("risk_id")?).or_default().push(Control {
            seq: r.try_get("seq")?,
            text: r.try_get("text")?,
            project_key: key,
            project_no: no,
            project_name: r.try_get("project_name")?,
        });
    }
    Ok(out)
}

/// The register, in order, each risk with its controls.
pub async fn list(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<Risk>> {
    let rows = sqlx::query(&format!(
        "SELECT {RISK_COLS} FROM risks WHERE org_id = $1 ORDER BY no, id"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut risks = rows.iter().map(risk_from_row).collect::<Result<Vec<_>>>()?;
    let mut ctl = controls(conn, org_id, None).await?;
    for r in &mut risks {
        r.controls = ctl.remove(&r.id).unwrap_or_default();
    }
    Ok(risks)
}

/// One risk of the organization.
pub async fn get(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<Risk>> {
    let row = sqlx::query(&format!(
        "SELECT {RISK_COLS} FROM risks WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(mut r) = row.as_ref().map(risk_from_row).transpose()? else {
        return Ok(None);
    };
    r.controls = controls(conn, org_id, Some(id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(Some(r))
}

/// A risk's reviews, newest first.
pub async fn reviews(conn: &mut AnyConnection, org_id: i64, risk_id: i64) -> Result<Vec<Review>> {
    let rows = sqlx::query(
        "SELECT id, risk_id, fiscal_year, likelihood, impact, level, note, reviewed_by, reviewed_at \
         FROM risk_reviews WHERE org_id = $1 AND risk_id = $2 ORDER BY reviewed_at DESC, id DESC",
    )
    .bind(org_id)
    .bind(risk_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let level: String = r.try_get("level")?;
            Ok(Review {
                id: r.try_get("id")?,
                risk_id: r.try_get("risk_id")?,
                fiscal_year: r.try_get("fiscal_year")?,
                likelihood: r.try_get("likelihood")?,
                impact: r.try_get("impact")?,
                level: RiskLevel::from_code(&level)
                    .ok_or_else(|| bad(format!("stored risk level {level:?}")))?,
                note: r.try_get("note")?,
                reviewed_by: r.try_get("reviewed_by")?,
                reviewed_at: r.try_get("reviewed_at")?,
            })
        })
        .collect()
}

/// How many risks sit in each cell: `counts[likelihood-1][impact-1]`.
pub fn heat_counts(risks: &[Risk]) -> [[usize; 5]; 5] {
    let mut c = [[0usize; 5]; 5];
    for r in risks {
        if let (Ok(l), Ok(i)) = (
            usize::try_from(r.likelihood - 1),
            usize::try_from(r.impact - 1),
        ) && l < 5
            && i < 5
        {
            c[l][i] += 1;
        }
    }
    c
}

// ---- writing ----------------------------------------------------------------------------------

struct Checked {
    process: String,
    issues: Vec<String>,
    likelihood: Score,
    impact: Score,
    review_date: String,
    controls: Vec<(String, Option<i64>)>,
}

async fn check(conn: &mut AnyConnection, org_id: i64, input: &RiskInput) -> Result<Checked> {
    let process = input.process.trim().to_string();
    if process.is_empty() || process.chars().count() > 500 {
        return Err(bad("the work process must have 1–500 characters"));
    }
    let clean = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let issues = clean(&input.issues);
    if issues.len() > 50 || issues.iter().any(|s| s.chars().count() > 2000) {
        return Err(bad("at most 50 risk issues of up to 2000 characters each"));
    }
    let controls: Vec<(String, Option<i64>)> = input
        .controls
        .iter()
        .map(|(t, k)| (t.trim().to_string(), *k))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    if controls.len() > 50 || controls.iter().any(|(t, _)| t.chars().count() > 2000) {
        return Err(bad(
            "at most 50 control measures of up to 2000 characters each",
        ));
    }
    if let Some(d) = input.owner_division_id
        && orgs::division(conn, org_id, d).await?.is_none()
    {
        return Err(bad("the owner must be one of the organization's divisions"));
    }
    let (likelihood, impact) = scores(input.likelihood, input.impact)?;
    Ok(Checked {
        process,
        issues,
        likelihood,
        impact,
        review_date: check_date(&input.review_date)?,
        controls,
    })
}

async fn write_controls(
    conn: &mut AnyConnection,
    org_id: i64,
    risk_id: i64,
    controls: &[(String, Option<i64>)],
) -> Result<()> {
    sqlx::query("DELETE FROM risk_controls WHERE org_id = $1 AND risk_id = $2")
        .bind(org_id)
        .bind(risk_id)
        .execute(&mut *conn)
        .await?;
    for (i, (text, key)) in controls.iter().enumerate() {
        sqlx::query("INSERT INTO risk_controls (org_id, risk_id, seq, text, project_key) VALUES ($1, $2, $3, $4, $5)")
            .bind(org_id)
            .bind(risk_id)
            .bind(i as i64 + 1)
            .bind(text)
            .bind(*key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Adds a risk at the end of the register, audited.
pub async fn create(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    input: &RiskInput,
    actor: &Actor,
) -> Result<Risk> {
    let mut tx = conn.begin().await?;
    let r = insert(&mut tx, org_id, input, None).await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "risk.create",
            entity: "risk",
            entity_id: r.id.to_string(),
        },
        "null".into(),
        snapshot(Some(&r)),
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// Inserts without auditing (the caller audits).
async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    input: &RiskInput,
    source: Option<(i64, i64)>,
) -> Result<Risk> {
    // A write first: take the write lock before reading.
    sqlx::query("UPDATE risks SET no = no WHERE org_id = $1 AND id = 0")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    let c = check(conn, org_id, input).await?;
    let m = matrix(conn, org_id).await?;
    let (next,): (Option<i64>,) = sqlx::query_as("SELECT MAX(no) FROM risks WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    let now = crate::now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO risks (org_id, no, process, issues_json, likelihood, impact, level, owner_division_id, \
         review_date, source_plan_id, source_seq, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(org_id)
    .bind(next.unwrap_or(0) + 1)
    .bind(&c.process)
    .bind(serde_json::to_string(&c.issues).map_err(|e| bad(e.to_string()))?)
    .bind(i64::from(c.likelihood.get()))
    .bind(i64::from(c.impact.get()))
    .bind(m.level(c.likelihood, c.impact).code())
    .bind(input.owner_division_id)
    .bind(&c.review_date)
    .bind(source.map(|s| s.0))
    .bind(source.map(|s| s.1))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    write_controls(conn, org_id, id, &c.controls).await?;
    let r = get(conn, org_id, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("risk".into()))?;
    index(conn, &r).await?;
    Ok(r)
}

/// The search index's kind for risks of the register.
pub const DOC_KIND: &str = "risk";

/// Indexes a risk for search: the work process as title, its issues and control
/// measures as text, linked to its entry on the public register.
async fn index(conn: &mut AnyConnection, r: &Risk) -> Result<()> {
    let slug = crate::search::org_slug(conn, r.org_id).await?;
    let body = r
        .issues
        .iter()
        .map(String::as_str)
        .chain(r.controls.iter().map(|c| c.text.as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    crate::search::index_document(
        conn,
        r.org_id,
        &crate::search::Document {
            kind: DOC_KIND,
            id: r.id,
            title: &r.process,
            body: &body,
            url: &format!("/{slug}/risks#risk-{}", r.no),
            at_ms: r.updated_at,
        },
    )
    .await
}

/// Indexes the whole register of an organization again (after `org import`).
pub async fn index_all(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    crate::search::remove_kind(conn, org_id, DOC_KIND).await?;
    for r in list(conn, org_id).await? {
        index(conn, &r).await?;
    }
    Ok(())
}

/// Changes a risk (process, issues, scores, owner, review date, controls), audited.
pub async fn update(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    id: i64,
    input: &RiskInput,
    actor: &Actor,
) -> Result<Risk> {
    let mut tx = conn.begin().await?;
    sqlx::query("UPDATE risks SET updated_at = $1 WHERE org_id = $2 AND id = $3")
        .bind(crate::now_ms())
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let before = get(&mut tx, org_id, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("risk".into()))?;
    let c = check(&mut tx, org_id, input).await?;
    let m = matrix(&mut tx, org_id).await?;
    sqlx::query(
        "UPDATE risks SET process = $1, issues_json = $2, likelihood = $3, impact = $4, level = $5, \
         owner_division_id = $6, review_date = $7 WHERE org_id = $8 AND id = $9",
    )
    .bind(&c.process)
    .bind(serde_json::to_string(&c.issues).map_err(|e| bad(e.to_string()))?)
    .bind(i64::from(c.likelihood.get()))
    .bind(i64::from(c.impact.get()))
    .bind(m.level(c.likelihood, c.impact).code())
    .bind(input.owner_division_id)
    .bind(&c.review_date)
    .bind(org_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    write_controls(&mut tx, org_id, id, &c.controls).await?;
    let after = get(&mut tx, org_id, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("risk".into()))?;
    index(&mut tx, &after).await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "risk.update",
            entity: "risk",
            entity_id: id.to_string(),
        },
        snapshot(Some(&before)),
        snapshot(Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The yearly review: the risk gets the new scores (and level), the assessment is kept
/// as a history row, and the next review date moves on. Audited.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    id: i64,
    fiscal_year: i64,
    likelihood: i64,
    impact: i64,
    next_review: &str,
    note: &str,
    actor: &Actor,
) -> Result<Review> {
    let (l, i) = scores(likelihood, impact)?;
    if !(2500..=2700).contains(&fiscal_year) {
        return Err(bad(format!("fiscal year {fiscal_year} is not a B.E. year")));
    }
    let next_review = check_date(next_review)?;
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(bad("the note is longer than 2000 characters"));
    }
    let mut tx = conn.begin().await?;
    let now = crate::now_ms();
    sqlx::query("UPDATE risks SET updated_at = $1 WHERE org_id = $2 AND id = $3")
        .bind(now)
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let before = get(&mut tx, org_id, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("risk".into()))?;
    let level = matrix(&mut tx, org_id).await?.level(l, i);
    sqlx::query("UPDATE risks SET likelihood = $1, impact = $2, level = $3, review_date = $4 WHERE org_id = $5 AND id = $6")
        .bind(i64::from(l.get()))
        .bind(i64::from(i.get()))
        .bind(level.code())
        .bind(if next_review.is_empty() { before.review_date.clone() } else { next_review })
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let (rid,): (i64,) = sqlx::query_as(
        "INSERT INTO risk_reviews (org_id, risk_id, fiscal_year, likelihood, impact, level, note, reviewed_by, reviewed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org_id)
    .bind(id)
    .bind(fiscal_year)
    .bind(i64::from(l.get()))
    .bind(i64::from(i.get()))
    .bind(level.code())
    .bind(note)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = get(&mut tx, org_id, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("risk".into()))?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "risk.review",
            entity: "risk",
            entity_id: id.to_string(),
        },
        snapshot(Some(&before)),
        snapshot(Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(Review {
        id: rid,
        risk_id: id,
        fiscal_year,
        likelihood: i64::from(l.get()),
        impact: i64::from(i.get()),
        level,
        note: note.to_string(),
        reviewed_by: actor.label.clone(),
        reviewed_at: now,
    })
}

/// Seeds the register from the current plan's Part 1 risk table: each plan risk whose
/// process is not yet in the register becomes a risk with the default cell for its
/// level word (ปานกลาง when the plan gives none) and its control measures linked to
/// the projects they name. Running it again adds nothing twice. Audited as one entry.
pub async fn seed_from_plan(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    actor: &Actor,
) -> Result<SeedOutcome> {
    let mut tx = conn.begin().await?;
    sqlx::query("UPDATE risks SET no = no WHERE org_id = $1 AND id = 0")
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let mut out = SeedOutcome::default();
    let Some(plan) = plans::current(&mut tx, org_id).await? else {
        return Ok(out);
    };
    let plan_risks = plans::risks(&mut tx, org_id, plan.id).await?;
    let projects = plans::projects(&mut tx, org_id, plan.id).await?;
    let existing: Vec<String> = list(&mut tx, org_id)
        .await?
        .into_iter()
        .map(|r| risk::name_core(&r.process))
        .collect();
    let divisions = orgs::divisions(&mut tx, org_id).await?;
    let org = orgs::by_id(&mut tx, org_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("organization".into()))?;
    let org_names = [org.name_th.as_str(), plan.organization_name.as_str()];
    let mut created = Vec::new();
    for pr in &plan_risks {
        if existing.contains(&risk::name_core(&pr.process)) {
            out.skipped += 1;
            continue;
        }
        let level = RiskLevel::highest_named(&pr.levels).unwrap_or(RiskLevel::Medium);
        let (l, i) = level.default_scores();
        let controls: Vec<(String, Option<i64>)> = pr
            .controls
            .iter()
            .map(|c| {
                let key = risk::match_control(
                    c,
                    projects.iter().map(|p| (p.project_key, p.name.as_str())),
                    &org_names,
                );
                if key.is_some() {
                    out.linked += 1;
                } else {
                    out.unlinked += 1;
                }
                (c.clone(), key)
            })
            .collect();
        // The owner: the division most of the linked projects belong to.
        let mut votes: BTreeMap<i64, usize> = BTreeMap::new();
        for (_, key) in &controls {
            if let Some(d) = key
                .and_then(|k| projects.iter().find(|p| p.project_key == k))
                .and_then(|p| p.division_id)
            {
                *votes.entry(d).or_default() += 1;
            }
        }
        let owner = votes
            .into_iter()
            .max_by_key(|(d, n)| (*n, -d))
            .map(|(d, _)| d)
            .filter(|d| divisions.iter().any(|x| x.id == *d));
        let input = RiskInput {
            process: pr.process.clone(),
            issues: pr.issues.clone(),
            likelihood: i64::from(l.get()),
            impact: i64::from(i.get()),
            owner_division_id: owner,
            review_date: String::new(),
            controls,
        };
        let r = insert(&mut tx, org_id, &input, Some((plan.id, pr.seq))).await?;
        created.push(r.id);
        out.created += 1;
    }
    if out.created > 0 {
        audit::record(
            &mut tx,
            audit_key,
            org_id,
            actor,
            Change {
                action: "risk.seed",
                entity: "plan",
                entity_id: plan.version.to_string(),
            },
            "null".into(),
            serde_json::json!({ "risks": created, "outcome": out }).to_string(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(out)
}

// ---- moving an organization (see `transfer`) ------------------------------------------------

mod transfer_section {
    use std::collections::BTreeMap;

    use prongsai_domain::risk::{RiskLevel, RiskMatrix};
    use serde_json::{Value, json};
    use sqlx::{AnyConnection, Row};

    use super::{bad, check_date, list, scores};
    use crate::error::Result;
    use crate::orgs;
    use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

    /// The `risks` section: `{ "matrix": { "medium_from", "high_from", "very_high_from",
    /// "updated_at" } | null, "risks": [ { "no", "process", "issues", "likelihood",
    /// "impact", "level", "owner_division": "<code>" | null, "review_date", "source":
    /// { "plan_version", "seq" } | null, "created_at", "updated_at", "controls": [ {
    /// "seq", "text", "project_key" } ], "reviews": [ { "fiscal_year", "likelihood",
    /// "impact", "level", "note", "reviewed_by", "reviewed_at" } ] } ] }`, the register
    /// in order and each risk's reviews oldest first. No ids: divisions by code, the
    /// seeding plan by version, projects by `project_key`.
    pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
        Box::pin(async move {
            let org_id = x.org_id;
            let matrix: Option<(i64, i64, i64, i64)> = sqlx::query_as(
                "SELECT medium_from, high_from, very_high_from, updated_at FROM risk_matrices WHERE org_id = $1",
            )
            .bind(org_id)
            .fetch_optional(&mut *conn)
            .await?;
            let matrix = matrix.map_or(Value::Null, |(m, h, v, at)| {
                json!({"medium_from": m, "high_from": h, "very_high_from": v, "updated_at": at})
            });
            let codes: BTreeMap<i64, String> = orgs::divisions(conn, org_id)
                .await?
                .into_iter()
                .map(|d| (d.id, d.code))
                .collect();
            let versions: BTreeMap<i64, i64> =
                sqlx::query_as::<_, (i64, i64)>("SELECT id, version FROM plans WHERE org_id = $1")
                    .bind(org_id)
                    .fetch_all(&mut *conn)
                    .await?
                    .into_iter()
                    .collect();
            let mut reviews: BTreeMap<i64, Vec<Value>> = BTreeMap::new();
            let rows = sqlx::query(
                "SELECT risk_id, fiscal_year, likelihood, impact, level, note, reviewed_by, reviewed_at \
                 FROM risk_reviews WHERE org_id = $1 ORDER BY risk_id, reviewed_at, id",
            )
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
            for r in &rows {
                reviews
                    .entry(r.try_get("risk_id")?)
                    .or_default()
                    .push(json!({
                        "fiscal_year": r.try_get::<i64, _>("fiscal_year")?,
                        "likelihood": r.try_get::<i64, _>("likelihood")?,
                        "impact": r.try_get::<i64, _>("impact")?,
                        "level": r.try_get::<String, _>("level")?,
                        "note": r.try_get::<String, _>("note")?,
                        "reviewed_by": r.try_get::<String, _>("reviewed_by")?,
                        "reviewed_at": r.try_get::<i64, _>("reviewed_at")?,
                    }));
            }
            let mut risks = Vec::new();
            for r in list(conn, org_id).await? {
                let source = match (
                    r.source_plan_id.and_then(|p| versions.get(&p)),
                    r.source_seq,
                ) {
                    (Some(v), Some(seq)) => json!({"plan_version": v, "seq": seq}),
                    _ => Value::Null,
                };
                let controls: Vec<Value> = r
                    .controls
                    .iter()
                    .map(|c| json!({"seq": c.seq, "text": c.text, "project_key": c.project_key}))
                    .collect();
                risks.push(json!({
                    "no": r.no, "process": r.process, "issues": r.issues,
                    "likelihood": r.likelihood, "impact": r.impact, "level": r.level.code(),
                    "owner_division": r.owner_division_id.and_then(|d| codes.get(&d).cloned()),
                    "review_date": r.review_date, "source": source,
                    "created_at": r.created_at, "updated_at": r.updated_at,
                    "controls": controls,
                    "reviews": reviews.remove(&r.id).unwrap_or_default(),
                }));
            }
            Ok(json!({"matrix": matrix, "risks": risks}))
        })
    }

    fn int(v: &Value, k: &str, what: &str) -> Result<i64> {
        v.get(k)
            .and_then(Value::as_i64)
            .ok_or_else(|| bad(format!("{what}: field {k:?} must be a whole number")))
    }
    fn text(v: &Value, k: &str, what: &str) -> Result<String> {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(format!("{what}: field {k:?} must be text")))
    }
    fn items<'v>(v: &'v Value, k: &str, what: &str) -> Result<&'v Vec<Value>> {
        v.get(k)
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("{what}: field {k:?} must be a list")))
    }
    /// Likelihood, impact and the level as stored (checked, not recomputed).
    fn cell(v: &Value, what: &str) -> Result<(i64, i64, String)> {
        let (l, i) = (int(v, "likelihood", what)?, int(v, "impact", what)?);
        scores(l, i).map_err(|e| bad(format!("{what}: {e}")))?;
        let level = text(v, "level", what)?;
        if RiskLevel::from_code(&level).is_none() {
            return Err(bad(format!("{what}: unknown level {level:?}")));
        }
        Ok((l, i, level))
    }

    /// Reads the `risks` section back (after `divisions` and `plans`; an older export
    /// without it: nothing to read).
    pub fn import_section<'a>(
        conn: &'a mut AnyConnection,
        x: &'a mut ImportCtx,
        v: &'a Value,
    ) -> BoxFut<'a, ()> {
        Box::pin(async move {
            if v.as_array().is_some_and(Vec::is_empty) {
                return Ok(());
            }
            let org_id = x.org_id;
            match v.get("matrix") {
                None | Some(Value::Null) => {}
                Some(m) => {
                    let (mf, hf, vf) = (
                        int(m, "medium_from", "matrix")?,
                        int(m, "high_from", "matrix")?,
                        int(m, "very_high_from", "matrix")?,
                    );
                    RiskMatrix::new(mf, hf, vf).map_err(|e| bad(format!("matrix: {e}")))?;
                    sqlx::query(
                        "INSERT INTO risk_matrices (org_id, medium_from, high_from, very_high_from, updated_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(org_id)
                    .bind(mf)
                    .bind(hf)
                    .bind(vf)
                    .bind(int(m, "updated_at", "matrix")?)
                    .execute(&mut *conn)
                    .await?;
                }
            }
            let plan_ids: BTreeMap<i64, i64> =
                sqlx::query_as::<_, (i64, i64)>("SELECT version, id FROM plans WHERE org_id = $1")
                    .bind(org_id)
                    .fetch_all(&mut *conn)
                    .await?
                    .into_iter()
                    .collect();
            for r in items(v, "risks", "the register")? {
                let no = int(r, "no", "risk")?;
                let what = format!("risk {no}");
                let (l, i, level) = cell(r, &what)?;
                let issues: Vec<String> =
                    serde_json::from_value(r.get("issues").cloned().unwrap_or(Value::Null))
                        .map_err(|e| bad(format!("{what}: issues: {e}")))?;
                let owner = match r.get("owner_division") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(code)) => {
                        Some(*x.divisions.get(code).ok_or_else(|| {
                            bad(format!("{what}: unknown owner division {code:?}"))
                        })?)
                    }
                    Some(_) => return Err(bad(format!("{what}: owner_division must be a code"))),
                };
                let source = match r.get("source") {
                    None | Some(Value::Null) => None,
                    Some(s) => {
                        let version = int(s, "plan_version", &what)?;
                        let plan = *plan_ids.get(&version).ok_or_else(|| {
                            bad(format!("{what}: seeded from plan version {version}, which is not in the export"))
                        })?;
                        Some((plan, int(s, "seq", &what)?))
                    }
                };
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO risks (org_id, no, process, issues_json, likelihood, impact, level, \
                     owner_division_id, review_date, source_plan_id, source_seq, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                )
                .bind(org_id)
                .bind(no)
                .bind(text(r, "process", &what)?)
                .bind(serde_json::to_string(&issues).map_err(|e| bad(e.to_string()))?)
                .bind(l)
                .bind(i)
                .bind(level)
                .bind(owner)
                .bind(check_date(&text(r, "review_date", &what)?)?)
                .bind(source.map(|s| s.0))
                .bind(source.map(|s| s.1))
                .bind(int(r, "created_at", &what)?)
                .bind(int(r, "updated_at", &what)?)
                .fetch_one(&mut *conn)
                .await?;
                for c in items(r, "controls", &what)? {
                    let key = match c.get("project_key") {
                        None | Some(Value::Null) => None,
                        Some(k) => Some(k.as_i64().ok_or_else(|| {
                            bad(format!(
                                "{what}: a control's project_key must be a number or null"
                            ))
                        })?),
                    };
                    sqlx::query(
                        "INSERT INTO risk_controls (org_id, risk_id, seq, text, project_key) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(org_id)
                    .bind(id)
                    .bind(int(c, "seq", &what)?)
                    .bind(text(c, "text", &what)?)
                    .bind(key)
                    .execute(&mut *conn)
                    .await?;
                }
                for rv in items(r, "reviews", &what)? {
                    let (l, i, level) = cell(rv, &what)?;
                    sqlx::query(
                        "INSERT INTO risk_reviews (org_id, risk_id, fiscal_year, likelihood, impact, level, note, \
                         reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(org_id)
                    .bind(id)
                    .bind(int(rv, "fiscal_year", &what)?)
                    .bind(l)
                    .bind(i)
                    .bind(level)
                    .bind(text(rv, "note", &what)?)
                    .bind(text(rv, "reviewed_by", &what)?)
                    .bind(int(rv, "reviewed_at", &what)?)
                    .execute(&mut *conn)
                    .await?;
                }
            }
            Ok(())
        })
    }
}

pub use transfer_section::{export_section, import_section};
