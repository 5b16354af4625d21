//! The anti-corruption action plan: the public plan (dimensions → missions → projects,
//! the yearly budget table), one project's nine-section sheet, and the staff page
//! (versions, lint findings, uploading a new version).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use prongsai_plan::diff::{PlanDiff, baht, num};
use prongsai_plan::{
    Finding, KpiTarget, MAX_INPUT_BYTES, Op, Plan, Project, ProjectKind, Severity,
};
use prongsai_store::plans::{self, PlanVersion};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t, tf};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::lang::{Here, ReqLang};
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::{OrgNav, Page};
use crate::views::public::public_org;
use crate::views::{Form, html_status};

/// The largest plan file the upload form takes (the reader's own limit).
pub const UPLOAD_MAX_BYTES: usize = MAX_INPUT_BYTES;
/// The request body limit for the upload route: the file plus the form around it.
pub const UPLOAD_BODY_LIMIT: usize = UPLOAD_MAX_BYTES + 256 * 1024;

// ---- formatting -------------------------------------------------------------------------

/// Baht for a table cell: thousands separators, "-" for no budget.
fn cell(v: i64) -> String {
    if v == 0 { "-".to_string() } else { baht(v) }
}

fn kind_label(lang: Lang, k: ProjectKind) -> &'static str {
    match k {
        ProjectKind::Project => t(lang, "plan.kind.project"),
        ProjectKind::Activity => t(lang, "plan.kind.activity"),
        ProjectKind::Measure => t(lang, "plan.kind.measure"),
    }
}

/// The unit template (with `{n}`) for a unit code, if the interface knows it.
fn unit_key(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "percent" => key!("plan.unit.percent"),
        "channels" => key!("plan.unit.channels"),
        "times_per_year" => key!("plan.unit.times_per_year"),
        "times" => key!("plan.unit.times"),
        "documents" => key!("plan.unit.documents"),
        "persons" => key!("plan.unit.persons"),
        "projects" => key!("plan.unit.projects"),
        "activities" => key!("plan.unit.activities"),
        "measures" => key!("plan.unit.measures"),
        "items" => key!("plan.unit.items"),
        "sets" => key!("plan.unit.sets"),
        "services" => key!("plan.unit.services"),
        "places" => key!("plan.unit.places"),
        "courses" => key!("plan.unit.courses"),
        "points" => key!("plan.unit.points"),
        "days" => key!("plan.unit.days"),
        "working_days" => key!("plan.unit.working_days"),
        "months" => key!("plan.unit.months"),
        "hours" => key!("plan.unit.hours"),
        "systems" => key!("plan.unit.systems"),
        "types" => key!("plan.unit.types"),
        "areas" => key!("plan.unit.areas"),
        "communities" => key!("plan.unit.communities"),
        "units" => key!("plan.unit.units"),
        "baht" => key!("plan.unit.baht"),
        "complaints" => key!("plan.unit.complaints"),
        _ => return None,
    })
}

/// A KPI target as a person reads it: "ไม่น้อยกว่า ร้อยละ 80", "at least 5 channels",
/// "ลดลง".
pub fn target_text(lang: Lang, target: &KpiTarget) -> String {
    let op = match target.op {
        Op::Ge => t(lang, "plan.op.ge"),
        Op::Le => t(lang, "plan.op.le"),
        Op::Eq => t(lang, "plan.op.eq"),
        Op::Decrease => t(lang, "plan.op.decrease"),
        Op::Increase => t(lang, "plan.op.increase"),
    };
    let amount = match (target.value, target.unit.as_deref()) {
        (Some(v), Some(u)) => match unit_key(u) {
            Some(k) => tf(lang, k, &[("n", &num(v))]),
            // A unit the interface has no words for is left out rather than shown as
            // its code.
            None => num(v),
        },
        (Some(v), None) => num(v),
        (None, _) => String::new(),
    };
    match (op.is_empty(), amount.is_empty()) {
        (_, true) => op.to_string(),
        (true, false) => amount,
        (false, false) => format!("{op} {amount}"),
    }
}

fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => key!("plan.severity.error"),
        Severity::Warning => key!("plan.severity.warning"),
        Severity::Info => key!("plan.severity.info"),
    }
}

/// The lines of a change between versions, in the interface language.
pub fn diff_lines(lang: Lang, d: &PlanDiff) -> Vec<String> {
    let mut out = Vec::new();
    for p in &d.projects_added {
        out.push(tf(
            lang,
            "plan.diff.added",
            &[("no", &p.no.to_string()), ("name", &p.name)],
        ));
    }
    for p in &d.projects_removed {
        out.push(tf(
            lang,
            "plan.diff.removed",
            &[("no", &p.no.to_string()), ("name", &p.name)],
        ));
    }
    for r in &d.projects_renamed {
        out.push(tf(
            lang,
            "plan.diff.renamed",
            &[
                ("no", &r.new_no.to_string()),
                ("old", &r.old_name),
                ("new", &r.new_name),
            ],
        ));
    }
    for m in &d.projects_moved {
        out.push(tf(
            lang,
            "plan.diff.moved",
            &[
                ("no", &m.no.to_string()),
                ("old", &m.old_mission),
                ("new", &m.new_mission),
                ("name", &m.name),
            ],
        ));
    }
    for b in &d.budget_changes {
        out.push(tf(
            lang,
            "plan.diff.budget",
            &[
                ("year", &b.fiscal_year.to_string()),
                ("no", &b.project_no.to_string()),
                ("old", &baht(b.old)),
                ("new", &baht(b.new)),
                ("name", &b.project_name),
            ],
        ));
    }
    for y in &d.budget_totals {
        out.push(tf(
            lang,
            "plan.diff.budget_total",
            &[
                ("year", &y.fiscal_year.to_string()),
                ("old", &baht(y.old)),
                ("new", &baht(y.new)),
            ],
        ));
    }
    let none = t(lang, "plan.diff.nothing");
    for k in &d.kpi_changes {
        let show = |s: &Option<prongsai_plan::diff::KpiSnap>| match s {
            None => none.to_string(),
            Some(s) => match &s.target {
                Some(tg) => format!("{} ({})", s.text, target_text(lang, tg)),
                None => s.text.clone(),
            },
        };
        let kind = if k.kind == "output" {
            t(lang, "plan.output")
        } else {
            t(lang, "plan.outcome")
        };
        out.push(tf(
            lang,
            "plan.diff.kpi",
            &[
                ("no", &k.project_no.to_string()),
                ("kind", kind),
                ("seq", &k.seq.to_string()),
                ("old", &show(&k.old)),
                ("new", &show(&k.new)),
            ],
        ));
    }
    for c in &d.target_changes {
        let show = |v: Option<f64>| v.map_or_else(|| none.to_string(), num);
        let what = if c.kind == "ita_score" {
            t(lang, "plan.target_ita")
        } else {
            t(lang, "plan.target_cases")
        };
        out.push(tf(
            lang,
            "plan.diff.target",
            &[
                ("what", what),
                ("year", &c.fiscal_year.to_string()),
                ("old", &show(c.old)),
                ("new", &show(c.new)),
            ],
        ));
    }
    for r in &d.risk_changes {
        let k = match r.change.as_str() {
            "added" => key!("plan.diff.risk_added"),
            "removed" => key!("plan.diff.risk_removed"),
            _ => key!("plan.diff.risk_changed"),
        };
        out.push(tf(
            lang,
            k,
            &[("no", &r.no.to_string()), ("process", &r.process)],
        ));
    }
    out
}

fn public_page(
    lang: Lang,
    here: &str,
    org: &prongsai_store::orgs::Organization,
    title_key: &str,
) -> Page {
    let mut p = Page::new(lang, here, title_key);
    p.org = Some(OrgNav {
        slug: org.slug.clone(),
        name: lang.pick(&org.name_th, &org.name_en).to_string(),
    });
    p
}

/// Public and the same for everyone: browsers and proxies may keep it briefly.
fn public_cache(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    r
}

fn budget_of(p: &Project, year: i64) -> i64 {
    p.budget.get(&year.to_string()).copied().unwrap_or(0)
}

// ---- public: the plan ---------------------------------------------------------------------

pub struct ProjectLink {
    pub no: u32,
    pub name: String,
    pub kind: &'static str,
}

pub struct MissionView {
    pub code: String,
    pub title: String,
    pub projects: Vec<ProjectLink>,
}

pub struct BudgetRow {
    pub no: u32,
    pub name: String,
    pub amounts: Vec<String>,
    pub total: String,
}

pub struct DimensionView {
    pub no: u32,
    pub title: String,
    pub missions: Vec<MissionView>,
    pub rows: Vec<BudgetRow>,
    pub subtotals: Vec<String>,
    pub subtotal: String,
}

pub struct TargetRow {
    pub label: &'static str,
    pub values: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan_public.html")]
struct PublicPlanPage {
    p: Page,
    slug: String,
    plan: Option<PublicPlan>,
}

struct PublicPlan {
    title: String,
    version: i64,
    imported_at: i64,
    project_count: usize,
    years: Vec<i64>,
    dimensions: Vec<DimensionView>,
    totals: Vec<String>,
    total: String,
    targets: Vec<TargetRow>,
}

/// Groups a plan's projects by dimension and mission, in plan order, keeping missions
/// and dimensions the plan lists even if no project names them.
fn dimension_views(lang: Lang, plan: &Plan, years: &[i64]) -> (Vec<DimensionView>, Vec<i64>) {
    let mut dims: BTreeMap<u32, DimensionView> = BTreeMap::new();
    for d in &plan.dimensions {
        dims.insert(
            d.no,
            DimensionView {
                no: d.no,
                title: d.title.clone(),
                missions: d
                    .missions
                    .iter()
                    .map(|m| MissionView {
                        code: m.code.clone(),
                        title: m.title.clone(),
                        projects: Vec::new(),
                    })
                    .collect(),
                rows: Vec::new(),
                subtotals: Vec::new(),
                subtotal: String::new(),
            },
        );
    }
    let mut grand = vec![0i64; years.len()];
    let mut sums: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for p in &plan.projects {
        let dv = dims.entry(p.dimension).or_insert_with(|| DimensionView {
            no: p.dimension,
            title: String::new(),
            missions: Vec::new(),
            rows: Vec::new(),
            subtotals: Vec::new(),
            subtotal: String::new(),
        });
        let mission = match dv.missions.iter_mut().position(|m| m.code == p.mission) {
            Some(i) => &mut dv.missions[i],
            None => {
                dv.missions.push(MissionView {
                    code: p.mission.clone(),
                    title: String::new(),
                    projects: Vec::new(),
                });
                let last = dv.missions.len() - 1;
                &mut dv.missions[last]
            }
        };
        mission.projects.push(ProjectLink {
            no: p.no,
            name: p.name.clone(),
            kind: kind_label(lang, p.kind),
        });
        let amounts: Vec<i64> = years.iter().map(|y| budget_of(p, *y)).collect();
        let sum = sums
            .entry(p.dimension)
            .or_insert_with(|| vec![0; years.len()]);
        for (i, a) in amounts.iter().enumerate() {
            sum[i] += a;
            grand[i] += a;
        }
        dv.rows.push(BudgetRow {
            no: p.no,
            name: p.name.clone(),
            total: cell(amounts.iter().sum()),
            amounts: amounts.into_iter().map(cell).collect(),
        });
    }
    let mut out: Vec<DimensionView> = dims.into_values().collect();
    for d in &mut out {
        let s = sums.remove(&d.no).unwrap_or_else(|| vec![0; years.len()]);
        d.subtotal = baht(s.iter().sum());
        d.subtotals = s.into_iter().map(baht).collect();
    }
    (out, grand)
}

/// `GET /{org}/plan`: the current plan for everyone.
pub async fn public_plan(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut p = public_page(lang, &here, org, "plan.title");
    let mut conn = state.db.pool.acquire().await?;
    let plan = match plans::current(&mut conn, org.id).await? {
        None => None,
        Some(v) => {
            let plan = plans::plan(&mut conn, org.id, v.id)
                .await?
                .ok_or(Error::NotFound)?;
            let mut years: Vec<i64> = plan.fiscal_years.iter().map(|y| i64::from(*y)).collect();
            if years.is_empty() {
                years = plans::budgets(&mut conn, org.id, v.id)
                    .await?
                    .iter()
                    .map(|b| b.fiscal_year)
                    .collect();
                years.sort_unstable();
                years.dedup();
            }
            let (dimensions, grand) = dimension_views(lang, &plan, &years);
            let target_row = |label: &'static str, m: &BTreeMap<String, f64>| TargetRow {
                label,
                values: years
                    .iter()
                    .map(|y| {
                        m.get(&y.to_string())
                            .map_or_else(|| "-".to_string(), |v| num(*v))
                    })
                    .collect(),
            };
            let mut targets = Vec::new();
            if !plan.targets.ita_score.is_empty() {
                targets.push(target_row(
                    t(lang, "plan.target_ita"),
                    &plan.targets.ita_score,
                ));
            }
            if !plan.targets.corruption_case_reduction_percent.is_empty() {
                targets.push(target_row(
                    t(lang, "plan.target_cases"),
                    &plan.targets.corruption_case_reduction_percent,
                ));
            }
            p.title = format!(
                "{} · {}",
                t(lang, "plan.title"),
                p.org.as_ref().map(|o| o.name.as_str()).unwrap_or("")
            );
            Some(PublicPlan {
                title: plan.title.clone(),
                version: v.version,
                imported_at: v.imported_at,
                project_count: plan.projects.len(),
                years,
                dimensions,
                total: baht(grand.iter().sum()),
                totals: grand.into_iter().map(baht).collect(),
                targets,
            })
        }
    };
    let r = html_status(
        StatusCode::OK,
        &PublicPlanPage {
            p,
            slug: org.slug.clone(),
            plan,
        },
    )?;
    Ok(public_cache(r))
}

// ---- public: one project ------------------------------------------------------------------

pub struct KpiView {
    pub text: String,
    pub target: Option<String>,
}

#[derive(Template)]
#[template(path = "plan_project.html")]
struct ProjectPage {
    p: Page,
    slug: String,
    no: u32,
    name: String,
    kind: &'static str,
    dimension: String,
    mission: String,
    rationale: String,
    objectives: Vec<String>,
    target_group: String,
    steps: Vec<String>,
    period: String,
    budget: Vec<(i64, String)>,
    budget_total: String,
    responsible: String,
    division: Option<String>,
    outputs: Vec<KpiView>,
    outcomes: Vec<KpiView>,
    prev: Option<u32>,
    next: Option<u32>,
}

/// `GET /{org}/plan/projects/{no}`: the project's sheet, as the plan's Part 3 has it.
pub async fn public_project(
    State(state): State<AppState>,
    Path((slug, no)): Path<(String, String)>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let no: u32 = no.parse().map_err(|_| Error::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let v = plans::current(&mut conn, org.id)
        .await?
        .ok_or(Error::NotFound)?;
    let plan = plans::plan(&mut conn, org.id, v.id)
        .await?
        .ok_or(Error::NotFound)?;
    let i = plan
        .projects
        .iter()
        .position(|x| x.no == no)
        .ok_or(Error::NotFound)?;
    let pr = &plan.projects[i];
    let stored = plans::projects(&mut conn, org.id, v.id).await?;
    let division = stored
        .iter()
        .find(|x| x.no == i64::from(no))
        .and_then(|x| x.division_id)
        .and_then(|id| o.divisions.iter().find(|d| d.id == id))
        .map(|d| lang.pick(&d.name_th, &d.name_en).to_string());
    let dim = plan.dimensions.iter().find(|d| d.no == pr.dimension);
    let mission_title = dim
        .and_then(|d| d.missions.iter().find(|m| m.code == pr.mission))
        .map(|m| m.title.clone())
        .unwrap_or_default();
    let mut years: Vec<i64> = plan.fiscal_years.iter().map(|y| i64::from(*y)).collect();
    for y in pr.budget.keys().filter_map(|k| k.parse::<i64>().ok()) {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    let budget: Vec<(i64, String)> = years
        .iter()
        .map(|y| (*y, cell(budget_of(pr, *y))))
        .collect();
    let kpis = |list: &[prongsai_plan::Kpi]| -> Vec<KpiView> {
        list.iter()
            .map(|k| KpiView {
                text: k.text.clone(),
                target: k.target.as_ref().map(|tg| target_text(lang, tg)),
            })
            .collect()
    };
    let mut p = public_page(lang, &here, org, "plan.project_title");
    p.title = format!("{} {} · {}", t(lang, "plan.project_no"), no, pr.name);
    let page = ProjectPage {
        p,
        slug: org.slug.clone(),
        no,
        name: pr.name.clone(),
        kind: kind_label(lang, pr.kind),
        dimension: match dim {
            Some(d) => format!("{} {}", d.no, d.title),
            None => pr.dimension.to_string(),
        },
        mission: format!("{} {}", pr.mission, mission_title)
            .trim()
            .to_string(),
        rationale: pr.rationale.clone(),
        objectives: pr.objectives.clone(),
        target_group: pr.target_group.clone(),
        steps: pr.steps.clone(),
        period: pr.period.clone(),
        budget_total: cell(years.iter().map(|y| budget_of(pr, *y)).sum()),
        budget,
        responsible: pr.responsible.clone(),
        division,
        outputs: kpis(&pr.outputs),
        outcomes: kpis(&pr.outcomes),
        prev: i
            .checked_sub(1)
            .and_then(|j| plan.projects.get(j))
            .map(|x| x.no),
        next: plan.projects.get(i + 1).map(|x| x.no),
    };
    let r = html_status(StatusCode::OK, &page)?;
    Ok(public_cache(r))
}

// ---- staff ----------------------------------------------------------------------------------

pub struct VersionRow {
    pub v: PlanVersion,
}

pub struct FindingRow {
    pub code: String,
    pub project: Option<u32>,
    pub line: Option<usize>,
    pub message: String,
}

pub struct FindingGroup {
    /// `error`, `warning` or `info` (a CSS class).
    pub severity: &'static str,
    pub label: &'static str,
    pub items: Vec<FindingRow>,
}

pub struct Imported {
    pub version: i64,
    pub first: bool,
    pub lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan_staff.html")]
struct StaffPlanPage {
    p: Page,
    slug: String,
    can_manage: bool,
    current: Option<PlanVersion>,
    versions: Vec<VersionRow>,
    groups: Vec<FindingGroup>,
    imported: Option<Imported>,
    max_mb: usize,
}

#[derive(Deserialize)]
pub struct StaffPlanQuery {
    pub imported: Option<String>,
    pub error: Option<String>,
}

fn finding_groups(lang: Lang, findings: &[Finding]) -> Vec<FindingGroup> {
    [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|s| FindingGroup {
            severity: match s {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            },
            label: t(lang, severity_key(s)),
            items: findings
                .iter()
                .filter(|f| f.severity == s)
                .map(|f| FindingRow {
                    code: f.code.clone(),
                    project: f.project,
                    line: f.line,
                    message: match lang {
                        Lang::Th => f.message_th.clone(),
                        Lang::En => f.message_en.clone(),
                    },
                })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect()
}

async fn staff_page(
    state: &AppState,
    s: &StaffCtx,
    imported: Option<i64>,
    alert: Option<String>,
    status: StatusCode,
) -> Result<Response, Error> {
    let lang = s.lang;
    let mut conn = state.db.pool.acquire().await?;
    let versions = plans::versions(&mut conn, s.org.id).await?;
    let current = versions.iter().find(|v| v.is_current).cloned();
    let groups = match &current {
        Some(v) => finding_groups(lang, &plans::findings(&mut conn, s.org.id, v.id).await?),
        None => Vec::new(),
    };
    let imported = match imported {
        Some(n) => match plans::diff_with_previous(&mut conn, s.org.id, n).await? {
            Some(d) => {
                let first = n == 1;
                let lines = if first {
                    vec![tf(
                        lang,
                        "plan.diff.first",
                        &[("n", &d.projects_added.len().to_string())],
                    )]
                } else if d.is_empty() {
                    vec![t(lang, "plan.diff.none").to_string()]
                } else {
                    diff_lines(lang, &d)
                };
                Some(Imported {
                    version: n,
                    first,
                    lines,
                })
            }
            None => None,
        },
        None => None,
    };
    let mut p = s.page("plan.staff_title", "plan");
    if let Some(i) = &imported {
        p.notice = Some(tf(
            lang,
            "plan.imported",
            &[("version", &i.version.to_string())],
        ));
    }
    p.alert = alert;
    let page = StaffPlanPage {
        p,
        slug: s.org.slug.clone(),
        can_manage: s.may(prongsai_domain::Permission::ManagePlan),
        current,
        versions: versions.into_iter().map(|v| VersionRow { v }).collect(),
        groups,
        imported,
        max_mb: UPLOAD_MAX_BYTES / (1024 * 1024),
    };
    html_status(status, &page)
}

/// `GET /{org}/staff/plan`: every staff member may see the plan's versions and findings.
pub async fn staff_plan(
    State(state): State<AppState>,
    s: Staff<need::StaffArea>,
    Query(q): Query<StaffPlanQuery>,
) -> Result<Response, Error> {
    let lang = s.lang;
    let imported = q.imported.as_deref().and_then(|v| v.parse::<i64>().ok());
    let alert = match q.error.as_deref() {
        Some("no_file") => Some(t(lang, "plan.no_file").to_string()),
        _ => None,
    };
    staff_page(&state, &s, imported, alert, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /{org}/staff/plan`: a new version from an uploaded .txt or .docx (multipart,
/// at most 20 MB), for those who manage the plan. On success, back to the staff page
/// showing what changed.
pub async fn upload(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    req: Request,
) -> Result<Response, Error> {
    let lang = s.lang;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        // A form without a file (or a browser that sent none): check it, and ask again.
        let Form(f) = Form::<CsrfOnly>::from_request(req, &state).await?;
        csrf::check_session(s.csrf(), &f.csrf)?;
        return Ok(see_other(&format!("{}/plan?error=no_file", s.base())));
    }
    let mut mp = Multipart::from_request(req, &state)
        .await
        .map_err(|_| Error::BadRequest(key!("error.bad_request")))?;
    let mut token = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let too_large = || t(lang, "plan.too_large").to_string();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return staff_page(
                    &state,
                    &s,
                    None,
                    Some(too_large()),
                    StatusCode::PAYLOAD_TOO_LARGE,
                )
                .await;
            }
            Err(_) => return Err(Error::BadRequest(key!("error.bad_request"))),
        };
        match field.name() {
            Some("csrf") => {
                token = field
                    .text()
                    .await
                    .map_err(|_| Error::BadRequest(key!("error.bad_request")))?;
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return staff_page(
                            &state,
                            &s,
                            None,
                            Some(too_large()),
                            StatusCode::PAYLOAD_TOO_LARGE,
                        )
                        .await;
                    }
                    Err(_) => return Err(Error::BadRequest(key!("error.bad_request"))),
                };
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    csrf::check_session(s.csrf(), &token)?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(see_other(&format!("{}/plan?error=no_file", s.base())));
    };
    let base_name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let lower = base_name.to_lowercase();
    if !(lower.ends_with(".txt") || lower.ends_with(".docx")) {
        let alert = t(lang, "plan.bad_type").to_string();
        return staff_page(
            &state,
            &s,
            None,
            Some(alert),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if bytes.len() > UPLOAD_MAX_BYTES {
        return staff_page(
            &state,
            &s,
            None,
            Some(too_large()),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    }
    // Reading a plan is CPU work (a .docx is unzipped): keep it off the async threads.
    let parsed = tokio::task::spawn_blocking(move || {
        let outcome = prongsai_plan::parse_bytes(&bytes)?;
        let findings = prongsai_plan::lint(&outcome);
        Ok::<_, prongsai_plan::PlanError>((
            outcome,
            findings,
            prongsai_store::files::sha256_hex(&bytes),
        ))
    })
    .await
    .map_err(|e| Error::Internal(format!("plan reader task: {e}")))?;
    let (outcome, findings, sha) = match parsed {
        Ok(x) => x,
        Err(e) => {
            let msg = match lang {
                Lang::Th => e.message_th(),
                Lang::En => e.to_string(),
            };
            let alert = tf(lang, "plan.not_read", &[("why", &msg)]);
            return staff_page(
                &state,
                &s,
                None,
                Some(alert),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let (version, _) = plans::import(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        &base_name,
        &sha,
        &outcome,
        &findings,
        &s.actor(),
    )
    .await?;
    // The plan's Part 1 risks seed the risk register (new processes only).
    prongsai_store::risk::seed_from_plan(&mut tx, &state.keys.audit, s.org.id, &s.actor()).await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "{}/plan?imported={}",
        s.base(),
        version.version
    )))
}
