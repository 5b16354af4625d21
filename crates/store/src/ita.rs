//! ITA results (คะแนน ITA) and corruption case counts per fiscal year, compared with
//! the current plan's Part 1 targets (`plan_targets`): the ITA score target (65 → 85)
//! and the corruption-case reduction against the 2565 baseline (10 % → 50 %).
//!
//! Every change is recorded in the organization's audit chain in the same transaction.

use std::collections::BTreeSet;

use prongsai_domain::ita::{self, BASELINE_YEAR, ItaResult};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change, snapshot};
use crate::error::{Result, StoreError};

/// A stored ITA result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItaScore {
    pub fiscal_year: i64,
    pub score: f64,
    pub iit: Option<f64>,
    pub eit: Option<f64>,
    pub oit: Option<f64>,
    pub note: String,
    pub updated_by: String,
    pub updated_at: i64,
}

/// A stored count of corruption and misconduct cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCount {
    pub fiscal_year: i64,
    pub cases: i64,
    pub note: String,
    pub updated_by: String,
    pub updated_at: i64,
}

/// Binds an optional float so PostgreSQL keeps the parameter a float8 (see plans.rs).
fn bind_of<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: Option<f64>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match v {
        Some(v) => q.bind(v),
        None => q.bind(Option::<f32>::None),
    }
}

fn score_from_row(r: &sqlx::any::AnyRow) -> Result<ItaScore> {
    Ok(ItaScore {
        fiscal_year: r.try_get("fiscal_year")?,
        score: r.try_get("score")?,
        iit: r.try_get("iit")?,
        eit: r.try_get("eit")?,
        oit: r.try_get("oit")?,
        note: r.try_get("note")?,
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const SCORE_COLS: &str = "fiscal_year, score, iit, eit, oit, note, updated_by, updated_at";

/// The organization's ITA results, oldest year first.
pub async fn scores(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<ItaScore>> {
    let rows = sqlx::query(&format!(
        "SELECT {SCORE_COLS} FROM ita_scores WHERE org_id = $1 ORDER BY fiscal_year"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(score_from_row).collect()
}

async fn score_of(conn: &mut AnyConnection, org_id: i64, year: i64) -> Result<Option<ItaScore>> {
    let row = sqlx::query(&format!(
        "SELECT {SCORE_COLS} FROM ita_scores WHERE org_id = $1 AND fiscal_year = $2"
    ))
    .bind(org_id)
    .bind(year)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(score_from_row).transpose()
}

fn check_note(note: &str) -> Result<String> {
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(StoreError::Invalid(
            "the note is longer than 2000 characters".into(),
        ));
    }
    Ok(note.to_string())
}

/// Records (or corrects) a year's ITA result, audited.
pub async fn set_score(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    r: &ItaResult,
    note: &str,
    actor: &Actor,
) -> Result<ItaScore> {
    r.validate().map_err(StoreError::Invalid)?;
    let note = check_note(note)?;
    let mut tx = conn.begin().await?;
    // A write first (SQLite: take the write lock before reading).
    sqlx::query("UPDATE ita_scores SET org_id = org_id WHERE org_id = $1 AND fiscal_year = $2")
        .bind(org_id)
        .bind(r.fiscal_year)
        .execute(&mut *tx)
        .await?;
    let before = score_of(&mut tx, org_id, r.fiscal_year).await?;
    let q = sqlx::query(
        "INSERT INTO ita_scores (org_id, fiscal_year, score, iit, eit, oit, note, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (org_id, fiscal_year) DO UPDATE SET score = excluded.score, iit = excluded.iit, \
         eit = excluded.eit, oit = excluded.oit, note = excluded.note, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(r.fiscal_year)
    .bind(r.score);
    let q = bind_of(bind_of(bind_of(q, r.iit), r.eit), r.oit);
    q.bind(&note)
        .bind(&actor.label)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await?;
    let after = score_of(&mut tx, org_id, r.fiscal_year)
        .await?
        .ok_or_else(|| StoreError::NotFound("ITA score".into()))?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "ita.score",
            entity: "ita_score",
            entity_id: r.fiscal_year.to_string(),
        },
        snapshot(before.as_ref()),
        snapshot(Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The organization's corruption case counts, oldest year first.
pub async fn cases(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<CaseCount>> {
    let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT fiscal_year, cases, note, updated_by, updated_at FROM corruption_cases \
         WHERE org_id = $1 ORDER BY fiscal_year",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(fiscal_year, cases, note, updated_by, updated_at)| CaseCount {
                fiscal_year,
                cases,
                note,
                updated_by,
                updated_at,
            },
        )
        .collect())
}

/// Records (or corrects) a year's count of corruption cases, audited. The count for
/// 2565 is the baseline the plan's reduction targets are measured against.
pub async fn set_cases(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    fiscal_year: i64,
    count: i64,
    note: &str,
    actor: &Actor,
) -> Result<CaseCount> {
    if !(2500..=2700).contains(&fiscal_year) {
        return Err(StoreError::Invalid(format!(
            "fiscal year {fiscal_year} is not a B.E. year"
        )));
    }
    if !(0..=1_000_000).contains(&count) {
        return Err(StoreError::Invalid(
            "the number of cases must be 0 or more".into(),
        ));
    }
    let note = check_note(note)?;
    let mut tx = conn.begin().await?;
    sqlx::query(
        "UPDATE corruption_cases SET org_id = org_id WHERE org_id = $1 AND fiscal_year = $2",
    )
    .bind(org_id)
    .bind(fiscal_year)
    .execute(&mut *tx)
    .await?;
    let before = cases(&mut tx, org_id)
        .await?
        .into_iter()
        .find(|c| c.fiscal_year == fiscal_year);
    sqlx::query(
        "INSERT INTO corruption_cases (org_id, fiscal_year, cases, note, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (org_id, fiscal_year) DO UPDATE SET cases = excluded.cases, note = excluded.note, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(fiscal_year)
    .bind(count)
    .bind(&note)
    .bind(&actor.label)
    .bind(crate::now_ms())
    .execute(&mut *tx)
    .await?;
    let after = cases(&mut tx, org_id)
        .await?
        .into_iter()
        .find(|c| c.fiscal_year == fiscal_year)
        .ok_or_else(|| StoreError::NotFound("case count".into()))?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "ita.cases",
            entity: "corruption_cases",
            entity_id: fiscal_year.to_string(),
        },
        snapshot(before.as_ref()),
        snapshot(Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// One fiscal year of the comparison with the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearRow {
    pub fiscal_year: i64,
    /// The plan's ITA target for the year.
    pub ita_target: Option<f64>,
    pub ita: Option<ItaScore>,
    /// Whether the score reached the target (when both are known).
    pub ita_met: Option<bool>,
    /// The plan's reduction target in percent against the baseline.
    pub reduction_target: Option<f64>,
    /// The most cases that meet the reduction target (needs the baseline).
    pub allowed_cases: Option<i64>,
    pub cases: Option<i64>,
    /// The reduction achieved against the baseline, in percent.
    pub reduction: Option<f64>,
    pub cases_met: Option<bool>,
}

/// ITA scores and corruption cases against the current plan's targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Cases in the baseline year (2565), when recorded.
    pub baseline_cases: Option<i64>,
    /// The plan's years, plus any year with a result, oldest first (the baseline year
    /// is not a row).
    pub years: Vec<YearRow>,
}

/// The current plan's targets of one kind, by year.
async fn plan_targets(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: &str,
) -> Result<Vec<(i64, f64)>> {
    let rows = sqlx::query(
        "SELECT t.fiscal_year, t.value FROM plan_targets t JOIN plans p ON p.id = t.plan_id \
         WHERE t.org_id = $1 AND p.org_id = $1 AND p.is_current = 1 AND t.kind = $2 ORDER BY t.fiscal_year",
    )
    .bind(org_id)
    .bind(kind)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Compares the organization's results with its current plan's targets.
pub async fn comparison(conn: &mut AnyConnection, org_id: i64) -> Result<Comparison> {
    let ita_targets = plan_targets(conn, org_id, "ita_score").await?;
    let cut_targets = plan_targets(conn, org_id, "corruption_case_reduction_percent").await?;
    let scores = scores(conn, org_id).await?;
    let counts = cases(conn, org_id).await?;
    let baseline_cases = counts
        .iter()
        .find(|c| c.fiscal_year == BASELINE_YEAR)
        .map(|c| c.cases);
    let years: BTreeSet<i64> = ita_targets
        .iter()
        .map(|t| t.0)
        .chain(cut_targets.iter().map(|t| t.0))
        .chain(scores.iter().map(|s| s.fiscal_year))
        .chain(counts.iter().map(|c| c.fiscal_year))
        .filter(|y| *y != BASELINE_YEAR)
        .collect();
    let years = years
        .into_iter()
        .map(|y| {
            let ita_target = ita_targets.iter().find(|t| t.0 == y).map(|t| t.1);
            let ita = scores.iter().find(|s| s.fiscal_year == y).cloned();
            let reduction_target = cut_targets.iter().find(|t| t.0 == y).map(|t| t.1);
            let allowed_cases = match (baseline_cases, reduction_target) {
                (Some(b), Some(p)) => Some(ita::allowed_cases(b, p)),
                _ => None,
            };
            let cases = counts.iter().find(|c| c.fiscal_year == y).map(|c| c.cases);
            YearRow {
                fiscal_year: y,
                ita_target,
                ita_met: match (&ita, ita_target) {
                    (Some(s), Some(t)) => Some(ita::meets(s.score, t)),
                    _ => None,
                },
                ita,
                reduction_target,
                allowed_cases,
                cases,
                reduction: match (baseline_cases, cases) {
                    (Some(b), Some(c)) => ita::reduction_percent(b, c),
                    _ => None,
                },
                cases_met: match (allowed_cases, cases) {
                    (Some(a), Some(c)) => Some(c <= a),
                    _ => None,
                },
            }
        })
        .collect();
    Ok(Comparison {
        baseline_cases,
        years,
    })
}

// ---- moving an organization (see `transfer`) ------------------------------------------------

mod transfer_section {
    use serde_json::{Value, json};
    use sqlx::AnyConnection;

    use super::{bind_of, cases, scores};
    use crate::error::{Result, StoreError};
    use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

    fn bad(msg: impl Into<String>) -> StoreError {
        StoreError::Invalid(msg.into())
    }

    fn opt_f64(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::from)
    }

    /// The `ita` section: `{ "scores": [ { "fiscal_year", "score", "iit", "eit", "oit",
    /// "note", "updated_by", "updated_at" } ], "cases": [ { "fiscal_year", "cases",
    /// "note", "updated_by", "updated_at" } ] }`, oldest year first. No ids.
    pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
        Box::pin(async move {
            let scores: Vec<Value> = scores(conn, x.org_id)
                .await?
                .into_iter()
                .map(|s| {
                    json!({
                        "fiscal_year": s.fiscal_year, "score": s.score, "iit": opt_f64(s.iit),
                        "eit": opt_f64(s.eit), "oit": opt_f64(s.oit), "note": s.note,
                        "updated_by": s.updated_by, "updated_at": s.updated_at,
                    })
                })
                .collect();
            let cases: Vec<Value> = cases(conn, x.org_id)
                .await?
                .into_iter()
                .map(|c| {
                    json!({
                        "fiscal_year": c.fiscal_year, "cases": c.cases, "note": c.note,
                        "updated_by": c.updated_by, "updated_at": c.updated_at,
                    })
                })
                .collect();
            Ok(json!({ "scores": scores, "cases": cases }))
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
    /// A 0–100 part of the score, or null.
    fn part(v: &Value, k: &str, what: &str) -> Result<Option<f64>> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(n) => match n.as_f64() {
                Some(f) if (0.0..=100.0).contains(&f) => Ok(Some(f)),
                _ => Err(bad(format!("{what}: field {k:?} must be 0–100 or null"))),
            },
        }
    }

    /// Reads the `ita` section back (an older export without it: nothing to read).
    pub fn import_section<'a>(
        conn: &'a mut AnyConnection,
        x: &'a mut ImportCtx,
        v: &'a Value,
    ) -> BoxFut<'a, ()> {
        Box::pin(async move {
            if v.as_array().is_some_and(Vec::is_empty) {
                return Ok(());
            }
            let list = |k: &str| -> Result<&Vec<Value>> {
                v.get(k)
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad(format!("field {k:?} must be a list")))
            };
            for s in list("scores")? {
                let year = int(s, "fiscal_year", "ITA score")?;
                let what = format!("ITA score {year}");
                let score =
                    part(s, "score", &what)?.ok_or_else(|| bad(format!("{what}: no score")))?;
                let q = sqlx::query(
                    "INSERT INTO ita_scores (org_id, fiscal_year, score, iit, eit, oit, note, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(x.org_id)
                .bind(year)
                .bind(score);
                let q = bind_of(q, part(s, "iit", &what)?);
                let q = bind_of(q, part(s, "eit", &what)?);
                let q = bind_of(q, part(s, "oit", &what)?);
                q.bind(text(s, "note", &what)?)
                    .bind(text(s, "updated_by", &what)?)
                    .bind(int(s, "updated_at", &what)?)
                    .execute(&mut *conn)
                    .await?;
            }
            for c in list("cases")? {
                let year = int(c, "fiscal_year", "case count")?;
                let what = format!("case count {year}");
                let n = int(c, "cases", &what)?;
                if n < 0 {
                    return Err(bad(format!("{what}: a negative number of cases")));
                }
                sqlx::query(
                    "INSERT INTO corruption_cases (org_id, fiscal_year, cases, note, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(x.org_id)
                .bind(year)
                .bind(n)
                .bind(text(c, "note", &what)?)
                .bind(text(c, "updated_by", &what)?)
                .bind(int(c, "updated_at", &what)?)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        })
    }
}

pub use transfer_section::{export_section, import_section};
