//! National and provincial summaries for an installation that serves many
//! organizations: per province and per organization type, for one fiscal year, the
//! organizations, their plans' projects by status, budget planned vs disbursed, the
//! average ITA score against the average target, and risks rated สูง/สูงมาก.
//!
//! Each figure is one grouped query per organization (a handful of index range scans
//! over the year's rows), rolled up in Rust; see bench/README.md for the timings at
//! 7,850 organizations.

use std::collections::{BTreeMap, HashMap};

use prongsai_domain::OrgType;
use prongsai_domain::national::province_order;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::error::Result;

/// The figures of a group of organizations (or of one).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub organizations: i64,
    /// Organizations with a current plan.
    pub with_plan: i64,
    /// Projects in the current plans.
    pub projects: i64,
    pub done: i64,
    pub in_progress: i64,
    pub could_not: i64,
    /// Projects without a progress entry count as not started.
    pub not_started: i64,
    /// Budget in the current plans for the year, baht.
    pub planned_baht: i64,
    /// Disbursed, satang (1/100 baht).
    pub disbursed_satang: i64,
    /// Organizations with an ITA score for the year, and the sum of their scores.
    pub ita_count: i64,
    pub ita_sum: f64,
    /// Organizations whose plan sets an ITA target for the year, and the sum.
    pub target_count: i64,
    pub target_sum: f64,
    /// Scores at or above their own plan's target.
    pub ita_met: i64,
    /// Risks in the registers rated สูง or สูงมาก.
    pub high_risks: i64,
    pub risks: i64,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.organizations += o.organizations;
        self.with_plan += o.with_plan;
        self.projects += o.projects;
        self.done += o.done;
        self.in_progress += o.in_progress;
        self.could_not += o.could_not;
        self.not_started += o.not_started;
        self.planned_baht += o.planned_baht;
        self.disbursed_satang += o.disbursed_satang;
        self.ita_count += o.ita_count;
        self.ita_sum += o.ita_sum;
        self.target_count += o.target_count;
        self.target_sum += o.target_sum;
        self.ita_met += o.ita_met;
        self.high_risks += o.high_risks;
        self.risks += o.risks;
    }

    pub fn ita_avg(&self) -> Option<f64> {
        (self.ita_count > 0).then(|| self.ita_sum / self.ita_count as f64)
    }

    pub fn target_avg(&self) -> Option<f64> {
        (self.target_count > 0).then(|| self.target_sum / self.target_count as f64)
    }

    /// Disbursed in whole baht (rounded down).
    pub fn disbursed_baht(&self) -> i64 {
        self.disbursed_satang / 100
    }
}

/// A row of a summary: a province, an organization type or one organization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Province name, organization type code, or organization slug.
    pub key: String,
    /// What to show: the province, the type's Thai label, the organization's name.
    pub label: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub fiscal_year: i64,
    /// The province summarised, or `None` for the whole installation.
    pub province: Option<String>,
    pub total: Figures,
    pub by_province: Vec<Row>,
    pub by_type: Vec<Row>,
    /// Each organization (only for a province).
    pub by_org: Vec<Row>,
}

struct OrgInfo {
    slug: String,
    name: String,
    province: String,
    org_type: String,
}

/// The summary for a fiscal year, of the whole installation or of one province.
pub async fn summary(
    conn: &mut AnyConnection,
    fiscal_year: i64,
    province: Option<&str>,
) -> Result<Summary> {
    let province = province.map(str::trim).filter(|p| !p.is_empty());
    let rows = sqlx::query("SELECT id, slug, name_th, province, org_type FROM organizations")
        .fetch_all(&mut *conn)
        .await?;
    let mut orgs: HashMap<i64, OrgInfo> = HashMap::with_capacity(rows.len());
    for r in rows {
        let info = OrgInfo {
            slug: sqlx::Row::try_get(&r, "slug")?,
            name: sqlx::Row::try_get(&r, "name_th")?,
            province: sqlx::Row::try_get(&r, "province")?,
            org_type: sqlx::Row::try_get(&r, "org_type")?,
        };
        if province.is_none_or(|p| p == info.province) {
            orgs.insert(sqlx::Row::try_get(&r, "id")?, info);
        }
    }
    let mut figs: HashMap<i64, Figures> = orgs
        .keys()
        .map(|id| {
            (
                *id,
                Figures {
                    organizations: 1,
                    ..Figures::default()
                },
            )
        })
        .collect();
    let mut each = |org_id: i64, f: &mut dyn FnMut(&mut Figures)| {
        if let Some(x) = figs.get_mut(&org_id) {
            f(x);
        }
    };

    let plans: Vec<(i64, i64)> =
        sqlx::query_as("SELECT org_id, project_count FROM plans WHERE is_current = 1")
            .fetch_all(&mut *conn)
            .await?;
    for (org, n) in plans {
        each(org, &mut |x| {
            x.with_plan = 1;
            x.projects = n;
        });
    }
    let planned: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT org_id, CAST(SUM(amount) AS BIGINT) FROM plan_budgets WHERE fiscal_year = $1 \
         AND plan_id IN (SELECT id FROM plans WHERE is_current = 1) GROUP BY org_id",
    )
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    for (org, v) in planned {
        each(org, &mut |x| x.planned_baht = v);
    }
    let progress: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT org_id, status, COUNT(*), CAST(COALESCE(SUM(disbursed_satang), 0) AS BIGINT) FROM progress \
         WHERE fiscal_year = $1 GROUP BY org_id, status",
    )
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    for (org, status, n, satang) in progress {
        each(org, &mut |x| {
            x.disbursed_satang += satang;
            match status.as_str() {
                "done" => x.done += n,
                "in_progress" => x.in_progress += n,
                "could_not_be_done" => x.could_not += n,
                _ => {}
            }
        });
    }
    let scores: Vec<(i64, f64)> =
        sqlx::query_as("SELECT org_id, score FROM ita_scores WHERE fiscal_year = $1")
            .bind(fiscal_year)
            .fetch_all(&mut *conn)
            .await?;
    let targets: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT org_id, value FROM plan_targets WHERE kind = 'ita_score' AND fiscal_year = $1 \
         AND plan_id IN (SELECT id FROM plans WHERE is_current = 1)",
    )
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    let target_of: HashMap<i64, f64> = targets.iter().copied().collect();
    for (org, t) in &targets {
        each(*org, &mut |x| {
            x.target_count = 1;
            x.target_sum = *t;
        });
    }
    for (org, s) in scores {
        let met = target_of
            .get(&org)
            .is_some_and(|t| prongsai_domain::ita::meets(s, *t));
        each(org, &mut |x| {
            x.ita_count = 1;
            x.ita_sum = s;
            x.ita_met = i64::from(met);
        });
    }
    let risks: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT org_id, level, COUNT(*) FROM risks GROUP BY org_id, level")
            .fetch_all(&mut *conn)
            .await?;
    for (org, level, n) in risks {
        each(org, &mut |x| {
            x.risks += n;
            if level == "high" || level == "very_high" {
                x.high_risks += n;
            }
        });
    }

    let mut total = Figures::default();
    let mut by_province: BTreeMap<(usize, String), Figures> = BTreeMap::new();
    let mut by_type: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_org = Vec::new();
    for (id, f) in &mut figs {
        f.not_started = (f.projects - f.done - f.in_progress - f.could_not).max(0);
        let Some(info) = orgs.get(id) else { continue };
        total.add(f);
        by_province
            .entry((province_order(&info.province), info.province.clone()))
            .or_default()
            .add(f);
        by_type.entry(info.org_type.clone()).or_default().add(f);
        if province.is_some() {
            by_org.push(Row {
                key: info.slug.clone(),
                label: info.name.clone(),
                figures: f.clone(),
            });
        }
    }
    by_org.sort_by(|a, b| a.label.cmp(&b.label).then(a.key.cmp(&b.key)));
    let type_rank = |code: &str| {
        OrgType::ALL
            .iter()
            .position(|t| t.code() == code)
            .unwrap_or(usize::MAX)
    };
    let mut by_type: Vec<Row> = by_type
        .into_iter()
        .map(|(code, figures)| Row {
            label: code
                .parse::<OrgType>()
                .map(|t| t.label_th().to_string())
                .unwrap_or_else(|_| code.clone()),
            key: code,
            figures,
        })
        .collect();
    by_type.sort_by_key(|r| type_rank(&r.key));
    Ok(Summary {
        fiscal_year,
        province: province.map(str::to_string),
        total,
        by_province: by_province
            .into_iter()
            .map(|((_, p), figures)| Row {
                key: p.clone(),
                label: p,
                figures,
            })
            .collect(),
        by_type,
        by_org,
    })
}
