//! What changed between two versions of a plan: projects added, removed and renamed,
//! yearly budgets, KPI targets, the Part 1 targets (ITA, case reduction) and risks.
//!
//! [`diff`] is a pure function of two [`Plan`]s. Projects are paired first by name
//! (spaces, quotes and the โครงการ/กิจกรรม/มาตรการ prefix ignored), then, among those
//! left, by name similarity (character-bigram Dice ≥ 0.6, a bonus when the dimension
//! agrees), then by the same place (same number, dimension and mission): the last two
//! are reported as renamed. Each new project's match in the old plan is in
//! [`PlanDiff::matches`], so that whatever hangs off a project (progress, evidence)
//! can follow it from one version to the next.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{Kpi, KpiTarget, Op, Plan, Project, Risk};
use crate::text::similarity;

/// Two names this similar (Dice over bigrams) are taken for the same project, renamed.
const RENAME_SIMILARITY: f64 = 0.6;

/// A project named by number and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub no: u32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renamed {
    pub old_no: u32,
    pub new_no: u32,
    pub old_name: String,
    pub new_name: String,
}

/// A matched project whose place in the plan changed (dimension or mission).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub no: u32,
    pub name: String,
    pub old_mission: String,
    pub new_mission: String,
}

/// One project's budget for one fiscal year, before and after (0 = no budget).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetChange {
    /// The project's number in the new plan (in the old plan if it was removed).
    pub project_no: u32,
    pub project_name: String,
    pub fiscal_year: u32,
    pub old: i64,
    pub new: i64,
}

/// The whole plan's budget for one fiscal year, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTotal {
    pub fiscal_year: u32,
    pub old: i64,
    pub new: i64,
}

/// An output or outcome as compared: its text and its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSnap {
    pub text: String,
    pub target: Option<KpiTarget>,
}

/// An output/outcome of a matched project added, removed, or with another target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiChange {
    pub project_no: u32,
    pub project_name: String,
    /// `output` or `outcome`.
    pub kind: String,
    /// 1-based position among the project's outputs (or outcomes).
    pub seq: u32,
    pub old: Option<KpiSnap>,
    pub new: Option<KpiSnap>,
}

/// A Part 1 target for one fiscal year, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetChange {
    /// `ita_score` or `corruption_case_reduction_percent`.
    pub kind: String,
    pub fiscal_year: u32,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

/// A risk (Part 1 table row, matched by number) added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskChange {
    pub no: u32,
    pub process: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// For `changed`: which of process, issues, levels, controls differ.
    pub fields: Vec<String>,
}

/// Everything that differs between two plans. Empty lists mean "no change there".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanDiff {
    pub projects_added: Vec<ProjectRef>,
    pub projects_removed: Vec<ProjectRef>,
    pub projects_renamed: Vec<Renamed>,
    pub projects_moved: Vec<Moved>,
    pub budget_changes: Vec<BudgetChange>,
    /// Only the years whose total changed.
    pub budget_totals: Vec<YearTotal>,
    pub kpi_changes: Vec<KpiChange>,
    pub target_changes: Vec<TargetChange>,
    pub risk_changes: Vec<RiskChange>,
    /// New project number → old project number, for every matched project.
    pub matches: BTreeMap<u32, u32>,
}

impl PlanDiff {
    /// Whether the two plans are the same in everything compared.
    pub fn is_empty(&self) -> bool {
        self.projects_added.is_empty()
            && self.projects_removed.is_empty()
            && self.projects_renamed.is_empty()
            && self.projects_moved.is_empty()
            && self.budget_changes.is_empty()
            && self.kpi_changes.is_empty()
            && self.target_changes.is_empty()
            && self.risk_changes.is_empty()
    }

    /// Counts per kind of change, e.g. for an audit entry or a one-line summary.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("projects_added", self.projects_added.len()),
            ("projects_removed", self.projects_removed.len()),
            ("projects_renamed", self.projects_renamed.len()),
            ("projects_moved", self.projects_moved.len()),
            ("budget_changes", self.budget_changes.len()),
            ("kpi_changes", self.kpi_changes.len()),
            ("target_changes", self.target_changes.len()),
            ("risk_changes", self.risk_changes.len()),
        ])
    }

    /// The change as English lines for a terminal (names stay in Thai).
    pub fn lines_en(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.projects_added {
            out.push(format!("+ project {} added: {}", p.no, p.name));
        }
        for p in &self.projects_removed {
            out.push(format!("- project {} removed: {}", p.no, p.name));
        }
        for r in &self.projects_renamed {
            out.push(format!(
                "~ project {} renamed (was {}): {} → {}",
                r.new_no, r.old_no, r.old_name, r.new_name
            ));
        }
        for m in &self.projects_moved {
            out.push(format!(
                "~ project {} moved from mission {} to {}: {}",
                m.no, m.old_mission, m.new_mission, m.name
            ));
        }
        for b in &self.budget_changes {
            out.push(format!(
                "~ budget {} project {}: {} → {} baht ({})",
                b.fiscal_year,
                b.project_no,
                baht(b.old),
                baht(b.new),
                b.project_name
            ));
        }
        for t in &self.budget_totals {
            out.push(format!(
                "~ budget total {}: {} → {} baht",
                t.fiscal_year,
                baht(t.old),
                baht(t.new)
            ));
        }
        for k in &self.kpi_changes {
            let show = |s: &Option<KpiSnap>| match s {
                None => "(none)".to_string(),
                Some(s) => match &s.target {
                    Some(t) => format!("{} [{}]", s.text, target_en(t)),
                    None => format!("{} [no target]", s.text),
                },
            };
            out.push(format!(
                "~ project {} {} {}: {} → {}",
                k.project_no,
                k.kind,
                k.seq,
                show(&k.old),
                show(&k.new)
            ));
        }
        for t in &self.target_changes {
            let show = |v: Option<f64>| v.map_or_else(|| "(none)".to_string(), num);
            out.push(format!(
                "~ target {} {}: {} → {}",
                t.kind,
                t.fiscal_year,
                show(t.old),
                show(t.new)
            ));
        }
        for r in &self.risk_changes {
            if r.fields.is_empty() {
                out.push(format!("~ risk {} {}: {}", r.no, r.change, r.process));
            } else {
                out.push(format!(
                    "~ risk {} {} ({}): {}",
                    r.no,
                    r.change,
                    r.fields.join(", "),
                    r.process
                ));
            }
        }
        out
    }
}

/// Whole baht with thousands separators, e.g. `1,234,567`.
pub fn baht(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// A number without a needless ".0".
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A KPI target in English, e.g. `>= 80 percent`, `decrease`.
pub fn target_en(t: &KpiTarget) -> String {
    let op = match t.op {
        Op::Ge => ">=",
        Op::Le => "<=",
        Op::Eq => "=",
        Op::Decrease => "decrease",
        Op::Increase => "increase",
    };
    let mut s = op.to_string();
    if let Some(v) = t.value {
        s.push(' ');
        s.push_str(&num(v));
    }
    if let Some(u) = &t.unit {
        s.push(' ');
        s.push_str(u);
    }
    s
}

/// A name as compared: no spaces or quotes, no kind prefix.
fn key(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’'))
        .collect();
    for prefix in ["โครงการ", "กิจกรรม", "มาตรการ"] {
        if let Some(rest) = s.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    s
}

fn same_text(a: &str, b: &str) -> bool {
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    strip(a) == strip(b)
}

/// Pairs the projects of two plans: new index → old index.
fn pair(old: &[Project], new: &[Project]) -> (BTreeMap<usize, usize>, BTreeSet<usize>) {
    let mut pairs = BTreeMap::new();
    let mut renamed = BTreeSet::new();
    let mut used = vec![false; old.len()];
    let old_keys: Vec<String> = old.iter().map(|p| key(&p.name)).collect();
    // 1. The same name, in order.
    for (j, p) in new.iter().enumerate() {
        let k = key(&p.name);
        if let Some(i) = (0..old.len()).find(|&i| !used[i] && old_keys[i] == k) {
            used[i] = true;
            pairs.insert(j, i);
        }
    }
    // 2. Similar names, best pairs first.
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    for (j, p) in new.iter().enumerate() {
        if pairs.contains_key(&j) {
            continue;
        }
        let k = key(&p.name);
        for (i, o) in old.iter().enumerate() {
            if used[i] {
                continue;
            }
            let mut s = similarity(&k, &old_keys[i]);
            if s >= RENAME_SIMILARITY && o.dimension == p.dimension {
                s += 0.05;
            }
            if s >= RENAME_SIMILARITY {
                cands.push((s, j, i));
            }
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, j, i) in cands {
        if used[i] || pairs.contains_key(&j) {
            continue;
        }
        used[i] = true;
        pairs.insert(j, i);
        renamed.insert(j);
    }
    // 3. The same place: number, dimension and mission.
    for (j, p) in new.iter().enumerate() {
        if pairs.contains_key(&j) {
            continue;
        }
        if let Some(i) = (0..old.len()).find(|&i| {
            !used[i]
                && old[i].no == p.no
                && old[i].dimension == p.dimension
                && old[i].mission == p.mission
        }) {
            used[i] = true;
            pairs.insert(j, i);
            renamed.insert(j);
        }
    }
    (pairs, renamed)
}

fn year_of(k: &str) -> Option<u32> {
    k.trim().parse().ok()
}

fn budget_years(p: &Project) -> BTreeMap<u32, i64> {
    p.budget
        .iter()
        .filter_map(|(k, v)| year_of(k).map(|y| (y, *v)))
        .collect()
}

fn kpi_changes(out: &mut Vec<KpiChange>, o: &Project, n: &Project) {
    for (kind, a, b) in [
        ("output", &o.outputs, &n.outputs),
        ("outcome", &o.outcomes, &n.outcomes),
    ] {
        let snap = |k: &Kpi| KpiSnap {
            text: k.text.clone(),
            target: k.target.clone(),
        };
        for seq in 0..a.len().max(b.len()) {
            let (x, y) = (a.get(seq), b.get(seq));
            let differs = match (x, y) {
                (Some(x), Some(y)) => x.target != y.target || !same_text(&x.text, &y.text),
                _ => true,
            };
            if differs {
                out.push(KpiChange {
                    project_no: n.no,
                    project_name: n.name.clone(),
                    kind: kind.to_string(),
                    seq: seq as u32 + 1,
                    old: x.map(snap),
                    new: y.map(snap),
                });
            }
        }
    }
}

fn risk_fields(a: &Risk, b: &Risk) -> Vec<String> {
    let list_eq = |x: &[String], y: &[String]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_text(p, q))
    };
    let mut f = Vec::new();
    if !same_text(&a.process, &b.process) {
        f.push("process".to_string());
    }
    if !list_eq(&a.issues, &b.issues) {
        f.push("issues".to_string());
    }
    if !list_eq(&a.levels, &b.levels) {
        f.push("levels".to_string());
    }
    if !list_eq(&a.controls, &b.controls) {
        f.push("controls".to_string());
    }
    f
}

/// What changed from `old` to `new`. Diffing against `Plan::default()` lists every
/// project of `new` as added.
pub fn diff(old: &Plan, new: &Plan) -> PlanDiff {
    let mut d = PlanDiff::default();
    let (pairs, renamed) = pair(&old.projects, &new.projects);
    let matched_old: BTreeSet<usize> = pairs.values().copied().collect();

    for (j, p) in new.projects.iter().enumerate() {
        let Some(&i) = pairs.get(&j) else {
            d.projects_added.push(ProjectRef {
                no: p.no,
                name: p.name.clone(),
            });
            continue;
        };
        let o = &old.projects[i];
        d.matches.insert(p.no, o.no);
        if renamed.contains(&j) && !same_text(&key(&o.name), &key(&p.name)) {
            d.projects_renamed.push(Renamed {
                old_no: o.no,
                new_no: p.no,
                old_name: o.name.clone(),
                new_name: p.name.clone(),
            });
        }
        if o.dimension != p.dimension || !same_text(&o.mission, &p.mission) {
            d.projects_moved.push(Moved {
                no: p.no,
                name: p.name.clone(),
                old_mission: o.mission.clone(),
                new_mission: p.mission.clone(),
            });
        }
        let (ob, nb) = (budget_years(o), budget_years(p));
        let years: BTreeSet<u32> = ob.keys().chain(nb.keys()).copied().collect();
        for y in years {
            let (a, b) = (
                ob.get(&y).copied().unwrap_or(0),
                nb.get(&y).copied().unwrap_or(0),
            );
            if a != b {
                d.budget_changes.push(BudgetChange {
                    project_no: p.no,
                    project_name: p.name.clone(),
                    fiscal_year: y,
                    old: a,
                    new: b,
                });
            }
        }
        kpi_changes(&mut d.kpi_changes, o, p);
    }
    for (i, o) in old.projects.iter().enumerate() {
        if !matched_old.contains(&i) {
            d.projects_removed.push(ProjectRef {
                no: o.no,
                name: o.name.clone(),
            });
        }
    }
    // Added and removed projects with a budget change the yearly budget too.
    for (p, added) in new
        .projects
        .iter()
        .enumerate()
        .filter(|(j, _)| !pairs.contains_key(j))
        .map(|(_, p)| (p, true))
        .chain(
            old.projects
                .iter()
                .enumerate()
                .filter(|(i, _)| !matched_old.contains(i))
                .map(|(_, p)| (p, false)),
        )
    {
        for (y, v) in budget_years(p) {
            if v != 0 {
                d.budget_changes.push(BudgetChange {
                    project_no: p.no,
                    project_name: p.name.clone(),
                    fiscal_year: y,
                    old: if added { 0 } else { v },
                    new: if added { v } else { 0 },
                });
            }
        }
    }
    let totals = |plan: &Plan| {
        let mut t: BTreeMap<u32, i64> = BTreeMap::new();
        for p in &plan.projects {
            for (y, v) in budget_years(p) {
                *t.entry(y).or_default() += v;
            }
        }
        t
    };
    let (ot, nt) = (totals(old), totals(new));
    for y in ot.keys().chain(nt.keys()).copied().collect::<BTreeSet<_>>() {
        let (a, b) = (
            ot.get(&y).copied().unwrap_or(0),
            nt.get(&y).copied().unwrap_or(0),
        );
        if a != b {
            d.budget_totals.push(YearTotal {
                fiscal_year: y,
                old: a,
                new: b,
            });
        }
    }

    for (kind, a, b) in [
        ("ita_score", &old.targets.ita_score, &new.targets.ita_score),
        (
            "corruption_case_reduction_percent",
            &old.targets.corruption_case_reduction_percent,
            &new.targets.corruption_case_reduction_percent,
        ),
    ] {
        let a: BTreeMap<u32, f64> = a
            .iter()
            .filter_map(|(k, v)| year_of(k).map(|y| (y, *v)))
            .collect();
        let b: BTreeMap<u32, f64> = b
            .iter()
            .filter_map(|(k, v)| year_of(k).map(|y| (y, *v)))
            .collect();
        for y in a.keys().chain(b.keys()).copied().collect::<BTreeSet<_>>() {
            let (x, z) = (a.get(&y).copied(), b.get(&y).copied());
            if x != z {
                d.target_changes.push(TargetChange {
                    kind: kind.to_string(),
                    fiscal_year: y,
                    old: x,
                    new: z,
                });
            }
        }
    }

    let old_risks: BTreeMap<u32, &Risk> = old.risks.iter().map(|r| (r.no, r)).collect();
    let new_risks: BTreeMap<u32, &Risk> = new.risks.iter().map(|r| (r.no, r)).collect();
    for no in old_risks
        .keys()
        .chain(new_risks.keys())
        .copied()
        .collect::<BTreeSet<_>>()
    {
        match (old_risks.get(&no), new_risks.get(&no)) {
            (Some(a), Some(b)) => {
                let fields = risk_fields(a, b);
                if !fields.is_empty() {
                    d.risk_changes.push(RiskChange {
                        no,
                        process: b.process.clone(),
                        change: "changed".into(),
                        fields,
                    });
                }
            }
            (None, Some(b)) => d.risk_changes.push(RiskChange {
                no,
                process: b.process.clone(),
                change: "added".into(),
                fields: Vec::new(),
            }),
            (Some(a), None) => d.risk_changes.push(RiskChange {
                no,
                process: a.process.clone(),
                change: "removed".into(),
                fields: Vec::new(),
            }),
            (None, None) => {}
        }
    }
    d
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Kpi, ProjectKind, Targets};

    fn project(no: u32, name: &str, budget: i64) -> Project {
        Project {
            no,
            dimension: 1,
            mission: "1.1".into(),
            kind: ProjectKind::Project,
            name: name.into(),
            budget: [("2566".to_string(), budget), ("2567".to_string(), budget)].into(),
            outputs: vec![Kpi {
                text: "ผู้เข้าร่วม ไม่น้อยกว่าร้อยละ 80".into(),
                target: Some(KpiTarget {
                    op: Op::Ge,
                    value: Some(80.0),
                    unit: Some("percent".into()),
                }),
            }],
            ..Project::default()
        }
    }

    fn plan() -> Plan {
        Plan {
            organization: "เทศบาลทดสอบ".into(),
            title: "แผน".into(),
            fiscal_years: vec![2566, 2567],
            targets: Targets {
                ita_score: [("2566".to_string(), 65.0), ("2567".to_string(), 70.0)].into(),
                corruption_case_reduction_percent: Default::default(),
            },
            risks: vec![Risk {
                no: 1,
                process: "การจัดซื้อ".into(),
                issues: vec!["ฮั้วประมูล".into()],
                levels: vec!["สูง".into()],
                controls: vec!["มาตรการ ก".into()],
            }],
            dimensions: vec![],
            projects: vec![
                project(1, "โครงการอบรมคุณธรรมจริยธรรมแก่พนักงานเทศบาล", 120_000),
                project(2, "มาตรการเผยแพร่ข้อมูลข่าวสารทางเว็บไซต์", 0),
                project(3, "กิจกรรมประชาคมหมู่บ้านเพื่อจัดทำแผนพัฒนา", 90_000),
            ],
        }
    }

    #[test]
    fn same_plan_no_change() {
        let p = plan();
        let d = diff(&p, &p);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(d.matches.len(), 3);
        assert!(d.lines_en().is_empty());
    }

    #[test]
    fn spaces_and_prefix_do_not_count_as_renames() {
        let a = plan();
        let mut b = plan();
        b.projects[0].name = "อบรม คุณธรรม จริยธรรมแก่พนักงานเทศบาล".into();
        let d = diff(&a, &b);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn from_nothing_everything_is_added() {
        let d = diff(&Plan::default(), &plan());
        assert_eq!(d.projects_added.len(), 3);
        assert_eq!(
            d.budget_totals,
            vec![
                YearTotal {
                    fiscal_year: 2566,
                    old: 0,
                    new: 210_000
                },
                YearTotal {
                    fiscal_year: 2567,
                    old: 0,
                    new: 210_000
                }
            ]
        );
        assert_eq!(d.target_changes.len(), 2);
        assert_eq!(d.risk_changes[0].change, "added");
    }

    #[test]
    fn budget_kpi_target_and_risk_changes() {
        let a = plan();
        let mut b = plan();
        b.projects[0].budget.insert("2567".into(), 150_000);
        b.projects[0].outputs[0].target = Some(KpiTarget {
            op: Op::Ge,
            value: Some(90.0),
            unit: Some("percent".into()),
        });
        b.targets.ita_score.insert("2567".into(), 72.0);
        b.risks[0].levels = vec!["ปานกลาง".into()];
        let d = diff(&a, &b);
        assert_eq!(
            d.budget_changes,
            vec![BudgetChange {
                project_no: 1,
                project_name: a.projects[0].name.clone(),
                fiscal_year: 2567,
                old: 120_000,
                new: 150_000
            }]
        );
        assert_eq!(
            d.budget_totals,
            vec![YearTotal {
                fiscal_year: 2567,
                old: 210_000,
                new: 240_000
            }]
        );
        assert_eq!(d.kpi_changes.len(), 1);
        assert_eq!(
            (d.kpi_changes[0].kind.as_str(), d.kpi_changes[0].seq),
            ("output", 1)
        );
        assert_eq!(
            d.target_changes,
            vec![TargetChange {
                kind: "ita_score".into(),
                fiscal_year: 2567,
                old: Some(70.0),
                new: Some(72.0)
            }]
        );
        assert_eq!(d.risk_changes[0].fields, vec!["levels".to_string()]);
        let lines = d.lines_en().join("\n");
        assert!(
            lines.contains("budget 2567 project 1: 120,000 → 150,000 baht"),
            "{lines}"
        );
        assert!(lines.contains(">= 80 percent"), "{lines}");
        assert!(lines.contains("target ita_score 2567: 70 → 72"), "{lines}");
    }

    #[test]
    fn added_removed_renamed() {
        let a = plan();
        let mut b = plan();
        // Project 2 removed, a new one added at the end, project 3 renamed a little.
        b.projects.remove(1);
        b.projects[1].no = 2;
        b.projects[1].name = "กิจกรรมประชาคมหมู่บ้านเพื่อจัดทำแผนพัฒนาท้องถิ่น".into();
        b.projects
            .push(project(3, "โครงการจัดตั้งศูนย์รับเรื่องร้องเรียนการทุจริต", 5_000));
        let d = diff(&a, &b);
        assert_eq!(
            d.projects_removed,
            vec![ProjectRef {
                no: 2,
                name: a.projects[1].name.clone()
            }]
        );
        assert_eq!(
            d.projects_added,
            vec![ProjectRef {
                no: 3,
                name: b.projects[2].name.clone()
            }]
        );
        assert_eq!(d.projects_renamed.len(), 1);
        assert_eq!(
            (d.projects_renamed[0].old_no, d.projects_renamed[0].new_no),
            (3, 2)
        );
        assert_eq!(d.matches, BTreeMap::from([(1, 1), (2, 3)]));
        // The new project's budget shows as a change from 0.
        assert!(
            d.budget_changes
                .iter()
                .any(|c| c.project_no == 3 && c.old == 0 && c.new == 5_000)
        );
    }

    #[test]
    fn a_rewritten_name_in_the_same_place_is_a_rename() {
        let a = plan();
        let mut b = plan();
        b.projects[1].name = "มาตรการอย่างอื่นโดยสิ้นเชิง".into();
        let d = diff(&a, &b);
        assert!(
            d.projects_added.is_empty() && d.projects_removed.is_empty(),
            "{d:?}"
        );
        assert_eq!(d.projects_renamed.len(), 1);
    }

    #[test]
    fn baht_separators() {
        assert_eq!(baht(0), "0");
        assert_eq!(baht(999), "999");
        assert_eq!(baht(1000), "1,000");
        assert_eq!(baht(1_234_567), "1,234,567");
        assert_eq!(baht(-120_000), "-120,000");
    }
}
