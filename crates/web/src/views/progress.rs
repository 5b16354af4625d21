//! Yearly progress of the plan's projects (ผลการดำเนินงาน): the list for a fiscal year,
//! the page of one project and year (status, reason, steps with dates, money, KPI
//! results, problems, notes, evidence), the officer's "send to the head", and the head's
//! approve / return.
//!
//! Who may do what: officers and heads edit the projects of **their own division**
//! (`plan_projects.division_id`; another division's project is 403); the head of that
//! division approves or returns; everyone with `ViewProgress` reads. Rule breaks (a
//! missing reason, progress waiting for approval) come back to the page as a message.

use std::collections::HashMap;

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prongsai_domain::progress::{
    ApprovalAction, ApprovalState, KpiOp, NotDoneReason, ProgressStatus, check_status, format_baht,
    parse_baht,
};
use prongsai_domain::{FiscalYear, Permission, thai};
use prongsai_store::StoreError;
use prongsai_store::plans::{self, PlanProject};
use prongsai_store::progress::{self, Evidence, KpiEntry, ProgressInput, StepTick};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::{Page, url_encode};
use crate::views::{Form, html};

/// The largest evidence upload the route accepts (the store limits each type further).
pub const EVIDENCE_BODY_LIMIT: usize = 21 * 1024 * 1024;

/// A fiscal year from the path or query (Thai digits accepted); a bad one is 404.
pub fn parse_year(s: &str) -> Result<FiscalYear, Error> {
    s.parse::<FiscalYear>().map_err(|_| Error::NotFound)
}

/// A status's label in a language.
pub fn status_label(lang: Lang, s: ProgressStatus) -> &'static str {
    lang.pick(s.label_th(), s.label_en())
}

pub fn approval_label(lang: Lang, s: ApprovalState) -> &'static str {
    lang.pick(s.label_th(), s.label_en())
}

/// The message for a `?err=` code after a refused change.
fn err_key(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "reason" => key!("progress.err_reason"),
        "reason_text" => key!("progress.err_reason_text"),
        "reason_not_allowed" => key!("progress.err_reason_not_allowed"),
        "locked" => key!("progress.err_locked"),
        "state" => key!("progress.err_state"),
        "money" => key!("progress.err_money"),
        "number" => key!("progress.err_number"),
        "date" => key!("progress.err_date"),
        "comment" => key!("progress.err_comment"),
        "file" => key!("progress.err_file"),
        "link" => key!("progress.err_link"),
        "empty" => key!("progress.err_empty"),
        "too_long" => key!("progress.err_too_long"),
        _ => return None,
    })
}

fn ok_key(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "saved" => key!("common.saved"),
        "submitted" => key!("progress.ok_submitted"),
        "approved" => key!("progress.ok_approved"),
        "returned" => key!("progress.ok_returned"),
        "evidence" => key!("progress.ok_evidence"),
        _ => return None,
    })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub year: Option<String>,
    pub all: Option<String>,
}

pub struct ListRow {
    pub key: i64,
    pub no: i64,
    pub name: String,
    pub mission: String,
    pub division: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub approval: &'static str,
    pub approval_code: &'static str,
    pub planned: String,
    pub disbursed: String,
}

#[derive(Template)]
#[template(path = "staff/progress.html")]
struct ListPage {
    p: Page,
    year: i64,
    years: Vec<i64>,
    rows: Vec<ListRow>,
    has_plan: bool,
    /// Filtered to the viewer's division (officers and heads), with a link to all.
    filtered: bool,
    all: bool,
}

/// The division of the signed-in officer or head (None for the others).
fn own_division(s: &StaffCtx) -> Option<i64> {
    s.membership.division_id
}

/// Whether the signed-in person may edit this project's progress: an officer or head
/// of the project's division.
fn may_edit(s: &StaffCtx, pp: &PlanProject) -> bool {
    s.may(Permission::EditOwnDivision)
        && pp.division_id.is_some()
        && pp.division_id == own_division(s)
}

/// Whether the signed-in person may approve it: the head of the project's division.
fn may_approve(s: &StaffCtx, pp: &PlanProject) -> bool {
    s.may(Permission::ApproveDivision)
        && pp.division_id.is_some()
        && pp.division_id == own_division(s)
}

/// `GET /{org}/staff/progress?year=2567`
pub async fn list(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let year = match q.year.as_deref().filter(|y| !y.trim().is_empty()) {
        Some(y) => parse_year(y)?,
        None => FiscalYear::current(),
    };
    let all = crate::views::checked(&q.all);
    let mut conn = state.db.pool.acquire().await?;
    let divisions: HashMap<i64, String> = prongsai_store::orgs::divisions(&mut conn, s.org.id)
        .await?
        .into_iter()
        .map(|d| (d.id, s.lang.pick(&d.name_th, &d.name_en).to_string()))
        .collect();
    let filtered = !s.may(Permission::ViewAllWork) && own_division(&s).is_some();
    let mut rows = Vec::new();
    let mut years = Vec::new();
    let current = plans::current(&mut conn, s.org.id).await?;
    if let Some(v) = &current {
        years = (v.first_year..=v.last_year).filter(|y| *y > 0).collect();
        let budgets: HashMap<i64, i64> = plans::budgets(&mut conn, s.org.id, v.id)
            .await?
            .into_iter()
            .filter(|b| b.fiscal_year == i64::from(year.be()))
            .map(|b| (b.project_no, b.amount))
            .collect();
        let progress: HashMap<i64, progress::Progress> =
            progress::list_year(&mut conn, s.org.id, i64::from(year.be()))
                .await?
                .into_iter()
                .map(|p| (p.project_key, p))
                .collect();
        for pp in plans::projects(&mut conn, s.org.id, v.id).await? {
            if filtered && !all && pp.division_id != own_division(&s) {
                continue;
            }
            let pr = progress.get(&pp.project_key);
            let status = pr.map(|p| p.input.status).unwrap_or_default();
            let approval = pr.map(|p| p.approval).unwrap_or_default();
            rows.push(ListRow {
                key: pp.project_key,
                no: pp.no,
                mission: pp.mission.clone(),
                division: pp
                    .division_id
                    .and_then(|d| divisions.get(&d).cloned())
                    .unwrap_or_else(|| pp.responsible.clone()),
                status: status_label(s.lang, status),
                status_code: status.code(),
                approval: approval_label(s.lang, approval),
                approval_code: approval.code(),
                planned: format_baht(budgets.get(&pp.no).copied().unwrap_or(0) * 100),
                disbursed: pr
                    .and_then(|p| p.input.disbursed_satang)
                    .map(format_baht)
                    .unwrap_or_else(|| "-".into()),
                name: pp.name,
            });
        }
    }
    if !years.contains(&i64::from(year.be())) {
        years.push(i64::from(year.be()));
        years.sort_unstable();
    }
    let page = ListPage {
        p: s.page("progress.title", "progress"),
        year: i64::from(year.be()),
        years,
        rows,
        has_plan: current.is_some(),
        filtered,
        all,
    };
    html(&page)
}

pub struct StepRow {
    pub seq: i64,
    pub text: String,
    pub done: bool,
    pub done_on: String,
}

pub struct KpiRow {
    /// Form field suffix: `output_1`.
    pub id: String,
    pub kind_label: &'static str,
    pub text: String,
    pub target: String,
    pub needs_baseline: bool,
    pub actual: String,
    pub baseline: String,
    /// "achieved", "not_achieved" or "" (cannot be judged yet).
    pub result_code: &'static str,
    pub result: &'static str,
}

pub struct EvidenceRow {
    pub e: Evidence,
    pub added: String,
    pub size: String,
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff/progress_edit.html")]
struct EditPage {
    p: Page,
    base: String,
    year: i64,
    key: i64,
    no: i64,
    name: String,
    mission: String,
    responsible: String,
    division: String,
    planned: String,
    statuses: Vec<Choice>,
    reasons: Vec<Choice>,
    reason_text: String,
    dev_plan: String,
    ordinance: String,
    disbursed: String,
    problems: String,
    notes: String,
    steps: Vec<StepRow>,
    kpis: Vec<KpiRow>,
    evidence: Vec<EvidenceRow>,
    approval: &'static str,
    approval_code: &'static str,
    approval_comment: String,
    updated: String,
    decided: String,
    can_edit: bool,
    can_submit: bool,
    can_approve: bool,
}

fn money_text(v: Option<i64>) -> String {
    v.map(format_baht).unwrap_or_default()
}

fn number_text(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        Some(v) => format!("{v}"),
    }
}

/// A KPI target as the plan pages write it (one wording everywhere: "ไม่น้อยกว่า
/// ร้อยละ 80", "อย่างน้อย 3 ช่องทาง").
fn target_text(lang: Lang, op: Option<&str>, value: Option<f64>, unit: Option<&str>) -> String {
    use prongsai_plan::Op;
    let Some(op) = op.and_then(KpiOp::from_code) else {
        return String::new();
    };
    let op = match op {
        KpiOp::AtLeast => Op::Ge,
        KpiOp::AtMost => Op::Le,
        KpiOp::Exactly => Op::Eq,
        KpiOp::Decrease => Op::Decrease,
        KpiOp::Increase => Op::Increase,
    };
    crate::views::plan::target_text(
        lang,
        &prongsai_plan::KpiTarget {
            op,
            value,
            unit: unit.map(str::to_string),
        },
    )
}

/// The project with `key` in the current plan, or 404.
async fn project(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    key: i64,
) -> Result<(plans::PlanVersion, PlanProject, prongsai_plan::Project), Error> {
    progress::plan_project(conn, org_id, key)
        .await?
        .ok_or(Error::NotFound)
}

fn parse_key(s: &str) -> Result<i64, Error> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|k| *k > 0)
        .ok_or(Error::NotFound)
}

/// `GET /{org}/staff/progress/{project_key}/{year}`
pub async fn page(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, key, year)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Error> {
    let key = parse_key(&key)?;
    let fy = parse_year(&year)?;
    let y = i64::from(fy.be());
    let mut conn = state.db.pool.acquire().await?;
    let (v, pp, detail) = project(&mut conn, s.org.id, key).await?;
    let pr = progress::get(&mut conn, s.org.id, key, y).await?;
    let planned = plans::budgets(&mut conn, s.org.id, v.id)
        .await?
        .into_iter()
        .find(|b| b.project_no == pp.no && b.fiscal_year == y)
        .map_or(0, |b| b.amount);
    let division = match pp.division_id {
        Some(d) => prongsai_store::orgs::division(&mut conn, s.org.id, d)
            .await?
            .map(|d| s.lang.pick(&d.name_th, &d.name_en).to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    let kpis = plans::kpis(&mut conn, s.org.id, v.id)
        .await?
        .into_iter()
        .filter(|k| k.project_no == pp.no);
    let kpis = kpis
        .map(|k| {
            let entry = pr
                .input
                .kpis
                .iter()
                .find(|e| e.kind == k.kind && e.seq == k.seq);
            let op = k.op.as_deref().and_then(KpiOp::from_code);
            let target = op.map(|op| prongsai_domain::progress::KpiTarget {
                op,
                value: k.value,
                unit: k.unit.clone(),
            });
            let achieved = target.as_ref().and_then(|t| {
                t.achieved(entry.and_then(|e| e.actual), entry.and_then(|e| e.baseline))
            });
            KpiRow {
                id: format!("{}_{}", k.kind, k.seq),
                kind_label: if k.kind == "output" {
                    t(s.lang, "progress.output")
                } else {
                    t(s.lang, "progress.outcome")
                },
                target: target_text(s.lang, k.op.as_deref(), k.value, k.unit.as_deref()),
                needs_baseline: op.is_some_and(KpiOp::needs_baseline),
                actual: number_text(entry.and_then(|e| e.actual)),
                baseline: number_text(entry.and_then(|e| e.baseline)),
                result_code: match achieved {
                    Some(true) => "achieved",
                    Some(false) => "not_achieved",
                    None => "",
                },
                result: match achieved {
                    Some(true) => t(s.lang, "progress.achieved"),
                    Some(false) => t(s.lang, "progress.not_achieved"),
                    None => t(s.lang, "progress.not_judged"),
                },
                text: k.text,
            }
        })
        .collect();
    let steps = detail
        .steps
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let seq = i as i64 + 1;
            let tick = pr.input.steps.iter().find(|s| s.seq == seq);
            StepRow {
                seq,
                text: text.clone(),
                done: tick.is_some_and(|t| t.done),
                done_on: tick.and_then(|t| t.done_on.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let evidence = progress::evidence(&mut conn, s.org.id, key, y)
        .await?
        .into_iter()
        .map(|e| EvidenceRow {
            added: format!(
                "{} · {}",
                s.page("progress.title", "").datetime(&e.added_at),
                e.added_by_name
            ),
            size: if e.size_bytes > 0 {
                format!("{:.1} KB", e.size_bytes as f64 / 1024.0)
            } else {
                String::new()
            },
            e,
        })
        .collect();
    let editable = may_edit(&s, &pp) && pr.approval.is_editable();
    let mut p = s.page("progress.edit_title", "progress");
    p.title = format!(
        "{} {} · {}",
        t(s.lang, "progress.edit_title"),
        pp.no,
        fy.be()
    );
    p.notice = ok_key(q.get("ok").map(String::as_str)).map(|k| t(s.lang, k).to_string());
    p.alert = err_key(q.get("err").map(String::as_str)).map(|k| t(s.lang, k).to_string());
    let stamp = |who: &str, at: i64| {
        if at > 0 {
            format!("{} · {who}", p.datetime(&at))
        } else {
            String::new()
        }
    };
    let updated = stamp(&pr.updated_by, pr.updated_at);
    let decided = stamp(&pr.decided_by, pr.decided_at);
    let page = EditPage {
        base: s.base(),
        year: y,
        key,
        no: pp.no,
        name: pp.name.clone(),
        mission: pp.mission.clone(),
        responsible: pp.responsible.clone(),
        division,
        planned: format_baht(planned * 100),
        statuses: ProgressStatus::ALL
            .into_iter()
            .map(|v| Choice {
                code: v.code(),
                label: status_label(s.lang, v),
                selected: v == pr.input.status,
            })
            .collect(),
        reasons: NotDoneReason::ALL
            .into_iter()
            .map(|v| Choice {
                code: v.code(),
                label: s.lang.pick(v.label_th(), v.label_en()),
                selected: Some(v) == pr.input.reason,
            })
            .collect(),
        reason_text: pr.input.reason_text.clone(),
        dev_plan: money_text(pr.input.dev_plan_satang),
        ordinance: money_text(pr.input.ordinance_satang),
        disbursed: money_text(pr.input.disbursed_satang),
        problems: pr.input.problems.clone(),
        notes: pr.input.notes.clone(),
        steps,
        kpis,
        evidence,
        approval: approval_label(s.lang, pr.approval),
        approval_code: pr.approval.code(),
        approval_comment: pr.approval_comment.clone(),
        updated,
        decided,
        can_edit: editable,
        can_submit: editable && pr.approval.after(ApprovalAction::Submit).is_ok() && pr.exists,
        can_approve: may_approve(&s, &pp) && pr.approval == ApprovalState::SubmittedForApproval,
        p,
    };
    html(&page)
}

fn back(s: &StaffCtx, key: i64, year: i64, query: &str) -> Response {
    see_other(&format!("{}/progress/{key}/{year}?{query}", s.base()))
}

/// Reads the edit form into an input, or the `?err=` code of the first problem.
fn read_form(f: &HashMap<String, String>, steps: usize) -> Result<ProgressInput, &'static str> {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("").trim();
    let status: ProgressStatus = get("status").parse().unwrap_or_default();
    let reason = match get("reason") {
        "" => None,
        r => Some(r.parse::<NotDoneReason>().map_err(|_| "reason")?),
    };
    // A reason left selected while the status changed is dropped, not an error.
    let reason = if status == ProgressStatus::CouldNotBeDone {
        reason
    } else {
        None
    };
    let reason_text = if status == ProgressStatus::CouldNotBeDone {
        get("reason_text").to_string()
    } else {
        String::new()
    };
    check_status(status, reason, &reason_text).map_err(|e| match e {
        prongsai_domain::progress::ProgressError::ReasonMissing => "reason",
        prongsai_domain::progress::ProgressError::ReasonTextMissing => "reason_text",
        _ => "reason_not_allowed",
    })?;
    let money = |k: &str| parse_baht(get(k)).map_err(|_| "money");
    let number = |k: &str| -> Result<Option<f64>, &'static str> {
        match get(k) {
            "" => Ok(None),
            v => thai::parse_decimal(v).map(Some).map_err(|_| "number"),
        }
    };
    let mut step_ticks = Vec::new();
    for seq in 1..=steps as i64 {
        let done = crate::views::checked(&f.get(&format!("step_done_{seq}")).cloned());
        let on = get(&format!("step_on_{seq}"));
        let done_on = if on.is_empty() {
            None
        } else {
            Some(crate::views::date_field(on).ok_or("date")?)
        };
        if done || done_on.is_some() {
            step_ticks.push(StepTick {
                seq,
                done: done || done_on.is_some(),
                done_on,
            });
        }
    }
    let mut kpis = Vec::new();
    for (k, _) in f.iter().filter(|(k, _)| k.starts_with("kpi_actual_")) {
        let id = &k["kpi_actual_".len()..];
        let Some((kind, seq)) = id.rsplit_once('_') else {
            continue;
        };
        let Ok(seq) = seq.parse::<i64>() else {
            continue;
        };
        if kind != "output" && kind != "outcome" {
            continue;
        }
        let actual = number(k)?;
        let baseline = number(&format!("kpi_base_{id}"))?;
        if actual.is_some() || baseline.is_some() {
            kpis.push(KpiEntry {
                kind: kind.to_string(),
                seq,
                actual,
                baseline,
            });
        }
    }
    kpis.sort_by_key(|k| (k.kind != "output", k.seq));
    let input = ProgressInput {
        status,
        reason,
        reason_text,
        dev_plan_satang: money("dev_plan")?,
        ordinance_satang: money("ordinance")?,
        disbursed_satang: money("disbursed")?,
        problems: get("problems").to_string(),
        notes: get("notes").to_string(),
        steps: step_ticks,
        kpis,
    };
    if [&input.reason_text, &input.problems, &input.notes]
        .iter()
        .any(|t| t.chars().count() > progress::MAX_TEXT)
    {
        return Err("too_long");
    }
    Ok(input)
}

/// The `?err=` code for a refused store call (anything else is a real error).
fn refused(e: StoreError) -> Result<&'static str, Error> {
    match e {
        StoreError::Invalid(msg) => Ok(if msg.contains("waiting for the division head") {
            "locked"
        } else if msg.contains("comment") {
            "comment"
        } else if msg.contains("link") {
            "link"
        } else if msg.contains("file")
            || msg.contains("JPEG")
            || msg.contains("large")
            || msg.contains("empty")
        {
            "file"
        } else {
            "state"
        }),
        other => Err(other.into()),
    }
}

/// `POST /{org}/staff/progress/{project_key}/{year}`: save the form.
pub async fn save(
    State(state): State<AppState>,
    s: Staff<need::EditOwnDivision>,
    Path((_, key, year)): Path<(String, String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), f.get("csrf").map(String::as_str).unwrap_or(""))?;
    let key = parse_key(&key)?;
    let y = i64::from(parse_year(&year)?.be());
    let mut conn = state.db.pool.acquire().await?;
    let (_, pp, detail) = project(&mut conn, s.org.id, key).await?;
    if !may_edit(&s, &pp) {
        return Err(Error::Forbidden);
    }
    let input = match read_form(&f, detail.steps.len()) {
        Ok(i) => i,
        Err(code) => return Ok(back(&s, key, y, &format!("err={code}"))),
    };
    match progress::save(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        key,
        y,
        &input,
        &s.actor(),
    )
    .await
    {
        Ok(_) => Ok(back(&s, key, y, "ok=saved")),
        Err(e) => Ok(back(&s, key, y, &format!("err={}", refused(e)?))),
    }
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    comment: String,
}

async fn decide(
    state: &AppState,
    s: &StaffCtx,
    key: &str,
    year: &str,
    f: &DecisionForm,
    action: ApprovalAction,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let key = parse_key(key)?;
    let y = i64::from(parse_year(year)?.be());
    let mut conn = state.db.pool.acquire().await?;
    let (_, pp, _) = project(&mut conn, s.org.id, key).await?;
    let allowed = match action {
        ApprovalAction::Approve | ApprovalAction::Return => may_approve(s, &pp),
        ApprovalAction::Submit | ApprovalAction::Edit => may_edit(s, &pp),
    };
    if !allowed {
        return Err(Error::Forbidden);
    }
    let ok = match action {
        ApprovalAction::Approve => "ok=approved",
        ApprovalAction::Return => "ok=returned",
        _ => "ok=submitted",
    };
    match progress::decide(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        key,
        y,
        action,
        &f.comment,
        &s.actor(),
    )
    .await
    {
        Ok(_) => Ok(back(s, key, y, ok)),
        Err(e) => Ok(back(s, key, y, &format!("err={}", refused(e)?))),
    }
}

/// `POST …/submit`: the officer sends the progress to the division head.
pub async fn submit(
    State(state): State<AppState>,
    s: Staff<need::EditOwnDivision>,
    Path((_, key, year)): Path<(String, String, String)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, Error> {
    decide(&state, &s, &key, &year, &f, ApprovalAction::Submit).await
}

/// `POST …/approve`: the division head approves.
pub async fn approve(
    State(state): State<AppState>,
    s: Staff<need::ApproveDivision>,
    Path((_, key, year)): Path<(String, String, String)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, Error> {
    decide(&state, &s, &key, &year, &f, ApprovalAction::Approve).await
}

/// `POST …/return`: the division head sends it back with a comment.
pub async fn return_(
    State(state): State<AppState>,
    s: Staff<need::ApproveDivision>,
    Path((_, key, year)): Path<(String, String, String)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, Error> {
    decide(&state, &s, &key, &year, &f, ApprovalAction::Return).await
}

/// What the evidence form sent: a file (multipart) and/or a link.
#[derive(Default)]
struct EvidenceForm {
    csrf: String,
    caption: String,
    link: String,
    file: Option<(String, Vec<u8>)>,
}

async fn read_evidence_form(req: Request, state: &AppState) -> Result<EvidenceForm, Error> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        let Form(f) = Form::<HashMap<String, String>>::from_request(req, state).await?;
        return Ok(EvidenceForm {
            csrf: f.get("csrf").cloned().unwrap_or_default(),
            caption: f.get("caption").cloned().unwrap_or_default(),
            link: f.get("link").cloned().unwrap_or_default(),
            file: None,
        });
    }
    let mut mp = Multipart::from_request(req, state)
        .await
        .map_err(|_| Error::BadRequest(key!("error.bad_request")))?;
    let mut out = EvidenceForm::default();
    let too_large =
        |e: axum::extract::multipart::MultipartError| crate::views::body_error(e.status());
    while let Some(field) = mp.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(too_large)?;
                if !bytes.is_empty() {
                    out.file = Some((file_name, bytes.to_vec()));
                }
            }
            "csrf" | "caption" | "link" => {
                let v = field.text().await.map_err(too_large)?;
                match name.as_str() {
                    "csrf" => out.csrf = v,
                    "caption" => out.caption = v,
                    _ => out.link = v,
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `POST …/evidence`: a file or photo (multipart, with the CSRF field) or a link.
pub async fn add_evidence(
    State(state): State<AppState>,
    s: Staff<need::EditOwnDivision>,
    Path((_, key, year)): Path<(String, String, String)>,
    req: Request,
) -> Result<Response, Error> {
    let f = read_evidence_form(req, &state).await?;
    csrf::check_session(s.csrf(), &f.csrf)?;
    let key = parse_key(&key)?;
    let y = i64::from(parse_year(&year)?.be());
    let mut conn = state.db.pool.acquire().await?;
    let (_, pp, _) = project(&mut conn, s.org.id, key).await?;
    if !may_edit(&s, &pp) {
        return Err(Error::Forbidden);
    }
    let actor = s.actor();
    let result = match (&f.file, f.link.trim()) {
        (Some((name, bytes)), _) => {
            progress::add_file(
                &mut conn,
                state.blobs.as_ref(),
                &state.keys.audit,
                s.org.id,
                key,
                y,
                name,
                bytes,
                &f.caption,
                &actor,
            )
            .await
        }
        (None, "") => return Ok(back(&s, key, y, "err=empty")),
        (None, link) => {
            progress::add_link(
                &mut conn,
                &state.keys.audit,
                s.org.id,
                key,
                y,
                link,
                &f.caption,
                &actor,
            )
            .await
        }
    };
    match result {
        Ok(_) => Ok(back(&s, key, y, "ok=evidence")),
        Err(e) => Ok(back(&s, key, y, &format!("err={}", refused(e)?))),
    }
}

/// `GET …/evidence/{evidence_id}`: the file, as an attachment.
pub async fn evidence_file(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, key, year, id)): Path<(String, String, String, String)>,
) -> Result<Response, Error> {
    let key = parse_key(&key)?;
    let y = i64::from(parse_year(&year)?.be());
    let id = parse_key(&id)?;
    let mut conn = state.db.pool.acquire().await?;
    let (e, file) = progress::evidence_item(&mut conn, s.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    if e.project_key != key || e.fiscal_year != y {
        return Err(Error::NotFound);
    }
    let file = file.ok_or(Error::NotFound)?;
    let blobs = state.blobs.clone();
    let storage_key = file.storage_key.clone();
    let bytes = tokio::task::spawn_blocking(move || blobs.get(&storage_key))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(download(bytes, &file.content_type, &file.original_name))
}

/// A download response: the type, an attachment name (ASCII fallback + UTF-8), no caching.
pub fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    let mut r = Response::new(Body::from(bytes));
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        url_encode(name).replace('/', "%2F")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.into_response()
}
