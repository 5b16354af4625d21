//! Yearly progress of the plan's projects (ผลการดำเนินงานรายโครงการ): status and reason,
//! the plan's method steps ticked off, money, KPI results, evidence, problems and notes,
//! and the division head's approval.
//!
//! Rows hang off `(org_id, project_key, fiscal_year)`: the key is stable across plan
//! versions (see [`crate::plans`]). The rules (which status needs a reason, what an
//! approval may follow) live in `prongsai_domain::progress`; every change is recorded in
//! the organization's audit chain in the same transaction.

use prongsai_domain::FiscalYear;
use prongsai_domain::progress::{
    ApprovalAction, ApprovalState, NotDoneReason, ProgressStatus, check_status,
};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change};
use crate::error::{Result, StoreError};
use crate::files::{self, BlobStore, FileMeta};
use crate::plans::{self, PlanProject, PlanVersion};

/// A method step (ขั้นตอน) of the plan, ticked off or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTick {
    /// 1-based position among the plan's steps.
    pub seq: i64,
    pub done: bool,
    /// ISO date (YYYY-MM-DD) it was done, if given.
    pub done_on: Option<String>,
}

/// The entered result of one KPI (by kind and position in the plan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiEntry {
    /// `output` or `outcome`.
    pub kind: String,
    pub seq: i64,
    pub actual: Option<f64>,
    /// The value before, for `decrease`/`increase` targets.
    pub baseline: Option<f64>,
}

/// What an officer enters for a project and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProgressInput {
    pub status: ProgressStatus,
    pub reason: Option<NotDoneReason>,
    pub reason_text: String,
    /// Satang.
    pub dev_plan_satang: Option<i64>,
    pub ordinance_satang: Option<i64>,
    pub disbursed_satang: Option<i64>,
    pub problems: String,
    pub notes: String,
    pub steps: Vec<StepTick>,
    pub kpis: Vec<KpiEntry>,
}

/// A project's progress in a fiscal year, as stored (defaults when nothing is yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub org_id: i64,
    pub project_key: i64,
    pub fiscal_year: i64,
    #[serde(flatten)]
    pub input: ProgressInput,
    pub approval: ApprovalState,
    /// The head's comment when returning (or approving).
    pub approval_comment: String,
    pub updated_by: String,
    pub updated_at: i64,
    pub decided_by: String,
    pub decided_at: i64,
    /// Whether anything was recorded yet.
    pub exists: bool,
}

impl Progress {
    fn empty(org_id: i64, project_key: i64, fiscal_year: i64) -> Progress {
        Progress {
            org_id,
            project_key,
            fiscal_year,
            input: ProgressInput::default(),
            approval: ApprovalState::Draft,
            approval_comment: String::new(),
            updated_by: String::new(),
            updated_at: 0,
            decided_by: String::new(),
            decided_at: 0,
            exists: false,
        }
    }
}

/// How an evidence item was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// A document (PDF).
    File,
    /// A photo (JPEG, PNG, WebP; metadata such as GPS removed).
    Photo,
    /// A web address.
    Link,
}

impl EvidenceKind {
    pub fn code(self) -> &'static str {
        match self {
            EvidenceKind::File => "file",
            EvidenceKind::Photo => "photo",
            EvidenceKind::Link => "link",
        }
    }

    fn from_code(s: &str) -> EvidenceKind {
        match s {
            "photo" => EvidenceKind::Photo,
            "link" => EvidenceKind::Link,
            _ => EvidenceKind::File,
        }
    }
}

/// One piece of evidence (หลักฐาน) and who added it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: i64,
    pub project_key: i64,
    pub fiscal_year: i64,
    pub kind: EvidenceKind,
    pub file_id: Option<i64>,
    /// The file's name, for files and photos.
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub url: String,
    pub caption: String,
    pub added_by: i64,
    pub added_by_name: String,
    pub added_at: i64,
}

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

/// Longest free text kept (problems, notes, reasons, captions).
pub const MAX_TEXT: usize = 5000;
/// Longest link.
pub const MAX_URL: usize = 2000;

fn check_year(fy: i64) -> Result<()> {
    i32::try_from(fy)
        .ok()
        .and_then(|y| FiscalYear::new(y).ok())
        .map(|_| ())
        .ok_or_else(|| {
            bad(format!(
                "fiscal year {fy} is not a B.E. year between 2500 and 2700"
            ))
        })
}

fn check_input(i: &ProgressInput) -> Result<()> {
    check_status(i.status, i.reason, &i.reason_text).map_err(|e| bad(e.to_string()))?;
    for (name, t) in [
        ("reason", &i.reason_text),
        ("problems", &i.problems),
        ("notes", &i.notes),
    ] {
        if t.chars().count() > MAX_TEXT {
            return Err(bad(format!(
                "{name} must have at most {MAX_TEXT} characters"
            )));
        }
    }
    for v in [i.dev_plan_satang, i.ordinance_satang, i.disbursed_satang]
        .into_iter()
        .flatten()
    {
        if !(0..=1_000_000_000_000_000).contains(&v) {
            return Err(bad("amounts must be between 0 and 10 trillion baht"));
        }
    }
    for s in &i.steps {
        if let Some(d) = &s.done_on
            && time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                .is_err()
        {
            return Err(bad(format!(
                "step {}: {d:?} is not a date (YYYY-MM-DD)",
                s.seq
            )));
        }
    }
    for k in &i.kpis {
        if k.kind != "output" && k.kind != "outcome" {
            return Err(bad("a KPI is an output or an outcome"));
        }
        if [k.actual, k.baseline]
            .into_iter()
            .flatten()
            .any(|v| !v.is_finite())
        {
            return Err(bad("KPI values must be numbers"));
        }
    }
    Ok(())
}

fn parse_enum<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T> {
    s.parse::<T>().map_err(bad)
}

fn progress_from_row(r: &AnyRow) -> Result<Progress> {
    let reason: Option<String> = r.try_get("reason")?;
    Ok(Progress {
        org_id: r.try_get("org_id")?,
        project_key: r.try_get("project_key")?,
        fiscal_year: r.try_get("fiscal_year")?,
        input: ProgressInput {
            status: parse_enum(&r.try_get::<String, _>("status")?)?,
            reason: reason.as_deref().map(parse_enum).transpose()?,
            reason_text: r.try_get("reason_text")?,
            dev_plan_satang: r.try_get("dev_plan_satang")?,
            ordinance_satang: r.try_get("ordinance_satang")?,
            disbursed_satang: r.try_get("disbursed_satang")?,
            problems: r.try_get("problems")?,
            notes: r.try_get("notes")?,
            steps: Vec::new(),
            kpis: Vec::new(),
        },
        approval: parse_enum(&r.try_get::<String, _>("approval")?)?,
        approval_comment: r.try_get("approval_comment")?,
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        exists: true,
    })
}

const PROGRESS_COLS: &str = "org_id, project_key, fiscal_year, status, reason, reason_text, dev_plan_satang, \
     ordinance_satang, disbursed_satang, problems, notes, approval, approval_comment, updated_by, updated_at, \
     decided_by, decided_at";

async fn load_details(conn: &mut AnyConnection, p: &mut Progress) -> Result<()> {
    let steps: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT seq, done, done_on FROM progress_steps WHERE org_id = $1 AND project_key = $2 AND fiscal_year = $3 \
         ORDER BY seq",
    )
    .bind(p.org_id)
    .bind(p.project_key)
    .bind(p.fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    p.input.steps = steps
        .into_iter()
        .map(|(seq, done, on)| StepTick {
            seq,
            done: done != 0,
            done_on: (!on.is_empty()).then_some(on),
        })
        .collect();
    let rows = sqlx::query(
        "SELECT kind, seq, actual, baseline FROM progress_kpis WHERE org_id = $1 AND project_key = $2 \
         AND fiscal_year = $3 ORDER BY CASE kind WHEN 'output' THEN 0 ELSE 1 END, seq",
    )
    .bind(p.org_id)
    .bind(p.project_key)
    .bind(p.fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    p.input.kpis = rows
        .iter()
        .map(|r| {
            Ok(KpiEntry {
                kind: r.try_get("kind")?,
                seq: r.try_get("seq")?,
                actual: r.try_get("actual")?,
                baseline: r.try_get("baseline")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(())
}

/// A project's progress in a year (an empty draft when nothing was recorded).
pub async fn get(
    conn: &mut AnyConnection,
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
) -> Result<Progress> {
    let row = sqlx::query(&format!(
        "SELECT {PROGRESS_COLS} FROM progress WHERE org_id = $1 AND project_key = $2 AND fiscal_year = $3"
    ))
    .bind(org_id)
    .bind(project_key)
    .bind(fiscal_year)
    .fetch_optional(&mut *conn)
    .await?;
    let mut p = match row {
        Some(r) => progress_from_row(&r)?,
        None => Progress::empty(org_id, project_key, fiscal_year),
    };
    if p.exists {
        load_details(conn, &mut p).await?;
    }
    Ok(p)
}

/// Every project's recorded progress in a year, with steps and KPI results.
pub async fn list_year(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: i64,
) -> Result<Vec<Progress>> {
    let rows = sqlx::query(&format!(
        "SELECT {PROGRESS_COLS} FROM progress WHERE org_id = $1 AND fiscal_year = $2 ORDER BY project_key"
    ))
    .bind(org_id)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = rows
        .iter()
        .map(progress_from_row)
        .collect::<Result<Vec<_>>>()?;
    for p in &mut out {
        load_details(conn, p).await?;
    }
    Ok(out)
}

/// The number of evidence items per project in a year.
pub async fn evidence_counts(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: i64,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT project_key, CAST(COUNT(*) AS BIGINT) FROM progress_evidence WHERE org_id = $1 AND fiscal_year = $2 \
         GROUP BY project_key",
    )
    .bind(org_id)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?)
}

/// The organization's current plan, and the project with `project_key` in it.
pub async fn plan_project(
    conn: &mut AnyConnection,
    org_id: i64,
    project_key: i64,
) -> Result<Option<(PlanVersion, PlanProject, prongsai_plan::Project)>> {
    let Some(v) = plans::current(conn, org_id).await? else {
        return Ok(None);
    };
    let Some(pp) = plans::projects(conn, org_id, v.id)
        .await?
        .into_iter()
        .find(|p| p.project_key == project_key)
    else {
        return Ok(None);
    };
    let plan = plans::plan(conn, org_id, v.id).await?.unwrap_or_default();
    let detail = plan
        .projects
        .into_iter()
        .find(|p| i64::from(p.no) == pp.no)
        .unwrap_or_default();
    Ok(Some((v, pp, detail)))
}

fn summary(p: &Progress) -> String {
    audit::snapshot(Some(p))
}

/// Writes the row (insert or update) and replaces steps and KPI results.
async fn write(conn: &mut AnyConnection, p: &Progress) -> Result<()> {
    let i = &p.input;
    // Upsert first: on SQLite the first statement of a writing transaction is a write.
    sqlx::query(
        "INSERT INTO progress (org_id, project_key, fiscal_year, status, reason, reason_text, dev_plan_satang, \
         ordinance_satang, disbursed_satang, problems, notes, approval, approval_comment, updated_by, updated_at, \
         decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (org_id, project_key, fiscal_year) DO UPDATE SET status = excluded.status, \
         reason = excluded.reason, reason_text = excluded.reason_text, dev_plan_satang = excluded.dev_plan_satang, \
         ordinance_satang = excluded.ordinance_satang, disbursed_satang = excluded.disbursed_satang, \
         problems = excluded.problems, notes = excluded.notes, approval = excluded.approval, \
         approval_comment = excluded.approval_comment, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
    )
    .bind(p.org_id)
    .bind(p.project_key)
    .bind(p.fiscal_year)
    .bind(i.status.code())
    .bind(i.reason.map(|r| r.code()))
    .bind(i.reason_text.trim())
    .bind(i.dev_plan_satang)
    .bind(i.ordinance_satang)
    .bind(i.disbursed_satang)
    .bind(i.problems.trim())
    .bind(i.notes.trim())
    .bind(p.approval.code())
    .bind(&p.approval_comment)
    .bind(&p.updated_by)
    .bind(p.updated_at)
    .bind(&p.decided_by)
    .bind(p.decided_at)
    .execute(&mut *conn)
    .await?;
    for table in ["progress_steps", "progress_kpis"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE org_id = $1 AND project_key = $2 AND fiscal_year = $3"
        ))
        .bind(p.org_id)
        .bind(p.project_key)
        .bind(p.fiscal_year)
        .execute(&mut *conn)
        .await?;
    }
    for s in &i.steps {
        sqlx::query(
            "INSERT INTO progress_steps (org_id, project_key, fiscal_year, seq, done, done_on) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(p.org_id)
        .bind(p.project_key)
        .bind(p.fiscal_year)
        .bind(s.seq)
        .bind(i64::from(s.done))
        .bind(s.done_on.clone().unwrap_or_default())
        .execute(&mut *conn)
        .await?;
    }
    for k in &i.kpis {
        let mut q = sqlx::query(
            "INSERT INTO progress_kpis (org_id, project_key, fiscal_year, kind, seq, actual, baseline) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(p.org_id)
        .bind(p.project_key)
        .bind(p.fiscal_year)
        .bind(&k.kind)
        .bind(k.seq);
        // A NULL f64 goes to PostgreSQL as float4 through the Any driver; a NULL f32
        // keeps the parameter a float8 (see plans.rs).
        for v in [k.actual, k.baseline] {
            q = match v {
                Some(v) => q.bind(v),
                None => q.bind(Option::<f32>::None),
            };
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Saves what an officer entered. Progress waiting for the head's approval cannot be
/// changed; approved progress becomes a draft again (to be approved again).
pub async fn save(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
    input: &ProgressInput,
    actor: &Actor,
) -> Result<Progress> {
    check_year(fiscal_year)?;
    check_input(input)?;
    let mut tx = conn.begin().await?;
    let before = get(&mut tx, org_id, project_key, fiscal_year).await?;
    let approval = before
        .approval
        .after(ApprovalAction::Edit)
        .map_err(|e| bad(e.to_string()))?;
    let mut after = before.clone();
    after.input = input.clone();
    after.approval = approval;
    after.updated_by = actor.label.clone();
    after.updated_at = crate::now_ms();
    after.exists = true;
    write(&mut tx, &after).await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "progress.save",
            entity: "progress",
            entity_id: format!("{project_key}/{fiscal_year}"),
        },
        if before.exists {
            summary(&before)
        } else {
            "null".into()
        },
        summary(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Sends to the head (`Submit`), approves (`Approve`) or returns with a comment
/// (`Return`). Who may do which is the caller's business (the web checks the role and
/// the division); this checks the order of things.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
    action: ApprovalAction,
    comment: &str,
    actor: &Actor,
) -> Result<Progress> {
    check_year(fiscal_year)?;
    if comment.chars().count() > MAX_TEXT {
        return Err(bad(format!(
            "the comment must have at most {MAX_TEXT} characters"
        )));
    }
    if action == ApprovalAction::Return && comment.trim().is_empty() {
        return Err(bad("returning progress needs a comment saying what to fix"));
    }
    let mut tx = conn.begin().await?;
    // Take the write lock before reading (SQLite).
    sqlx::query("UPDATE progress SET approval = approval WHERE org_id = $1 AND project_key = $2 AND fiscal_year = $3")
        .bind(org_id)
        .bind(project_key)
        .bind(fiscal_year)
        .execute(&mut *tx)
        .await?;
    let before = get(&mut tx, org_id, project_key, fiscal_year).await?;
    let approval = before
        .approval
        .after(action)
        .map_err(|e| bad(e.to_string()))?;
    let mut after = before.clone();
    after.approval = approval;
    after.exists = true;
    let now = crate::now_ms();
    match action {
        ApprovalAction::Submit => {
            after.updated_by = actor.label.clone();
            after.updated_at = now;
            after.approval_comment = String::new();
        }
        _ => {
            after.decided_by = actor.label.clone();
            after.decided_at = now;
            after.approval_comment = comment.trim().to_string();
        }
    }
    write(&mut tx, &after).await?;
    let name = match action {
        ApprovalAction::Submit => "progress.submit",
        ApprovalAction::Approve => "progress.approve",
        ApprovalAction::Return => "progress.return",
        ApprovalAction::Edit => "progress.save",
    };
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: name,
            entity: "progress",
            entity_id: format!("{project_key}/{fiscal_year}"),
        },
        if before.exists {
            summary(&before)
        } else {
            "null".into()
        },
        summary(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

const EVIDENCE_SELECT: &str = "SELECT e.id, e.project_key, e.fiscal_year, e.kind, e.file_id, e.url, e.caption, \
     e.added_by, e.added_by_name, e.added_at, f.original_name, f.content_type, f.size_bytes \
     FROM progress_evidence e LEFT JOIN files f ON f.id = e.file_id AND f.org_id = e.org_id";

fn evidence_from_row(r: &AnyRow) -> Result<Evidence> {
    Ok(Evidence {
        id: r.try_get("id")?,
        project_key: r.try_get("project_key")?,
        fiscal_year: r.try_get("fiscal_year")?,
        kind: EvidenceKind::from_code(&r.try_get::<String, _>("kind")?),
        file_id: r.try_get("file_id")?,
        file_name: r
            .try_get::<Option<String>, _>("original_name")?
            .unwrap_or_default(),
        content_type: r
            .try_get::<Option<String>, _>("content_type")?
            .unwrap_or_default(),
        size_bytes: r.try_get::<Option<i64>, _>("size_bytes")?.unwrap_or(0),
        url: r.try_get("url")?,
        caption: r.try_get("caption")?,
        added_by: r.try_get("added_by")?,
        added_by_name: r.try_get("added_by_name")?,
        added_at: r.try_get("added_at")?,
    })
}

/// The evidence of a project in a year, oldest first.
pub async fn evidence(
    conn: &mut AnyConnection,
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
) -> Result<Vec<Evidence>> {
    let rows = sqlx::query(&format!(
        "{EVIDENCE_SELECT} WHERE e.org_id = $1 AND e.project_key = $2 AND e.fiscal_year = $3 ORDER BY e.added_at, e.id"
    ))
    .bind(org_id)
    .bind(project_key)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(evidence_from_row).collect()
}

/// One evidence item of the organization, with its file's metadata if it has one.
pub async fn evidence_item(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<(Evidence, Option<FileMeta>)>> {
    let row = sqlx::query(&format!(
        "{EVIDENCE_SELECT} WHERE e.org_id = $1 AND e.id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(e) = row.as_ref().map(evidence_from_row).transpose()? else {
        return Ok(None);
    };
    let file = match e.file_id {
        Some(f) => files::by_id(conn, org_id, f).await?,
        None => None,
    };
    Ok(Some((e, file)))
}

/// Makes sure a progress row exists and may be changed (adding evidence is an edit).
async fn touch_for_evidence(
    conn: &mut AnyConnection,
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
    actor: &Actor,
) -> Result<()> {
    let mut p = get(conn, org_id, project_key, fiscal_year).await?;
    p.approval = p
        .approval
        .after(ApprovalAction::Edit)
        .map_err(|e| bad(e.to_string()))?;
    p.updated_by = actor.label.clone();
    p.updated_at = crate::now_ms();
    p.exists = true;
    write(conn, &p).await
}

#[allow(clippy::too_many_arguments)]
async fn insert_evidence(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
    kind: EvidenceKind,
    file_id: Option<i64>,
    url: &str,
    caption: &str,
    actor: &Actor,
) -> Result<Evidence> {
    let now = crate::now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO progress_evidence (org_id, project_key, fiscal_year, kind, file_id, url, caption, added_by, \
         added_by_name, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(org_id)
    .bind(project_key)
    .bind(fiscal_year)
    .bind(kind.code())
    .bind(file_id)
    .bind(url)
    .bind(caption.trim())
    .bind(actor.id)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let e = evidence_item(conn, org_id, id)
        .await?
        .map(|(e, _)| e)
        .ok_or_else(|| StoreError::NotFound("evidence".into()))?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "progress.evidence_add",
            entity: "progress",
            entity_id: format!("{project_key}/{fiscal_year}"),
        },
        "null".into(),
        audit::snapshot(Some(&e)),
    )
    .await?;
    Ok(e)
}

/// Adds a link as evidence (http or https only).
#[allow(clippy::too_many_arguments)]
pub async fn add_link(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
    url: &str,
    caption: &str,
    actor: &Actor,
) -> Result<Evidence> {
    check_year(fiscal_year)?;
    let url = url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > MAX_URL || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(
            "a link must be an http:// or https:// address without spaces, at most 2000 characters",
        ));
    }
    if caption.chars().count() > MAX_TEXT {
        return Err(bad("the caption is too long"));
    }
    let mut tx = conn.begin().await?;
    touch_for_evidence(&mut tx, org_id, project_key, fiscal_year, actor).await?;
    let e = insert_evidence(
        &mut tx,
        audit_key,
        org_id,
        project_key,
        fiscal_year,
        EvidenceKind::Link,
        None,
        url,
        caption,
        actor,
    )
    .await?;
    tx.commit().await?;
    Ok(e)
}

/// Why an uploaded file was refused.
pub fn check_upload(
    bytes: &[u8],
) -> std::result::Result<prongsai_media::MediaType, prongsai_media::MediaError> {
    prongsai_media::check(bytes, prongsai_media::Limits::default())
}

/// Adds an uploaded file as evidence. The type is read from the bytes (PDF, JPEG, PNG,
/// WebP — never from the name or the browser's claim) and the size is limited
/// ([`prongsai_media::Limits`]); photos are stored without their metadata (EXIF, GPS).
#[allow(clippy::too_many_arguments)]
pub async fn add_file(
    conn: &mut AnyConnection,
    blobs: &dyn BlobStore,
    audit_key: &[u8],
    org_id: i64,
    project_key: i64,
    fiscal_year: i64,
    original_name: &str,
    bytes: &[u8],
    caption: &str,
    actor: &Actor,
) -> Result<Evidence> {
    check_year(fiscal_year)?;
    let t = check_upload(bytes).map_err(|e| bad(e.to_string()))?;
    let kind = if t.is_image() {
        EvidenceKind::Photo
    } else {
        EvidenceKind::File
    };
    // Photos lose their metadata (where and with what they were taken). A PDF whose
    // metadata cannot be removed safely is kept as uploaded: evidence is for staff and
    // auditors, and a person looks at it before anything is published.
    let cleaned = prongsai_media::strip_metadata(bytes).unwrap_or_else(|_| bytes.to_vec());
    let name: String = original_name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let name = if name.is_empty() {
        format!("evidence.{}", t.extension())
    } else {
        name
    };
    if caption.chars().count() > MAX_TEXT {
        return Err(bad("the caption is too long"));
    }
    let mut tx = conn.begin().await?;
    touch_for_evidence(&mut tx, org_id, project_key, fiscal_year, actor).await?;
    let meta = files::upload(
        &mut tx,
        blobs,
        org_id,
        &name,
        t.mime(),
        &cleaned,
        Some(actor.id),
    )
    .await?;
    let e = insert_evidence(
        &mut tx,
        audit_key,
        org_id,
        project_key,
        fiscal_year,
        kind,
        Some(meta.id),
        "",
        caption,
        actor,
    )
    .await?;
    match tx.commit().await {
        Ok(()) => Ok(e),
        Err(err) => {
            let _ = blobs.delete(&meta.storage_key);
            Err(err.into())
        }
    }
}

// ---- moving an organization (see `transfer`) ------------------------------------------------

mod transfer_section {
    use serde_json::{Value, json};
    use sqlx::{AnyConnection, Row};

    use super::{ApprovalState, EvidenceKind, NotDoneReason, ProgressStatus, bad, check_year};
    use crate::error::{Result, StoreError};
    use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

    /// Usernames of the organization's members by account id: references to accounts
    /// travel as user names, and only for members (as in `transfer`).
    async fn member_names(
        conn: &mut AnyConnection,
        org_id: i64,
    ) -> Result<std::collections::BTreeMap<i64, String>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT u.id, u.username FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1",
        )
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().collect())
    }

    fn opt_f64(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::from)
    }

    /// The `progress` section: every project's yearly progress with its steps and KPI
    /// results, the evidence (files by content: sha256, name and time, the bytes being
    /// in the `files` section), and every submitted version of every reporting round
    /// with its frozen report exactly as stored. No ids.
    pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
        Box::pin(async move {
            let names = member_names(conn, x.org_id).await?;
            let name_of = |id: i64| names.get(&id).cloned();
            let rows = sqlx::query(&format!(
                "SELECT {} FROM progress WHERE org_id = $1 ORDER BY fiscal_year, project_key",
                super::PROGRESS_COLS
            ))
            .bind(x.org_id)
            .fetch_all(&mut *conn)
            .await?;
            let mut progress = Vec::new();
            for r in &rows {
                let mut p = super::progress_from_row(r)?;
                super::load_details(conn, &mut p).await?;
                let steps: Vec<Value> = p
                    .input
                    .steps
                    .iter()
                    .map(|st| {
                        json!({"seq": st.seq, "done": st.done,
                               "done_on": st.done_on.clone().unwrap_or_default()})
                    })
                    .collect();
                let kpis: Vec<Value> = p
                    .input
                    .kpis
                    .iter()
                    .map(|k| {
                        json!({"kind": k.kind, "seq": k.seq, "actual": opt_f64(k.actual),
                               "baseline": opt_f64(k.baseline)})
                    })
                    .collect();
                let i = &p.input;
                progress.push(json!({
                    "project_key": p.project_key, "fiscal_year": p.fiscal_year,
                    "status": i.status.code(), "reason": i.reason.map(|r| r.code()),
                    "reason_text": i.reason_text, "dev_plan_satang": i.dev_plan_satang,
                    "ordinance_satang": i.ordinance_satang, "disbursed_satang": i.disbursed_satang,
                    "problems": i.problems, "notes": i.notes, "approval": p.approval.code(),
                    "approval_comment": p.approval_comment, "updated_by": p.updated_by,
                    "updated_at": p.updated_at, "decided_by": p.decided_by, "decided_at": p.decided_at,
                    "steps": steps, "kpis": kpis,
                }));
            }
            let rows = sqlx::query(
                "SELECT e.project_key, e.fiscal_year, e.kind, e.url, e.caption, e.added_by, e.added_by_name, \
                 e.added_at, f.sha256, f.original_name, f.created_at AS file_created_at \
                 FROM progress_evidence e LEFT JOIN files f ON f.id = e.file_id AND f.org_id = e.org_id \
                 WHERE e.org_id = $1 ORDER BY e.fiscal_year, e.project_key, e.added_at, e.id",
            )
            .bind(x.org_id)
            .fetch_all(&mut *conn)
            .await?;
            let mut evidence = Vec::new();
            for r in &rows {
                let file = match r.try_get::<Option<String>, _>("sha256")? {
                    Some(sha) => json!({
                        "sha256": sha,
                        "original_name": r.try_get::<Option<String>, _>("original_name")?,
                        "created_at": r.try_get::<Option<i64>, _>("file_created_at")?,
                    }),
                    None => Value::Null,
                };
                evidence.push(json!({
                    "project_key": r.try_get::<i64, _>("project_key")?,
                    "fiscal_year": r.try_get::<i64, _>("fiscal_year")?,
                    "kind": r.try_get::<String, _>("kind")?,
                    "file": file,
                    "url": r.try_get::<String, _>("url")?,
                    "caption": r.try_get::<String, _>("caption")?,
                    "added_by": name_of(r.try_get::<i64, _>("added_by")?),
                    "added_by_name": r.try_get::<String, _>("added_by_name")?,
                    "added_at": r.try_get::<i64, _>("added_at")?,
                }));
            }
            let rows = sqlx::query(
                "SELECT fiscal_year, round, version, report_json, note, submitted_by, submitted_by_name, submitted_at \
                 FROM report_rounds WHERE org_id = $1 ORDER BY fiscal_year, round, version",
            )
            .bind(x.org_id)
            .fetch_all(&mut *conn)
            .await?;
            let mut rounds = Vec::new();
            for r in &rows {
                rounds.push(json!({
                    "fiscal_year": r.try_get::<i64, _>("fiscal_year")?,
                    "round": r.try_get::<String, _>("round")?,
                    "version": r.try_get::<i64, _>("version")?,
                    // The frozen report as stored, byte for byte.
                    "report_json": r.try_get::<String, _>("report_json")?,
                    "note": r.try_get::<String, _>("note")?,
                    "submitted_by": name_of(r.try_get::<i64, _>("submitted_by")?),
                    "submitted_by_name": r.try_get::<String, _>("submitted_by_name")?,
                    "submitted_at": r.try_get::<i64, _>("submitted_at")?,
                }));
            }
            Ok(json!({"progress": progress, "evidence": evidence, "rounds": rounds}))
        })
    }

    fn s(v: &Value, k: &str, what: &str) -> Result<String> {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(format!("{what}: field {k:?} must be text")))
    }
    fn opt_s(v: &Value, k: &str, what: &str) -> Result<Option<String>> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(t)) => Ok(Some(t.clone())),
            Some(_) => Err(bad(format!("{what}: field {k:?} must be text or null"))),
        }
    }
    fn i(v: &Value, k: &str, what: &str) -> Result<i64> {
        v.get(k)
            .and_then(Value::as_i64)
            .ok_or_else(|| bad(format!("{what}: field {k:?} must be a whole number")))
    }
    fn opt_i(v: &Value, k: &str, what: &str) -> Result<Option<i64>> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(n) => n.as_i64().map(Some).ok_or_else(|| {
                bad(format!(
                    "{what}: field {k:?} must be a whole number or null"
                ))
            }),
        }
    }
    fn opt_f(v: &Value, k: &str, what: &str) -> Result<Option<f64>> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(n) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(Some)
                .ok_or_else(|| bad(format!("{what}: field {k:?} must be a number or null"))),
        }
    }
    fn arr<'v>(v: &'v Value, k: &str, what: &str) -> Result<&'v [Value]> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(bad(format!("{what}: field {k:?} must be a list"))),
        }
    }
    fn member(x: &ImportCtx, name: Option<String>, what: &str) -> Result<i64> {
        match name {
            None => Ok(0),
            Some(u) => x
                .users
                .get(&u)
                .copied()
                .ok_or_else(|| bad(format!("{what}: {u} is not a member"))),
        }
    }

    /// Reads the `progress` section back (after `members`, `files` and `plans`).
    pub fn import_section<'a>(
        conn: &'a mut AnyConnection,
        x: &'a mut ImportCtx,
        v: &'a Value,
    ) -> BoxFut<'a, ()> {
        Box::pin(async move {
            if v.as_array().is_some_and(Vec::is_empty) {
                return Ok(()); // an export without progress
            }
            if !v.is_object() {
                return Err(bad("must be an object"));
            }
            for p in arr(v, "progress", "progress")? {
                let key = i(p, "project_key", "progress")?;
                let year = i(p, "fiscal_year", "progress")?;
                let what = format!("progress of project {key} in {year}");
                check_year(year)?;
                let status: ProgressStatus = s(p, "status", &what)?.parse().map_err(bad)?;
                let reason: Option<NotDoneReason> = opt_s(p, "reason", &what)?
                    .map(|r| r.parse().map_err(bad))
                    .transpose()?;
                let approval: ApprovalState = s(p, "approval", &what)?.parse().map_err(bad)?;
                sqlx::query(
                    "INSERT INTO progress (org_id, project_key, fiscal_year, status, reason, reason_text, \
                     dev_plan_satang, ordinance_satang, disbursed_satang, problems, notes, approval, \
                     approval_comment, updated_by, updated_at, decided_by, decided_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(x.org_id)
                .bind(key)
                .bind(year)
                .bind(status.code())
                .bind(reason.map(|r| r.code()))
                .bind(s(p, "reason_text", &what)?)
                .bind(opt_i(p, "dev_plan_satang", &what)?)
                .bind(opt_i(p, "ordinance_satang", &what)?)
                .bind(opt_i(p, "disbursed_satang", &what)?)
                .bind(s(p, "problems", &what)?)
                .bind(s(p, "notes", &what)?)
                .bind(approval.code())
                .bind(s(p, "approval_comment", &what)?)
                .bind(s(p, "updated_by", &what)?)
                .bind(i(p, "updated_at", &what)?)
                .bind(s(p, "decided_by", &what)?)
                .bind(i(p, "decided_at", &what)?)
                .execute(&mut *conn)
                .await?;
                for st in arr(p, "steps", &what)? {
                    let done = st.get("done").and_then(Value::as_bool).ok_or_else(|| {
                        bad(format!("{what}: a step's \"done\" must be true or false"))
                    })?;
                    sqlx::query(
                        "INSERT INTO progress_steps (org_id, project_key, fiscal_year, seq, done, done_on) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(x.org_id)
                    .bind(key)
                    .bind(year)
                    .bind(i(st, "seq", &what)?)
                    .bind(i64::from(done))
                    .bind(s(st, "done_on", &what)?)
                    .execute(&mut *conn)
                    .await?;
                }
                for k in arr(p, "kpis", &what)? {
                    let kind = s(k, "kind", &what)?;
                    if kind != "output" && kind != "outcome" {
                        return Err(bad(format!("{what}: a KPI is an output or an outcome")));
                    }
                    let mut q = sqlx::query(
                        "INSERT INTO progress_kpis (org_id, project_key, fiscal_year, kind, seq, actual, baseline) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(x.org_id)
                    .bind(key)
                    .bind(year)
                    .bind(kind)
                    .bind(i(k, "seq", &what)?);
                    // NULL doubles as f32 (see `write`).
                    for val in [opt_f(k, "actual", &what)?, opt_f(k, "baseline", &what)?] {
                        q = match val {
                            Some(f) => q.bind(f),
                            None => q.bind(Option::<f32>::None),
                        };
                    }
                    q.execute(&mut *conn).await?;
                }
            }
            for e in arr(v, "evidence", "evidence")? {
                let key = i(e, "project_key", "evidence")?;
                let year = i(e, "fiscal_year", "evidence")?;
                let what = format!("evidence of project {key} in {year}");
                let kind = s(e, "kind", &what)?;
                if ![EvidenceKind::File, EvidenceKind::Photo, EvidenceKind::Link]
                    .iter()
                    .any(|k| k.code() == kind)
                {
                    return Err(bad(format!("{what}: unknown kind {kind:?}")));
                }
                let file_id = match e.get("file") {
                    None | Some(Value::Null) => None,
                    Some(f) => {
                        let found: Option<(i64,)> = sqlx::query_as(
                            "SELECT id FROM files WHERE org_id = $1 AND sha256 = $2 AND original_name = $3 \
                             AND created_at = $4 ORDER BY id LIMIT 1",
                        )
                        .bind(x.org_id)
                        .bind(s(f, "sha256", &what)?)
                        .bind(s(f, "original_name", &what)?)
                        .bind(i(f, "created_at", &what)?)
                        .fetch_optional(&mut *conn)
                        .await?;
                        Some(found.map(|(id,)| id).ok_or_else(|| {
                            bad(format!("{what}: its file is not among the files"))
                        })?)
                    }
                };
                let added_by = member(x, opt_s(e, "added_by", &what)?, &what)?;
                sqlx::query(
                    "INSERT INTO progress_evidence (org_id, project_key, fiscal_year, kind, file_id, url, caption, \
                     added_by, added_by_name, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(x.org_id)
                .bind(key)
                .bind(year)
                .bind(kind)
                .bind(file_id)
                .bind(s(e, "url", &what)?)
                .bind(s(e, "caption", &what)?)
                .bind(added_by)
                .bind(s(e, "added_by_name", &what)?)
                .bind(i(e, "added_at", &what)?)
                .execute(&mut *conn)
                .await?;
            }
            for r in arr(v, "rounds", "rounds")? {
                let year = i(r, "fiscal_year", "round")?;
                let round = s(r, "round", "round")?;
                let version = i(r, "version", "round")?;
                let what = format!("round {round} of {year}, version {version}");
                check_year(year)?;
                if round != "6m" && round != "12m" || version < 1 {
                    return Err(bad(format!("{what}: not a reporting round")));
                }
                let report = s(r, "report_json", &what)?;
                serde_json::from_str::<prongsai_domain::reports::RoundReport>(&report)
                    .map_err(|e| bad(format!("{what}: the report is not readable: {e}")))?;
                let by = member(x, opt_s(r, "submitted_by", &what)?, &what)?;
                let res = sqlx::query(
                    "INSERT INTO report_rounds (org_id, fiscal_year, round, version, report_json, note, submitted_by, \
                     submitted_by_name, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(x.org_id)
                .bind(year)
                .bind(&round)
                .bind(version)
                .bind(report)
                .bind(s(r, "note", &what)?)
                .bind(by)
                .bind(s(r, "submitted_by_name", &what)?)
                .bind(i(r, "submitted_at", &what)?)
                .execute(&mut *conn)
                .await;
                match res {
                    Ok(_) => {}
                    Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                        return Err(bad(format!("{what} appears twice")));
                    }
                    Err(e) => return Err(StoreError::from(e)),
                }
            }
            Ok(())
        })
    }
}

pub use transfer_section::{export_section, import_section};
