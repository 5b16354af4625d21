//! The plan as data. Field names are fixed: see `docs/plan.schema.json`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole anti-corruption action plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Plan {
    /// The organisation as written, e.g. "เทศบาลเมืองฉะเชิงเทรา".
    pub organization: String,
    /// The plan's title (first heading of the document).
    pub title: String,
    /// Fiscal years covered, Buddhist Era (e.g. 2566..=2570).
    pub fiscal_years: Vec<u32>,
    pub targets: Targets,
    /// Part 1 risk assessment, one entry per table row.
    pub risks: Vec<Risk>,
    pub dimensions: Vec<Dimension>,
    /// One record per project/activity/measure, Part 2 and Part 3 joined.
    pub projects: Vec<Project>,
}

/// Part 1 targets: fiscal year (string key, e.g. "2566") to number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Targets {
    pub ita_score: BTreeMap<String, f64>,
    pub corruption_case_reduction_percent: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Risk {
    pub no: u32,
    pub process: String,
    pub issues: Vec<String>,
    /// Level words as written, e.g. ["สูง", "ปานกลาง"].
    pub levels: Vec<String>,
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Dimension {
    pub no: u32,
    pub title: String,
    pub missions: Vec<Mission>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Mission {
    /// e.g. "2.1"
    pub code: String,
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ProjectKind {
    /// โครงการ
    #[default]
    Project,
    /// กิจกรรม
    Activity,
    /// มาตรการ
    Measure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Project {
    /// 1..n in plan order.
    pub no: u32,
    pub dimension: u32,
    /// Mission code, e.g. "2.1".
    pub mission: String,
    pub kind: ProjectKind,
    pub name: String,
    /// Fiscal year (string) to whole baht; 0 where the plan says "-" or ไม่ใช้งบประมาณ.
    pub budget: BTreeMap<String, i64>,
    pub responsible: String,
    pub rationale: String,
    pub objectives: Vec<String>,
    pub target_group: String,
    pub steps: Vec<String>,
    pub period: String,
    pub outputs: Vec<Kpi>,
    pub outcomes: Vec<Kpi>,
}

/// An output or outcome indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Kpi {
    pub text: String,
    pub target: Option<KpiTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTarget {
    pub op: Op,
    pub value: Option<f64>,
    /// "percent", "channels", "times_per_year", "times", "documents", "persons",
    /// "projects", … ; null when the text gives a direction but no unit.
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "decrease")]
    Decrease,
    #[serde(rename = "increase")]
    Increase,
}

/// A lint finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    /// Project number (`Project::no`), if the finding is about one project.
    pub project: Option<u32>,
    /// 1-based line in the input (for .docx: in the text derived from it).
    pub line: Option<usize>,
    pub message_th: String,
    pub message_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}
