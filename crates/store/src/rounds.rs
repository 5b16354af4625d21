//! Reporting rounds (รอบการรายงาน 6 และ 12 เดือน): the live report of a fiscal year, and
//! submitted rounds.
//!
//! [`live_report`] joins the current plan with the year's progress and adds up
//! ([`prongsai_domain::reports::build`]). The clerk's [`submit`] freezes that report as
//! JSON: version 1 is the submission, and any later submission of the same round is a
//! correction — version 2, 3 … — kept beside the earlier ones, which never change.

use std::collections::BTreeMap;

use prongsai_domain::progress::{KpiOp, KpiTarget};
use prongsai_domain::reports::{self, KpiResult, ProjectResult, ReportHeader, RoundReport};
use prongsai_domain::{FiscalYear, ReportingRound};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change};
use crate::error::{Result, StoreError};
use crate::{orgs, plans, progress};

/// One submitted version of a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundVersion {
    pub id: i64,
    pub fiscal_year: i64,
    /// `6m` or `12m`.
    pub round: String,
    /// 1 = the submission; n > 1 = correction n − 1 (ฉบับแก้ไขครั้งที่ n − 1).
    pub version: i64,
    pub note: String,
    pub submitted_by: i64,
    pub submitted_by_name: String,
    pub submitted_at: i64,
}

impl RoundVersion {
    /// Which correction this is (0 for the original submission).
    pub fn correction(&self) -> i64 {
        self.version - 1
    }
}

/// A submitted round's latest version, for lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmittedRound {
    pub latest: RoundVersion,
    pub versions: i64,
}

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

const COLS: &str =
    "id, fiscal_year, round, version, note, submitted_by, submitted_by_name, submitted_at";

fn version_from_row(r: &AnyRow) -> Result<RoundVersion> {
    Ok(RoundVersion {
        id: r.try_get("id")?,
        fiscal_year: r.try_get("fiscal_year")?,
        round: r.try_get("round")?,
        version: r.try_get("version")?,
        note: r.try_get("note")?,
        submitted_by: r.try_get("submitted_by")?,
        submitted_by_name: r.try_get("submitted_by_name")?,
        submitted_at: r.try_get("submitted_at")?,
    })
}

/// The report as it stands now, from the current plan and the year's progress; `None`
/// when the organization has no plan yet.
pub async fn live_report(
    conn: &mut AnyConnection,
    org_id: i64,
    fy: FiscalYear,
    round: ReportingRound,
) -> Result<Option<RoundReport>> {
    let Some(v) = plans::current(conn, org_id).await? else {
        return Ok(None);
    };
    let plan = plans::plan(conn, org_id, v.id).await?.unwrap_or_default();
    let org = orgs::by_id(conn, org_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("organization".into()))?;
    let year = i64::from(fy.be());
    let mut budgets: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for b in plans::budgets(conn, org_id, v.id).await? {
        budgets
            .entry(b.project_no)
            .or_default()
            .push((b.fiscal_year, b.amount));
    }
    let mut kpis: BTreeMap<i64, Vec<plans::PlanKpi>> = BTreeMap::new();
    for k in plans::kpis(conn, org_id, v.id).await? {
        kpis.entry(k.project_no).or_default().push(k);
    }
    let done: BTreeMap<i64, progress::Progress> = progress::list_year(conn, org_id, year)
        .await?
        .into_iter()
        .map(|p| (p.project_key, p))
        .collect();
    let evidence: BTreeMap<i64, i64> = progress::evidence_counts(conn, org_id, year)
        .await?
        .into_iter()
        .collect();
    let missions: BTreeMap<&str, &str> = plan
        .dimensions
        .iter()
        .flat_map(|d| {
            d.missions
                .iter()
                .map(|m| (m.code.as_str(), m.title.as_str()))
        })
        .collect();
    let mut projects = Vec::new();
    for pp in plans::projects(conn, org_id, v.id).await? {
        let detail = plan.projects.iter().find(|p| i64::from(p.no) == pp.no);
        let prog = done.get(&pp.project_key);
        let input = prog.map(|p| p.input.clone()).unwrap_or_default();
        let results = kpis
            .get(&pp.no)
            .map(|list| {
                list.iter()
                    .map(|k| {
                        let target =
                            k.op.as_deref()
                                .and_then(KpiOp::from_code)
                                .map(|op| KpiTarget {
                                    op,
                                    value: k.value,
                                    unit: k.unit.clone(),
                                });
                        let entry = input
                            .kpis
                            .iter()
                            .find(|e| e.kind == k.kind && e.seq == k.seq);
                        KpiResult::judge(
                            &k.kind,
                            k.seq,
                            &k.text,
                            target,
                            entry.and_then(|e| e.actual),
                            entry.and_then(|e| e.baseline),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let steps_total = detail.map_or(0, |d| d.steps.len() as i64);
        projects.push(ProjectResult {
            project_key: pp.project_key,
            no: pp.no,
            dimension: pp.dimension,
            mission_title: missions
                .get(pp.mission.as_str())
                .map(|s| s.to_string())
                .unwrap_or_default(),
            mission: pp.mission,
            kind: pp.kind,
            name: pp.name,
            responsible: pp.responsible,
            objectives: detail.map(|d| d.objectives.clone()).unwrap_or_default(),
            target_group: detail.map(|d| d.target_group.clone()).unwrap_or_default(),
            planned_baht: budgets
                .get(&pp.no)
                .and_then(|list| list.iter().find(|(y, _)| *y == year))
                .map_or(0, |(_, a)| *a),
            budgets: budgets.get(&pp.no).cloned().unwrap_or_default(),
            dev_plan_satang: input.dev_plan_satang,
            ordinance_satang: input.ordinance_satang,
            disbursed_satang: input.disbursed_satang,
            status: input.status,
            reason: input.reason,
            reason_text: input.reason_text.clone(),
            approval: prog.map(|p| p.approval).unwrap_or_default(),
            steps_done: input
                .steps
                .iter()
                .filter(|s| s.done && s.seq <= steps_total)
                .count() as i64,
            steps_total,
            kpis: results,
            problems: input.problems.clone(),
            notes: input.notes.clone(),
            evidence_count: evidence.get(&pp.project_key).copied().unwrap_or(0),
        });
    }
    Ok(Some(reports::build(
        ReportHeader {
            org_name: org.name_th,
            fiscal_year: fy,
            round,
            plan_title: v.title.clone(),
            plan_version: v.version,
            plan_years: plan.fiscal_years.iter().map(|y| i64::from(*y)).collect(),
            dimensions: plan
                .dimensions
                .iter()
                .map(|d| (i64::from(d.no), d.title.clone()))
                .collect(),
        },
        projects,
    )))
}

/// Submits a round: freezes the live report as the next version (1 for the first
/// submission, then corrections). A correction must say why (`note`).
pub async fn submit(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    fy: FiscalYear,
    round: ReportingRound,
    note: &str,
    actor: &Actor,
) -> Result<RoundVersion> {
    if note.chars().count() > progress::MAX_TEXT {
        return Err(bad("the note is too long"));
    }
    let mut tx = conn.begin().await?;
    let year = i64::from(fy.be());
    // A write first so that two clerks submitting at once queue (SQLite takes the lock;
    // on PostgreSQL the unique key refuses the second of two equal versions).
    sqlx::query("UPDATE report_rounds SET note = note WHERE org_id = $1 AND fiscal_year = $2 AND round = $3")
        .bind(org_id)
        .bind(year)
        .bind(round.code())
        .execute(&mut *tx)
        .await?;
    let (last,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(version) FROM report_rounds WHERE org_id = $1 AND fiscal_year = $2 AND round = $3",
    )
    .bind(org_id)
    .bind(year)
    .bind(round.code())
    .fetch_one(&mut *tx)
    .await?;
    let version = last.unwrap_or(0) + 1;
    if version > 1 && note.trim().is_empty() {
        return Err(bad(
            "a correction of a submitted round must say what was corrected",
        ));
    }
    let report = live_report(&mut tx, org_id, fy, round)
        .await?
        .ok_or_else(|| bad("the organization has no plan to report on; import the plan first"))?;
    let json =
        serde_json::to_string(&report).map_err(|e| bad(format!("cannot write the report: {e}")))?;
    let row = sqlx::query(&format!(
        "INSERT INTO report_rounds (org_id, fiscal_year, round, version, report_json, note, submitted_by, \
         submitted_by_name, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLS}"
    ))
    .bind(org_id)
    .bind(year)
    .bind(round.code())
    .bind(version)
    .bind(&json)
    .bind(note.trim())
    .bind(actor.id)
    .bind(&actor.label)
    .bind(crate::now_ms())
    .fetch_one(&mut *tx)
    .await?;
    let v = version_from_row(&row)?;
    index(&mut tx, org_id, &v, &report.plan_title).await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: if version == 1 {
                "round.submit"
            } else {
                "round.correct"
            },
            entity: "report_round",
            entity_id: format!("{}/{}/{}", year, round.code(), version),
        },
        "null".into(),
        serde_json::json!({ "version": version, "note": v.note, "total": report.total })
            .to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

/// The search index's kind for submitted report rounds.
pub const DOC_KIND: &str = "report";

/// Indexes a submitted round (its latest version) for search by its title, linked to
/// its public page. One document per year and round (id `year × 100 + months`).
async fn index(
    conn: &mut AnyConnection,
    org_id: i64,
    v: &RoundVersion,
    plan_title: &str,
) -> Result<()> {
    let Some(round) = [ReportingRound::SixMonths, ReportingRound::TwelveMonths]
        .into_iter()
        .find(|r| r.code() == v.round)
    else {
        return Ok(());
    };
    let months = if round == ReportingRound::SixMonths {
        6
    } else {
        12
    };
    let slug = crate::search::org_slug(conn, org_id).await?;
    let title = format!(
        "รายงานผลการดำเนินงานตามแผนป้องกันการทุจริต {} ปีงบประมาณ {}",
        round.label_th(),
        v.fiscal_year
    );
    let body = format!("{plan_title}\n{} {}", round.label_en(), v.fiscal_year);
    crate::search::index_document(
        conn,
        org_id,
        &crate::search::Document {
            kind: DOC_KIND,
            id: v.fiscal_year * 100 + months,
            title: &title,
            body: &body,
            url: &format!("/{slug}/reports/{}/{}", v.fiscal_year, v.round),
            at_ms: v.submitted_at,
        },
    )
    .await
}

/// Indexes every submitted round of an organization again (after `org import`).
pub async fn index_all(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    crate::search::remove_kind(conn, org_id, DOC_KIND).await?;
    for s in submitted(conn, org_id).await? {
        let plan_title = sqlx::query_as::<_, (String,)>(
            "SELECT report_json FROM report_rounds WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(s.latest.id)
        .fetch_optional(&mut *conn)
        .await?
        .and_then(|(j,)| serde_json::from_str::<RoundReport>(&j).ok())
        .map(|r| r.plan_title)
        .unwrap_or_default();
        index(conn, org_id, &s.latest, &plan_title).await?;
    }
    Ok(())
}

/// Every version of a round, oldest first.
pub async fn versions(
    conn: &mut AnyConnection,
    org_id: i64,
    fy: FiscalYear,
    round: ReportingRound,
) -> Result<Vec<RoundVersion>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM report_rounds WHERE org_id = $1 AND fiscal_year = $2 AND round = $3 ORDER BY version"
    ))
    .bind(org_id)
    .bind(i64::from(fy.be()))
    .bind(round.code())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

/// The frozen report of one version (the latest when `version` is `None`).
pub async fn report(
    conn: &mut AnyConnection,
    org_id: i64,
    fy: FiscalYear,
    round: ReportingRound,
    version: Option<i64>,
) -> Result<Option<(RoundVersion, RoundReport)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLS}, report_json FROM report_rounds WHERE org_id = $1 AND fiscal_year = $2 AND round = $3 \
         AND ($4 = 0 OR version = $4) ORDER BY version DESC LIMIT 1"
    ))
    .bind(org_id)
    .bind(i64::from(fy.be()))
    .bind(round.code())
    .bind(version.unwrap_or(0))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let v = version_from_row(&r)?;
    let report: RoundReport = serde_json::from_str(&r.try_get::<String, _>("report_json")?)
        .map_err(|e| bad(format!("stored report {} is not readable: {e}", v.id)))?;
    Ok(Some((v, report)))
}

/// Every submitted round of the organization (latest version of each), newest year first.
pub async fn submitted(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<SubmittedRound>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM report_rounds r WHERE org_id = $1 AND version = \
         (SELECT MAX(version) FROM report_rounds x WHERE x.org_id = r.org_id AND x.fiscal_year = r.fiscal_year \
         AND x.round = r.round) ORDER BY fiscal_year DESC, LENGTH(round) DESC"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let latest = version_from_row(r)?;
            Ok(SubmittedRound {
                versions: latest.version,
                latest,
            })
        })
        .collect()
}

/// The report to show or export: the latest submitted version if there is one, else
/// the live draft (`None` as the version); `None` when there is no plan.
pub async fn latest_or_live(
    conn: &mut AnyConnection,
    org_id: i64,
    fy: FiscalYear,
    round: ReportingRound,
) -> Result<Option<(Option<RoundVersion>, RoundReport)>> {
    if let Some((v, r)) = report(conn, org_id, fy, round, None).await? {
        return Ok(Some((Some(v), r)));
    }
    Ok(live_report(conn, org_id, fy, round)
        .await?
        .map(|r| (None, r)))
}
