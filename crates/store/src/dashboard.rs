//! The figures of one organization's executive dashboard: projects of the current plan
//! by dimension and status for a fiscal year (from `progress`; a project without an
//! entry has not started), and the plan's budget against the amount disbursed per year.

use std::collections::BTreeMap;

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
