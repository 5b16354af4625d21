//! The organization's anti-corruption action plan, versioned.
//!
//! Every import of a plan file ([`import`]) stores a new version (previous + 1) in one
//! transaction: the whole plan as JSON, the lint findings, and the parts later work
//! queries — projects (with the division that is responsible, matched by name),
//! yearly budgets, KPI targets, the Part 1 targets and the risk table. Older versions
//! are kept; exactly one is current. Each import is recorded in the organization's
//! audit chain with what changed against the previous version ([`PlanDiff`]).
//!
//! Projects keep a `project_key` across versions: a project matched to one of the
//! previous version (same or similar name, see `prongsai_plan::diff`) keeps its key,
//! so yearly progress can follow a project through plan revisions.

use std::collections::BTreeMap;

use prongsai_plan::diff::{PlanDiff, diff};
use prongsai_plan::{Finding, ParseOutcome, Plan, Project, Severity};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change};
use crate::error::{Result, StoreError};
use crate::orgs::{self, Division};
use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

/// One stored version of an organization's plan (without the plan itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanVersion {
    pub id: i64,
    pub org_id: i64,
    pub version: i64,
    pub title: String,
    /// The organization as the plan names it.
    pub organization_name: String,
    /// First and last fiscal year, B.E. (0 when the plan does not say).
    pub first_year: i64,
    pub last_year: i64,
    pub source_name: String,
    pub source_sha256: String,
    pub project_count: i64,
    pub error_count: i64,
    pub warning_count: i64,
    /// A user name, or `cli` / `system`.
    pub imported_by: String,
    /// Milliseconds since the epoch, UTC.
    pub imported_at: i64,
    pub is_current: bool,
}

/// A project/activity/measure of a stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanProject {
    pub org_id: i64,
    pub plan_id: i64,
    pub no: i64,
    /// Stable across the organization's plan versions.
    pub project_key: i64,
    pub dimension: i64,
    pub mission: String,
    /// `project`, `activity` or `measure`.
    pub kind: String,
    pub name: String,
    pub responsible: String,
    pub division_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanBudget {
    pub project_no: i64,
    pub fiscal_year: i64,
    /// Whole baht; 0 where the plan has no budget.
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanKpi {
    pub project_no: i64,
    /// `output` or `outcome`.
    pub kind: String,
    /// 1-based among the project's outputs (or outcomes).
    pub seq: i64,
    pub text: String,
    /// `>=`, `<=`, `=`, `decrease`, `increase`; `None` when the text gives no target.
    pub op: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTarget {
    /// `ita_score` or `corruption_case_reduction_percent`.
    pub kind: String,
    pub fiscal_year: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRisk {
    pub seq: i64,
    pub no: i64,
    pub process: String,
    pub issues: Vec<String>,
    pub levels: Vec<String>,
    pub controls: Vec<String>,
}

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| bad(format!("cannot write JSON: {e}")))
}

const VERSION_COLS: &str = "id, org_id, version, title, organization_name, first_year, last_year, \
     source_name, source_sha256, project_count, error_count, warning_count, imported_by, imported_at, is_current";

fn version_from_row(r: &AnyRow) -> Result<PlanVersion> {
    Ok(PlanVersion {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        version: r.try_get("version")?,
        title: r.try_get("title")?,
        organization_name: r.try_get("organization_name")?,
        first_year: r.try_get("first_year")?,
        last_year: r.try_get("last_year")?,
        source_name: r.try_get("source_name")?,
        source_sha256: r.try_get("source_sha256")?,
        project_count: r.try_get("project_count")?,
        error_count: r.try_get("error_count")?,
        warning_count: r.try_get("warning_count")?,
        imported_by: r.try_get("imported_by")?,
        imported_at: r.try_get("imported_at")?,
        is_current: r.try_get::<i64, _>("is_current")? != 0,
    })
}

// ---- matching the responsible unit to a division ----------------------------------------

/// A unit's name as compared: no spaces, no organization name, no สำนัก/กอง/… prefix.
fn unit_core(s: &str, org_names: &[&str]) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    for n in org_names {
        let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
        if !n.is_empty() {
            t = t.replace(&n, "");
        }
    }
    for prefix in [
        "สำนักงาน",
        "สำนัก",
        "หน่วยงาน",
        "หน่วย",
        "กอง",
        "ฝ่าย",
        "งาน",
        "ส่วน",
    ] {
        if let Some(rest) = t.strip_prefix(prefix)
            && rest.chars().count() >= 2
        {
            t = rest.to_string();
            break;
        }
    }
    t
}

/// The division a plan's responsible unit names, matched tolerantly: spaces, the
/// organization's name and the สำนัก/กอง/หน่วยงาน prefix are ignored ("กองคลัง" ~ "คลัง",
/// "สำนักปลัด" ~ "สำนักปลัดเทศบาล"). When the text names several units, the first one
/// named wins; when nothing matches ("ทุกสำนัก/กอง"), `None`.
pub fn match_division<'a>(
    responsible: &str,
    org_names: &[&str],
    divisions: &'a [Division],
) -> Option<&'a Division> {
    let r = unit_core(responsible, org_names);
    if r.chars().count() < 2 {
        return None;
    }
    if let Some(d) = divisions
        .iter()
        .find(|d| unit_core(&d.name_th, org_names) == r)
    {
        return Some(d);
    }
    // (position in the responsible text, -length of the division's name, division)
    let mut best: Option<(usize, i64, &Division)> = None;
    for d in divisions {
        let c = unit_core(&d.name_th, org_names);
        if c.chars().count() < 3 {
            continue;
        }
        let pos = if let Some(p) = r.find(&c) {
            Some(p)
        } else if r.chars().count() >= 3 && c.contains(&r) {
            Some(0)
        } else {
            None
        };
        if let Some(p) = pos {
            let cand = (p, -(c.chars().count() as i64), d);
            if best.as_ref().is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                best = Some(cand);
            }
        }
    }
    best.map(|b| b.2)
}

// ---- writing a version ----------------------------------------------------------------------

/// What a version row is made of, apart from the plan.
struct NewVersion<'a> {
    version: i64,
    source_name: &'a str,
    source_sha256: &'a str,
    imported_by: &'a str,
    imported_at: i64,
    is_current: bool,
}

/// A value to bind in a many-row insert.
enum Arg {
    I(i64),
    OI(Option<i64>),
    T(String),
    OT(Option<String>),
    F(f64),
    OF(Option<f64>),
}

/// Inserts rows in batches of at most 100, one statement per batch.
async fn insert_many(
    conn: &mut AnyConnection,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<()> {
    for chunk in rows.chunks(100) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..cols.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for a in row {
                q = match a {
                    Arg::I(v) => q.bind(*v),
                    Arg::OI(v) => q.bind(*v),
                    Arg::T(v) => q.bind(v.clone()),
                    Arg::OT(v) => q.bind(v.clone()),
                    Arg::F(v) => q.bind(*v),
                    // sqlx's Any driver sends a NULL f64 to PostgreSQL as a float4
                    // (and a NULL f32 as a float8); a cached statement then refuses the
                    // next non-NULL f64. A NULL f32 keeps the parameter a float8.
                    Arg::OF(Some(v)) => q.bind(*v),
                    Arg::OF(None) => q.bind(Option::<f32>::None),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn count(findings: &[Finding], s: Severity) -> i64 {
    findings.iter().filter(|f| f.severity == s).count() as i64
}

fn op_code(op: prongsai_plan::Op) -> &'static str {
    use prongsai_plan::Op;
    match op {
        Op::Ge => ">=",
        Op::Le => "<=",
        Op::Eq => "=",
        Op::Decrease => "decrease",
        Op::Increase => "increase",
    }
}

fn kind_code(k: prongsai_plan::ProjectKind) -> &'static str {
    use prongsai_plan::ProjectKind;
    match k {
        ProjectKind::Project => "project",
        ProjectKind::Activity => "activity",
        ProjectKind::Measure => "measure",
    }
}

/// Writes one version: the plans row and every table under it. `assign` gives each
/// project (in plan order) its key and division.
async fn insert_version(
    conn: &mut AnyConnection,
    org_id: i64,
    v: &NewVersion<'_>,
    plan: &Plan,
    findings: &[Finding],
    assign: &[(i64, Option<i64>)],
) -> Result<PlanVersion> {
    let first_year = plan.fiscal_years.iter().min().copied().unwrap_or(0);
    let last_year = plan.fiscal_years.iter().max().copied().unwrap_or(0);
    let res = sqlx::query(&format!(
        "INSERT INTO plans (org_id, version, title, organization_name, first_year, last_year, source_name, \
         source_sha256, plan_json, findings_json, project_count, error_count, warning_count, imported_by, \
         imported_at, is_current) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING {VERSION_COLS}"
    ))
    .bind(org_id)
    .bind(v.version)
    .bind(&plan.title)
    .bind(&plan.organization)
    .bind(i64::from(first_year))
    .bind(i64::from(last_year))
    .bind(v.source_name)
    .bind(v.source_sha256)
    .bind(to_json(plan)?)
    .bind(to_json(&findings)?)
    .bind(plan.projects.len() as i64)
    .bind(count(findings, Severity::Error))
    .bind(count(findings, Severity::Warning))
    .bind(v.imported_by)
    .bind(v.imported_at)
    .bind(i64::from(v.is_current))
    .fetch_one(&mut *conn)
    .await;
    let row = match res {
        Ok(r) => r,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            return Err(StoreError::Conflict(format!(
                "plan version {} (another plan import for this organization ran at the same time; try again)",
                v.version
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let pv = version_from_row(&row)?;
    let plan_id = pv.id;

    let mut projects = Vec::new();
    let mut budgets = Vec::new();
    let mut kpis = Vec::new();
    for (i, p) in plan.projects.iter().enumerate() {
        let (key, division) = assign.get(i).copied().unwrap_or((i as i64 + 1, None));
        let no = i64::from(p.no);
        projects.push(vec![
            Arg::I(org_id),
            Arg::I(plan_id),
            Arg::I(no),
            Arg::I(key),
            Arg::I(i64::from(p.dimension)),
            Arg::T(p.mission.clone()),
            Arg::T(kind_code(p.kind).into()),
            Arg::T(p.name.clone()),
            Arg::T(p.responsible.clone()),
            Arg::OI(division),
        ]);
        let mut years: BTreeMap<i64, i64> = BTreeMap::new();
        for (y, amount) in &p.budget {
            let y: i64 = y
                .trim()
                .parse()
                .map_err(|_| bad(format!("project {no}: budget year {y:?} is not a year")))?;
            *years.entry(y).or_default() += *amount;
        }
        for (y, amount) in years {
            budgets.push(vec![
                Arg::I(org_id),
                Arg::I(plan_id),
                Arg::I(no),
                Arg::I(y),
                Arg::I(amount),
            ]);
        }
        for (kind, list) in [("output", &p.outputs), ("outcome", &p.outcomes)] {
            for (s, k) in list.iter().enumerate() {
                let t = k.target.as_ref();
                kpis.push(vec![
                    Arg::I(org_id),
                    Arg::I(plan_id),
                    Arg::I(no),
                    Arg::T(kind.into()),
                    Arg::I(s as i64 + 1),
                    Arg::T(k.text.clone()),
                    Arg::OT(t.map(|t| op_code(t.op).to_string())),
                    Arg::OF(t.and_then(|t| t.value)),
                    Arg::OT(t.and_then(|t| t.unit.clone())),
                ]);
            }
        }
    }
    insert_many(
        conn,
        "plan_projects",
        &[
            "org_id",
            "plan_id",
            "no",
            "project_key",
            "dimension",
            "mission",
            "kind",
            "name",
            "responsible",
            "division_id",
        ],
        projects,
    )
    .await?;
    insert_many(
        conn,
        "plan_budgets",
        &["org_id", "plan_id", "project_no", "fiscal_year", "amount"],
        budgets,
    )
    .await?;
    insert_many(
        conn,
        "plan_kpis",
        &[
            "org_id",
            "plan_id",
            "project_no",
            "kind",
            "seq",
            "text",
            "op",
            "value",
            "unit",
        ],
        kpis,
    )
    .await?;
    let mut targets = Vec::new();
    for (kind, m) in [
        ("ita_score", &plan.targets.ita_score),
        (
            "corruption_case_reduction_percent",
            &plan.targets.corruption_case_reduction_percent,
        ),
    ] {
        for (y, value) in m {
            let Ok(y) = y.trim().parse::<i64>() else {
                continue;
            };
            targets.push(vec![
                Arg::I(org_id),
                Arg::I(plan_id),
                Arg::T(kind.into()),
                Arg::I(y),
                Arg::F(*value),
            ]);
        }
    }
    insert_many(
        conn,
        "plan_targets",
        &["org_id", "plan_id", "kind", "fiscal_year", "value"],
        targets,
    )
    .await?;
    let mut risks = Vec::new();
    for (s, r) in plan.risks.iter().enumerate() {
        risks.push(vec![
            Arg::I(org_id),
            Arg::I(plan_id),
            Arg::I(s as i64 + 1),
            Arg::I(i64::from(r.no)),
            Arg::T(r.process.clone()),
            Arg::T(to_json(&r.issues)?),
            Arg::T(to_json(&r.levels)?),
            Arg::T(to_json(&r.controls)?),
        ]);
    }
    insert_many(
        conn,
        "plan_risks",
        &[
            "org_id",
            "plan_id",
            "seq",
            "no",
            "process",
            "issues_json",
            "levels_json",
            "controls_json",
        ],
        risks,
    )
    .await?;
    Ok(pv)
}

/// The audit entry's view of a version.
fn version_summary(v: &PlanVersion) -> Value {
    json!({
        "version": v.version,
        "title": v.title,
        "source_name": v.source_name,
        "source_sha256": v.source_sha256,
        "projects": v.project_count,
        "errors": v.error_count,
        "warnings": v.warning_count,
    })
}

/// Stores a parsed plan as the organization's new current version, in one transaction
/// (on `conn`, or a savepoint if `conn` is already in one), recorded in the audit
/// chain with what changed. Returns the new version and the change against the
/// previous version (against an empty plan for the first import).
#[allow(clippy::too_many_arguments)]
pub async fn import(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    source_name: &str,
    source_sha256: &str,
    outcome: &ParseOutcome,
    findings: &[Finding],
    actor: &Actor,
) -> Result<(PlanVersion, PlanDiff)> {
    let source_name = source_name.trim();
    if source_name.is_empty() || source_name.chars().count() > 255 {
        return Err(bad("the plan file's name must have 1–255 characters"));
    }
    if source_sha256.len() != 64 || !source_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("the plan file's SHA-256 must be 64 hex digits"));
    }
    let mut tx = conn.begin().await?;
    // A write first, so that two SQLite writers queue instead of deadlocking.
    sqlx::query("UPDATE plans SET is_current = 0 WHERE org_id = $1 AND is_current = 1")
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let org = orgs::by_id(&mut tx, org_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("organization".into()))?;
    let previous = sqlx::query(&format!(
        "SELECT {VERSION_COLS} FROM plans WHERE org_id = $1 ORDER BY version DESC LIMIT 1"
    ))
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(version_from_row)
    .transpose()?;
    let (old_plan, old_keys) = match &previous {
        Some(p) => {
            let plan = plan(&mut tx, org_id, p.id)
                .await?
                .ok_or_else(|| StoreError::NotFound("previous plan version".into()))?;
            let keys: BTreeMap<i64, i64> = projects(&mut tx, org_id, p.id)
                .await?
                .into_iter()
                .map(|x| (x.no, x.project_key))
                .collect();
            (plan, keys)
        }
        None => (Plan::default(), BTreeMap::new()),
    };
    let (max_key,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(project_key) FROM plan_projects WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(&mut *tx)
            .await?;
    let new_plan = &outcome.plan;
    let change = diff(&old_plan, new_plan);
    let divisions = orgs::divisions(&mut tx, org_id).await?;
    let names = [org.name_th.as_str(), new_plan.organization.as_str()];
    let mut next_key = max_key.unwrap_or(0);
    let assign: Vec<(i64, Option<i64>)> = new_plan
        .projects
        .iter()
        .map(|p: &Project| {
            let kept = change
                .matches
                .get(&p.no)
                .and_then(|old| old_keys.get(&i64::from(*old)))
                .copied();
            let key = kept.unwrap_or_else(|| {
                next_key += 1;
                next_key
            });
            (
                key,
                match_division(&p.responsible, &names, &divisions).map(|d| d.id),
            )
        })
        .collect();
    let version = previous.as_ref().map_or(1, |p| p.version + 1);
    let pv = insert_version(
        &mut tx,
        org_id,
        &NewVersion {
            version,
            source_name,
            source_sha256: &source_sha256.to_ascii_lowercase(),
            imported_by: &actor.label,
            imported_at: crate::now_ms(),
            is_current: true,
        },
        new_plan,
        findings,
        &assign,
    )
    .await?;
    // The new version's projects replace the old ones in search, in this transaction.
    index_current(&mut tx, org_id).await?;
    let mut after = version_summary(&pv);
    if let Value::Object(m) = &mut after {
        m.insert(
            "previous_version".into(),
            json!(previous.as_ref().map(|p| p.version)),
        );
        let mut d =
            serde_json::to_value(&change).map_err(|e| bad(format!("cannot write JSON: {e}")))?;
        if let Value::Object(dm) = &mut d {
            dm.remove("matches");
        }
        m.insert("changes".into(), d);
    }
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "plan.import",
            entity: "plan",
            entity_id: version.to_string(),
        },
        previous
            .as_ref()
            .map_or_else(|| "null".to_string(), |p| version_summary(p).to_string()),
        after.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok((pv, change))
}

/// The search index's kind for plan projects.
pub const DOC_KIND: &str = "project";

/// Indexes the current plan's projects for search (name, rationale, objectives),
/// replacing every project indexed before: a new version's projects drop the old
/// version's. Without a current plan, no project is found.
pub async fn index_current(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    crate::search::remove_kind(conn, org_id, DOC_KIND).await?;
    let Some(v) = current(conn, org_id).await? else {
        return Ok(());
    };
    let Some(p) = plan(conn, org_id, v.id).await? else {
        return Ok(());
    };
    let slug = crate::search::org_slug(conn, org_id).await?;
    for pr in &p.projects {
        let body = std::iter::once(pr.rationale.as_str())
            .chain(pr.objectives.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        crate::search::index_document(
            conn,
            org_id,
            &crate::search::Document {
                kind: DOC_KIND,
                id: i64::from(pr.no),
                title: &pr.name,
                body: &body,
                url: &format!("/{slug}/plan/projects/{}", pr.no),
                at_ms: v.imported_at,
            },
        )
        .await?;
    }
    Ok(())
}

// ---- reading -----------------------------------------------------------------------------

/// The organization's current plan version, if it has one.
pub async fn current(conn: &mut AnyConnection, org_id: i64) -> Result<Option<PlanVersion>> {
    let row = sqlx::query(&format!(
        "SELECT {VERSION_COLS} FROM plans WHERE org_id = $1 AND is_current = 1"
    ))
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(version_from_row).transpose()
}

/// Every version of the organization's plan, newest first.
pub async fn versions(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<PlanVersion>> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLS} FROM plans WHERE org_id = $1 ORDER BY version DESC"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

/// One version by its number.
pub async fn by_version(
    conn: &mut AnyConnection,
    org_id: i64,
    version: i64,
) -> Result<Option<PlanVersion>> {
    let row = sqlx::query(&format!(
        "SELECT {VERSION_COLS} FROM plans WHERE org_id = $1 AND version = $2"
    ))
    .bind(org_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(version_from_row).transpose()
}

/// The whole plan of a version (by its id).
pub async fn plan(conn: &mut AnyConnection, org_id: i64, plan_id: i64) -> Result<Option<Plan>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT plan_json FROM plans WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|(j,)| {
        serde_json::from_str(&j)
            .map_err(|e| bad(format!("stored plan {plan_id} is not readable: {e}")))
    })
    .transpose()
}

/// The lint findings stored with a version.
pub async fn findings(conn: &mut AnyConnection, org_id: i64, plan_id: i64) -> Result<Vec<Finding>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT findings_json FROM plans WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((j,)) => serde_json::from_str(&j)
            .map_err(|e| bad(format!("stored findings are not readable: {e}"))),
        None => Ok(Vec::new()),
    }
}

/// The projects of a version, in plan order.
pub async fn projects(
    conn: &mut AnyConnection,
    org_id: i64,
    plan_id: i64,
) -> Result<Vec<PlanProject>> {
    let rows = sqlx::query(
        "SELECT org_id, plan_id, no, project_key, dimension, mission, kind, name, responsible, division_id \
         FROM plan_projects WHERE org_id = $1 AND plan_id = $2 ORDER BY no",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PlanProject {
                org_id: r.try_get("org_id")?,
                plan_id: r.try_get("plan_id")?,
                no: r.try_get("no")?,
                project_key: r.try_get("project_key")?,
                dimension: r.try_get("dimension")?,
                mission: r.try_get("mission")?,
                kind: r.try_get("kind")?,
                name: r.try_get("name")?,
                responsible: r.try_get("responsible")?,
                division_id: r.try_get("division_id")?,
            })
        })
        .collect()
}

/// The yearly budgets of a version, by project then year.
pub async fn budgets(
    conn: &mut AnyConnection,
    org_id: i64,
    plan_id: i64,
) -> Result<Vec<PlanBudget>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT project_no, fiscal_year, amount FROM plan_budgets WHERE org_id = $1 AND plan_id = $2 \
         ORDER BY project_no, fiscal_year",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(project_no, fiscal_year, amount)| PlanBudget {
            project_no,
            fiscal_year,
            amount,
        })
        .collect())
}

/// The budget of a version per fiscal year (all projects).
pub async fn budget_totals(
    conn: &mut AnyConnection,
    org_id: i64,
    plan_id: i64,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT fiscal_year, CAST(SUM(amount) AS BIGINT) FROM plan_budgets WHERE org_id = $1 AND plan_id = $2 \
         GROUP BY fiscal_year ORDER BY fiscal_year",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The outputs and outcomes of a version, by project, outputs before outcomes.
pub async fn kpis(conn: &mut AnyConnection, org_id: i64, plan_id: i64) -> Result<Vec<PlanKpi>> {
    let rows = sqlx::query(
        "SELECT project_no, kind, seq, text, op, value, unit FROM plan_kpis WHERE org_id = $1 AND plan_id = $2 \
         ORDER BY project_no, CASE kind WHEN 'output' THEN 0 ELSE 1 END, seq",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PlanKpi {
                project_no: r.try_get("project_no")?,
                kind: r.try_get("kind")?,
                seq: r.try_get("seq")?,
                text: r.try_get("text")?,
                op: r.try_get("op")?,
                value: r.try_get("value")?,
                unit: r.try_get("unit")?,
            })
        })
        .collect()
}

/// The Part 1 targets of a version.
pub async fn targets(
    conn: &mut AnyConnection,
    org_id: i64,
    plan_id: i64,
) -> Result<Vec<PlanTarget>> {
    let rows: Vec<(String, i64, f64)> = sqlx::query_as(
        "SELECT kind, fiscal_year, value FROM plan_targets WHERE org_id = $1 AND plan_id = $2 ORDER BY kind, fiscal_year",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, fiscal_year, value)| PlanTarget {
            kind,
            fiscal_year,
            value,
        })
        .collect())
}

/// The risk table of a version, in table order.
pub async fn risks(conn: &mut AnyConnection, org_id: i64, plan_id: i64) -> Result<Vec<PlanRisk>> {
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT seq, no, process, issues_json, levels_json, controls_json FROM plan_risks \
         WHERE org_id = $1 AND plan_id = $2 ORDER BY seq",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    let list = |s: &str| -> Result<Vec<String>> {
        serde_json::from_str(s).map_err(|e| bad(format!("stored risk list is not readable: {e}")))
    };
    rows.into_iter()
        .map(|(seq, no, process, i, l, c)| {
            Ok(PlanRisk {
                seq,
                no,
                process,
                issues: list(&i)?,
                levels: list(&l)?,
                controls: list(&c)?,
            })
        })
        .collect()
}

/// What changed from the version before `version` to `version` (from an empty plan for
/// version 1); `None` if there is no such version.
pub async fn diff_with_previous(
    conn: &mut AnyConnection,
    org_id: i64,
    version: i64,
) -> Result<Option<PlanDiff>> {
    let Some(v) = by_version(conn, org_id, version).await? else {
        return Ok(None);
    };
    let Some(new) = plan(conn, org_id, v.id).await? else {
        return Ok(None);
    };
    let prev: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM plans WHERE org_id = $1 AND version < $2 ORDER BY version DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    let old = match prev {
        Some((id,)) => plan(conn, org_id, id).await?.unwrap_or_default(),
        None => Plan::default(),
    };
    Ok(Some(diff(&old, &new)))
}

// ---- moving an organization (see `transfer`) ------------------------------------------------

/// The `plans` section of an organization export: every version, oldest first, with
/// the plan and findings as JSON and each project's key and division (by code).
pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let codes: BTreeMap<i64, String> = orgs::divisions(conn, x.org_id)
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLS}, plan_json, findings_json FROM plans WHERE org_id = $1 ORDER BY version"
        ))
        .bind(x.org_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let v = version_from_row(&r)?;
            let plan: Value = serde_json::from_str(&r.try_get::<String, _>("plan_json")?)
                .map_err(|e| bad(format!("stored plan is not readable: {e}")))?;
            let findings: Value =
                serde_json::from_str(&r.try_get::<String, _>("findings_json")?)
                    .map_err(|e| bad(format!("stored findings are not readable: {e}")))?;
            let projects: Vec<Value> = projects(conn, x.org_id, v.id)
                .await?
                .into_iter()
                .map(|p| {
                    json!({
                        "no": p.no,
                        "project_key": p.project_key,
                        "division": p.division_id.and_then(|d| codes.get(&d).cloned()),
                    })
                })
                .collect();
            out.push(json!({
                "version": v.version,
                "source_name": v.source_name,
                "source_sha256": v.source_sha256,
                "imported_by": v.imported_by,
                "imported_at": v.imported_at,
                "is_current": v.is_current,
                "plan": plan,
                "findings": findings,
                "projects": projects,
            }));
        }
        Ok(Value::Array(out))
    })
}

/// Reads the `plans` section back (after `divisions`).
pub fn import_section<'a>(
    conn: &'a mut AnyConnection,
    x: &'a mut ImportCtx,
    v: &'a Value,
) -> BoxFut<'a, ()> {
    Box::pin(async move {
        let list = v.as_array().ok_or_else(|| bad("must be a list"))?;
        let mut currents = 0;
        for (i, e) in list.iter().enumerate() {
            let text = |name: &str| -> Result<String> {
                e.get(name)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("plan {}: field {name:?} must be text", i + 1)))
            };
            let int = |name: &str| -> Result<i64> {
                e.get(name).and_then(Value::as_i64).ok_or_else(|| {
                    bad(format!(
                        "plan {}: field {name:?} must be a whole number",
                        i + 1
                    ))
                })
            };
            let version = int("version")?;
            let is_current = e
                .get("is_current")
                .and_then(Value::as_bool)
                .ok_or_else(|| {
                    bad(format!(
                        "plan {version}: field \"is_current\" must be true or false"
                    ))
                })?;
            currents += usize::from(is_current);
            if currents > 1 {
                return Err(bad("more than one plan version is current"));
            }
            let plan: Plan = serde_json::from_value(e.get("plan").cloned().unwrap_or(Value::Null))
                .map_err(|err| bad(format!("plan {version}: not a plan: {err}")))?;
            let findings: Vec<Finding> =
                serde_json::from_value(e.get("findings").cloned().unwrap_or(Value::Null))
                    .map_err(|err| bad(format!("plan {version}: findings: {err}")))?;
            let listed = e
                .get("projects")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(format!("plan {version}: field \"projects\" must be a list")))?;
            let mut by_no: BTreeMap<i64, (i64, Option<i64>)> = BTreeMap::new();
            for p in listed {
                let no = p
                    .get("no")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| bad(format!("plan {version}: project without no")))?;
                let key = p
                    .get("project_key")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| {
                        bad(format!("plan {version}: project {no} without project_key"))
                    })?;
                let division = match p.get("division") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(code)) => Some(*x.divisions.get(code).ok_or_else(|| {
                        bad(format!("plan {version}: project {no} names division {code}, which is not in the export"))
                    })?),
                    Some(_) => return Err(bad(format!("plan {version}: project {no}: division must be a code or null"))),
                };
                by_no.insert(no, (key, division));
            }
            let assign = plan
                .projects
                .iter()
                .map(|p| {
                    by_no.get(&i64::from(p.no)).copied().ok_or_else(|| {
                        bad(format!(
                            "plan {version}: project {} has no project_key",
                            p.no
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let sha = text("source_sha256")?;
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(format!(
                    "plan {version}: source_sha256 must be 64 hex digits"
                )));
            }
            insert_version(
                conn,
                x.org_id,
                &NewVersion {
                    version,
                    source_name: &text("source_name")?,
                    source_sha256: &sha,
                    imported_by: &text("imported_by")?,
                    imported_at: int("imported_at")?,
                    is_current,
                },
                &plan,
                &findings,
                &assign,
            )
            .await?;
        }
        Ok(())
    })
}
