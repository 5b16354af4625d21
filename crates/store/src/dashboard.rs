//! The figures of one organization's executive dashboard: projects of the current plan
//! by dimension and status for a fiscal year (from `progress`; a project without an
//! entry has not started), the plan's budget against the amount disbursed per year, and
//! the plan's KPIs by result for a fiscal year.

use std::collections::BTreeMap;

use prongsai_domain::progress::{KpiOp, KpiTarget};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::error::Result;

/// Projects of one dimension by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DimensionProgress {
    pub dimension: i64,
    pub done: i64,
    pub in_progress: i64,
    pub not_started: i64,
    pub could_not: i64,
}

impl DimensionProgress {
    pub fn total(&self) -> i64 {
        self.done + self.in_progress + self.not_started + self.could_not
    }
}

/// The plan's budget and the amount disbursed in one fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearMoney {
    pub fiscal_year: i64,
    pub planned_baht: i64,
    pub disbursed_satang: i64,
}

/// The KPIs (outputs and outcomes with a target) of one dimension by result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DimensionKpis {
    pub dimension: i64,
    pub achieved: i64,
    pub not_achieved: i64,
    /// No result entered yet, or one that cannot be judged (a decrease/increase
    /// target without a baseline).
    pub not_reported: i64,
}

impl DimensionKpis {
    /// All KPIs with a target (the m of "n/m").
    pub fn total(&self) -> i64 {
        self.achieved + self.not_achieved + self.not_reported
    }
}

/// Projects of the current plan by dimension and status in `fiscal_year`.
pub async fn progress_by_dimension(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: i64,
) -> Result<Vec<DimensionProgress>> {
    let rows: Vec<(i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT pp.dimension, pr.status, COUNT(*) FROM plan_projects pp \
         JOIN plans p ON p.id = pp.plan_id AND p.org_id = $1 AND p.is_current = 1 \
         LEFT JOIN progress pr ON pr.org_id = pp.org_id AND pr.project_key = pp.project_key AND pr.fiscal_year = $2 \
         WHERE pp.org_id = $1 GROUP BY pp.dimension, pr.status ORDER BY pp.dimension",
    )
    .bind(org_id)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    let mut by: BTreeMap<i64, DimensionProgress> = BTreeMap::new();
    for (dim, status, n) in rows {
        let d = by.entry(dim).or_insert_with(|| DimensionProgress {
            dimension: dim,
            ..Default::default()
        });
        match status.as_deref() {
            Some("done") => d.done += n,
            Some("in_progress") => d.in_progress += n,
            Some("could_not_be_done") => d.could_not += n,
            _ => d.not_started += n,
        }
    }
    Ok(by.into_values().collect())
}

/// Budget in the current plan and disbursed, per fiscal year of the plan.
pub async fn money_by_year(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<YearMoney>> {
    let planned: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT b.fiscal_year, CAST(SUM(b.amount) AS BIGINT) FROM plan_budgets b \
         JOIN plans p ON p.id = b.plan_id AND p.org_id = $1 AND p.is_current = 1 \
         WHERE b.org_id = $1 GROUP BY b.fiscal_year ORDER BY b.fiscal_year",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let disbursed: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT fiscal_year, CAST(COALESCE(SUM(disbursed_satang), 0) AS BIGINT) FROM progress \
         WHERE org_id = $1 GROUP BY fiscal_year",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut by: BTreeMap<i64, YearMoney> = BTreeMap::new();
    for (y, v) in planned {
        by.entry(y)
            .or_insert_with(|| YearMoney {
                fiscal_year: y,
                ..Default::default()
            })
            .planned_baht = v;
    }
    for (y, v) in disbursed {
        if let Some(m) = by.get_mut(&y) {
            m.disbursed_satang = v;
        }
    }
    Ok(by.into_values().collect())
}

/// The current plan's output and outcome KPIs that have a target, by dimension and
/// result in `fiscal_year`. A dimension without such KPIs is left out.
///
/// SQL groups the KPIs by dimension and by everything the result depends on (target,
/// actual value, baseline); whether a group is achieved is decided by
/// [`KpiTarget::achieved`], the rule the round reports use, so the counts match the
/// report's "KPIs achieved n/m".
pub async fn kpis_by_dimension(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: i64,
) -> Result<Vec<DimensionKpis>> {
    type Row = (
        i64,
        String,
        Option<f64>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT pp.dimension, k.op, k.value, k.unit, pk.actual, pk.baseline, COUNT(*) FROM plan_kpis k \
         JOIN plans p ON p.id = k.plan_id AND p.org_id = $1 AND p.is_current = 1 \
         JOIN plan_projects pp ON pp.org_id = k.org_id AND pp.plan_id = k.plan_id AND pp.no = k.project_no \
         LEFT JOIN progress_kpis pk ON pk.org_id = pp.org_id AND pk.project_key = pp.project_key \
         AND pk.fiscal_year = $2 AND pk.kind = k.kind AND pk.seq = k.seq \
         WHERE k.org_id = $1 AND k.op IS NOT NULL \
         GROUP BY pp.dimension, k.op, k.value, k.unit, pk.actual, pk.baseline ORDER BY pp.dimension",
    )
    .bind(org_id)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    let mut by: BTreeMap<i64, DimensionKpis> = BTreeMap::new();
    for (dim, op, value, unit, actual, baseline, n) in rows {
        // Same as the round report: an unknown operator is no target.
        let Some(op) = KpiOp::from_code(&op) else {
            continue;
        };
        let d = by.entry(dim).or_insert_with(|| DimensionKpis {
            dimension: dim,
            ..Default::default()
        });
        match (KpiTarget { op, value, unit }).achieved(actual, baseline) {
            Some(true) => d.achieved += n,
            Some(false) => d.not_achieved += n,
            None => d.not_reported += n,
        }
    }
    Ok(by.into_values().collect())
}
