//! The report of a reporting round (รายงานผลการดำเนินงานตามแผน รอบ 6/12 เดือน): a summary
//! per dimension (มิติ) and overall — projects done / in progress / not started / could not
//! be done, budget planned against disbursed, KPIs achieved — and one row per project.
//!
//! [`build`] takes plain values (the plan's projects joined with their yearly progress)
//! and adds up; the result is what the web page, XLSX, PDF and e-PlanNACC exports show,
//! and what a submitted round freezes as JSON.

use serde::{Deserialize, Serialize};

use crate::fiscal::{FiscalYear, ReportingRound};
use crate::progress::{ApprovalState, KpiTarget, NotDoneReason, ProgressStatus};

/// One KPI of a project and its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiResult {
    /// `output` (ผลผลิต) or `outcome` (ผลลัพธ์).
    pub kind: String,
    pub seq: i64,
    pub text: String,
    pub target: Option<KpiTarget>,
    pub actual: Option<f64>,
    pub baseline: Option<f64>,
    /// Computed from the target ([`KpiTarget::achieved`]); `None` when it cannot be judged.
    pub achieved: Option<bool>,
}

impl KpiResult {
    /// A KPI with its result computed from the target.
    pub fn judge(
        kind: &str,
        seq: i64,
        text: &str,
        target: Option<KpiTarget>,
        actual: Option<f64>,
        baseline: Option<f64>,
    ) -> KpiResult {
        let achieved = target.as_ref().and_then(|t| t.achieved(actual, baseline));
        KpiResult {
            kind: kind.to_string(),
            seq,
            text: text.to_string(),
            target,
            actual,
            baseline,
            achieved,
        }
    }
}

/// A project of the plan and its progress in the round's fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProjectResult {
    /// Stable across plan versions.
    pub project_key: i64,
    /// The number in the plan.
    pub no: i64,
    pub dimension: i64,
    /// Mission code, e.g. "1.2", and its title.
    pub mission: String,
    pub mission_title: String,
    /// `project` (โครงการ), `activity` (กิจกรรม), `measure` (มาตรการ).
    pub kind: String,
    pub name: String,
    /// The responsible unit as the plan writes it.
    pub responsible: String,
    pub objectives: Vec<String>,
    pub target_group: String,
    /// Budget in the plan for the year, whole baht (0 = no budget).
    pub planned_baht: i64,
    /// The plan's budget for every year it covers (B.E. year, whole baht), as in its
    /// Part 2 table.
    #[serde(default)]
    pub budgets: Vec<(i64, i64)>,
    /// Amount in the local development plan (แผนพัฒนาท้องถิ่น), satang.
    pub dev_plan_satang: Option<i64>,
    /// Amount in the budget ordinance (ข้อบัญญัติ/เทศบัญญัติงบประมาณ), satang.
    pub ordinance_satang: Option<i64>,
    /// Disbursed (เบิกจ่าย), satang.
    pub disbursed_satang: Option<i64>,
    pub status: ProgressStatus,
    pub reason: Option<NotDoneReason>,
    pub reason_text: String,
    pub approval: ApprovalState,
    pub steps_done: i64,
    pub steps_total: i64,
    pub kpis: Vec<KpiResult>,
    pub problems: String,
    pub notes: String,
    /// Evidence items (files, links, photos) recorded.
    pub evidence_count: i64,
}

impl ProjectResult {
    /// KPIs with a target that can be achieved (the m of "n/m").
    pub fn kpis_with_target(&self) -> i64 {
        self.kpis.iter().filter(|k| k.target.is_some()).count() as i64
    }

    pub fn kpis_achieved(&self) -> i64 {
        self.kpis
            .iter()
            .filter(|k| k.achieved == Some(true))
            .count() as i64
    }

    /// The reason in Thai, with the text for "other".
    pub fn reason_th(&self) -> String {
        match self.reason {
            None => String::new(),
            Some(NotDoneReason::Other) => format!(
                "{}: {}",
                NotDoneReason::Other.label_th(),
                self.reason_text.trim()
            ),
            Some(r) if self.reason_text.trim().is_empty() => r.label_th().to_string(),
            Some(r) => format!("{} ({})", r.label_th(), self.reason_text.trim()),
        }
    }
}

/// Counts and sums over some projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub projects: i64,
    pub done: i64,
    pub in_progress: i64,
    pub not_started: i64,
    pub could_not_be_done: i64,
    pub planned_baht: i64,
    pub dev_plan_satang: i64,
    pub ordinance_satang: i64,
    pub disbursed_satang: i64,
    pub kpis_achieved: i64,
    pub kpis_total: i64,
    /// Projects whose progress the division head has approved.
    pub approved: i64,
}

impl Summary {
    fn add(&mut self, p: &ProjectResult) {
        self.projects += 1;
        match p.status {
            ProgressStatus::Done => self.done += 1,
            ProgressStatus::InProgress => self.in_progress += 1,
            ProgressStatus::NotStarted => self.not_started += 1,
            ProgressStatus::CouldNotBeDone => self.could_not_be_done += 1,
        }
        self.planned_baht += p.planned_baht;
        self.dev_plan_satang += p.dev_plan_satang.unwrap_or(0);
        self.ordinance_satang += p.ordinance_satang.unwrap_or(0);
        self.disbursed_satang += p.disbursed_satang.unwrap_or(0);
        self.kpis_achieved += p.kpis_achieved();
        self.kpis_total += p.kpis_with_target();
        self.approved += i64::from(p.approval == ApprovalState::Approved);
    }

    /// Disbursed as a percentage of the planned budget (None without a budget).
    pub fn disbursed_percent(&self) -> Option<f64> {
        (self.planned_baht > 0)
            .then(|| self.disbursed_satang as f64 / (self.planned_baht as f64 * 100.0) * 100.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionSummary {
    pub no: i64,
    pub title: String,
    pub summary: Summary,
}

/// A whole round's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    pub org_name: String,
    pub fiscal_year: FiscalYear,
    pub round: ReportingRound,
    /// The last day the round covers (ISO date).
    pub period_end: String,
    pub plan_title: String,
    pub plan_version: i64,
    /// The fiscal years the plan covers (B.E.).
    #[serde(default)]
    pub plan_years: Vec<i64>,
    pub dimensions: Vec<DimensionSummary>,
    pub total: Summary,
    /// In plan order (dimension, then number).
    pub projects: Vec<ProjectResult>,
}

/// What [`build`] needs besides the projects.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportHeader {
    pub org_name: String,
    pub fiscal_year: FiscalYear,
    pub round: ReportingRound,
    pub plan_title: String,
    pub plan_version: i64,
    /// The fiscal years the plan covers (B.E.).
    pub plan_years: Vec<i64>,
    /// Dimension numbers and titles, as the plan lists them.
    pub dimensions: Vec<(i64, String)>,
}

/// Adds up a round's report. Projects of a dimension the plan does not list still count,
/// under a dimension titled by its number.
pub fn build(header: ReportHeader, mut projects: Vec<ProjectResult>) -> RoundReport {
    projects.sort_by_key(|p| (p.dimension, p.no));
    let mut dims: Vec<DimensionSummary> = header
        .dimensions
        .iter()
        .map(|(no, title)| DimensionSummary {
            no: *no,
            title: title.clone(),
            summary: Summary::default(),
        })
        .collect();
    let mut total = Summary::default();
    for p in &projects {
        if !dims.iter().any(|d| d.no == p.dimension) {
            dims.push(DimensionSummary {
                no: p.dimension,
                title: format!("มิติที่ {}", p.dimension),
                summary: Summary::default(),
            });
        }
        if let Some(d) = dims.iter_mut().find(|d| d.no == p.dimension) {
            d.summary.add(p);
        }
        total.add(p);
    }
    dims.sort_by_key(|d| d.no);
    RoundReport {
        org_name: header.org_name,
        fiscal_year: header.fiscal_year,
        round: header.round,
        period_end: header.round.period_end(header.fiscal_year).to_string(),
        plan_title: header.plan_title,
        plan_version: header.plan_version,
        plan_years: header.plan_years,
        dimensions: dims,
        total,
        projects,
    }
}

impl RoundReport {
    /// "รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต รอบ 6 เดือน ปีงบประมาณ พ.ศ. 2567"
    pub fn title_th(&self) -> String {
        format!(
            "รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต {} {}",
            self.round.label_th(),
            self.fiscal_year.label_th()
        )
    }

    /// The projects of one dimension.
    pub fn projects_of(&self, dimension: i64) -> impl Iterator<Item = &ProjectResult> {
        self.projects
            .iter()
            .filter(move |p| p.dimension == dimension)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::progress::KpiOp;

    fn project(
        no: i64,
        dim: i64,
        status: ProgressStatus,
        planned: i64,
        disbursed: Option<i64>,
    ) -> ProjectResult {
        ProjectResult {
            project_key: no,
            no,
            dimension: dim,
            name: format!("โครงการ {no}"),
            planned_baht: planned,
            disbursed_satang: disbursed,
            status,
            ..ProjectResult::default()
        }
    }

    fn ge(v: f64) -> Option<KpiTarget> {
        Some(KpiTarget {
            op: KpiOp::AtLeast,
            value: Some(v),
            unit: Some("percent".into()),
        })
    }

    #[test]
    fn totals_per_dimension_and_overall() {
        let mut a = project(1, 1, ProgressStatus::Done, 20_000, Some(1_950_050));
        a.kpis = vec![
            KpiResult::judge("output", 1, "ร้อยละ 80", ge(80.0), Some(85.0), None),
            KpiResult::judge("outcome", 1, "ร้อยละ 90", ge(90.0), Some(70.0), None),
            KpiResult::judge("outcome", 2, "ไม่มีเป้า", None, Some(1.0), None),
        ];
        a.approval = ApprovalState::Approved;
        let b = project(2, 1, ProgressStatus::InProgress, 0, None);
        let mut c = project(3, 2, ProgressStatus::CouldNotBeDone, 50_000, Some(0));
        c.reason = Some(NotDoneReason::NoBudget);
        c.kpis = vec![KpiResult::judge(
            "output",
            1,
            "ร้อยละ 100",
            ge(100.0),
            None,
            None,
        )];
        let d = project(4, 3, ProgressStatus::NotStarted, 10_000, None);
        let r = build(
            ReportHeader {
                org_name: "เทศบาลทดสอบ".into(),
                fiscal_year: FiscalYear::new(2567).unwrap(),
                round: ReportingRound::SixMonths,
                plan_title: "แผน".into(),
                plan_version: 1,
                plan_years: vec![2566, 2567],
                dimensions: vec![(1, "มิติ 1".into()), (2, "มิติ 2".into())],
            },
            vec![d, c, b, a],
        );
        assert_eq!(r.period_end, "2024-03-31");
        assert_eq!(
            r.projects.iter().map(|p| p.no).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(r.dimensions.len(), 3, "dimension 3 is added for project 4");
        let d1 = r.dimensions[0].summary;
        assert_eq!(
            (
                d1.projects,
                d1.done,
                d1.in_progress,
                d1.not_started,
                d1.could_not_be_done
            ),
            (2, 1, 1, 0, 0)
        );
        assert_eq!((d1.planned_baht, d1.disbursed_satang), (20_000, 1_950_050));
        assert_eq!((d1.kpis_achieved, d1.kpis_total, d1.approved), (1, 2, 1));
        let t = r.total;
        assert_eq!(
            (
                t.projects,
                t.done,
                t.in_progress,
                t.not_started,
                t.could_not_be_done
            ),
            (4, 1, 1, 1, 1)
        );
        assert_eq!((t.planned_baht, t.disbursed_satang), (80_000, 1_950_050));
        assert_eq!((t.kpis_achieved, t.kpis_total), (1, 3));
        assert_eq!(r.dimensions[2].title, "มิติที่ 3");
        assert_eq!(r.projects[2].reason_th(), "ไม่ได้รับงบประมาณ");
        let pct = t.disbursed_percent().unwrap();
        assert!((pct - 19_500.5 / 80_000.0 * 100.0).abs() < 1e-9);
        // The JSON a submitted round freezes reads back the same.
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<RoundReport>(&json).unwrap(), r);
    }
}
